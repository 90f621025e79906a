/**
 * Answers for an as-of date the ETL did not materialise: the as-of dates model and the
 * date-dependent models a table needs (asOfChain) are run, with their own SQL, for that one
 * date, in a private in-memory schema that shadows the warehouse's tables of the same name.
 * The date reaches the as-of dates model through a DuckDB variable (AD_HOC_DATE_VARIABLE): its
 * SQL then lists that date alone, with every column it has. Nothing is re-implemented here.
 */
import crypto from "node:crypto";
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { AD_HOC_DATE_VARIABLE, asOfChain, loadModels, materialize, type Model } from "./models.ts";

export interface AdHocAsOfOptions<T> {
  /** The database the published warehouse is attached to (read-only, as `wh`). */
  instance: DuckDBInstance;
  /** ISO yyyy-mm-dd. */
  date: string;
  /** The model to compute. */
  target: string;
  /** Reads the result; `table` is the qualified name of the computed table. */
  read: (conn: DuckDBConnection, table: string) => Promise<T>;
  /** The models (default: those of etl/models). */
  models?: Model[];
  /** The warehouse's schema, read for everything not recomputed (default wh.main). */
  warehouseSchema?: string;
}

/**
 * Compute `target` for the as-of date `date` alone and read it. The one as-of date is flagged
 * as the D of its year (as a year's date is), so year-based marts hold it too.
 */
export async function atAdHocAsOfDate<T>(options: AdHocAsOfOptions<T>): Promise<T> {
  const { instance, date, target, read } = options;
  return inShadowSchema(instance, { prefix: "adhoc", warehouseSchema: options.warehouseSchema }, async (conn, schema) => {
    await conn.run(`set variable ${AD_HOC_DATE_VARIABLE} = cast($d as date)`, { d: date });
    for (const model of asOfChain(target, options.models ?? loadModels())) await materialize(conn, model, { schema });
    return read(conn, `${schema}.${target}`);
  });
}

/**
 * Run `fn` on a connection whose unqualified names resolve first in a private in-memory schema
 * (`schema`, qualified), then in the warehouse's: tables made there shadow the warehouse's of
 * the same name. The schema is dropped afterwards. Used by ad-hoc dates and the review replay.
 */
export async function inShadowSchema<T>(
  instance: DuckDBInstance,
  { prefix, warehouseSchema = "wh.main" }: { prefix: string; warehouseSchema?: string },
  fn: (conn: DuckDBConnection, schema: string) => Promise<T>,
): Promise<T> {
  const conn = await instance.connect();
  const schema = `memory.${prefix}_${crypto.randomBytes(6).toString("hex")}`;
  try {
    await conn.run(`create schema ${schema}`);
    await conn.run(`set search_path = '${schema},${warehouseSchema}'`);
    return await fn(conn, schema);
  } finally {
    await conn.run(`drop schema if exists ${schema} cascade`).catch(() => undefined);
    conn.closeSync();
  }
}
