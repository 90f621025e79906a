/**
 * What the site's data loaders (reports/data/*.json.ts) publish: one loader per file, each
 * naming the marts and metrics of the published warehouse it reads and shaping them into
 * JSON-safe aggregates. The reads are the reader's (src/warehouse/: the queries select, rename
 * and cast, since DuckDB's JSON rows give BIGINT and DECIMAL as strings); no SQL here, and
 * nothing computed. The static site holds aggregates only: no lease, dwelling or staff code, no
 * per-household row, no raw value of a quarantined row. A failing read throws a SiteDataError
 * that names its mart.
 */
import path from "node:path";
import { AppError } from "../errors.ts";
import { COMPLEMENTARY_FIGURES } from "../figures/complementaryDefinitions.ts";
import { FUNNEL_FLOWS, LITIGATION_STAGES, OWNER_ROLES, ROLE_LABELS } from "../figures/seeds.ts";
import { FIGURES, WINDOW_FLAG } from "../figures/definitions.ts";
import { DEFAULT_DB_PATH } from "../paths.ts";
import type { Row } from "../duckdb/db.ts";
import { projectPath } from "../paths.ts";
import { siteYearDates } from "../warehouse/asOfDates.ts";
import { dataBounds } from "../warehouse/dataBounds.ts";
import { figureDefinitionRows } from "../warehouse/figureDefinitions.ts";
import { figureChangesAtSiteYearDates, figuresAtSiteYearDates, toFiguresRecord, type FiguresRecord } from "../warehouse/figures.ts";
import { labelSeedRows } from "../warehouse/labelSeeds.ts";
import { litigationStagesAt } from "../warehouse/litigationStages.ts";
import { endedMonths, endedMonthsOfFigures } from "../warehouse/monthlyMarts.ts";
import { quarantineByFile, quarantineByReason, quarantineSize } from "../warehouse/quarantine.ts";
import { filesLeftAside, latestExports, runFileList, runList } from "../warehouse/runs.ts";
import { sectorRows } from "../warehouse/sectors.ts";
import { sitePublications, type SitePublication } from "../publications/siteData.ts";
import type { Warehouse } from "../warehouse/warehouse.ts";

/** The warehouse the site is built from: $WAREHOUSE_DB, else data/warehouse.duckdb. */
export function warehousePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.WAREHOUSE_DB || DEFAULT_DB_PATH);
}

/** A mart the site needs could not be read. */
export class SiteDataError extends AppError {
  constructor(
    readonly mart: string,
    message: string,
  ) {
    super(message);
  }
}

/** The reader's answer `read`, or a SiteDataError naming `mart` when it fails. */
async function fromMart<T>(mart: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    throw new SiteDataError(mart, `la lecture du mart « ${mart} » a échoué : ${(e as Error).message}`);
  }
}

/** A table as columns and rows of values: the monthly series repeat no key per row. */
export interface ColumnTable {
  colonnes: string[];
  lignes: (string | number | boolean | null)[][];
}

function toColumnTable(rows: Row[], colonnes: string[]): ColumnTable {
  return { colonnes, lignes: rows.map((r) => colonnes.map((c) => (r[c] ?? null) as string | number | boolean | null)) };
}

export interface SiteLoader<T> {
  /** The file the loader writes, under reports/data/. */
  fichier: string;
  /** The warehouse tables it reads. */
  marts: readonly string[];
  load(wh: Warehouse): Promise<T>;
}

/** A loader that reads its first mart through the reader and shapes the rows into the file's data. */
function queryLoader<T>(
  fichier: string,
  marts: string[],
  read: (wh: Warehouse) => Promise<Row[]>,
  shape: (rows: Row[]) => T,
): SiteLoader<T> {
  return { fichier, marts, load: async (wh) => shape(await fromMart(marts[0]!, () => read(wh))) };
}

// ─── figures-annuelles.json: every figure of etl/models/metrics/FIGURES.md, per year and scope ───────────────

/**
 * The site is public and rebuilt every night, so it follows the month-end rule against
 * differencing (src/warehouse/monthEnds.ts): every date it shows is a month end, each year at
 * its latest month end (src/warehouse/asOfDates.ts, SITE_YEAR_DATES).
 */
export const annualFigures = queryLoader(
  "figures-annuelles.json",
  ["figures_per_date_and_sector", "as_of_dates"],
  figuresAtSiteYearDates,
  (rows): { lignes: FiguresRecord[] } => ({ lignes: rows.map(toFiguresRecord) }),
);

// ─── figures-mensuelles.json: the monthly trend (the figures the pages chart) ────────────

/** The figures of figures_per_month_and_sector the pages chart; the others stay out to keep pages light. */
export const MONTHLY_FIGURE_KEYS = [
  "taux_impayes",
  "taux_impayes_global",
  "taux_recouvrement",
  "quittancement",
  "encaissements",
  "dette_presents",
  "dette_partis",
  "dette_moins_3_mois",
  "dette_3_12_mois",
  "dette_plus_12_mois",
  "menages_presents",
  "menages_en_dette",
  "menages_dette_3_mois",
] as const;

export const monthlyFigures: SiteLoader<ColumnTable> = {
  fichier: "figures-mensuelles.json",
  marts: ["figures_per_month_and_sector"],
  async load(wh) {
    const figures = MONTHLY_FIGURE_KEYS.map((k) => FIGURES.find((f) => f.cle === k)!);
    // ended months only: the month in progress (up to the latest posting date) moves a day each night
    const rows = await fromMart("figures_per_month_and_sector", () => endedMonthsOfFigures(wh, figures));
    // fenetre_complete (FIGURES.md): the pages draw a month whose window starts before the data apart
    return toColumnTable(rows, ["mois", "date_arrete", "secteur", "fenetre_complete", ...MONTHLY_FIGURE_KEYS]);
  },
};

// ─── variations.json: each figure's change over one year, at the dates the pages show ────

export const yearlyChanges = queryLoader(
  "variations.json",
  ["figure_changes_per_date_and_sector", "as_of_dates"],
  figureChangesAtSiteYearDates,
  (rows) =>
    toColumnTable(rows, ["date_arrete", "secteur", "cle", "variation", "valeur_un_an_avant", "date_un_an_avant", "fenetres_completes"]),
);

// ─── actions-mensuelles.json, actions-par-fonction.json, locataires-partis.json ───────────

const ACTION_KEYS = [
  "relances_mois",
  "visites_domicile_mois",
  "rendez_vous_mois",
  "signalements_caf_mois",
  "demandes_fsl_mois",
  "plans_signes_mois",
  "plans_rompus_mois",
  "plans_soldes_mois",
];

/**
 * A loader of a monthly mart: its ended months (the month in progress moves a day each night),
 * one row per month and `by` (a sector, or a role), each column cast as given.
 */
function monthlyLoader(
  fichier: string,
  mart: string,
  by: { select: string; as: string; order: string },
  columns: Record<string, "integer" | "double">,
): SiteLoader<ColumnTable> {
  return queryLoader(
    fichier,
    [mart],
    (wh) => endedMonths(wh, mart, by, columns),
    (rows) => toColumnTable(rows, ["mois", by.as, ...Object.keys(columns)]),
  );
}

const BY_SECTOR = { select: "code_secteur as secteur", as: "secteur", order: "code_secteur nulls first" };

export const monthlyActions = monthlyLoader(
  "actions-mensuelles.json",
  "actions_per_month_and_sector",
  BY_SECTOR,
  Object.fromEntries(ACTION_KEYS.map((k) => [k, "integer"])),
);

// Role counts only: the staff codes never leave the warehouse.
export const actionsPerRole = monthlyLoader(
  "actions-par-fonction.json",
  "actions_per_month_and_role",
  { select: "role", as: "role", order: "role" },
  {
    actions_mois: "integer",
    agents: "integer",
    actions_par_agent_mois: "double",
  },
);

export const departedTenants = monthlyLoader("locataires-partis.json", "departed_tenants_per_month_and_sector", BY_SECTOR, {
  transmissions_recouvrement_mois: "integer",
  admissions_non_valeur_mois: "double",
  encaissements_apres_depart_mois: "double",
});

// ─── etapes-contentieux.json: households at each litigation stage at each year's D ────────

export interface StageRow {
  annee: number;
  date_arrete: string;
  secteur: string | null;
  etape: string;
  menages: number;
}

export const litigationStages: SiteLoader<StageRow[]> = {
  fichier: "etapes-contentieux.json",
  marts: ["litigation_stages_per_year_and_sector", "as_of_dates"],
  async load(wh) {
    // Each year at its site date (SITE_YEAR_DATES). The mart holds each year's D; a year in
    // progress whose latest data is not a month end is computed at its latest month end by
    // the same SQL model (src/warehouse/litigationStages.ts), not re-implemented here.
    const dates = await fromMart("as_of_dates", () => siteYearDates(wh));
    const out: StageRow[] = [];
    for (const d of dates) {
      let rows;
      try {
        rows = await litigationStagesAt(wh, d);
      } catch (e) {
        throw new SiteDataError(
          "litigation_stages_per_year_and_sector",
          `la lecture du mart « litigation_stages_per_year_and_sector » a échoué : ${(e as Error).message}`,
        );
      }
      for (const r of rows)
        out.push({ annee: r.annee, date_arrete: r.date_arrete, secteur: r.secteur, etape: r.etape, menages: r.menages });
    }
    return out;
  },
};

// ─── secteurs.json, definitions.json ─────────────────────────────────────────────────────

export interface SectorRow {
  code_secteur: string;
  libelle_secteur: string;
  agence: string | null;
}

export const sectors: SiteLoader<SectorRow[]> = {
  fichier: "secteurs.json",
  marts: ["sectors"],
  load: (wh) => fromMart("sectors", () => sectorRows<SectorRow & Row>(wh)),
};

export const definitions: SiteLoader<{
  figures: Row[];
  complementaires: typeof COMPLEMENTARY_FIGURES;
  etapes: typeof LITIGATION_STAGES;
  flux: typeof FUNNEL_FLOWS;
  fonctions: typeof ROLE_LABELS;
  responsables: typeof OWNER_ROLES;
  fenetre: typeof WINDOW_FLAG;
}> = {
  fichier: "definitions.json",
  marts: ["figure_definitions"],
  async load(wh) {
    const figures = await fromMart("figure_definitions", () => figureDefinitionRows(wh));
    // The lists of etl/seeds/ (src/figures/seeds.ts): the funnel's stages and flows, the roles.
    return {
      figures,
      complementaires: COMPLEMENTARY_FIGURES,
      etapes: LITIGATION_STAGES,
      flux: FUNNEL_FLOWS,
      fonctions: ROLE_LABELS,
      responsables: OWNER_ROLES,
      fenetre: WINDOW_FLAG,
    };
  },
};

// ─── libelles-revue.json: the French label of every code the monthly review shows ──────────

/** The seeds that hold the French labels (etl/seeds/), which the ETL loads and the SQL and API read too. */
export const LABEL_SEEDS = {
  ref_codes: projectPath("etl", "seeds", "ref_codes.csv"),
  review_labels: projectPath("etl", "seeds", "review_labels.csv"),
} as const;

export interface LabelEntry {
  code: string;
  libelle: string;
}

/**
 * Per field (`champ`), its codes with their French labels, in the seed's order (the order the
 * page's lists show): every field of ref_codes.csv (role, code_action, …) and of
 * review_labels.csv (etat, action, etat_plan, priorite, echeance, examen, statut, etape, tri).
 * Codes and labels only: no case data.
 */
export interface ReviewLabels {
  champs: Record<string, LabelEntry[]>;
}

/** The columns of each seed, as the ETL declares them to read_csv. */
const SEED_COLUMNS: Record<keyof typeof LABEL_SEEDS, string> = {
  ref_codes: `{'champ': 'VARCHAR', 'code': 'VARCHAR', 'categorie': 'VARCHAR', 'libelle': 'VARCHAR'}`,
  review_labels: `{'champ': 'VARCHAR', 'code': 'VARCHAR', 'libelle': 'VARCHAR'}`,
};

/** Reads the label seeds (by default those of etl/seeds/) into ReviewLabels. */
export async function readReviewLabels(
  wh: Warehouse,
  seeds: Record<keyof typeof LABEL_SEEDS, string> = LABEL_SEEDS,
): Promise<ReviewLabels> {
  const champs: Record<string, LabelEntry[]> = {};
  const add = (champ: string, code: string, libelle: string) => (champs[champ] ??= []).push({ code, libelle });
  for (const seed of Object.keys(LABEL_SEEDS) as (keyof typeof LABEL_SEEDS)[]) {
    // Read as the ETL reads the seeds (read_csv, ';', a header, text columns): the site shows
    // exactly the labels the SQL and the API carry.
    const rows = await fromMart(`etl/seeds/${seed}.csv`, () => labelSeedRows(wh, seeds[seed], SEED_COLUMNS[seed]));
    for (const r of rows) add(r.champ, r.code, r.libelle);
  }
  return { champs };
}

export const reviewLabels: SiteLoader<ReviewLabels & { responsables: typeof OWNER_ROLES }> = {
  fichier: "libelles-revue.json",
  marts: ["etl/seeds/ref_codes.csv", "etl/seeds/review_labels.csv"],
  // with the roles that own a case (etl/seeds/roles.csv): the codes of the page's role filter
  load: async (wh) => ({ ...(await readReviewLabels(wh)), responsables: OWNER_ROLES }),
};

// ─── chargements.json, quarantaine.json: freshness and completeness ──────────────────────

/**
 * A failed run's message can quote invariant rows (JSON with lease numbers): the site keeps
 * the sentence and drops anything from the first JSON value on.
 */
export function publicRunMessage(message: string | null): string | null {
  if (message == null) return null;
  const cut = message.search(/[[{]\s*["{[]/);
  return (cut >= 0 ? `${message.slice(0, cut).trimEnd()} […]` : message).slice(0, 500);
}

export interface RunRow {
  run_id: string;
  debut: string;
  fin: string;
  statut: string;
  message: string | null;
  fichiers_charges: number;
  lignes_lues: number;
  lignes_quarantaine: number;
}

export interface RunFileRow {
  run_id: string;
  fichier: string;
  type_fichier: string | null;
  date_export: string | null;
  statut: string;
  lignes_lues: number | null;
  lignes_chargees: number | null;
  lignes_quarantaine: number | null;
  motif: string | null;
}

export interface LoadsData {
  /** The latest as-of date the warehouse computes figures for (latest posting date). */
  date_arrete_derniere: string | null;
  derniere_reussite: RunRow | null;
  /** Latest export date of each file kind loaded by a successful run. */
  exports_par_type: { type_fichier: string; date_export: string; fichier: string }[];
  executions: RunRow[];
  /** Files each run actually read or refused (files skipped as already loaded are left out). */
  fichiers: RunFileRow[];
  /**
   * Inbox entries the latest run left aside ("ignoré": not an export it reads; "en attente": not
   * yet complete), with why and what to do: the page shows them as a warning.
   */
  fichiers_ecartes: SkippedFileRow[];
}

export interface SkippedFileRow {
  run_id: string;
  fichier: string;
  statut: string;
  motif: string | null;
}

export const loads: SiteLoader<LoadsData> = {
  fichier: "chargements.json",
  marts: ["etl_runs", "etl_run_files", "ledger_entries"],
  async load(wh) {
    const executions = (await fromMart("etl_runs", () => runList<RunRow & Row>(wh))).map((r) => ({
      ...r,
      message: publicRunMessage(r.message),
    }));
    const fichiers = (await fromMart("etl_run_files", () => runFileList<RunFileRow & Row>(wh))).map((f) => ({
      ...f,
      motif: publicRunMessage(f.motif),
    }));
    const exports = await fromMart("etl_run_files", () => latestExports(wh));
    const latest = (await fromMart("ledger_entries", () => dataBounds(wh))).dernier_jour;
    const fichiers_ecartes = (await fromMart("etl_run_files", () => filesLeftAside<SkippedFileRow & Row>(wh))).map((f) => ({
      ...f,
      motif: publicRunMessage(f.motif),
    }));
    return {
      date_arrete_derniere: latest,
      derniere_reussite: executions.find((r) => r.statut === "succès") ?? null,
      exports_par_type: exports,
      executions,
      fichiers,
      fichiers_ecartes,
    };
  },
};

/** At most this many line numbers per file and reason: enough to find them, bounded in size. */
export const MAX_LINE_NUMBERS = 200;

export interface QuarantineData {
  total: number;
  par_motif: { motif: string; colonne: string | null; type_fichier: string; lignes: number }[];
  par_fichier: {
    fichier: string;
    type_fichier: string;
    colonne: string | null;
    motif: string;
    lignes: number;
    numeros_lignes: number[];
  }[];
}

export const quarantine: SiteLoader<QuarantineData> = {
  fichier: "quarantaine.json",
  marts: ["quarantine"],
  async load(wh) {
    // File, line, column and reason only: the raw value and the row's key stay in the warehouse.
    const par_motif = await fromMart("quarantine", () => quarantineByReason<QuarantineData["par_motif"][number] & Row>(wh));
    const par_fichier = await fromMart("quarantine", () =>
      quarantineByFile<QuarantineData["par_fichier"][number] & Row>(wh, MAX_LINE_NUMBERS),
    );
    const total = await fromMart("quarantine", () => quarantineSize(wh));
    return { total, par_motif, par_fichier };
  },
};

// ─── publications.json: the publications beside the warehouse, their state and revisions ──

/**
 * Read from `<db>.publications.jsonl`, not from a mart; the revisions compare the publication's
 * export files (raw layer) with today's in SQL (src/publications/revisions.ts). Counts by file
 * and kind only: never the changed rows' lease numbers.
 */
export const publications: SiteLoader<{ publications: SitePublication[] }> = {
  fichier: "publications.json",
  marts: ["publications", "int_baux_deduplicated", "int_ecritures_deduplicated", "int_actions_deduplicated", "figures_per_date_and_sector"],
  async load(wh) {
    try {
      return await sitePublications(wh);
    } catch (e) {
      throw new SiteDataError("publications", `la lecture des publications a échoué : ${(e as Error).message}`);
    }
  },
};

export const ALL_LOADERS = {
  annualFigures,
  monthlyFigures,
  yearlyChanges,
  monthlyActions,
  actionsPerRole,
  departedTenants,
  litigationStages,
  sectors,
  definitions,
  loads,
  quarantine,
  reviewLabels,
  publications,
} as const;
