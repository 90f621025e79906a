/**
 * A read-only view of the published warehouse. It is attached to an in-memory
 * database so that questions for an ad-hoc as-of date can build their tables in
 * memory, never in the warehouse, and so that the ETL can replace the file
 * underneath (atomic rename) while this handle keeps reading the old one.
 */
import fs from "node:fs";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { QueryError } from "../errors.ts";
import { sqlLiteral } from "./db.ts";

export interface Warehouse {
  path: string;
  instance: DuckDBInstance;
  conn: DuckDBConnection;
  close(): void;
}

export async function openWarehouse(path: string): Promise<Warehouse> {
  if (!fs.existsSync(path)) {
    throw new QueryError(`entrepôt ${path} introuvable : lancez d'abord un chargement (npm run etl).`);
  }
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  await conn.run(`attach ${sqlLiteral(path)} as wh (read_only)`);
  await conn.run(`set search_path = 'wh.main'`);
  return {
    path,
    instance,
    conn,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
