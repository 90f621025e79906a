/**
 * The dashboard end to end: build the site from a fixture warehouse into a temporary
 * folder, serve it with the API on 127.0.0.1 (the product's one server), open every page in headless Chromium (Debian's, driven by
 * playwright-core): no console error, no failed request, nothing requested outside the
 * local server, and the headline figures equal `npm run figures` for the same year. A
 * screenshot per page goes to test/.artifacts/site/ (git-ignored).
 *
 * Chromium: Debian's when installed, else the build an npm package ships (test/util/browser.ts).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COHORT_FIGURES, FIGURES, shortLabelFor, type FigureDefinition } from "../src/figures/definitions.ts";
import { formatValue } from "../reports/components/format.ts";
import { renderCsv } from "../src/figures/render.ts";
import { projectPath } from "../src/paths.ts";
import { openDatabase } from "../src/duckdb/db.ts";
import { MAX_PAGE_DATA_BYTES, buildSite, type BuildResult } from "../src/site/build.ts";
import { startProductServer, type ProductServer } from "./util/productServer.ts";
import type { FiguresRecord } from "../src/warehouse/figures.ts";
import { tempDir } from "./util/exports.ts";
import { buildSiteWarehouse } from "./util/siteOffice.ts";
import { launchChromium } from "./util/browser.ts";

const ARTIFACTS = projectPath("test", ".artifacts", "site");

let db: string;
let site: BuildResult;
let server: ProductServer;
let browser: Browser;

/** `npm run figures -- --format json` on the fixture warehouse. */
function figuresCli(annee: number, secteur?: string): FiguresRecord {
  const args = [projectPath("src", "cli", "figures.ts"), "--db", db, "--annee", String(annee), "--format", "json"];
  if (secteur) args.push("--secteur", secteur);
  const r = spawnSync(projectPath("node_modules", ".bin", "tsx"), args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`figures a échoué : ${r.stderr}`);
  return JSON.parse(r.stdout) as FiguresRecord;
}

/** Intl may separate thousands with a narrow or a plain no-break space: compare with plain spaces. */
const spaces = (s: string | null) => (s ?? "").replace(/[\s\u00a0\u202f]+/g, " ").trim();

/** The copy-ready phrase of Chiffres clés, built from reports/components/format.ts. */
function expectedPhrase(record: FiguresRecord, def: FigureDefinition, cohort: boolean): string {
  const value = (cohort ? record.cohorte_commandements[def.cle] : record[def.cle]) as number | null;
  if (value === null) return `${def.libelle} : non calculable`;
  const number = def.unite === "jours" ? formatValue(value, "jours").replace(/ j$/, "") : formatValue(value, def.unite);
  return `${number} ${shortLabelFor(value, def)}`;
}

interface Visit {
  page: Page;
  problems: string[];
  external: string[];
}

/** Open a page, record every problem, wait for every cell to settle. */
async function visit(pagePath: string): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "fr-FR", timezoneId: "Europe/Paris", acceptDownloads: true });
  // The pages run under a CSP without 'unsafe-inline' for scripts (hashes per page): record any
  // violation the page sees, besides the console message Chromium prints for it.
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __violationsCsp: string[] }).__violationsCsp = seen;
    document.addEventListener("securitypolicyviolation", (e) => seen.push(`${e.violatedDirective} : ${e.blockedURI || "en ligne"} « ${e.sample} » (${e.sourceFile}:${e.lineNumber})`));
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const external: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console.error : ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`erreur JavaScript : ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`requête en échec : ${r.url()} (${r.failure()?.errorText})`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} : ${r.url()}`);
  });
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith(`${server.url}/`) && !url.startsWith("data:") && !url.startsWith("blob:")) external.push(url);
  });
  await page.goto(`${server.url}/${pagePath}`, { waitUntil: "networkidle" });
  // Framework shows <observablehq-loading> where a cell has not rendered yet, and a cell that
  // threw as an element of class observablehq--error.
  await page.waitForFunction(() => document.querySelectorAll("observablehq-loading, .observablehq--loading").length === 0, null, { timeout: 15_000 });
  const cellErrors = await page.locator(".observablehq--error").allInnerTexts();
  for (const e of cellErrors) problems.push(`cellule en erreur : ${e}`);
  for (const v of await page.evaluate(() => (window as unknown as { __violationsCsp: string[] }).__violationsCsp)) problems.push(`violation de la CSP : ${v}`);
  return { page, problems, external };
}

async function screenshot(page: Page, pagePath: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${pagePath.replace(/\.html$/, "").replace(/[\/]/g, "_")}.png`), fullPage: true });
}

/**
 * A setup failure (Chromium missing, the build failing) is rethrown by every test, so that each
 * counts as failed: a failing beforeAll would only mark them skipped.
 */
let setupError: Error | null = null;
function ready(): void {
  if (setupError) throw setupError;
}

beforeAll(async () => {
  try {
    ({ db } = await buildSiteWarehouse());
    site = await buildSite({ warehouse: db, output: path.join(tempDir("oph-site-dist-"), "dist"), log: () => undefined });
    // The product serves the site and the API on one port: the pages are tested there.
    server = await startProductServer(db, site.output);
    browser = await launchChromium();
  } catch (e) {
    setupError = e as Error;
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("the built site", () => {
  it("has every page of the dashboard, one per sector, in French, with the footer", () => {
    ready();
    expect(site.pages.map((p) => p.page)).toEqual([
      "404.html",
      "accessibilite.html",
      "chiffres-cles.html",
      "dossiers.html",
      "entonnoir-contentieux.html",
      "index.html",
      "locataires-partis.html",
      "plans-et-accompagnement.html",
      "publications.html",
      "qualite-des-donnees.html",
      "revue-mensuelle.html",
      "secteurs.html",
      path.join("secteurs", "N.html"),
      path.join("secteurs", "S.html"),
    ]);
    for (const p of site.pages) {
      const html = fs.readFileSync(path.join(site.output, p.page), "utf8");
      expect(html, p.page).toContain('<html lang="fr">');
      expect(html, p.page).not.toMatch(/fonts\.googleapis|cdn\.jsdelivr|registry\.npmjs/);
      if (p.page !== "404.html") expect(html, p.page).toMatch(/<a href="[./]*accessibilite(\.html)?">Accessibilité : non conforme<\/a>/);
      if (p.page !== "404.html") expect(html, p.page).toMatch(/Données arrêtées au <strong data-pied="date-arrete">02\/01\/2025<\/strong>/);
      expect(p.dataBytes, p.page).toBeLessThanOrEqual(MAX_PAGE_DATA_BYTES);
    }
  });

  it("opens every page without an error, a failed request or a request outside the local server", async () => {
    ready();
    const report: string[] = [];
    for (const { page: pagePath } of site.pages) {
      const urlPath = pagePath.split(path.sep).join("/");
      const { page, problems, external } = await visit(urlPath);
      await screenshot(page, urlPath);
      for (const p of problems) report.push(`${urlPath} : ${p}`);
      for (const u of external) report.push(`${urlPath} : requête hors du serveur local : ${u}`);
      expect(await page.evaluate(() => document.documentElement.lang), urlPath).toBe("fr");
      // Scripts by hash only: an inline script injected at run time would not run.
      const policy = (await fetch(`${server.url}/${urlPath}`)).headers.get("content-security-policy") ?? "";
      expect(/script-src ([^;]+)/.exec(policy)?.[1], urlPath).toMatch(/^'self'( '(report-sample|unsafe-hashes|sha256-[A-Za-z0-9+/=]+)')+$/);
      await page.context().close();
    }
    expect(report).toEqual([]);
  });
});

describe("Vue d'ensemble", () => {
  it("shows the taux d'impayés of the last complete year and of the latest data as `npm run figures` gives them", async () => {
    ready();
    const f2024 = figuresCli(2024);
    // The site gives the year in progress at its latest month end (issue 10): the data end on
    // 02/01/2025, so no month of 2025 has ended and the latest figures are those of 31/12/2024.
    const f2025 = figuresCli(2024);
    const { page, problems } = await visit("index.html");
    const text = async (selector: string) => spaces(await page.locator(selector).first().textContent());
    expect(await text('[data-figure="taux_impayes"][data-annee="2024"]')).toBe(spaces(formatValue(f2024.taux_impayes as number, "taux")));
    expect(await text('[data-figure="taux_impayes_dernieres_donnees"]')).toBe(spaces(formatValue(f2025.taux_impayes as number, "taux")));
    for (const key of ["taux_impayes_global", "taux_recouvrement"]) {
      expect(await text(`[data-figure="variante-${key}"]`), key).toBe(spaces(formatValue(f2024[key] as number, "taux")));
    }
    for (const key of ["menages_en_dette", "menages_dette_3_mois"]) {
      expect(await text(`[data-figure="${key}"][data-annee="2024"]`), key).toBe(spaces(formatValue(f2024[key] as number, "nombre")));
    }
    for (const key of ["dette_moins_3_mois", "dette_3_12_mois", "dette_plus_12_mois", "dette_presents"]) {
      expect(await text(`td[data-figure="${key}"][data-annee="2024"]`), key).toBe(spaces(formatValue(f2024[key] as number, "euros")));
    }
    // Every figure shows its definition.
    expect(await page.locator('[data-figure="taux_impayes"][data-annee="2024"]').getAttribute("title")).toMatch(/^Dette des locataires présents/);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe("Chiffres clés", () => {
  it("lists every figure of etl/models/metrics/FIGURES.md as `npm run figures` gives it, for the year and the sector chosen", async () => {
    ready();
    const { page, problems } = await visit("chiffres-cles.html");
    const check = async (record: FiguresRecord) => {
      for (const [defs, cohort] of [[FIGURES, false], [COHORT_FIGURES, true]] as const) {
        for (const def of defs) {
          const cell = page.locator(`td.phrase[data-figure="${def.cle}"]`);
          expect(spaces(await cell.textContent()), `${record.annee} ${record.secteur} ${def.cle}`).toBe(spaces(expectedPhrase(record, def, cohort)));
        }
      }
      expect(spaces(await page.locator("[data-date-arrete]").textContent())).toBe(record.date_arrete.split("-").reverse().join("/"));
    };
    await check(figuresCli(2024));
    await page.locator("form", { hasText: "Secteur" }).locator("select").selectOption({ label: "Colmar Sud" });
    await page.waitForFunction(() => document.querySelector("[data-portee]")?.textContent?.startsWith("Colmar Sud"));
    await check(figuresCli(2024, "S"));
    await page.locator("form", { hasText: "Année" }).locator("select").selectOption({ label: "2023" });
    await page.waitForFunction(() => document.querySelector("[data-portee]")?.textContent?.includes("2023"));
    await check(figuresCli(2023, "S"));
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("downloads the table as CSV for French Excel, the same bytes as `figures --format csv`", async () => {
    ready();
    const { page } = await visit("chiffres-cles.html");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: /Télécharger le tableau/ }).click()]);
    expect(download.suggestedFilename()).toBe("chiffres-cles-2024-ensemble.csv");
    const bytes = fs.readFileSync(await download.path());
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const cli = spawnSync(projectPath("node_modules", ".bin", "tsx"), [projectPath("src", "cli", "figures.ts"), "--db", db, "--annee", "2024", "--format", "csv"]);
    expect(bytes.toString("utf8")).toBe(cli.stdout.toString("utf8"));
    expect(bytes.toString("utf8")).toBe(renderCsv([figuresCli(2024)]));
    await page.context().close();
  });

  it("copies a figure's phrase and prints on one A4 sheet", async () => {
    ready();
    const { page } = await visit("chiffres-cles.html");
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    await page.locator('tr[data-cle="relances"] button').click();
    await expect.poll(() => page.locator('tr[data-cle="relances"] button').textContent()).toBe("Copié ✓");
    expect(spaces(await page.evaluate(() => navigator.clipboard.readText()))).toBe(spaces(await page.locator('td.phrase[data-figure="relances"]').textContent()));
    await page.emulateMedia({ media: "print" });
    const pdf = (await page.pdf({ format: "A4", printBackground: true })).toString("latin1");
    expect(pdf.match(/\/Type\s*\/Page(?!s)/g)?.length).toBe(1);
    await page.context().close();
  });
});

describe("Revue mensuelle", () => {
  it("shows a sign-in link, never an error or a case, without a session", async () => {
    ready();
    const { page, problems } = await visit("revue-mensuelle.html");
    await expect.poll(() => page.getByRole("link", { name: "Se connecter" }).count()).toBe(1);
    expect(await page.locator("table").count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("signs in as recouvrement, lists the cases and opens one as the warehouse has it", async () => {
    ready();
    const { page, problems } = await visit("revue-mensuelle.html");
    await page.getByRole("link", { name: "Se connecter" }).click();
    await page.getByLabel("Identifiant").fill("recouvrement");
    await page.getByLabel("Mot de passe").fill(server.password);
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.waitForURL(/revue-mensuelle/);
    const firstRow = page.locator("table tbody tr").first();
    await firstRow.waitFor();
    const contrat = (await firstRow.locator("td").nth(1).textContent())!.trim();
    await firstRow.locator("input").check();
    const card = page.locator(`[data-dossier="${contrat}"]`);
    await card.waitFor({ timeout: 15_000 });
    const wh = await openDatabase(db, { readOnly: true });
    const reader = await wh.conn.runAndReadAll(`select cast(solde as double) as solde from review_cases where num_contrat = $n`, { n: contrat });
    const [expected] = reader.getRowObjectsJson() as Array<{ solde: number }>;
    wh.close();
    expect(spaces(await card.locator('[data-champ="solde"]').textContent())).toBe(spaces(formatValue(expected!.solde, "euros")));
    expect(await card.locator("svg").count()).toBeGreaterThan(0);
    await screenshot(page, "revue-mensuelle-dossier");
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe("buildSite", () => {
  it("fails, naming the mart, when a data loader cannot read it", async () => {
    ready();
    const broken = path.join(tempDir("oph-site-broken-"), "warehouse.duckdb");
    fs.copyFileSync(db, broken);
    const wh = await openDatabase(broken);
    await wh.conn.run("drop table actions_per_month_and_role");
    wh.close();
    await expect(buildSite({ warehouse: broken, output: path.join(path.dirname(broken), "dist"), log: () => undefined })).rejects.toThrow(
      /ÉCHEC du chargeur actions-par-fonction\.json \(mart actions_per_month_and_role/,
    );
  });
});
