// Okabe–Ito colours: told apart by people with the common colour-vision deficiencies.
// Series also differ by marker or dash where they share a chart.
export const COLORS = {
  bleu: "#0072B2",
  orange: "#E69F00",
  vermillon: "#D55E00",
  vert: "#009E73",
  ciel: "#56B4E9",
  pourpre: "#CC79A7",
  jaune: "#F0E442",
  noir: "#000000",
  gris: "#767676"
};

/** Categorical order for up to seven series (yellow last: weak on white). */
export const SERIES = [COLORS.bleu, COLORS.orange, COLORS.vert, COLORS.vermillon, COLORS.pourpre, COLORS.ciel, COLORS.noir];

/** The energy-price period marked on the trend charts (charges regularised in 2022–2023). */
export const ENERGY_PERIOD = {debut: "2022-01-01", fin: "2023-12-31", libelle: "Hausse des prix de l'énergie (2022–2023)"};

/**
 * Months whose twelve-month window starts before the data (fenetre_complete false, etl/models/metrics/FIGURES.md
 * "Complete windows"): shaded, labelled, and drawn apart from the comparable trend.
 */
export const INCOMPLETE_WINDOW = {libelle: "fenêtre incomplète : moins de douze mois de données", fond: "#ececec", trait: "#6b6b6b"};
