/**
 * The raw layer: every row of every export file loaded, as text, one immutable Parquet
 * file per export file, beside the warehouse in `<db>.raw/`, Hive-partitioned by kind
 * and export date:
 *
 *   <db>.raw/type_fichier=ecritures/date_export=2026-10-31/ecritures_20261031-<sha256 prefix>.parquet
 *
 * Why outside the DuckDB file: the raw layer only grows, and a file once written never
 * changes, so the nightly copy-aside of the warehouse (runEtl.ts) does not copy it again
 * every night; zstd-compressed Parquet takes less than half the room of the same text in
 * DuckDB's own storage; and it is already the layout a distributed engine reads (see
 * exportParquet.ts). The warehouse keeps the list of files that count (`etl_files.fichier_brut`)
 * and exposes them as the views `raw_<kind>`, so the SQL models read them like tables.
 *
 * Atomicity: a file's Parquet is written under a name that holds its SHA-256 before the
 * warehouse that lists it is published. A run that fails or is killed leaves files no
 * published warehouse lists; the next run removes them (`removeUnlisted`). A file reloaded
 * under the same name gets a new Parquet; the old one goes once the new warehouse is out,
 * unless a publication lists it (kept for as long as the publications file lists it).
 */
import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, sqlLiteral } from "../duckdb/db.ts";
import { mergePublications, publishedRawFiles } from "../publications/store.ts";
import { EXPORT_SCHEMA, KINDS, type Kind } from "./exportSchema.ts";

/**
 * How raw Parquet is written. why not a higher zstd level or larger row groups: level 9 with
 * row groups of a million rows made the demo office's raw ledger 13 % smaller (35.4 -> 30.8
 * MiB) but the load 4 s longer, and larger row groups slowed the row checks that read them in
 * parallel (measured on the demo office, 27/11/2026).
 */
const RAW_PARQUET = "format parquet, compression zstd, row_group_size 122880";

/** The folder of the raw layer of a warehouse. */
export function rawDir(dbPath: string): string {
  return `${dbPath}.raw`;
}

/**
 * Copy a published warehouse: the DuckDB file and its raw layer (what a backup takes, and what
 * a restore puts back). The target's old raw layer is replaced, except the Parquet files a
 * publication of the target lists (src/publications/): a restore from an older backup keeps
 * every publication reproducible. The publications file is never replaced: the source's
 * events the target lacks are appended to it (mergePublications). Not for a warehouse a run
 * is writing.
 */
export function copyWarehouse(from: string, to: string): void {
  fs.copyFileSync(from, to);
  const published = publishedRawFiles(to);
  if (published.size === 0) fs.rmSync(rawDir(to), { recursive: true, force: true });
  if (fs.existsSync(rawDir(from))) fs.cpSync(rawDir(from), rawDir(to), { recursive: true });
  // why after the copy: a file both in the backup and published stays; the rest of the old layer goes
  if (published.size > 0) removeUnlisted(to, listFiles(rawDir(from)));
  mergePublications(from, to);
}

/** The files under a folder, relative to it (none when it does not exist). */
function listFiles(root: string): Set<string> {
  const out = new Set<string>();
  if (!fs.existsSync(root)) return out;
  for (const e of fs.readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.add(path.relative(root, path.join(e.parentPath, e.name)));
  }
  return out;
}

/** Bytes of a warehouse's raw layer on disk (0 when it has none). */
export function rawLayerBytes(dbPath: string): number {
  const dir = rawDir(dbPath);
  if (!fs.existsSync(dir)) return 0;
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += fs.statSync(path.join(e.parentPath, e.name)).size;
  }
  return total;
}

/** Where the Parquet of one export file goes, relative to the raw folder (Hive layout). */
export function rawRelativePath(kind: Kind, exportDate: string, fileName: string, sha256: string): string {
  const base = fileName.replace(/\.csv$/i, "");
  return path.join(`type_fichier=${kind}`, `date_export=${exportDate}`, `${base}-${sha256.slice(0, 16)}.parquet`);
}

/** The columns of raw_<kind>, in order: provenance, then the export's kept columns as text. */
export function rawColumns(kind: Kind): Array<[string, string]> {
  return [
    ["fichier", "varchar"],
    ["date_export", "date"],
    ["ligne", "integer"],
    ...EXPORT_SCHEMA[kind].columns.map((c): [string, string] => [c, "varchar"]),
  ];
}

/** read_csv options for a normalised file (normalizeExport.ts): nothing guessed. */
export function normalisedCsvReader(kind: Kind, csvPath: string): string {
  const cols = EXPORT_SCHEMA[kind].columns;
  const columns = `{'ligne': 'INTEGER', ${cols.map((c) => `'${c}': 'VARCHAR'`).join(", ")}}`;
  return `read_csv(${sqlLiteral(csvPath)}, delim = ';', quote = '"', escape = '"', header = true, auto_detect = false,
    strict_mode = true, columns = ${columns})`;
}

/**
 * Write one normalised export file as the raw layer's Parquet (zstd), atomically
 * (a temporary name renamed into place). Returns the rows written.
 */
export async function writeRawFile(
  conn: DuckDBConnection,
  dbPath: string,
  file: { name: string; kind: Kind; exportDate: string },
  sha256: string,
  normalisedCsv: string,
): Promise<{ relative: string; rows: number }> {
  const relative = rawRelativePath(file.kind, file.exportDate, file.name, sha256);
  const target = path.join(rawDir(dbPath), relative);
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  const tmp = `${target}.tmp`;
  // File names and dates come from listInbox (validated pattern), never from file contents.
  const reader = await conn.runAndReadAll(
    `copy (select ${sqlLiteral(file.name)} as fichier, cast(${sqlLiteral(file.exportDate)} as date) as date_export, *
           from ${normalisedCsvReader(file.kind, normalisedCsv)})
     to ${sqlLiteral(tmp)} (${RAW_PARQUET})`,
  );
  // DuckDB creates the file with the process umask; owner-only whatever it is (ownerOnly.ts).
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, target);
  const rows = Number(reader.getRows()[0]?.[0] ?? 0);
  return { relative, rows };
}

/**
 * (Re)create the views raw_<kind> over the Parquet files etl_files lists, relative to `root`
 * (the warehouse's raw folder; another for a scratch warehouse over a publication's files).
 */
export async function createRawViews(conn: DuckDBConnection, dbPath: string, root = rawDir(dbPath)): Promise<void> {
  const listed = await queryRows<{ type_fichier: string; fichier_brut: string }>(
    conn,
    `select type_fichier, fichier_brut from etl_files where fichier_brut is not null order by date_export, fichier`,
  );
  for (const kind of KINDS) {
    const files = listed.filter((f) => f.type_fichier === kind).map((f) => path.join(root, f.fichier_brut));
    const columns = rawColumns(kind);
    const body = files.length
      ? `select ${columns.map(([c]) => c).join(", ")} from read_parquet([${files.map(sqlLiteral).join(", ")}])`
      : // no file of this kind yet: the same columns, no row
        `select ${columns.map(([c, t]) => `cast(null as ${t}) as ${c}`).join(", ")} where false`;
    await dropIfOtherKind(conn, `raw_${kind}`, "VIEW");
    await conn.run(`create or replace view raw_${kind} as ${body}`);
  }
}

/** Drop `name` when it exists as the other kind of object (a table where a view is wanted, or the reverse). */
export async function dropIfOtherKind(conn: DuckDBConnection, name: string, wanted: "VIEW" | "BASE TABLE", schema?: string): Promise<void> {
  const rows = await queryRows<{ table_type: string }>(
    conn,
    `select table_type from information_schema.tables
     where table_name = $n and table_catalog = current_database() and table_schema = coalesce(cast($s as varchar), 'main')`,
    { n: name, s: schema ?? null },
  );
  const found = rows[0]?.table_type;
  if (!found || found === wanted) return;
  const target = schema ? `${schema}.${name}` : name;
  await conn.run(found === "VIEW" ? `drop view ${target}` : `drop table ${target}`);
}

/**
 * A warehouse made before the raw layer moved to Parquet holds raw_<kind> as tables:
 * write each loaded file's rows to its Parquet and drop the tables (once).
 */
export async function migrateRawTables(conn: DuckDBConnection, dbPath: string, log: (line: string) => void): Promise<void> {
  for (const kind of KINDS) {
    const [t] = await queryRows<{ n: number }>(
      conn,
      `select cast(count(*) as integer) as n from information_schema.tables
       where table_name = $n and table_type = 'BASE TABLE' and table_catalog = current_database() and table_schema = 'main'`,
      { n: `raw_${kind}` },
    );
    if (!t || t.n === 0) continue;
    const files = await queryRows<{ fichier: string; date_export: string; sha256: string }>(
      conn,
      `select fichier, strftime(date_export, '%Y-%m-%d') as date_export, sha256 from etl_files where type_fichier = $k`,
      { k: kind },
    );
    for (const f of files) {
      const relative = rawRelativePath(kind, f.date_export, f.fichier, f.sha256);
      const target = path.join(rawDir(dbPath), relative);
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      await conn.run(
        `copy (select * from raw_${kind} where fichier = ${sqlLiteral(f.fichier)}) to ${sqlLiteral(`${target}.tmp`)}
         (${RAW_PARQUET})`,
      );
      fs.chmodSync(`${target}.tmp`, 0o600);
      fs.renameSync(`${target}.tmp`, target);
      await conn.run(`update etl_files set fichier_brut = $r where fichier = $f`, { r: relative, f: f.fichier });
    }
    await conn.run(`drop table raw_${kind}`);
    log(`couche brute : raw_${kind} déplacée en Parquet (${files.length} fichier(s))`);
  }
}

/**
 * Remove the Parquet files (and empty folders) of the raw folder that `keep` does not list,
 * nor any publication (src/publications/store.ts): a file a publication rests on stays, even
 * after it is reloaded under the same name, so that the publication can be reproduced
 * (`npm run figures -- --publication ID --verifier`) and its revisions explained.
 */
export function removeUnlisted(dbPath: string, keepListed: Set<string>): number {
  const root = rawDir(dbPath);
  if (!fs.existsSync(root)) return 0;
  const keep = new Set([...keepListed, ...publishedRawFiles(dbPath)]);
  let removed = 0;
  const walk = (dir: string): boolean => {
    let empty = true;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (walk(full)) fs.rmdirSync(full);
        else empty = false;
      } else if (keep.has(path.relative(root, full))) {
        empty = false;
      } else {
        fs.rmSync(full, { force: true });
        removed++;
      }
    }
    return empty;
  };
  walk(root);
  return removed;
}
