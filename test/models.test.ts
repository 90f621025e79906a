/**
 * The SQL models' headers (src/models/models.ts) and the ad-hoc as-of dates
 * (src/models/adHocAsOf.ts), which run the models' own SQL for one date.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../src/duckdb/db.ts";
import { atAdHocAsOfDate } from "../src/models/adHocAsOf.ts";
import { nightlyPlan } from "../src/etl/nightlyPlan.ts";
import { loadModels, MODELS_DIR, ModelConfigError, NIGHTLY_DIR } from "../src/models/models.ts";
import { openWarehouse, type Warehouse } from "../src/warehouse/warehouse.ts";
import { etl, tempDir } from "./util/exports.ts";

/** A copy of etl/models where `edit` changes one file's text. */
function modelsCopy(file: string, edit: (sql: string) => string): string {
  const dir = path.join(tempDir("oph-models-"), "models");
  fs.cpSync(MODELS_DIR, dir, { recursive: true });
  const target = path.join(dir, file);
  fs.writeFileSync(target, edit(fs.readFileSync(target, "utf8")));
  return dir;
}

describe("model headers", () => {
  it("reads what each model declares: materialisation, parts, order, kind, nightly variant and role", () => {
    const byName = new Map(loadModels().map((m) => [m.name, m]));
    const ledger = [...byName.values()].find((m) => m.sortedBy[0] === "num_contrat" && m.parts?.inputs.length === 1 && m.layer === "marts");
    expect(ledger?.parts?.key).toBe("num_contrat");
    expect(
      [...byName.values()]
        .filter((m) => m.role !== null)
        .map((m) => m.role)
        .sort(),
    ).toEqual(["calendar", "rows_set_aside"]);
    expect([...byName.values()].filter((m) => m.nightly.kind === "variant")).toHaveLength(1);
    expect([...byName.values()].every((m) => m.asOf === "all" || m.asOf === "latest")).toBe(true);
  });

  it("refuses an unknown header key with a message naming the file", () => {
    const dir = modelsCopy("marts/leases.sql", (sql) => sql.replace("\n", "\n-- config: materialised = view\n"));
    expect(() => loadModels(dir)).toThrow(ModelConfigError);
    expect(() => loadModels(dir)).toThrow(/marts\/leases\.sql : clé d'en-tête « materialised » inconnue/);
  });

  it("refuses a value it does not know, naming the file", () => {
    const dir = modelsCopy("marts/leases.sql", (sql) => sql.replace("\n", "\n-- config: as_of = hier\n"));
    expect(() => loadModels(dir)).toThrow(/marts\/leases\.sql : valeur « hier » invalide pour « as_of »/);
  });
});

describe("nightly rules (etl/incremental)", () => {
  /** A copy of etl/incremental where `edit` changes one file's text. */
  const rulesCopy = (file: string, edit: (sql: string) => string) => {
    const dir = path.join(tempDir("oph-rules-"), "incremental");
    fs.cpSync(NIGHTLY_DIR, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, file), edit(fs.readFileSync(path.join(dir, file), "utf8")));
    return dir;
  };

  it("orders the kinds by what their rules read, and computes only the relations a rule reads", () => {
    const { phases } = nightlyPlan();
    expect(phases.map((p) => p.kinds)).toEqual([["secteurs", "agents"], ["baux"], ["ecritures", "actions"]]);
    expect(phases.map((p) => p.generic.map((g) => g.name))).toEqual([
      ["added_secteurs", "changed_agents"],
      ["added_baux", "changed_baux"],
      [],
    ]);
    expect(phases.map((p) => p.relations.map((r) => r.name))).toEqual([[], ["moved_leases"], ["changed_leases", "leases_to_reposition"]]);
  });

  it("refuses a rule that says neither whose keys it gives nor what it follows, naming the file", () => {
    const dir = rulesCopy("moved_leases.sql", (sql) => sql.replace("-- config: after = baux\n", ""));
    expect(() => nightlyPlan(loadModels(), dir)).toThrow(
      /moved_leases\.sql : l'en-tête doit dire « -- config: keys_of = <type> » ou « -- config: after = <type> »/,
    );
  });
});

describe("atAdHocAsOfDate", () => {
  let wh: Warehouse;

  beforeAll(async () => {
    const db = path.join(tempDir(), "w.duckdb");
    await etl({ exportsDir: path.resolve("test/fixtures/10-year-in-progress/exports"), dbPath: db });
    wh = await openWarehouse(db);
    return () => wh.close();
  });

  const adHocDate = async () => {
    const [{ d }] = (await queryRows<{ d: string }>(
      wh.conn,
      `select strftime(min(date_ecriture) + 10, '%Y-%m-%d') as d from ledger_entries`,
    )) as [{ d: string }];
    const kept = await queryRows(wh.conn, `select 1 from int_as_of_dates where date_arrete = cast($d as date)`, { d });
    expect(kept).toHaveLength(0);
    return d;
  };

  it("picks up a column added to the as-of dates model, with no code change", async () => {
    const date = await adHocDate();
    const models = loadModels(
      modelsCopy("intermediate/int_as_of_dates.sql", (sql) =>
        sql.replace(/(\n\s*from candidates, bounds, ad_hoc)/, "\n        'ajoutée' as colonne_ajoutee,$1"),
      ),
    );
    const read = (target: string, sql: (table: string) => string, ms = models) =>
      atAdHocAsOfDate({ instance: wh.instance, date, target, models: ms, read: (conn, table) => queryRows(conn, sql(table)) });
    const dates = await read(
      "int_as_of_dates",
      (t) => `select strftime(date_arrete, '%Y-%m-%d') as d, est_date_annuelle, colonne_ajoutee from ${t}`,
    );
    expect(dates).toEqual([{ d: date, est_date_annuelle: true, colonne_ajoutee: "ajoutée" }]);
    // and the figures computed from it are those of the models as they are
    const figures = (ms?: typeof models) =>
      read("figures_per_date_and_sector", (t) => `select * exclude (date_arrete) from ${t} order by code_secteur nulls first`, ms);
    const withColumn = await figures();
    expect(withColumn.length).toBeGreaterThan(0);
    expect(withColumn).toEqual(await figures(loadModels()));
  });
});
