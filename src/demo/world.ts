// The fixed parameters of the demo landlord: an OPH of the Haut-Rhin with six sectors,
// nine recovery staff, a fixed history end, rent and charge indices, the published 2024
// figures the default run must reproduce, and the export schedule of the ERP.

import { Calendar, dayOf, lastDayOfMonth, monthIndex } from "./calendar.ts";
import { EXPORT_HEADERS } from "../etl/exportSchema.ts";

export const DEFAULT_LOGEMENTS = 11_000;
export const DEFAULT_ANNEES = 9;
export const DEFAULT_SEED = 20_241_231;

/** Last day of history and date of the last export: the demo never reads the clock. */
export const HISTORY_END_YEAR = 2026;
export const HISTORY_END_MONTH = 10;
export const HISTORY_END = dayOf(2026, 10, 31);

/** The year whose published figures the default run reproduces exactly. */
export const CALIBRATION_YEAR = 2024;

/**
 * The landlord's published figures for 2024 (whole landlord, D = 31/12/2024). Counts are
 * scaled by logements / 11 000 when the size differs; the rates are kept.
 */
export const PUBLISHED_2024 = {
  relances: 12_449,
  visites_domicile: 407,
  plans_signes: 1_531,
  commandements_payer: 126,
  assignations: 83,
  resiliations_bail: 45,
  concours_force_publique: 31,
  expulsions: 9,
  /** taux_impayes shown as 3,47 %: the fraction lies in [0.03465, 0.03475). */
  taux_impayes: { lo: 0.03465, hi: 0.03475 },
  /** part_emploi_stable shown as 27,4 %: the fraction lies in [0.2735, 0.2745). */
  part_emploi_stable: { lo: 0.2735, hi: 0.2745 },
} as const;

export type CountTargetKey =
  | "relances"
  | "visites_domicile"
  | "plans_signes"
  | "commandements_payer"
  | "assignations"
  | "resiliations_bail"
  | "concours_force_publique"
  | "expulsions";

export interface Sector {
  code: string;
  libelle: string;
  /** Agency name; `agenceAfter2022` is the name after the 2022 reorganisation, re-exported. */
  agence: string;
  agenceAfter2022: string;
  /** Share of the housing stock. */
  weight: number;
  communes: ReadonlyArray<readonly [string, number]>;
  rentFactor: number;
}

export const SECTORS: readonly Sector[] = [
  {
    code: "MULN",
    libelle: "Mulhouse Nord – Bourtzwiller, Illzach",
    agence: "Agence de Mulhouse",
    agenceAfter2022: "Agence de Mulhouse",
    weight: 2600,
    communes: [
      ["Mulhouse", 54],
      ["Illzach", 12],
      ["Kingersheim", 10],
      ["Wittenheim", 14],
      ["Pfastatt", 6],
      ["Lutterbach", 4],
    ],
    rentFactor: 0.97,
  },
  {
    code: "MULS",
    libelle: "Mulhouse Sud – Rebberg, Riedisheim",
    agence: "Agence de Mulhouse",
    agenceAfter2022: "Agence de Mulhouse",
    weight: 2400,
    communes: [
      ["Mulhouse", 48],
      ["Riedisheim", 14],
      ["Rixheim", 14],
      ["Brunstatt-Didenheim", 9],
      ["Habsheim", 6],
      ["Zillisheim", 4],
      ["Morschwiller-le-Bas", 5],
    ],
    rentFactor: 1.0,
  },
  {
    code: "COLM",
    libelle: "Colmar et Centre-Alsace",
    agence: "Agence de Colmar",
    agenceAfter2022: "Agence Centre-Alsace – Colmar",
    weight: 2300,
    communes: [
      ["Colmar", 62],
      ["Wintzenheim", 9],
      ["Horbourg-Wihr", 8],
      ["Ingersheim", 6],
      ["Turckheim", 5],
      ["Kaysersberg Vignoble", 4],
      ["Neuf-Brisach", 3],
      ["Sainte-Croix-en-Plaine", 3],
    ],
    rentFactor: 1.04,
  },
  {
    code: "STLO",
    libelle: "Saint-Louis – Trois Frontières",
    agence: "Agence des Trois Frontières",
    agenceAfter2022: "Agence des Trois Frontières",
    weight: 1300,
    communes: [
      ["Saint-Louis", 55],
      ["Huningue", 15],
      ["Village-Neuf", 10],
      ["Hégenheim", 8],
      ["Hésingue", 6],
      ["Blotzheim", 6],
    ],
    rentFactor: 1.1,
  },
  {
    code: "GUEB",
    libelle: "Guebwiller – Florival",
    agence: "Agence Florival – Thur",
    agenceAfter2022: "Agence Florival – Thur",
    weight: 1200,
    communes: [
      ["Guebwiller", 45],
      ["Soultz-Haut-Rhin", 20],
      ["Issenheim", 10],
      ["Buhl", 10],
      ["Bollwiller", 9],
      ["Lautenbach", 6],
    ],
    rentFactor: 0.95,
  },
  {
    code: "THCE",
    libelle: "Thann-Cernay – vallée de la Thur",
    agence: "Agence Florival – Thur",
    agenceAfter2022: "Agence Florival – Thur",
    weight: 1200,
    communes: [
      ["Cernay", 35],
      ["Thann", 25],
      ["Vieux-Thann", 10],
      ["Bitschwiller-lès-Thann", 8],
      ["Saint-Amarin", 8],
      ["Wittelsheim", 14],
    ],
    rentFactor: 0.94,
  },
];

export type Role = "CESF" | "AMIABLE" | "CONTENTIEUX";

export interface Agent {
  code: string;
  role: Role;
  /** Sector in the final export; `secteurInitial` is what the first export said (corrected later). */
  secteur: string;
  secteurInitial: string;
}

export const AGENTS: readonly Agent[] = [
  { code: "AG01", role: "CESF", secteur: "MULN", secteurInitial: "MULN" },
  { code: "AG02", role: "CESF", secteur: "MULS", secteurInitial: "MULS" },
  { code: "AG03", role: "CESF", secteur: "", secteurInitial: "" },
  { code: "AG04", role: "AMIABLE", secteur: "MULN", secteurInitial: "MULN" },
  { code: "AG05", role: "AMIABLE", secteur: "MULS", secteurInitial: "" },
  { code: "AG06", role: "AMIABLE", secteur: "COLM", secteurInitial: "COLM" },
  { code: "AG07", role: "AMIABLE", secteur: "", secteurInitial: "" },
  { code: "AG08", role: "CONTENTIEUX", secteur: "", secteurInitial: "" },
  { code: "AG09", role: "CONTENTIEUX", secteur: "COLM", secteurInitial: "COLM" },
];

/** The agent who handles a lease of `sector` for `role`: the sector's own, else the one serving all. */
export function agentFor(role: Role, sector: string): string {
  let fallback = "";
  for (const a of AGENTS) {
    if (a.role !== role) continue;
    if (a.secteur === sector) return a.code;
    if (a.secteur === "" && fallback === "") fallback = a.code;
  }
  return fallback;
}

// ---------------------------------------------------------------------------------------
// Economic indices, relative to 2018 = 1.

const RENT_INDEX: Record<number, number> = {
  // HLM rents were frozen in 2018, then revised each January (IRL, capped at 3.5 % in 2023-2024).
  2017: 1.0,
  2018: 1.0,
  2019: 1.0125,
  2020: 1.028,
  2021: 1.0348,
  2022: 1.0391,
  2023: 1.0755,
  2024: 1.1131,
  2025: 1.1494,
  2026: 1.1655,
};

/** Service-charge provisions billed monthly; raised sharply in 2023 after the energy shock. */
const CHARGE_PROVISION_INDEX: Record<number, number> = {
  2017: 0.99,
  2018: 1.0,
  2019: 1.01,
  2020: 1.02,
  2021: 1.02,
  2022: 1.06,
  2023: 1.29,
  2024: 1.39,
  2025: 1.35,
  2026: 1.35,
};

/** Real cost of the heating part of the charges (gas and district heating). */
const ENERGY_COST_INDEX: Record<number, number> = {
  2017: 0.98,
  2018: 1.02,
  2019: 1.02,
  2020: 0.96,
  2021: 1.1,
  2022: 1.72,
  2023: 1.5,
  2024: 1.4,
  2025: 1.36,
  2026: 1.36,
};

function indexAt(table: Record<number, number>, year: number, drift: number): number {
  const v = table[year];
  if (v !== undefined) return v;
  if (year < 2017) return (table[2017] as number) * Math.pow(1 - drift, 2017 - year);
  return table[2026] as number;
}

export const rentIndex = (year: number): number => indexAt(RENT_INDEX, year, 0.012);
export const chargeIndex = (year: number): number => indexAt(CHARGE_PROVISION_INDEX, year, 0.01);
export const energyIndex = (year: number): number => indexAt(ENERGY_COST_INDEX, year, 0.01);

/**
 * How much more often households fall behind in a year: Covid in 2020, the energy-price
 * shock of 2022-2023 (heating bills, inflation), a calmer 2024-2026.
 */
export function hardshipFactor(year: number): number {
  switch (year) {
    case 2020:
      return 1.3;
    case 2021:
      return 1.05;
    case 2022:
      return 1.6;
    case 2023:
      return 1.6;
    case 2024:
      return 0.9;
    case 2025:
      return 1.02;
    case 2026:
      return 1.0;
    default:
      return year < 2020 ? 0.96 + ((year * 7) % 5) / 100 : 1;
  }
}

/** Payment orders (CDP) issued per year for the default 11 000 dwellings. */
export function paymentOrdersPerYear(year: number): number {
  const table: Record<number, number> = {
    2017: 121,
    2018: 118,
    2019: 133,
    2020: 84,
    2021: 109,
    2022: 149,
    2023: 162,
    2024: 126,
    2025: 138,
    // January to October only.
    2026: 104,
  };
  return table[year] ?? 115 + ((year * 13) % 17);
}

// ---------------------------------------------------------------------------------------
// Export schedule.

export { KINDS, type Kind } from "../etl/exportSchema.ts";

/** Header of each kind of file, in the reference format's column order (commentaire last). */
export const HEADERS = EXPORT_HEADERS;

export interface ExportDate {
  day: number;
  /** `YYYYMMDD` used in the file name. */
  stamp: string;
  /** A yearly extract (31/12) or a monthly one (2026). */
  yearly: boolean;
  /** Number formatting of the ERP version that wrote the file. */
  style: AmountStyle;
}

export interface AmountStyle {
  /** Thousands separator: a space in the old ERP version, a no-break space after the 2022 upgrade. */
  group: string;
  /** How a zero amount is written: empty (old version) or `0,00` (2026 monthly deltas). */
  zero: string;
}

export interface Timeline {
  startYear: number;
  historyStart: number;
  historyEnd: number;
  startMonth: number;
  endMonth: number;
  exports: ExportDate[];
  /** Export index of every month of history (rows are delivered in the first export on or after their date). */
  fileOfMonth: Int32Array;
  calendar: Calendar;
}

export function buildTimeline(annees: number): Timeline {
  const startYear = HISTORY_END_YEAR - annees + 1;
  const calendar = new Calendar(startYear - 45, HISTORY_END_YEAR + 4);
  const exports: ExportDate[] = [];
  for (let y = startYear; y < HISTORY_END_YEAR; y++) {
    const day = dayOf(y, 12, 31);
    exports.push({
      day,
      stamp: calendar.compact(day),
      yearly: true,
      style: { group: y < 2022 ? " " : "\u00a0", zero: "" },
    });
  }
  for (let m = 1; m <= HISTORY_END_MONTH; m++) {
    const day = lastDayOfMonth(monthIndex(HISTORY_END_YEAR, m));
    exports.push({ day, stamp: calendar.compact(day), yearly: false, style: { group: "\u00a0", zero: "0,00" } });
  }
  const startMonth = monthIndex(startYear, 1);
  const endMonth = monthIndex(HISTORY_END_YEAR, HISTORY_END_MONTH);
  const fileOfMonth = new Int32Array(endMonth - startMonth + 1);
  let f = 0;
  for (let mi = startMonth; mi <= endMonth; mi++) {
    const last = lastDayOfMonth(mi);
    while ((exports[f] as ExportDate).day < last) f++;
    fileOfMonth[mi - startMonth] = f;
  }
  return {
    startYear,
    historyStart: dayOf(startYear, 1, 1),
    historyEnd: HISTORY_END,
    startMonth,
    endMonth,
    exports,
    fileOfMonth,
    calendar,
  };
}

/** Export index that first delivers a row dated `day` (a day inside history). */
export function fileOfDay(t: Timeline, day: number): number {
  return t.fileOfMonth[t.calendar.month(day) - t.startMonth] as number;
}
