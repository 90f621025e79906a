/**
 * The demo office's 2024 figures, computed by the project's own ETL and SQL models
 * from the generated exports, are the ones the landlord published.
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateDemo } from "../src/demo/generate.ts";
import { getFigures, type FiguresRecord } from "../src/warehouse/figures.ts";
import { openWarehouse } from "../src/warehouse/warehouse.ts";
import { etl, tempDir } from "./util/exports.ts";

let f2024: FiguresRecord;
let all: FiguresRecord[];

beforeAll(async () => {
  const dir = tempDir("oph-demo-");
  await generateDemo({ out: path.join(dir, "exports"), onProgress: () => undefined });
  const db = path.join(dir, "w.duckdb");
  await etl({ exportsDir: path.join(dir, "exports"), dbPath: db });
  const wh = await openWarehouse(db);
  try {
    all = [];
    for (let y = 2018; y <= 2026; y++) all.push(await getFigures(wh, { annee: y }));
    f2024 = all.find((f) => f.annee === 2024)!;
  } finally {
    wh.close();
  }
}, 600_000);

describe("the demo office", () => {
  it("reproduces the published 2024 counts exactly", () => {
    expect({
      relances: f2024.relances,
      visites_domicile: f2024.visites_domicile,
      plans_signes: f2024.plans_signes,
      commandements_payer: f2024.commandements_payer,
      assignations: f2024.assignations,
      resiliations_bail: f2024.resiliations_bail,
      concours_force_publique: f2024.concours_force_publique,
      expulsions: f2024.expulsions,
    }).toEqual({
      relances: 12449,
      visites_domicile: 407,
      plans_signes: 1531,
      commandements_payer: 126,
      assignations: 83,
      resiliations_bail: 45,
      concours_force_publique: 31,
      expulsions: 9,
    });
  });

  it("reproduces the published rates as they are printed: 3,47 % and 27,4 %", () => {
    const pct = (x: number, digits: number) =>
      new Intl.NumberFormat("fr-FR", { style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
    expect(f2024.date_arrete).toBe("2024-12-31");
    expect(pct(f2024.taux_impayes as number, 2)).toBe("3,47\u00a0%");
    expect(pct(f2024.part_emploi_stable as number, 1)).toBe("27,4\u00a0%");
  });

  it("puts its handful of bad rows in quarantine", () => {
    expect(f2024.lignes_quarantaine).toBeGreaterThan(0);
    expect(f2024.lignes_quarantaine).toBeLessThan(50);
  });

  it("shows the 2022–2023 energy-price shock in the arrears rate and a year in progress in 2026", () => {
    const rate = (y: number) => all.find((f) => f.annee === y)!.taux_impayes as number;
    expect(rate(2023)).toBeGreaterThan(rate(2021));
    expect(rate(2023)).toBeGreaterThan(rate(2024));
    expect(rate(2022)).toBeGreaterThan(rate(2021));
    expect(all.find((f) => f.annee === 2026)!.date_arrete).toBe("2026-10-31");
  });
});
