/**
 * Answers for an as-of date the ETL did not materialise: the date-dependent SQL models a
 * table needs (asOfChain) are run for that one date, in a private in-memory schema that
 * shadows the warehouse's tables of the same name. Nothing is re-implemented in TypeScript.
 */
import crypto from "node:crypto";
import type { DuckDBConnection } from "@duckdb/node-api";
import { asOfChain, materialize } from "../etl/models.ts";
import type { Warehouse } from "./warehouse.ts";

/**
 * Compute `target` for the as-of date `date` alone and read it with `read(conn, table)`,
 * where `table` is the qualified name of the computed table. The one as-of date is flagged
 * as the D of its year (as a year's date is), so year-based marts hold it too.
 */
export async function atAdHocAsOfDate<T>(
  wh: Warehouse,
  date: string,
  target: string,
  read: (conn: DuckDBConnection, table: string) => Promise<T>,
): Promise<T> {
  const conn = await wh.instance.connect();
  const schema = `adhoc_${crypto.randomBytes(6).toString("hex")}`;
  try {
    await conn.run(`create schema memory.${schema}`);
    await conn.run(`set search_path = 'memory.${schema},wh.main'`);
    await conn.run(
      `create table memory.${schema}.int_as_of_dates as
       select cast($d as date) as date_arrete, year(cast($d as date)) as annee,
              cast($d as date) = last_day(cast($d as date)) as est_fin_de_mois,
              false as est_derniere_donnee, true as est_date_annuelle`,
      { d: date },
    );
    for (const model of asOfChain(target)) await materialize(conn, model, `memory.${schema}`);
    return await read(conn, `memory.${schema}.${target}`);
  } finally {
    await conn.run(`drop schema if exists memory.${schema} cascade`).catch(() => undefined);
    conn.closeSync();
  }
}
