/** The figures' French labels, units and definitions as the warehouse holds them (table figure_definitions). */
import { queryRows, type Row } from "../duckdb/db.ts";
import type { Warehouse } from "./warehouse.ts";

/** Every figure's definition: the figures first, then the cohort's, each in the definitions' order. */
export function figureDefinitionRows(wh: Warehouse): Promise<Row[]> {
  return queryRows(
    wh.conn,
    `select cle, groupe, libelle, libelle_court, unite, definition, libelle_court_singulier from figure_definitions order by groupe desc, rowid`,
  );
}
