/**
 * Small helpers around @duckdb/node-api: open a database, run parameterised
 * queries ($name placeholders only), read rows as JSON-safe objects.
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";

export type Params = Record<string, DuckDBValue>;
export type Row = Record<string, unknown>;

export interface Database {
  instance: DuckDBInstance;
  conn: DuckDBConnection;
  close(): void;
}

/** Open (or create) a database file; `config` is DuckDB's, e.g. the block size of a new file. */
export async function openDatabase(path: string, options: { readOnly?: boolean; config?: Record<string, string> } = {}): Promise<Database> {
  const instance = await DuckDBInstance.create(path, { ...options.config, ...(options.readOnly ? { access_mode: "READ_ONLY" } : {}) });
  const conn = await instance.connect();
  return {
    instance,
    conn,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

export async function queryRows<T extends Row = Row>(conn: DuckDBConnection, sql: string, params?: Params): Promise<T[]> {
  const reader = await conn.runAndReadAll(sql, params);
  return reader.getRowObjectsJson() as T[];
}

/** SQL string literal for a value we control (file paths), never for request text. */
export function sqlLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
