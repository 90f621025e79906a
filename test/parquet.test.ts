import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { exportParquet, readBackSql, type ExportedTable } from "../src/etl/exportParquet.ts";
import { createMacros, loadModels, materialize } from "../src/etl/models.ts";
import { queryRows, sqlLiteral } from "../src/duckdb/db.ts";
import { etl, tempDir, writeSmallOffice } from "./util/exports.ts";

async function office() {
  const dir = tempDir("oph-parquet-");
  const exportsDir = path.join(dir, "exports");
  const db = path.join(dir, "w.duckdb");
  writeSmallOffice(exportsDir, 12);
  await etl({ exportsDir, dbPath: db });
  const out = await exportParquet(db, path.join(dir, "parquet"));
  return { dir, db, out };
}

/** Rows only in `a`, rows only in `b` (multisets, same columns in the same order). */
async function diff(conn: Awaited<ReturnType<DuckDBInstance["connect"]>>, a: string, b: string) {
  const [r] = await queryRows<{ a: number; b: number }>(
    conn,
    `select (select cast(count(*) as integer) from (${a} except all ${b})) as a,
            (select cast(count(*) as integer) from (${b} except all ${a})) as b`,
  );
  return [r!.a, r!.b];
}

describe("exportParquet", () => {
  it("writes the raw layer and every kept table as Hive-partitioned Parquet, with a manifest", async () => {
    const { out } = await office();
    const manifest = JSON.parse(fs.readFileSync(path.join(out.dossier, "_manifest.json"), "utf8")) as { tables: ExportedTable[] };
    const byName = new Map(manifest.tables.map((t) => [t.table, t]));
    expect(byName.get("raw_ecritures")?.partition).toBe("date_export");
    expect(fs.existsSync(path.join(out.dossier, "raw", "raw_ecritures", "date_export=2024-12-31"))).toBe(true);
    expect(byName.get("ledger_entries")).toMatchObject({ partition: "annee", partition_de: "year(date_ecriture)" });
    expect(fs.readdirSync(path.join(out.dossier, "models", "ledger_entries")).sort()).toEqual(["annee=2024", "annee=2025"]);
    expect(byName.get("figures_per_year_and_sector")?.partition).toBe("annee");
    for (const m of loadModels().filter((m) => m.materialized === "table")) expect(byName.has(m.name), m.name).toBe(true);
  });

  it("gives back the warehouse's figures, read from the Parquet or recomputed from its raw layer by the same SQL", async () => {
    const { db, out } = await office();
    const instance = await DuckDBInstance.create(":memory:");
    const conn = await instance.connect();
    try {
      await conn.run(`attach ${sqlLiteral(db)} as wh (read_only)`);
      // 1. Every exported table read back is the warehouse's table.
      for (const t of out.tables) {
        expect(await diff(conn, `select * from wh.main.${t.table}`, readBackSql(out.dossier, t)), t.table).toEqual([0, 0]);
      }
      // 2. The models run again on the raw layer and code lists read from the Parquet alone
      //    (as another engine would) give the same figures.
      for (const t of out.tables.filter((t) => t.dossier.startsWith("raw") || t.dossier.startsWith("reference"))) {
        await conn.run(`create view memory.main.${t.table} as ${readBackSql(out.dossier, t)}`);
      }
      await conn.run(`use memory`);
      await createMacros(conn);
      for (const model of loadModels()) await materialize(conn, model);
      for (const table of ["figures_per_date_and_sector", "figures_per_year_and_sector", "ledger_entries", "quarantine", "review_cases"]) {
        expect(await diff(conn, `select * from memory.main.${table}`, `select * from wh.main.${table}`), table).toEqual([0, 0]);
      }
      const [f] = await queryRows<{ taux: number }>(
        conn,
        `select taux_impayes as taux from figures_per_year_and_sector where annee = 2024 and code_secteur is null`,
      );
      expect(f!.taux).toBeGreaterThan(0);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });

  it("runs from the command line after a load: npm run etl -- --export-parquet DIR", () => {
    const dir = tempDir("oph-parquet-cli-");
    writeSmallOffice(path.join(dir, "exports"));
    const child = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli/etl.ts",
        "--exports",
        path.join(dir, "exports"),
        "--db",
        path.join(dir, "w.duckdb"),
        "--export-parquet",
        path.join(dir, "pq"),
      ],
      { encoding: "utf8" },
    );
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout).toMatch(/Export Parquet : \d+ table\(s\) dans .*pq/);
    expect(fs.existsSync(path.join(dir, "pq", "_manifest.json"))).toBe(true);
  });
});
