/**
 * The rows in quarantine (mart quarantine), counted: file, line, column and reason only. The raw
 * value and the row's key stay in the warehouse.
 */
import { queryRows, type Row } from "../duckdb/db.ts";
import type { Warehouse } from "./warehouse.ts";

/** Rows per reason, column and file kind, the most frequent first. */
export function quarantineByReason<T extends Row>(wh: Warehouse): Promise<T[]> {
  return queryRows<T>(
    wh.conn,
    `select motif, colonne, type_fichier, cast(count(*) as integer) as lignes
     from quarantine group by all order by lignes desc, motif, colonne`,
  );
}

/** Rows per file, column and reason, with at most `maxLineNumbers` of their line numbers. */
export function quarantineByFile<T extends Row>(wh: Warehouse, maxLineNumbers: number): Promise<T[]> {
  return queryRows<T>(
    wh.conn,
    `select fichier, type_fichier, colonne, motif, cast(count(*) as integer) as lignes,
       list(ligne order by ligne)[1:${Math.trunc(maxLineNumbers)}] as numeros_lignes
     from quarantine group by all order by fichier, lignes desc, motif`,
  );
}

/** The number of rows in quarantine. */
export async function quarantineSize(wh: Warehouse): Promise<number> {
  const [size] = await queryRows<{ total: number }>(wh.conn, `select cast(count(*) as integer) as total from quarantine`);
  return size?.total ?? 0;
}
