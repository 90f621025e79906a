/**
 * The floor of the benchmark: DuckDB reading the same export files, after the same
 * decoding (normalizeExport.ts, the ETL's own decoder), into plain text tables, and nothing
 * else: no raw layer, no model, no check. Decoding a file overlaps DuckDB reading the
 * previous one, as in the ETL, so that the ratio ETL / floor measures the ETL's extra work,
 * not a different use of the two cores. Same DuckDB settings as the ETL (memory limit,
 * storage format and block size, insertion order).
 */
import fs from "node:fs";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { EXPORT_SCHEMA, KINDS, parseExportFileName, type Kind } from "../../src/etl/exportSchema.ts";
import { normalizeExport } from "../../src/etl/normalizeExport.ts";
import { ETL_MEMORY_LIMIT, NEW_WAREHOUSE_OPTIONS } from "../../src/etl/runEtl.ts";
import { DEFAULT_PROFILE } from "../../src/etl/profile.ts";
import { normalisedCsvReader } from "../../src/etl/rawLayer.ts";

export interface FloorResult {
  seconds: number;
  decodeSeconds: number;
  files: number;
  rows: number;
}

export async function loadFloor(exportsDir: string, dbPath: string): Promise<FloorResult> {
  const t0 = performance.now();
  for (const f of [dbPath, `${dbPath}.wal`]) fs.rmSync(f, { force: true });
  const tmp = `${dbPath}.csv`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const files = fs
    .readdirSync(exportsDir)
    .map((name) => ({ name, parsed: parseExportFileName(name) }))
    .filter(
      (f): f is { name: string; parsed: { kind: Kind; exportDate: string } } =>
        !!f.parsed?.exportDate && KINDS.includes(f.parsed.kind as Kind),
    )
    .sort((a, b) => a.parsed.exportDate.localeCompare(b.parsed.exportDate) || KINDS.indexOf(a.parsed.kind) - KINDS.indexOf(b.parsed.kind));

  const instance = await DuckDBInstance.create(dbPath, NEW_WAREHOUSE_OPTIONS);
  const conn = await instance.connect();
  let rows = 0;
  let decodeMs = 0;
  try {
    await conn.run(`set memory_limit = '${process.env.ETL_MEMORY_LIMIT ?? ETL_MEMORY_LIMIT}'`);
    await conn.run(`set preserve_insertion_order = false`);
    for (const kind of KINDS) {
      await conn.run(`create table plain_${kind} (ligne integer, ${EXPORT_SCHEMA[kind].columns.map((c) => `${c} varchar`).join(", ")})`);
    }
    let reading: Promise<void> | null = null;
    for (const f of files) {
      const out = path.join(tmp, `${f.name}.normalised.csv`);
      const d0 = performance.now();
      await normalizeExport(path.join(exportsDir, f.name), f.name, f.parsed.kind, DEFAULT_PROFILE, out);
      decodeMs += performance.now() - d0;
      await reading;
      reading = conn
        .runAndReadAll(`insert into plain_${f.parsed.kind} select * from ${normalisedCsvReader(f.parsed.kind, out)}`)
        .then((r) => {
          rows += Number(r.getRows()[0]?.[0] ?? 0);
          fs.rmSync(out, { force: true });
        });
      reading.catch(() => undefined); // awaited (and thrown) before the next read starts
    }
    await reading;
    await conn.run("checkpoint");
  } finally {
    conn.closeSync();
    instance.closeSync();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { seconds: (performance.now() - t0) / 1000, decodeSeconds: decodeMs / 1000, files: files.length, rows };
}
