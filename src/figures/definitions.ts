/**
 * The French label and definition of every figure of etl/models/metrics/FIGURES.md, shown next to
 * each figure (CLI table, site, API). The computation itself lives in
 * etl/models/metrics/figures_per_date_and_sector.sql, and only there.
 */

import type { FigureUnit } from "../../reports/components/format.ts";

export type { FigureUnit };
/** The short label that goes with a value (reports/components/format.ts, shared with the pages). */
export { shortLabelFor } from "../../reports/components/format.ts";

export interface FigureDefinition {
  cle: string;
  libelle: string;
  /** Short label for a sentence: "12 449 relances". */
  libelle_court: string;
  /** The same in the singular, for 0 and 1 as French writes them: "1 relance". */
  libelle_court_singulier?: string;
  unite: FigureUnit;
  definition: string;
}

const W = "sur les douze mois qui finissent à la date d'arrêté";
const YTD = "dans l'année civile de la date d'arrêté, jusqu'à cette date (actions annulées exclues)";

export const FIGURES: readonly FigureDefinition[] = [
  {
    cle: "quittancement",
    libelle: "Quittancement",
    libelle_court: "de quittancement",
    unite: "euros",
    definition: `Somme (débit − crédit) des écritures de facturation (loyer, charges, régularisations, SLS, RLS) passées ${W}, tous baux.`,
  },
  {
    cle: "encaissements",
    libelle: "Encaissements",
    libelle_court: "encaissés",
    unite: "euros",
    definition: `Somme (crédit − débit) des règlements, rejets de paiement et APL passés ${W}.`,
  },
  {
    cle: "dette_presents",
    libelle: "Dette des locataires présents",
    libelle_court: "de dette des présents",
    unite: "euros",
    definition:
      "Somme, sur les baux présents à la date d'arrêté, du solde débiteur (solde positif seulement : un solde créditeur ne compense jamais la dette d'un autre locataire).",
  },
  {
    cle: "dette_partis",
    libelle: "Dette des locataires partis",
    libelle_court: "de dette des partis",
    unite: "euros",
    definition: "Même somme sur les baux dont la date de sortie est antérieure ou égale à la date d'arrêté.",
  },
  {
    cle: "dette_moins_3_mois",
    libelle: "Dette de moins de 3 mois",
    libelle_court: "de dette de moins de 3 mois",
    unite: "euros",
    definition:
      "Part de la dette des présents couverte par les débits de 0 à 90 jours, en remontant des débits les plus récents aux plus anciens.",
  },
  {
    cle: "dette_3_12_mois",
    libelle: "Dette de 3 à 12 mois",
    libelle_court: "de dette de 3 à 12 mois",
    unite: "euros",
    definition: "Part de la dette des présents couverte par les débits de 91 à 365 jours.",
  },
  {
    cle: "dette_plus_12_mois",
    libelle: "Dette de plus de 12 mois",
    libelle_court: "de dette de plus de 12 mois",
    unite: "euros",
    definition:
      "Part de la dette des présents couverte par les débits de 366 jours et plus. Les trois tranches font la dette des présents.",
  },
  {
    cle: "taux_impayes",
    libelle: "Taux d'impayés",
    libelle_court: "de taux d'impayés",
    unite: "taux",
    definition:
      "Dette des locataires présents / quittancement des douze mois : le taux d'impayés de référence. Vide si le quittancement est nul.",
  },
  {
    cle: "taux_impayes_global",
    libelle: "Taux d'impayés global",
    libelle_court: "de taux d'impayés global",
    unite: "taux",
    definition: "(Dette des présents + dette des partis) / quittancement des douze mois.",
  },
  {
    cle: "taux_recouvrement",
    libelle: "Taux de recouvrement",
    libelle_court: "de taux de recouvrement",
    unite: "taux",
    definition: "Encaissements / quittancement des douze mois.",
  },
  {
    cle: "part_emploi_stable",
    libelle: "Part des entrants en emploi stable",
    libelle_court: "des nouveaux entrants en emploi stable",
    unite: "taux",
    definition: "Parmi les nouveaux entrants dont la situation d'emploi à l'entrée est connue, part en CDI ou fonctionnaires.",
  },
  {
    cle: "menages_presents",
    libelle: "Ménages présents",
    libelle_court: "ménages présents",
    libelle_court_singulier: "ménage présent",
    unite: "nombre",
    definition: "Baux dont la date d'entrée est antérieure ou égale à la date d'arrêté et sans sortie à cette date.",
  },
  {
    cle: "menages_en_dette",
    libelle: "Ménages en dette",
    libelle_court: "ménages en dette",
    libelle_court_singulier: "ménage en dette",
    unite: "nombre",
    definition: "Baux présents dont le solde à la date d'arrêté est positif.",
  },
  {
    cle: "menages_dette_3_mois",
    libelle: "Ménages en dette de 3 mois ou plus",
    libelle_court: "ménages en dette de 3 mois ou plus",
    libelle_court_singulier: "ménage en dette de 3 mois ou plus",
    unite: "nombre",
    definition: "Baux présents dont le solde atteint au moins trois fois le loyer et les charges mensuels actuels.",
  },
  {
    cle: "nouveaux_entrants",
    libelle: "Nouveaux entrants",
    libelle_court: "nouveaux entrants",
    libelle_court_singulier: "nouvel entrant",
    unite: "nombre",
    definition: "Baux dont la date d'entrée tombe dans l'année civile de la date d'arrêté, jusqu'à cette date.",
  },
  {
    cle: "relances",
    libelle: "Relances",
    libelle_court: "relances",
    libelle_court_singulier: "relance",
    unite: "nombre",
    definition: `Lettres de relance, relances en recommandé, SMS, appels et mises en demeure, ${YTD}.`,
  },
  {
    cle: "visites_domicile",
    libelle: "Visites à domicile",
    libelle_court: "visites à domicile",
    libelle_court_singulier: "visite à domicile",
    unite: "nombre",
    definition: `Visites à domicile par une conseillère sociale, ${YTD}.`,
  },
  {
    cle: "signalements_caf",
    libelle: "Signalements à la CAF",
    libelle_court: "signalements à la CAF",
    libelle_court_singulier: "signalement à la CAF",
    unite: "nombre",
    definition: `Signalements d'impayé à la CAF, ${YTD}.`,
  },
  {
    cle: "plans_signes",
    libelle: "Plans d'apurement signés",
    libelle_court: "plans d'apurement signés",
    libelle_court_singulier: "plan d'apurement signé",
    unite: "nombre",
    definition: `Plans d'apurement signés, ${YTD}.`,
  },
  {
    cle: "plans_rompus",
    libelle: "Plans d'apurement rompus",
    libelle_court: "plans d'apurement rompus",
    libelle_court_singulier: "plan d'apurement rompu",
    unite: "nombre",
    definition: `Plans d'apurement rompus, ${YTD}.`,
  },
  {
    cle: "commandements_payer",
    libelle: "Commandements de payer",
    libelle_court: "commandements de payer",
    libelle_court_singulier: "commandement de payer",
    unite: "nombre",
    definition: `Commandements de payer délivrés par huissier, ${YTD}.`,
  },
  {
    cle: "assignations",
    libelle: "Assignations",
    libelle_court: "assignations",
    libelle_court_singulier: "assignation",
    unite: "nombre",
    definition: `Assignations devant le tribunal, ${YTD}.`,
  },
  {
    cle: "resiliations_bail",
    libelle: "Baux résiliés",
    libelle_court: "baux résiliés",
    libelle_court_singulier: "bail résilié",
    unite: "nombre",
    definition: `Jugements de résiliation du bail, ${YTD}.`,
  },
  {
    cle: "demandes_concours",
    libelle: "Demandes de concours de la force publique",
    libelle_court: "demandes de concours de la force publique",
    libelle_court_singulier: "demande de concours de la force publique",
    unite: "nombre",
    definition: `Demandes de concours de la force publique, ${YTD}.`,
  },
  {
    cle: "concours_force_publique",
    libelle: "Concours de la force publique accordés",
    libelle_court: "concours de la force publique",
    unite: "nombre",
    definition: `Concours de la force publique accordés, ${YTD}.`,
  },
  {
    cle: "expulsions",
    libelle: "Expulsions",
    libelle_court: "expulsions",
    libelle_court_singulier: "expulsion",
    unite: "nombre",
    definition: `Expulsions réalisées, ${YTD}.`,
  },
];

export const COHORT_FIGURES: readonly FigureDefinition[] = [
  {
    cle: "effectif",
    libelle: "Cohorte : baux",
    libelle_court: "baux dans la cohorte",
    libelle_court_singulier: "bail dans la cohorte",
    unite: "nombre",
    definition: "Baux dont le tout premier commandement de payer tombe dans l'année.",
  },
  {
    cle: "assignes",
    libelle: "Cohorte : assignés",
    libelle_court: "assignés",
    libelle_court_singulier: "assigné",
    unite: "nombre",
    definition: "Parmi eux, baux assignés le jour de ce premier commandement ou après, jusqu'à la date d'arrêté.",
  },
  {
    cle: "resilies",
    libelle: "Cohorte : baux résiliés",
    libelle_court: "baux résiliés",
    libelle_court_singulier: "bail résilié",
    unite: "nombre",
    definition: "Parmi eux, baux dont la résiliation a été jugée après ce premier commandement, jusqu'à la date d'arrêté.",
  },
  {
    cle: "concours",
    libelle: "Cohorte : concours accordés",
    libelle_court: "concours accordés",
    libelle_court_singulier: "concours accordé",
    unite: "nombre",
    definition: "Parmi eux, baux pour lesquels le concours de la force publique a été accordé après ce premier commandement.",
  },
  {
    cle: "expulses",
    libelle: "Cohorte : expulsés",
    libelle_court: "expulsions",
    libelle_court_singulier: "expulsion",
    unite: "nombre",
    definition: "Parmi eux, baux dont l'expulsion a été réalisée après ce premier commandement.",
  },
  {
    cle: "jours_median_assignation",
    libelle: "Cohorte : délai médian jusqu'à l'assignation",
    libelle_court: "jours médians jusqu'à l'assignation",
    libelle_court_singulier: "jour médian jusqu'à l'assignation",
    unite: "jours",
    definition:
      "Médiane du nombre de jours entre le premier commandement de payer et la première assignation qui le suit, parmi les assignés. Vide s'il n'y en a aucun.",
  },
];

export const FIGURE_KEYS = FIGURES.map((f) => f.cle);
export const COHORT_KEYS = COHORT_FIGURES.map((f) => f.cle);

/**
 * The flag of FIGURES.md "Complete windows" (`fenetre_complete`): not a figure, but said beside
 * every set of figures (CLI table and CSV, API, site) so that an incomplete window is not read
 * as a full year's.
 */
export const WINDOW_FLAG = {
  cle: "fenetre_complete",
  libelle: "Fenêtre de douze mois complète",
  /** What the site writes beside a value or on a chart when the flag is false. */
  mention_incomplete: "fenêtre incomplète : moins de douze mois de données",
  definition:
    "Oui quand les données chargées couvrent les douze mois qui finissent à la date d'arrêté (la première écriture chargée, " +
    "tous baux et toutes catégories, est antérieure ou égale au premier jour de ces douze mois). Sinon, les chiffres sont calculés " +
    "de la même façon mais ne sont pas comparables à ceux d'une année complète.",
} as const;

/** "oui" / "non" for the flag, as the table and the CSV write it; "" where it is unknown (a record frozen before v1.1). */
export const windowFlagText = (complete: boolean | undefined): string => (complete === undefined ? "" : complete ? "oui" : "non");
