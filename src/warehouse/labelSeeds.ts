/**
 * The seeds that hold French labels (etl/seeds/*.csv), read with the warehouse's DuckDB as the ETL
 * reads them (read_csv, ';', a header, text columns): the site shows exactly the labels the SQL
 * and the API carry. The one read here that is not of the warehouse's tables: the site's label
 * list is the seed file itself.
 */
import { queryRows } from "../duckdb/db.ts";
import type { Warehouse } from "./warehouse.ts";

/** The rows (field, code, French label) of the seed CSV `file`, whose columns are `columns` (a read_csv struct). */
export function labelSeedRows(wh: Warehouse, file: string, columns: string): Promise<{ champ: string; code: string; libelle: string }[]> {
  return queryRows(
    wh.conn,
    `select champ, code, libelle
     from read_csv($f, delim = ';', header = true, auto_detect = false, columns = ${columns})`,
    { f: file },
  );
}
