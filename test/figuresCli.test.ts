import { spawnSync } from "node:child_process";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { getFigures } from "../src/warehouse/figures.ts";
import { openWarehouse } from "../src/warehouse/warehouse.ts";
import { etl, tempDir, writeSmallOffice } from "./util/exports.ts";

let db: string;

beforeAll(async () => {
  const dir = tempDir();
  writeSmallOffice(path.join(dir, "exports"));
  db = path.join(dir, "w.duckdb");
  await etl({ exportsDir: path.join(dir, "exports"), dbPath: db });
});

function figuresCli(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/figures.ts", "--db", db, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("figures CLI", () => {
  it("prints the JSON of etl/models/metrics/FIGURES.md, the same object the warehouse module returns", async () => {
    const r = figuresCli("--annee", "2024", "--format", "json");
    expect(r.code).toBe(0);
    const wh = await openWarehouse(db);
    const expected = await getFigures(wh, { annee: 2024 });
    wh.close();
    expect(JSON.parse(r.stdout)).toEqual(expected);
    expect(Object.keys(JSON.parse(r.stdout)).slice(0, 4)).toEqual(["annee", "date_arrete", "secteur", "lignes_quarantaine"]);
  });

  it("prints one object per sector with --par-secteur", () => {
    const r = figuresCli("--annee", "2024", "--par-secteur", "--format", "json");
    const sectors = JSON.parse(r.stdout) as Array<{ secteur: string; quittancement: number }>;
    expect(sectors.map((s) => s.secteur)).toEqual(["N", "S"]);
    expect(sectors.reduce((s, x) => s + x.quittancement, 0)).toBe(60000);
  });

  it("writes CSV that French Excel opens: BOM, semicolons, decimal comma", () => {
    const r = figuresCli("--annee", "2024", "--format", "csv");
    expect(r.stdout.startsWith("\uFEFFClé;Indicateur;Ensemble;Unité;Définition\r\n")).toBe(true);
    expect(r.stdout).toContain("\r\ntaux_impayes;Taux d'impayés;2,50 %;%;");
    expect(r.stdout).toContain("\r\nquittancement;Quittancement;60000,00;€;");
    expect(r.stdout).toContain("\r\ndate_arrete;Date d'arrêté;31/12/2024;;");
  });

  it("prints a French table for a person", () => {
    const r = figuresCli("--annee", "2024", "--secteur", "N");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("arrêtés au 31/12/2024");
    expect(r.stdout).toMatch(/Taux d'impayés\s+5,00\s%/);
    expect(r.stdout).toMatch(/Quittancement\s+30\u202f000,00\s€/);
  });

  it("computes an as-of date the ETL did not materialise with the same models", async () => {
    const r = figuresCli("--annee", "2024", "--au", "2024-10-15", "--format", "json");
    const f = JSON.parse(r.stdout);
    expect(f.date_arrete).toBe("2024-10-15");
    // Lease 1 owes October's 500 € (billed 01/10, unpaid) on 15/10.
    expect(f.dette_presents).toBe(500);
    expect(f.dette_moins_3_mois).toBe(500);
  });

  it("carries fenetre_complete in JSON, CSV and the table: the office's data start on 01/01/2024", () => {
    // W(31/12/2024) starts on 01/01/2024, the first posting date: complete. W(15/10/2024) starts
    // on 16/10/2023, before any data: incomplete (FIGURES.md, "Complete windows").
    const year = JSON.parse(figuresCli("--annee", "2024", "--format", "json").stdout);
    expect(year.fenetre_complete).toBe(true);
    const bySector = JSON.parse(figuresCli("--annee", "2024", "--au", "2024-10-15", "--par-secteur", "--format", "json").stdout);
    expect(bySector.map((s: { fenetre_complete: boolean }) => s.fenetre_complete)).toEqual([false, false]);
    const csv = figuresCli("--annee", "2024", "--au", "2024-10-15", "--format", "csv").stdout;
    expect(csv).toContain("\r\nfenetre_complete;Fenêtre de douze mois complète;non;;Oui quand");
    const table = figuresCli("--annee", "2024", "--au", "2024-10-15").stdout;
    expect(table).toContain("Attention, fenêtre incomplète : moins de douze mois de données avant le 15/10/2024");
    expect(table).toMatch(/Fenêtre de douze mois complète\s+non/);
    expect(figuresCli("--annee", "2024").stdout).not.toContain("Attention");
  });

  for (const [what, args, message] of [
    ["an unknown sector", ["--annee", "2024", "--secteur", "ZZ"], /secteur « ZZ » inconnu\. Secteurs connus : N, S\./],
    ["a year with no data", ["--annee", "2019"], /aucune donnée pour l'année 2019/],
    ["a malformed date", ["--annee", "2024", "--au", "2024-02-30"], /date d'arrêté « 2024-02-30 » invalide/],
    ["a missing year", ["--format", "json"], /--annee est obligatoire/],
    ["an unknown format", ["--annee", "2024", "--format", "xml"], /--format « xml » inconnu/],
  ] as const) {
    it(`fails with a one-line error and a non-zero exit for ${what}`, () => {
      const r = figuresCli(...args);
      expect(r.code).not.toBe(0);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    });
  }
});

describe("figures CLI, publications", () => {
  for (const [what, args, message] of [
    ["--verifier without --publication", ["--verifier"], /--verifier demande --publication ID\./],
    ["--publication with --annee", ["--publication", "2024-000000", "--annee", "2024"], /sans --annee, --au, --secteur ni --par-secteur/],
    ["a malformed publication id", ["--publication", "2024"], /--publication « 2024 » invalide/],
    ["an unknown publication", ["--publication", "2024-000000", "--verifier"], /publication « 2024-000000 » introuvable/],
  ] as const) {
    it(`fails with a one-line error and a non-zero exit for ${what}`, () => {
      const r = figuresCli(...args);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    });
  }
});
