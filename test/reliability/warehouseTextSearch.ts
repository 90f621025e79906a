/**
 * Where does a piece of text survive in a warehouse? Every column of every table and view
 * (through SQL, so compressed storage cannot hide it), then the bytes of every file the ETL
 * keeps beside it: the DuckDB file and its WAL, the raw Parquet layer and the run journal,
 * searched in UTF-8 and in Windows-1252 (the exports' encoding). Used to show that the
 * free-text comments of broken export rows are stored nowhere (issue 10): by the reliability
 * check (corpus.ts) and by test/etl.privacy.test.ts.
 */
import fs from "node:fs";
import path from "node:path";
import iconv from "iconv-lite";
import { rawDir } from "../../src/etl/rawLayer.ts";
import { journalPath } from "../../src/runs/runJournal.ts";
import { openDatabase, queryRows } from "../../src/duckdb/db.ts";

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** "table.column" of each column of the warehouse (tables and views) whose text holds a needle. */
export async function columnsHolding(dbPath: string, needles: string[]): Promise<string[]> {
  const db = await openDatabase(dbPath, { readOnly: true });
  try {
    const columns = await queryRows<{ s: string; t: string; c: string }>(
      db.conn,
      `select table_schema as s, table_name as t, column_name as c from information_schema.columns
       where table_catalog = current_database() order by table_schema, table_name, ordinal_position`,
    );
    const found: string[] = [];
    const byTable = new Map<string, typeof columns>();
    for (const r of columns) {
      const key = `${ident(r.s)}.${ident(r.t)}`;
      byTable.set(key, [...(byTable.get(key) ?? []), r]);
    }
    for (const [table, cols] of byTable) {
      // why cast every column, not only varchar: lists and structs (the row checks' erreurs) hold text too
      const tests = cols.flatMap((col) => needles.map((_, k) => `contains(cast(${ident(col.c)} as varchar), $n${k})`));
      const hits = cols.map(
        (col) => `bool_or(${needles.map((_, k) => `contains(cast(${ident(col.c)} as varchar), $n${k})`).join(" or ")}) as ${ident(col.c)}`,
      );
      const params = Object.fromEntries(needles.map((n, k) => [`n${k}`, n]));
      let row: Record<string, boolean | null> | undefined;
      try {
        [row] = await queryRows<Record<string, boolean | null>>(
          db.conn,
          `select ${hits.join(", ")} from ${table} where ${tests.join(" or ")}`,
          params,
        );
      } catch (e) {
        // A view that no longer binds cannot be searched: said, never skipped in silence.
        found.push(`${cols[0]!.t} (illisible : ${(e as Error).message.split("\n")[0]})`);
        continue;
      }
      for (const col of cols) if (row?.[col.c]) found.push(`${cols[0]!.t}.${col.c}`);
    }
    return found;
  } finally {
    db.close();
  }
}

/** The files a warehouse keeps: its DuckDB file and WAL, its raw layer, its run journal (those that exist). */
export function warehouseFiles(dbPath: string): string[] {
  const files = [dbPath, `${dbPath}.wal`, journalPath(dbPath)].filter((f) => fs.existsSync(f));
  const raw = rawDir(dbPath);
  if (fs.existsSync(raw)) {
    for (const e of fs.readdirSync(raw, { withFileTypes: true, recursive: true })) {
      if (e.isFile()) files.push(path.join(e.parentPath, e.name));
    }
  }
  return files;
}

/** "file (encoding)" of each file holding a needle's bytes, in UTF-8 or Windows-1252. */
export function filesHolding(files: string[], needles: string[]): string[] {
  const patterns = needles.flatMap((n) => [
    { label: "UTF-8", bytes: Buffer.from(n, "utf8") },
    { label: "Windows-1252", bytes: iconv.encode(n, "win1252") },
  ]);
  const found: string[] = [];
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    const hit = patterns.find((p) => bytes.includes(p.bytes));
    if (hit) found.push(`${file} (${hit.label})`);
  }
  return found;
}

/** Every place (column, or file and encoding) of a warehouse that holds one of `needles`. */
export async function findTextInWarehouse(dbPath: string, needles: string[]): Promise<string[]> {
  return [...(await columnsHolding(dbPath, needles)), ...filesHolding(warehouseFiles(dbPath), needles)];
}
