/**
 * Read figures from the published warehouse. Every number comes from the metrics
 * model figures_per_date_and_sector; for an as-of date the ETL did not materialise,
 * the same SQL models are run for that one date (see asOfChain), never re-implemented.
 */
import { formatDate as frDate } from "../../reports/components/format.ts";
import { QueryError } from "../errors.ts";
import { COHORT_FIGURES, FIGURES, type FigureUnit } from "../figures/definitions.ts";
import { queryRows, type Params, type Row } from "../duckdb/db.ts";
import { atAdHocAsOfDate } from "../models/adHocAsOf.ts";
import { isMonthEnd, lastMonthEndOnOrBefore, monthEnd } from "./monthEnds.ts";
import { memoized, type Warehouse } from "./warehouse.ts";
import { checkSector } from "./sectors.ts";
import { dataBounds } from "./dataBounds.ts";
import { SITE_YEAR_DATES, isComputedAsOfDate } from "./asOfDates.ts";

export interface FiguresQuery {
  annee: number;
  /** ISO yyyy-mm-dd; default: 31/12 of annee, or the latest posting date for the year in progress. */
  au?: string | null;
  /** Sector code; null or absent for the whole landlord. */
  secteur?: string | null;
  /**
   * Month ends only (src/warehouse/monthEnds.ts, for roles without case access): an explicit
   * `au` must be a month's last day, and the default D of a year in progress is its latest
   * month end on or before the latest posting date.
   */
  monthEndsOnly?: boolean;
}

export type FiguresRecord = {
  annee: number;
  date_arrete: string;
  /** The latest posting date loaded: said beside D so that a month-end D is not taken for the data's end. */
  donnees_jusqu_au?: string;
  secteur: string | null;
  lignes_quarantaine: number;
  /**
   * FIGURES.md, "Complete windows": the data loaded covers the whole window W(D). When false the
   * figures are computed all the same but are not comparable with a full year's.
   */
  fenetre_complete: boolean;
  cohorte_commandements: Record<string, number | null>;
} & Record<string, number | string | boolean | null | Record<string, number | null>>;

/** The SQL type a figure of this unit is read as. */
export const sqlTypeFor = (unit: FigureUnit) => (unit === "nombre" ? "integer" : "double");

/** The columns of a figures_per_* table as the JSON of FIGURES.md names them (cohort flattened). */
export const SELECT_FIGURES = [
  "cast(annee as integer) as annee",
  "strftime(date_arrete, '%Y-%m-%d') as date_arrete",
  "code_secteur as secteur",
  "cast(lignes_quarantaine as integer) as lignes_quarantaine",
  "fenetre_complete",
  ...FIGURES.map((f) => `cast(${f.cle} as ${sqlTypeFor(f.unite)}) as ${f.cle}`),
  ...COHORT_FIGURES.map((f) => `cast(cohorte_${f.cle} as ${sqlTypeFor(f.unite)}) as cohorte_${f.cle}`),
].join(",\n  ");

/** A row selected with SELECT_FIGURES, with the cohort nested as FIGURES.md says. */
export function toFiguresRecord(row: Row): FiguresRecord {
  const out: Record<string, unknown> = {};
  const cohort: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(row)) {
    if (k.startsWith("cohorte_")) cohort[k.slice("cohorte_".length)] = v as number | null;
    else out[k] = v;
  }
  out.cohorte_commandements = cohort;
  return out as FiguresRecord;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isRealIsoDate(s: string): boolean {
  if (!ISO_DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The as-of date D asked for, checked against the data. */
export async function resolveAsOfDate(wh: Warehouse, q: FiguresQuery): Promise<string> {
  if (!Number.isInteger(q.annee) || q.annee < 1900 || q.annee > 2100) {
    throw new QueryError(`année « ${q.annee} » invalide : donnez une année sur quatre chiffres, par exemple 2024.`);
  }
  const { premier_jour, dernier_jour } = await dataBounds(wh);
  if (!premier_jour || !dernier_jour) throw new QueryError("l'entrepôt ne contient aucune écriture : lancez d'abord un chargement.");
  const firstYear = Number(premier_jour.slice(0, 4));
  const lastYear = Number(dernier_jour.slice(0, 4));
  if (q.annee < firstYear || q.annee > lastYear) {
    throw new QueryError(
      `aucune donnée pour l'année ${q.annee} : les écritures chargées vont du ${frDate(premier_jour)} au ${frDate(dernier_jour)}.`,
    );
  }
  if (q.au == null) {
    if (q.annee !== lastYear) return `${q.annee}-12-31`;
    if (!q.monthEndsOnly) return dernier_jour;
    const d = lastMonthEndOnOrBefore(dernier_jour);
    if (Number(d.slice(0, 4)) !== q.annee) {
      throw new QueryError(
        `aucune fin de mois n'est encore passée en ${q.annee} (données chargées jusqu'au ${frDate(dernier_jour)}) : pour votre rôle, ` +
          `les chiffres ne sont donnés qu'en fin de mois ; ceux de ${q.annee} le seront au ${frDate(monthEnd(`${q.annee}-01-01`))}. ` +
          `Demandez l'année ${q.annee - 1}.`,
      );
    }
    return d;
  }
  if (!isRealIsoDate(q.au)) throw new QueryError(`date d'arrêté « ${q.au} » invalide : format attendu aaaa-mm-jj, par exemple 2024-06-30.`);
  if (Number(q.au.slice(0, 4)) !== q.annee) {
    throw new QueryError(`la date d'arrêté ${frDate(q.au)} n'est pas dans l'année ${q.annee}.`);
  }
  if (q.au > dernier_jour) {
    throw new QueryError(`la date d'arrêté ${frDate(q.au)} est postérieure aux dernières données (${frDate(dernier_jour)}).`);
  }
  if (q.monthEndsOnly && !isMonthEnd(q.au)) {
    const before = lastMonthEndOnOrBefore(q.au);
    const otherYear = Number(before.slice(0, 4)) !== q.annee ? `&annee=${before.slice(0, 4)}` : "";
    throw new QueryError(
      `la date d'arrêté ${frDate(q.au)} n'est pas une fin de mois : pour votre rôle, les chiffres ne sont donnés qu'en fin de mois, ` +
        `afin que deux dates proches ne laissent pas déduire la situation d'un ménage. ` +
        `Demandez la fin du mois précédent, le ${frDate(before)} (au=${before}${otherYear}).`,
    );
  }
  return q.au;
}

async function figuresAt(wh: Warehouse, date: string, secteur: string | null | undefined, bySector: boolean): Promise<Row[]> {
  const filter = bySector ? "code_secteur is not null" : "code_secteur is not distinct from cast($s as varchar)";
  const params: Params = bySector ? { d: date } : { d: date, s: secteur ?? null };
  const sql = (table: string) =>
    `select ${SELECT_FIGURES} from ${table} where date_arrete = cast($d as date) and ${filter} order by code_secteur`;
  if (await isComputedAsOfDate(wh, date)) return queryRows(wh.conn, sql("figures_per_date_and_sector"), params);

  // An as-of date the ETL did not materialise: the date-dependent models run for it alone.
  return atAdHocAsOfDate({
    instance: wh.instance,
    date,
    target: "figures_per_date_and_sector",
    read: (conn, table) => queryRows(conn, sql(table), params),
  });
}

export async function getFigures(wh: Warehouse, q: FiguresQuery): Promise<FiguresRecord> {
  if (q.secteur != null) await checkSector(wh, q.secteur);
  const date = await resolveAsOfDate(wh, q);
  const rows = await figuresAt(wh, date, q.secteur, false);
  if (rows.length !== 1) throw new QueryError(`aucun chiffre calculé pour le ${frDate(date)}.`);
  return withDataEnd(toFiguresRecord(rows[0]!), (await dataBounds(wh)).dernier_jour!);
}

export async function getFiguresBySector(wh: Warehouse, q: Omit<FiguresQuery, "secteur">): Promise<FiguresRecord[]> {
  const date = await resolveAsOfDate(wh, q);
  const end = (await dataBounds(wh)).dernier_jour!;
  return (await figuresAt(wh, date, null, true)).map((r) => withDataEnd(toFiguresRecord(r), end));
}

/**
 * The record with `donnees_jusqu_au` and `fenetre_complete` right after the keys that say what
 * it is (annee, D, scope, quarantine): both say how far the figures can be compared.
 */
function withDataEnd(r: FiguresRecord, donnees_jusqu_au: string): FiguresRecord {
  const { annee, date_arrete, secteur, lignes_quarantaine, fenetre_complete, ...rest } = r;
  return { annee, date_arrete, secteur, lignes_quarantaine, donnees_jusqu_au, fenetre_complete, ...rest } as FiguresRecord;
}

/**
 * Every scope's figures at each year's site date (asOfDates.ts, SITE_YEAR_DATES: month ends
 * only), selected with SELECT_FIGURES, with the latest posting date as `donnees_jusqu_au`; by
 * year, the landlord first.
 */
export async function figuresAtSiteYearDates(wh: Warehouse): Promise<Row[]> {
  return queryRows(
    wh.conn,
    `select ${SELECT_FIGURES}, $fin as donnees_jusqu_au
     from figures_per_date_and_sector
     where date_arrete in ${SITE_YEAR_DATES}
     order by annee, code_secteur nulls first`,
    { fin: (await dataBounds(wh)).dernier_jour },
  );
}

/**
 * Each figure's change over one year (figure_changes_per_date_and_sector) at each year's site date,
 * where there is one.
 */
export function figureChangesAtSiteYearDates(wh: Warehouse): Promise<Row[]> {
  return queryRows(
    wh.conn,
    `select strftime(c.date_arrete, '%Y-%m-%d') as date_arrete, c.code_secteur as secteur, c.cle, c.variation,
            c.valeur_un_an_avant, strftime(c.date_un_an_avant, '%Y-%m-%d') as date_un_an_avant, c.fenetres_completes
     from figure_changes_per_date_and_sector as c
     -- why: the pages show changes at each year's date only (month ends: see SITE_YEAR_DATES)
     where c.date_arrete in ${SITE_YEAR_DATES} and c.variation is not null
     order by c.date_arrete, c.code_secteur nulls first, c.cle`,
  );
}
