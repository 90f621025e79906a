/**
 * Households at each litigation stage at an as-of date D, for the landlord and each sector
 * (metrics model litigation_stages_per_year_and_sector). The mart holds each year's D; for
 * another date (a year in progress shown at its latest month end) the same model is run for
 * that date alone (src/models/adHocAsOf.ts).
 */
import { queryRows } from "../duckdb/db.ts";
import { atAdHocAsOfDate } from "../models/adHocAsOf.ts";
import type { Warehouse } from "./warehouse.ts";

const MART = "litigation_stages_per_year_and_sector";

export type StageCount = {
  annee: number;
  date_arrete: string;
  secteur: string | null;
  rang: number;
  etape: string;
  menages: number;
};

const select = (table: string) =>
  `select cast(annee as integer) as annee, strftime(date_arrete, '%Y-%m-%d') as date_arrete, code_secteur as secteur,
          cast(rang as integer) as rang, etape, cast(menages as integer) as menages
   from ${table} where date_arrete = cast($d as date) order by code_secteur nulls first, rang`;

/** Every scope's stage counts at `date` (landlord first, then sectors in code order). */
export async function litigationStagesAt(wh: Warehouse, date: string): Promise<StageCount[]> {
  const inMart = await queryRows<StageCount>(wh.conn, select(MART), { d: date });
  if (inMart.length > 0) return inMart;
  return atAdHocAsOfDate({
    instance: wh.instance,
    date,
    target: MART,
    read: (conn, table) => queryRows<StageCount>(conn, select(table), { d: date }),
  });
}
