/**
 * The as-of dates of the published warehouse (mart as_of_dates): which dates D the ETL computed
 * figures for, and the dates the public site shows.
 */
import { queryRows } from "../duckdb/db.ts";
import type { Warehouse } from "./warehouse.ts";

/** Whether the ETL computed figures at `date` (ISO yyyy-mm-dd): a month end or the latest data. */
export async function isComputedAsOfDate(wh: Warehouse, date: string): Promise<boolean> {
  const found = await queryRows(wh.conn, `select 1 from as_of_dates where date_arrete = cast($d as date)`, { d: date });
  return found.length > 0;
}

/**
 * The site's date of each year, as a subquery of one column `date_arrete`. The site is public and
 * rebuilt every night, so it follows the month-end rule against differencing (monthEnds.ts):
 * every date it shows is a month end. The D of a year is its latest month end: 31/12 for a
 * complete year, the latest month end on or before the latest posting date for the year in
 * progress (which is left out until its first month has ended). These are the as-of dates the API
 * gives roles without case access.
 */
export const SITE_YEAR_DATES = `(
  select max(date_arrete) as date_arrete from as_of_dates where est_fin_de_mois group by year(date_arrete)
)`;

/** The site's date of each year (SITE_YEAR_DATES), ISO yyyy-mm-dd, in order. */
export async function siteYearDates(wh: Warehouse): Promise<string[]> {
  const rows = await queryRows<{ d: string }>(wh.conn, `select strftime(date_arrete, '%Y-%m-%d') as d from ${SITE_YEAR_DATES} order by 1`);
  return rows.map((r) => r.d);
}
