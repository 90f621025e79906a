/**
 * The demo office's 2024 figures, computed by the project's own ETL and SQL models
 * from the generated exports, are the ones the landlord published. Then what `npm start` does
 * with them (src/demo/publishDemo.ts): 2024 is published, the demo's correction (kept out of the
 * inbox until then) is loaded, and today's figures differ from the publication by exactly it.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateDemo, type GenerateResult } from "../src/demo/generate.ts";
import { publishDemoYear } from "../src/demo/publishDemo.ts";
import { revisions } from "../src/publications/revisions.ts";
import { readPublications } from "../src/publications/store.ts";
import { getFigures, type FiguresRecord } from "../src/warehouse/figures.ts";
import { openWarehouse } from "../src/warehouse/warehouse.ts";
import { etl, tempDir } from "./util/exports.ts";

let f2024: FiguresRecord;
let all: FiguresRecord[];
let generated: GenerateResult;
let exportsDir: string;
let db: string;

/** The counts and rates the landlord published for 2024 (README, etl/models/metrics/FIGURES.md). */
const PUBLISHED_COUNTS = {
  relances: 12449,
  visites_domicile: 407,
  plans_signes: 1531,
  commandements_payer: 126,
  assignations: 83,
  resiliations_bail: 45,
  concours_force_publique: 31,
  expulsions: 9,
};
const counts = (f: FiguresRecord) => Object.fromEntries(Object.keys(PUBLISHED_COUNTS).map((k) => [k, f[k]]));
const pct = (x: number, digits: number) =>
  new Intl.NumberFormat("fr-FR", { style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);

beforeAll(async () => {
  const dir = tempDir("oph-demo-");
  exportsDir = path.join(dir, "exports");
  generated = await generateDemo({ out: exportsDir, correction: true, onProgress: () => undefined });
  db = path.join(dir, "w.duckdb");
  await etl({ exportsDir, dbPath: db });
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
    expect(counts(f2024)).toEqual(PUBLISHED_COUNTS);
  });

  it("reproduces the published rates as they are printed: 3,47 % and 27,4 %", () => {
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

describe("the demo's 2024 publication (npm start)", () => {
  it("keeps its correction in a hidden folder of the exports, which the ETL does not read", () => {
    // The figures above were computed with that folder in place: it changed nothing.
    const last = generated.files
      .map((f) => /_(\d{8})\.csv$/.exec(f)![1]!)
      .sort()
      .at(-1)!;
    const next = new Date(Date.UTC(+last.slice(0, 4), +last.slice(4, 6) - 1, +last.slice(6, 8) + 1))
      .toISOString()
      .slice(0, 10)
      .replace(/-/g, "");
    expect(generated.correction).toBe(path.join(exportsDir, ".correction", `actions_${next}.csv`));
    expect(fs.readdirSync(path.join(exportsDir, ".correction"))).toEqual([`actions_${next}.csv`]);
  });

  it("publishes 2024 with the landlord's figures, then loads the correction: today's figures differ by exactly one relance", async () => {
    let runs = 0;
    const runOnce = async () => {
      runs++;
      await etl({ exportsDir, dbPath: db });
    };
    const demo = await publishDemoYear({ dbPath: db, exportsDir, runOnce });
    const name = path.basename(generated.correction!);
    expect(demo.publiee).toBe(true);
    expect(demo.correction).toEqual([path.join(exportsDir, name)]);
    expect(runs).toBe(1);
    expect(fs.existsSync(path.join(exportsDir, ".correction"))).toBe(false);

    // The publication holds the published figures: 12 449 relances… 3,47 % and 27,4 %.
    const p = demo.publication!;
    expect(p.titre).toBe("Rapport d'activité 2024");
    expect(p.date_arrete).toBe("2024-12-31");
    expect(counts(p.chiffres.ensemble)).toEqual(PUBLISHED_COUNTS);
    expect(pct(p.chiffres.ensemble.taux_impayes as number, 2)).toBe("3,47\u00a0%");
    expect(pct(p.chiffres.ensemble.part_emploi_stable as number, 1)).toBe("27,4\u00a0%");
    expect(p.fichiers.map((f) => f.fichier)).not.toContain(name);

    // Today: one 2024 reminder cancelled, nothing else changed, and the revision says so.
    const wh = await openWarehouse(db);
    try {
      const r = await revisions(
        wh,
        db,
        readPublications(db).publications.find((x) => x.id === p.id)!,
        { detail: false },
      );
      expect(r.etat).toBe("revisee");
      expect(r.ecarts.filter((g) => g.secteur === null).map((g) => [g.cle, g.publie, g.actuel, g.ecart_texte])).toEqual([
        ["relances", 12449, 12448, "\u22121"],
      ]);
      const bySector = r.ecarts.filter((g) => g.secteur !== null);
      expect(bySector.map((g) => [g.cle, g.ecart])).toEqual([["relances", -1]]);
      const exportDate = name.slice(8, 16).replace(/^(\d{4})(\d{2})(\d{2})$/, "$3/$2/$1");
      expect(r.explications.map((e) => e.texte)).toEqual([
        `1 action de 2024 annulée dans l'export du ${exportDate} (${name}) : \u22121 relance`,
      ]);
      expect(counts(await getFigures(wh, { annee: 2024 }))).toEqual({ ...PUBLISHED_COUNTS, relances: 12448 });
    } finally {
      wh.close();
    }

    // A second start publishes nothing more and runs nothing more.
    expect(await publishDemoYear({ dbPath: db, exportsDir, runOnce })).toEqual({ publication: null, publiee: false, correction: [] });
    expect(runs).toBe(1);
    expect(readPublications(db).publications.map((x) => x.id)).toEqual([p.id]);
  }, 600_000);
});
