/**
 * Golden fixtures: small exports in test/fixtures/<case>/exports whose expected figures
 * were worked out by hand (the arithmetic is in each case's README.md).
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { QueryError } from "../src/errors.ts";
import { getFigures, type FiguresRecord } from "../src/warehouse/figures.ts";
import { openWarehouse, type Warehouse } from "../src/warehouse/warehouse.ts";
import { etl, tempDir } from "./util/exports.ts";

interface Check {
  annee: number;
  au?: string;
  secteur?: string;
  figures?: Record<string, unknown>;
  error?: boolean;
}

interface Expected {
  description: string;
  lignes_quarantaine?: number;
  checks: Check[];
}

const root = path.resolve("test/fixtures");
const cases = fs
  .readdirSync(root)
  .filter((d) => fs.statSync(path.join(root, d)).isDirectory())
  // why: only the figures' golden cases have an expected.json (review/ holds the review's histories)
  .filter((d) => fs.existsSync(path.join(root, d, "expected.json")))
  .sort();

function compare(actual: unknown, expected: unknown, key: string): void {
  if (expected !== null && typeof expected === "object") {
    for (const [k, v] of Object.entries(expected)) compare((actual as Record<string, unknown>)?.[k], v, `${key}.${k}`);
    return;
  }
  if (typeof expected === "number" && typeof actual === "number" && !Number.isInteger(expected)) {
    // Rates to 1e-6 (the fixtures give seven decimals); amounts are whole cents.
    expect(Math.abs(actual - expected), `${key}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
      key.includes("taux") || key.includes("part_") ? 1e-6 : 0.005,
    );
    return;
  }
  expect(actual, key).toEqual(expected);
}

describe.each(cases)("fixture %s", (name) => {
  const expected: Expected = JSON.parse(fs.readFileSync(path.join(root, name, "expected.json"), "utf8"));
  let wh: Warehouse;

  beforeAll(async () => {
    const db = path.join(tempDir(), "w.duckdb");
    await etl({ exportsDir: path.join(root, name, "exports"), dbPath: db });
    wh = await openWarehouse(db);
    return () => wh.close();
  });

  for (const check of expected.checks) {
    const label = `${check.annee}${check.au ? ` au ${check.au}` : ""}${check.secteur ? ` secteur ${check.secteur}` : ""}`;
    if (check.error) {
      it(`refuses ${label} with a clear error`, async () => {
        await expect(getFigures(wh, { annee: check.annee, au: check.au, secteur: check.secteur })).rejects.toBeInstanceOf(QueryError);
      });
      continue;
    }
    it(`gives the hand-checked figures for ${label}`, async () => {
      const actual: FiguresRecord = await getFigures(wh, { annee: check.annee, au: check.au, secteur: check.secteur });
      if (expected.lignes_quarantaine !== undefined) expect(actual.lignes_quarantaine).toBe(expected.lignes_quarantaine);
      for (const [k, v] of Object.entries(check.figures ?? {})) compare(actual[k], v, k);
    });
  }
});
