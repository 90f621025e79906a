/**
 * One rule for lease numbers (issue 10, item 11; src/etl/exportSchema.ts LEASE_NUMBER): the
 * ETL quarantines a lease whose number breaks it, with a French reason naming the file, line
 * and column; that lease's ledger and action rows then fall into quarantine as "bail inconnu";
 * numbers that follow it (the ERP's letters, digits and separators) load. The API refuses the
 * same numbers (test/api.privacy.test.ts).
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { isLeaseNumber, LEASE_NUMBER } from "../src/models/leaseNumber.ts";
import { generatedMacrosSql } from "../src/etl/models.ts";
import { openDatabase, queryRows } from "../src/duckdb/db.ts";
import { etl, tempDir, writeExportFile, writeSmallOffice } from "./util/exports.ts";

const GOOD = ["2019/00123", "BX-12.4", "A_77", "C00102702", "X".repeat(40)];
// A space inside, a leading dash (a spreadsheet formula), an accent, 41 characters, a path segment.
const BAD = ["C 0001", "-A1", "CÉ001", "Y".repeat(41), ".."];

let db: string;
let quarantine: Array<{ fichier: string; ligne: number; colonne: string; motif: string; valeur: string }>;
let leases: string[];

beforeAll(async () => {
  const dir = tempDir();
  const exportsDir = path.join(dir, "exports");
  writeSmallOffice(exportsDir, 10);
  // Padding leases, so that the five bad rows stay under the 1 % refusal share of a file.
  const pad = Array.from({ length: 600 }, (_, i) => `P${String(i + 1).padStart(4, "0")}`);
  const lease = (n: string) => [n, `L-${n}`, "N", "Mulhouse", "01/01/2020", "", "", "CDI", "2", "N", "400,00", "100,00"];
  writeExportFile(exportsDir, "baux_20240102.csv", [...pad, ...GOOD, ...BAD].map(lease));
  const entry = (id: string, n: string) => [id, n, "01/06/2024", "06/2024", "QL", "Loyer", "400,00", "", ""];
  writeExportFile(exportsDir, "ecritures_20250101.csv", [
    ...pad.map((n) => entry(`EP-${n}`, n)),
    ...GOOD.map((n, i) => entry(`EG-${i}`, n)),
    entry("EB-1", "C 0001"),
  ]);
  const action = (id: string, n: string) => [id, n, "15/06/2024", "RL1", "AG02", "", "", "N", ""];
  writeExportFile(exportsDir, "actions_20250101.csv", [...pad.map((n) => action(`AP-${n}`, n)), action("AB-1", "-A1")]);
  db = path.join(dir, "w.duckdb");
  await etl({ exportsDir, dbPath: db });
  const d = await openDatabase(db, { readOnly: true });
  try {
    quarantine = await queryRows(
      d.conn,
      `select fichier, cast(ligne as integer) as ligne, colonne, motif, valeur from quarantine order by fichier, ligne`,
    );
    leases = (await queryRows<{ n: string }>(d.conn, `select num_contrat as n from leases`)).map((r) => r.n);
  } finally {
    d.close();
  }
}, 120_000);

describe("the lease-number rule in the ETL", () => {
  it("quarantines each lease whose number breaks the rule, naming file, line and column, with a French reason", () => {
    const refused = quarantine.filter((q) => q.fichier === "baux_20240102.csv");
    // Header on line 1, then 600 padding leases and the 5 good ones: the bad ones are lines 607 to 611.
    expect(refused.map((q) => [q.ligne, q.colonne, q.valeur])).toEqual(BAD.map((n, i) => [607 + i, "num_contrat", n]));
    for (const q of refused) {
      expect(q.motif).toBe(`numéro de bail non conforme (attendu : ${LEASE_NUMBER.description}) : corrigez-le dans l'ERP`);
    }
  });

  it("loads the numbers that follow the rule, and none that breaks it", () => {
    for (const n of GOOD) expect(leases, n).toContain(n);
    for (const n of BAD) expect(leases, n).not.toContain(n);
  });

  it("sends the ledger and action rows of a refused lease to quarantine as « bail inconnu »", () => {
    expect(quarantine.filter((q) => q.fichier === "ecritures_20250101.csv")).toEqual([
      { fichier: "ecritures_20250101.csv", ligne: 607, colonne: "num_contrat", motif: "bail inconnu", valeur: "C 0001" },
    ]);
    expect(quarantine.filter((q) => q.fichier === "actions_20250101.csv")).toEqual([
      { fichier: "actions_20250101.csv", ligne: 602, colonne: "num_contrat", motif: "bail inconnu", valeur: "-A1" },
    ]);
  });

  it("is the same rule in TypeScript (the API's) and in SQL (the ETL's)", async () => {
    const d = await openDatabase(":memory:");
    try {
      // The SQL macros built from the TypeScript constant (createMacros runs these too).
      for (const sql of generatedMacrosSql().split(";\n")) await d.conn.run(sql);
      for (const n of [...GOOD, ...BAD, "", " C1", "C1 ", "é", "a/b", "_x", "/x", "9"]) {
        const [r] = await queryRows<{ ok: boolean }>(d.conn, `select lease_number_ok($n) as ok`, { n });
        expect(r!.ok, JSON.stringify(n)).toBe(isLeaseNumber(n));
      }
    } finally {
      d.close();
    }
  });
});
