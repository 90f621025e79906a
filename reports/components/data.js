// Small helpers to read the loaders' JSON in pages. They select and reshape; they compute
// no figure (every figure comes computed from the warehouse).

/** A column table ({colonnes, lignes}) as an array of row objects. */
export function rowsOf(table) {
  const {colonnes, lignes} = table;
  return lignes.map((l) => Object.fromEntries(colonnes.map((c, i) => [c, l[i]])));
}

/** The rows of one scope: a sector code, or null for the whole landlord. */
export const ofScope = (rows, secteur) => rows.filter((r) => r.secteur === (secteur ?? null));

/** The year rows of figures-annuelles.json for one scope, oldest first. */
export function yearsOf(annual, secteur = null) {
  return ofScope(annual.lignes, secteur).sort((a, b) => a.annee - b.annee);
}

/** A year is complete when its as-of date is 31 December. */
export const isCompleteYear = (r) => r.date_arrete.endsWith("-12-31");

/** The latest complete year (or the latest year when none is complete yet). */
export function lastCompleteYear(annual) {
  const years = yearsOf(annual);
  return [...years].reverse().find(isCompleteYear)?.annee ?? years.at(-1)?.annee ?? null;
}

/** The figures record of a year and scope, or null. */
export function yearRecord(annual, annee, secteur = null) {
  return annual.lignes.find((r) => r.annee === annee && r.secteur === (secteur ?? null)) ?? null;
}

/** Every definition (etl/models/metrics/FIGURES.md and complementary) by key. */
export function definitionsByKey(definitions) {
  return new Map([...definitions.figures, ...definitions.complementaires].map((d) => [d.cle, d]));
}

/** Sector label from secteurs.json. */
export function sectorLabel(sectors, code) {
  if (code == null) return "Ensemble du bailleur";
  return sectors.find((s) => s.code_secteur === code)?.libelle_secteur ?? code;
}

/**
 * The changes over one year (variations.json) indexed for lookup: changes(date, secteur, cle)
 * gives {variation, valeur_un_an_avant, date_un_an_avant} or null when none was computed.
 */
export function changesOf(table) {
  const index = new Map(rowsOf(table).map((r) => [`${r.date_arrete}|${r.secteur ?? ""}|${r.cle}`, r]));
  return (date, secteur, cle) => index.get(`${date}|${secteur ?? ""}|${cle}`) ?? null;
}

/**
 * A change over one year that compares two complete twelve-month windows (FIGURES.md,
 * "Complete windows"; fenetres_completes comes computed with it), else null: a change against a
 * window with less than twelve months of data is not shown as a change.
 */
export const comparableChange = (c) => (c && c.fenetres_completes !== false ? c : null);

/** Whether a figures record (a year, a month) covers a whole twelve-month window. */
export const hasCompleteWindow = (r) => r?.fenetre_complete !== false;
