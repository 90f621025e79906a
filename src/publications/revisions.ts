/**
 * Revisions of a publication: today's value beside the published one for every figure that
 * differs, and why, from the data: the export rows of the period the figures cover that
 * changed since the publication.
 *
 * The rows are compared in SQL: the winning version of each key (the ETL's own staging, check
 * and deduplication models: latest valid export by export date) among the publication's files,
 * built in a private in-memory schema over their raw Parquet, against the winning version among
 * today's files (the warehouse's views). A row counts when its date, before or after the change,
 * is on or before D (the positions reach back to the first entry; the yearly counts and the
 * window W(D) are within it); a lease when it had started by D. Each change is classified
 * (added late, cancelled, reinstated, no longer counted, moved to another lease or sector,
 * re-exported with other values), counted by file and kind, and given its effect on the figures
 * where a row's effect can be attributed: ±1 on the count of its action's category, the change
 * of billing and payments in W(D), the change of the balances at D, a lease's figures leaving
 * one sector for another. Rates cannot be split row by row: their revision is the gap itself.
 *
 * Its SQL stays here rather than in the read module (src/warehouse, which reads marts only): it
 * reads the raw layer and the deduplicated rows of two sets of export files to explain where a
 * revision comes from, which is lineage, not figures, and no mart holds those rows.
 */
import crypto from "node:crypto";
import type { DuckDBConnection } from "@duckdb/node-api";
import { FIGURES, shortLabelFor } from "../figures/definitions.ts";
import { formatDate } from "../../reports/components/format.ts";
import { loadModels, materialize } from "../models/models.ts";
import { queryRows } from "../duckdb/db.ts";
import { getFigures, getFiguresBySector } from "../warehouse/figures.ts";
import type { Warehouse } from "../warehouse/warehouse.ts";
import { figureGaps, signedText, type FigureGap, type FigureSet } from "./compare.ts";
import { EXPORT_SCHEMA } from "../etl/exportSchema.ts";
import { createFileViews, requireFiles } from "./rawFiles.ts";
import type { Publication, StoredPublication } from "./store.ts";

/** The figure each action category counts in (etl/models/metrics/FIGURES.md, "Actions"; the SQL is int_sector_days_cumulated). */
export const ACTION_FIGURES: Readonly<Record<string, string>> = {
  REMINDER: "relances",
  HOME_VISIT: "visites_domicile",
  CAF_REPORT: "signalements_caf",
  PLAN_SIGNED: "plans_signes",
  PLAN_BROKEN: "plans_rompus",
  PAYMENT_ORDER: "commandements_payer",
  SUMMONS: "assignations",
  LEASE_TERMINATED: "resiliations_bail",
  POLICE_REQUESTED: "demandes_concours",
  POLICE_GRANTED: "concours_force_publique",
  EVICTION: "expulsions",
};

export type ChangeKind = "ajoutee" | "annulee" | "retablie" | "retiree" | "autre_bail" | "autre_secteur" | "modifiee";
type RowKind = "baux" | "ecritures" | "actions";

/** One changed row (case-level: for the roles that read cases only). */
export interface ChangedRow {
  type_fichier: RowKind;
  nature: ChangeKind;
  cle: string;
  num_contrat: string | null;
  num_contrat_avant: string | null;
  secteur: string | null;
  secteur_avant: string | null;
  date: string | null;
  colonnes: string[];
  fichier: string | null;
  date_export: string | null;
}

/** Changes of one kind, in one file, of one year: counted, with their effect and a French sentence. */
export interface Explanation {
  type_fichier: RowKind;
  nature: ChangeKind;
  fichier: string | null;
  date_export: string | null;
  annee: number | null;
  nombre: number;
  colonnes: string[];
  /** Attributed effect on the landlord's figures (figure key -> change in its unit). */
  effets: Record<string, number>;
  /** Effect moved between sectors (a lease or an entry moved): from -> to. */
  secteurs: { de: string | null; vers: string | null } | null;
  texte: string;
}

export interface Revisions {
  id: string;
  etat: PublicationState;
  date_arrete: string;
  ecarts: FigureGap[];
  explications: Explanation[];
  /** Present only for the roles that read cases (recouvrement, admin). */
  detail?: ChangedRow[];
}

export type PublicationState = "inchangee" | "revisee" | "retiree";

/** Today's figures at the publication's as-of date, for the landlord and each sector. */
export async function currentFigures(wh: Warehouse, p: Publication): Promise<FigureSet> {
  const query = { annee: p.annee, au: p.date_arrete };
  return { ensemble: await getFigures(wh, { ...query, secteur: null }), secteurs: await getFiguresBySector(wh, query) };
}

/** Withdrawn first (whatever the figures do), then revised when any figure differs today. */
export function stateOf(p: StoredPublication, revised: boolean): PublicationState {
  return p.retrait ? "retiree" : revised ? "revisee" : "inchangee";
}

const DATE: Record<RowKind, string> = { baux: "date_entree", ecritures: "date_ecriture", actions: "date_action" };
/** A row's key and the columns compared, from the export format (src/etl/exportSchema.ts). */
const KEY = (kind: RowKind) => EXPORT_SCHEMA[kind].key;
const COLUMNS = (kind: RowKind) => EXPORT_SCHEMA[kind].columns.filter((c) => c !== KEY(kind));

/**
 * The changed rows of one kind, with their per-row effect. `pub` is the schema of the
 * publication's winning versions, `today` the warehouse's. Parameters: $d (D), $y0 (1 January
 * of D's year), $w0 (D minus one year: W(D) is after it).
 */
function changedRowsSql(kind: RowKind, pub: string, today: string): string {
  const key = KEY(kind);
  const date = DATE[kind];
  const cols = COLUMNS(kind);
  const distinct = cols.map((c) => `a.${c} is distinct from b.${c}`).join(" or ");
  const lease = kind === "baux" ? "num_contrat" : "num_contrat";
  const specific =
    kind === "actions"
      ? `a.categorie as categorie_avant, b.categorie as categorie_apres,
         coalesce(a.annulee, false) as annulee_avant, coalesce(b.annulee, false) as annulee_apres,
         a.${key} is not null and not a.annulee and a.date_action between $y0 and $d as compte_avant,
         b.${key} is not null and not b.annulee and b.date_action between $y0 and $d as compte_apres,`
      : kind === "ecritures"
        ? `coalesce(case when b.categorie = 'BILLING' and b.date_ecriture > $w0 and b.date_ecriture <= $d then b.debit - b.credit end, 0)
             - coalesce(case when a.categorie = 'BILLING' and a.date_ecriture > $w0 and a.date_ecriture <= $d then a.debit - a.credit end, 0)
             as effet_quittancement,
           coalesce(case when b.categorie in ('PAYMENT', 'AID') and b.date_ecriture > $w0 and b.date_ecriture <= $d then b.credit - b.debit end, 0)
             - coalesce(case when a.categorie in ('PAYMENT', 'AID') and a.date_ecriture > $w0 and a.date_ecriture <= $d then a.credit - a.debit end, 0)
             as effet_encaissements,
           coalesce(case when b.date_ecriture <= $d then b.debit - b.credit end, 0)
             - coalesce(case when a.date_ecriture <= $d then a.debit - a.credit end, 0) as effet_solde,`
        : "";
  const sectors =
    kind === "baux"
      ? `joined.secteur_avant_bail as secteur_avant, joined.secteur_apres_bail as secteur_apres`
      : `sa.code_secteur as secteur_avant, sb.code_secteur as secteur_apres`;
  return `
with

a as (
    select * from ${pub}.int_${kind}_deduplicated
),

b as (
    select * from ${today}.int_${kind}_deduplicated
),

joined as (
    select
        coalesce(a.${key}, b.${key}) as cle,
        a.${key} is not null as avant_present,
        b.${key} is not null as apres_present,
        a.${lease} as bail_avant,
        b.${lease} as bail_apres,
        ${kind === "baux" ? "a.code_secteur as secteur_avant_bail, b.code_secteur as secteur_apres_bail," : ""}
        strftime(coalesce(b.${date}, a.${date}), '%Y-%m-%d') as date_ligne,
        b.fichier as fichier_apres,
        strftime(b.date_export, '%Y-%m-%d') as export_apres,
        list_filter([${cols.map((c) => `case when a.${key} is not null and b.${key} is not null and (a.${c} is distinct from b.${c}) then '${c}' end`).join(", ")}], x -> x is not null) as colonnes,
        ${specific}
    from a
    full outer join b on b.${key} = a.${key}
    -- why: a row the figures at D never read (dated after D on both sides) changes nothing published
    where (a.${key} is null or b.${key} is null or ${distinct})
        and (a.${date} <= $d or b.${date} <= $d)
),

latest_today as (
    -- why: a key without a winning version today (invalid, or its file replaced) is named by its latest version read
    select ${key} as cle, fichier, strftime(date_export, '%Y-%m-%d') as date_export
    from ${today}.int_${kind}_checked
    where ${key} in (select cle from joined where not apres_present)
    qualify row_number() over (partition by ${key} order by date_export desc, fichier desc, ligne desc) = 1
),

final as (
    select
        joined.*,
        coalesce(joined.fichier_apres, latest_today.fichier) as fichier,
        coalesce(joined.export_apres, latest_today.date_export) as date_export,
        ${sectors},
    from joined
    left join latest_today on latest_today.cle = joined.cle
    ${
      kind === "baux"
        ? ""
        : `left join ${pub}.int_baux_deduplicated as sa on sa.num_contrat = joined.bail_avant
    left join ${today}.int_baux_deduplicated as sb on sb.num_contrat = joined.bail_apres`
    }
)

select * from final order by fichier, cle`;
}

type SqlRow = Record<string, unknown> & {
  cle: string;
  avant_present: boolean;
  apres_present: boolean;
  bail_avant: string | null;
  bail_apres: string | null;
  date_ligne: string | null;
  fichier: string | null;
  date_export: string | null;
  colonnes: string[];
  secteur_avant: string | null;
  secteur_apres: string | null;
};

function natureOf(kind: RowKind, r: SqlRow): ChangeKind {
  if (!r.avant_present) return "ajoutee";
  if (!r.apres_present) return "retiree";
  if (kind === "actions" && !r.annulee_avant && r.annulee_apres) return "annulee";
  if (kind === "actions" && r.annulee_avant && !r.annulee_apres) return "retablie";
  if (kind !== "baux" && r.bail_avant !== r.bail_apres) return "autre_bail";
  if (kind === "baux" && r.secteur_avant !== r.secteur_apres) return "autre_secteur";
  return "modifiee";
}

/** The models that give each kind's winning versions, in dependency order (staging, checks, deduplication). */
function deduplicationModels() {
  const models = loadModels();
  const byName = new Map(models.map((m) => [m.name, m]));
  const wanted = new Set<string>();
  const collect = (name: string) => {
    const m = byName.get(name);
    if (!m || wanted.has(name) || (m.layer !== "staging" && m.layer !== "intermediate")) return;
    wanted.add(name);
    m.dependsOn.forEach(collect);
  };
  for (const kind of ["baux", "ecritures", "actions"]) collect(`int_${kind}_deduplicated`);
  return models.filter((m) => wanted.has(m.name));
}

/** Run `fn` with a private schema holding the publication's winning versions of every key. */
async function withPublishedVersions<T>(
  wh: Warehouse,
  dbPath: string,
  p: Publication,
  fn: (conn: DuckDBConnection, schema: string) => Promise<T>,
): Promise<T> {
  const files = requireFiles(dbPath, p);
  const conn = await wh.instance.connect();
  const schema = `memory.publication_${crypto.randomBytes(6).toString("hex")}`;
  try {
    await conn.run(`create schema ${schema}`);
    await conn.run(`set search_path = '${schema},wh.main'`);
    await createFileViews(conn, schema, files);
    for (const model of deduplicationModels()) await materialize(conn, model, { schema, as: "view" });
    return await fn(conn, schema);
  } finally {
    await conn.run(`drop schema if exists ${schema} cascade`).catch(() => undefined);
    conn.closeSync();
  }
}

const plural = (n: number, one: string, many: string) => (n >= 2 ? many : one);

const NOUNS: Record<RowKind, [string, string, "f" | "m"]> = {
  ecritures: ["écriture", "écritures", "f"],
  actions: ["action", "actions", "f"],
  baux: ["bail", "baux", "m"],
};

function verbOf(nature: ChangeKind, n: number, g: "f" | "m", e: Explanation): string {
  const agree = (stem: string) => `${stem}${g === "f" ? "e" : ""}${n >= 2 ? "s" : ""}`;
  switch (nature) {
    case "ajoutee":
      return `${agree("ajouté")} tardivement`;
    case "annulee":
      return agree("annulé");
    case "retablie":
      return `${agree("rétabli")} (annulation levée)`;
    case "retiree":
      return `qui ne ${plural(n, "compte", "comptent")} plus (dernière version invalide ou fichier remplacé)`;
    case "autre_bail":
      return `${agree("rattaché")} à un autre bail`;
    case "autre_secteur":
      return `${agree("passé")} du secteur ${e.secteurs?.de ?? "?"} au secteur ${e.secteurs?.vers ?? "?"}`;
    case "modifiee":
      return `${agree("réexporté")} avec d'autres valeurs (${e.colonnes.join(", ")})`;
  }
}

const FIGURE_DEFS = new Map(FIGURES.map((f) => [f.cle, f]));

function effectText(e: Explanation, dateArrete: string): string {
  const parts: string[] = [];
  for (const [cle, v] of Object.entries(e.effets)) {
    if (v === 0) continue;
    const def = FIGURE_DEFS.get(cle);
    if (cle === "solde") {
      parts.push(`solde des baux concernés au ${formatDate(dateArrete)} : ${signedText(v, "euros")}`);
    } else if (def?.unite === "nombre") {
      parts.push(`${signedText(v, "nombre")} ${shortLabelFor(Math.abs(v), def)}`);
    } else if (def) {
      parts.push(`${signedText(v, def.unite)} ${def.libelle_court}`);
    }
  }
  if (e.secteurs && e.secteurs.de !== e.secteurs.vers) {
    const whose = e.type_fichier === "baux" ? plural(e.nombre, "ses chiffres passent", "leurs chiffres passent") : "comptées";
    parts.push(
      e.type_fichier === "baux"
        ? `${whose} du secteur ${e.secteurs.de ?? "?"} au secteur ${e.secteurs.vers ?? "?"}`
        : `${whose} dans le secteur ${e.secteurs.vers ?? "?"} au lieu du secteur ${e.secteurs.de ?? "?"}`,
    );
  }
  return parts.length ? parts.join(" ; ") : "sans effet attribuable ligne à ligne sur les chiffres publiés";
}

/** Group the changed rows by kind, change, file, year (and columns or sectors), with their summed effects. */
export function explain(rows: Array<{ kind: RowKind; row: SqlRow }>, dateArrete: string): Explanation[] {
  const groups = new Map<string, Explanation>();
  for (const { kind, row } of rows) {
    const nature = natureOf(kind, row);
    const annee = kind === "baux" || !row.date_ligne ? null : Number(row.date_ligne.slice(0, 4));
    const moved = row.secteur_avant !== row.secteur_apres && row.avant_present && row.apres_present;
    const secteurs = moved ? { de: row.secteur_avant, vers: row.secteur_apres } : null;
    const colonnes = nature === "modifiee" ? row.colonnes : [];
    const id = JSON.stringify([kind, nature, row.fichier, annee, colonnes, secteurs]);
    let g = groups.get(id);
    if (!g) {
      g = {
        type_fichier: kind,
        nature,
        fichier: row.fichier,
        date_export: row.date_export,
        annee,
        nombre: 0,
        colonnes,
        effets: {},
        secteurs,
        texte: "",
      };
      groups.set(id, g);
    }
    g.nombre++;
    const add = (cle: string, v: number) => {
      // why the rounding: sums of amounts in cents, kept exact to the cent
      g!.effets[cle] = Math.round(((g!.effets[cle] ?? 0) + v) * 100) / 100;
    };
    if (kind === "actions") {
      if (row.compte_avant && ACTION_FIGURES[row.categorie_avant as string]) add(ACTION_FIGURES[row.categorie_avant as string]!, -1);
      if (row.compte_apres && ACTION_FIGURES[row.categorie_apres as string]) add(ACTION_FIGURES[row.categorie_apres as string]!, 1);
    } else if (kind === "ecritures") {
      add("quittancement", Number(row.effet_quittancement));
      add("encaissements", Number(row.effet_encaissements));
      add("solde", Number(row.effet_solde));
    }
  }
  const out = [...groups.values()];
  for (const g of out) {
    for (const [k, v] of Object.entries(g.effets)) if (v === 0) delete g.effets[k];
    const [one, many, gender] = NOUNS[g.type_fichier];
    const year = g.annee !== null ? ` de ${g.annee}` : "";
    const where = g.date_export ? ` dans l'export du ${formatDate(g.date_export)}` : " depuis la publication";
    const file = g.fichier ? ` (${g.fichier})` : "";
    g.texte = `${g.nombre} ${plural(g.nombre, one, many)}${year} ${verbOf(g.nature, g.nombre, gender, g)}${where}${file} : ${effectText(g, dateArrete)}`;
  }
  return out.sort(
    (x, y) =>
      (x.date_export ?? "").localeCompare(y.date_export ?? "") ||
      x.type_fichier.localeCompare(y.type_fichier) ||
      x.nature.localeCompare(y.nature),
  );
}

/** The changed rows of the period, compared in SQL (see the file's comment). */
export async function changedRows(wh: Warehouse, dbPath: string, p: Publication): Promise<Array<{ kind: RowKind; row: SqlRow }>> {
  const d = p.date_arrete;
  const y0 = `${d.slice(0, 4)}-01-01`;
  const w0 = `${Number(d.slice(0, 4)) - 1}${d.slice(4)}`.replace(/-02-29$/, "-02-28");
  return withPublishedVersions(wh, dbPath, p, async (conn, schema) => {
    const out: Array<{ kind: RowKind; row: SqlRow }> = [];
    for (const kind of ["baux", "ecritures", "actions"] as const) {
      // each kind's SQL names only the dates it uses (DuckDB refuses an unused parameter)
      const params: Record<string, string> = kind === "baux" ? { d } : kind === "actions" ? { d, y0 } : { d, w0 };
      const rows = await queryRows<SqlRow>(conn, changedRowsSql(kind, schema, "wh.main"), params);
      for (const row of rows) out.push({ kind, row });
    }
    return out;
  });
}

export async function revisions(wh: Warehouse, dbPath: string, p: StoredPublication, options: { detail: boolean }): Promise<Revisions> {
  const ecarts = figureGaps(p.chiffres, await currentFigures(wh, p));
  const rows = await changedRows(wh, dbPath, p);
  const result: Revisions = {
    id: p.id,
    etat: stateOf(p, ecarts.length > 0),
    date_arrete: p.date_arrete,
    ecarts,
    explications: explain(rows, p.date_arrete),
  };
  if (options.detail) {
    result.detail = rows.map(({ kind, row }) => ({
      type_fichier: kind,
      nature: natureOf(kind, row),
      cle: row.cle,
      num_contrat: kind === "baux" ? row.cle : row.bail_apres,
      num_contrat_avant: kind === "baux" ? row.cle : row.bail_avant,
      secteur: row.secteur_apres,
      secteur_avant: row.secteur_avant,
      date: row.date_ligne,
      colonnes: row.colonnes,
      fichier: row.fichier,
      date_export: row.date_export,
    }));
  }
  return result;
}
