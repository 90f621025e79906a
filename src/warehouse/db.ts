/**
 * The DuckDB helpers now live in src/duckdb/db.ts, shared by the ETL and the reader; this
 * re-export keeps the reader's older imports working until they follow.
 */
export * from "../duckdb/db.ts";
