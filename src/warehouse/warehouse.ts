/**
 * A read-only view of the published warehouse. It is attached to an in-memory
 * database so that questions for an ad-hoc as-of date can build their tables in
 * memory, never in the warehouse, and so that the ETL can replace the file
 * underneath (atomic rename) while this handle keeps reading the old one.
 *
 * src/warehouse is the one read module of the published warehouse: every SQL statement the
 * API, the CLI, the site's loaders and the publications run against it is in one of its small
 * modules, named for what it reads (figures, cases, runs, …). It reads marts, metrics, seeds and
 * the ETL's journal, never a staging, intermediate or raw model (a mart is added for what a
 * reader needs, e.g. as_of_dates), and never imports src/etl; an ad-hoc as-of date runs the
 * models' own SQL through src/models. One exception stays outside, by design: a publication's
 * revisions and its check (src/publications/revisions.ts, rawFiles.ts, verify.ts) rebuild the
 * export rows of the publication's files from the raw layer with the ETL's own staging and
 * deduplication models, which is lineage, not figures. test/warehouse.reader.test.ts keeps it so.
 */
import fs from "node:fs";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { QueryError } from "../errors.ts";
import { sqlLiteral } from "../duckdb/db.ts";

export interface Warehouse {
  path: string;
  instance: DuckDBInstance;
  conn: DuckDBConnection;
  /** Answers that cannot change while this file is open (data bounds, sector list). */
  memo: Map<string, Promise<unknown>>;
  close(): void;
}

/** Compute once per open warehouse (a published file never changes; a new one is a new handle). */
export function memoized<T>(wh: Warehouse, key: string, compute: () => Promise<T>): Promise<T> {
  let p = wh.memo.get(key) as Promise<T> | undefined;
  if (!p) {
    p = compute();
    wh.memo.set(key, p);
    p.catch(() => wh.memo.delete(key));
  }
  return p;
}

/** Another connection to the warehouse `wh` (e.g. a server's pool), whose unqualified names read the published file. */
export async function connectTo(wh: Pick<Warehouse, "instance">): Promise<DuckDBConnection> {
  const conn = await wh.instance.connect();
  await conn.run(`set search_path = 'wh.main'`);
  return conn;
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
    memo: new Map(),
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
