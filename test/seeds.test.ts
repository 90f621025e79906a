/** The seeds of etl/seeds (src/etl/seeds.ts): one table per file, loaded by one loop. */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase, queryRows } from "../src/duckdb/db.ts";
import { loadSeeds, SEEDS_DIR } from "../src/etl/seeds.ts";
import { tempDir } from "./util/exports.ts";

const columnTypes = async (conn: Parameters<typeof queryRows>[0], table: string) =>
  Object.fromEntries(
    (
      await queryRows<{ c: string; t: string }>(
        conn,
        `select column_name as c, data_type as t from information_schema.columns where table_name = $t order by ordinal_position`,
        { t: table },
      )
    ).map((r) => [r.c, r.t]),
  );

describe("loadSeeds", () => {
  it("keeps each seed's column types: whole numbers as INTEGER, every other column as text", async () => {
    const db = await openDatabase(":memory:");
    try {
      await loadSeeds(db.conn);
      expect(await columnTypes(db.conn, "review_rules")).toMatchObject({ code: "VARCHAR", delai: "INTEGER", unite: "VARCHAR" });
      expect(Object.values(await columnTypes(db.conn, "ref_codes")).every((t) => t === "VARCHAR")).toBe(true);
      expect(Object.values(await columnTypes(db.conn, "review_labels")).every((t) => t === "VARCHAR")).toBe(true);
    } finally {
      db.close();
    }
  });

  it("loads a new seed file as a table of its name, with no code change", async () => {
    const dir = tempDir("oph-seeds-");
    for (const f of fs.readdirSync(SEEDS_DIR)) fs.copyFileSync(path.join(SEEDS_DIR, f), path.join(dir, f));
    fs.writeFileSync(path.join(dir, "litigation_stages.csv"), 'rang;code;libelle\n1;01;Relance\n2;02;"Commandement de payer ; délai"\n');
    const db = await openDatabase(":memory:");
    try {
      await loadSeeds(db.conn, dir);
      expect(await columnTypes(db.conn, "litigation_stages")).toEqual({ rang: "INTEGER", code: "VARCHAR", libelle: "VARCHAR" });
      expect(await queryRows(db.conn, `select rang, code from litigation_stages order by rang`)).toEqual([
        { rang: 1, code: "01" },
        { rang: 2, code: "02" },
      ]);
    } finally {
      db.close();
    }
  });
});
