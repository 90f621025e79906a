/**
 * The monthly marts (figures_per_month_and_sector and the complementary indicators per month):
 * a figure's series for the API, the ended months the site charts. Column names come from fixed
 * lists (the figures' definitions, the loaders' lists), never from request text.
 */
import { queryRows, type Row } from "../duckdb/db.ts";
import type { FigureDefinition } from "../figures/definitions.ts";
import { sqlTypeFor } from "./figures.ts";
import type { Warehouse } from "./warehouse.ts";

const isoDate = (column: string) => `strftime(${column}, '%Y-%m-%d') as ${column}`;

/** A month-level row (its date_arrete the month's D) of a month that has ended. */
const MONTH_ENDED = `date_arrete = last_day(date_arrete)`;

/**
 * The monthly series of one figure for a sector or the whole landlord (secteur null): its month,
 * the month's D, its value and `fenetre_complete`; ended months only when `monthEndsOnly`.
 */
export function figureSeries(
  wh: Warehouse,
  q: { figure: Pick<FigureDefinition, "cle" | "unite">; secteur: string | null; monthEndsOnly: boolean },
): Promise<Row[]> {
  const column = `cast(${q.figure.cle} as ${sqlTypeFor(q.figure.unite)})`;
  return queryRows(
    wh.conn,
    `select strftime(mois, '%Y-%m') as mois, strftime(date_arrete, '%Y-%m-%d') as date_arrete, ${column} as valeur,
            fenetre_complete
     from figures_per_month_and_sector
     where code_secteur is not distinct from cast($s as varchar)
       and (not $fins_de_mois or ${MONTH_ENDED})
     order by mois`,
    { s: q.secteur, fins_de_mois: q.monthEndsOnly },
  );
}

/** The given figures of figures_per_month_and_sector at each ended month, per scope (landlord first). */
export function endedMonthsOfFigures(wh: Warehouse, figures: readonly Pick<FigureDefinition, "cle" | "unite">[]): Promise<Row[]> {
  return queryRows(
    wh.conn,
    `select
       ${isoDate("mois")},
       ${isoDate("date_arrete")},
       code_secteur as secteur,
       fenetre_complete,
       ${figures.map((f) => `cast(${f.cle} as ${sqlTypeFor(f.unite)}) as ${f.cle}`).join(",\n       ")}
     from figures_per_month_and_sector
     -- why: the month in progress (up to the latest posting date) moves a day each night
     where ${MONTH_ENDED}
     order by mois, code_secteur nulls first`,
  );
}

/**
 * The ended months of a monthly mart, one row per month and `by` (a sector, or a role): `mois`,
 * the columns `by` selects, then each of `columns` cast as given.
 */
export function endedMonths(
  wh: Warehouse,
  mart: string,
  by: { select: string; order: string },
  columns: Record<string, "integer" | "double">,
): Promise<Row[]> {
  return queryRows(
    wh.conn,
    `select ${isoDate("mois")}, ${by.select},
       ${Object.entries(columns)
         .map(([c, type]) => `cast(${c} as ${type}) as ${c}`)
         .join(", ")}
     from ${mart}
     -- why: the month in progress (up to the latest posting date) moves a day each night
     where ${MONTH_ENDED}
     order by mois, ${by.order}`,
  );
}
