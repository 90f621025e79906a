/**
 * The drill-through on the site (issue 14, item 7), end to end: the fixture office's site
 * (test/util/siteOffice.ts) served with the API by the product's server, in headless Chromium.
 * Signed in as recouvrement, a count of Chiffres clés is a link to the page « Dossiers », which
 * lists as many cases as the count (from the API); the funnel page links its counts too. Signed
 * in as direction, the same count is plain text, and the page « Dossiers » says access is
 * reserved. Screenshots at 1440×900 and 390×844 go to test/.artifacts/drill/.
 */
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectPath } from "../src/paths.ts";
import { buildSite, type BuildResult } from "../src/site/build.ts";
import { launchChromium } from "./util/browser.ts";
import { tempDir } from "./util/exports.ts";
import { startProductServer, type ProductServer } from "./util/productServer.ts";
import { buildSiteWarehouse } from "./util/siteOffice.ts";

const ARTIFACTS = projectPath("test", ".artifacts", "drill");

let site: BuildResult;
let server: ProductServer;
let browser: Browser;

/** A setup failure is rethrown by every test (a failing beforeAll would only skip them). */
let setupError: Error | null = null;
function ready(): void {
  if (setupError) throw setupError;
}

beforeAll(async () => {
  try {
    const { db } = await buildSiteWarehouse();
    site = await buildSite({ warehouse: db, output: path.join(tempDir("oph-drill-dist-"), "dist"), log: () => undefined });
    server = await startProductServer(db, site.output);
    browser = await launchChromium();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  } catch (e) {
    setupError = e as Error;
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Intl may separate thousands with a narrow or a plain no-break space: compare with plain spaces. */
const spaces = (s: string | null) => (s ?? "").replace(/[\s\u00a0\u202f]+/g, " ").trim();

async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll("observablehq-loading, .observablehq--loading").length === 0, null, {
    timeout: 15_000,
  });
}

/** Sign in as `role` and land on `pagePath`; every console error, page error and HTTP error is recorded. */
async function signedIn(role: string, pagePath: string, width = 1440, height = 900) {
  const context = await browser.newContext({ viewport: { width, height }, locale: "fr-FR", timezoneId: "Europe/Paris" });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console.error : ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`erreur JavaScript : ${e.message}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} : ${r.url()}`);
  });
  await page.goto(`${server.url}/connexion?retour=${encodeURIComponent(pagePath)}`);
  await page.getByLabel("Identifiant").fill(role);
  await page.getByLabel("Mot de passe").fill(server.password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForURL((u) => u.pathname === pagePath.split("?")[0]);
  await settled(page);
  return { context, page, problems };
}

describe("drill-through on the site", () => {
  it("makes a count of Chiffres clés a link for recouvrement, to a list of as many cases", async () => {
    ready();
    const { context, page, problems } = await signedIn("recouvrement", "/chiffres-cles");
    const link = page.locator('td[data-figure="relances"] a.lien-dossiers');
    await link.waitFor({ timeout: 15_000 });
    // test/util/siteOffice.ts: 3 reminders in 2024 (RL1, SMS, RL2)
    expect(spaces(await link.textContent())).toBe("3 relances");
    expect(await link.getAttribute("href")).toBe("dossiers.html?figure=relances&annee=2024&au=2024-12-31");
    // the cohort's counts too (1 lease: first payment order of B0011 in May 2024, B0001's in December)
    expect(await page.locator('td[data-figure="assignes"] a[data-dossiers="cohorte_assignes"]').count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, "chiffres-cles-recouvrement-1440.png"), fullPage: true });

    await link.click();
    await page.waitForURL(/dossiers/);
    await settled(page);
    const count = page.locator("[data-dossiers-nombre]");
    await count.waitFor({ timeout: 15_000 });
    expect(spaces(await count.textContent())).toBe("3");
    expect(await page.locator("form table tbody tr").count()).toBe(3);
    expect(spaces(await page.locator("[data-dossiers-titre]").textContent())).toContain("Relances");
    await page.screenshot({ path: path.join(ARTIFACTS, "dossiers-relances-1440.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    // reloaded at the phone's width, as a phone opens it (the sidebar closed)
    await page.reload();
    await page.locator("[data-dossiers-nombre]").waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, "dossiers-relances-390.png"), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it("links the funnel's yearly flows and cohort to their lists for recouvrement", async () => {
    ready();
    const { context, page, problems } = await signedIn("recouvrement", "/entonnoir-contentieux");
    const link = page.locator('.dossiers-liens a[data-dossiers="commandements_payer"]');
    await link.waitFor({ timeout: 15_000 });
    // two payment orders in 2024 (C10 and C15)
    expect(spaces(await link.textContent())).toBe("Commandements de payer : 2");
    expect(await page.locator('.dossiers-liens a[data-dossiers="cohorte_effectif"]').count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, "entonnoir-recouvrement-1440.png"), fullPage: true });
    await link.click();
    await page.waitForURL(/dossiers/);
    await page.locator("[data-dossiers-nombre]").waitFor({ timeout: 15_000 });
    expect(spaces(await page.locator("[data-dossiers-nombre]").textContent())).toBe("2");
    // a sector page: its households, flows and cohort, each for the sector
    await page.goto(`${server.url}/secteurs/N`);
    await settled(page);
    const debt = page.locator('.dossiers-liens a[data-dossiers="menages_en_dette"]');
    await debt.waitFor({ timeout: 15_000 });
    expect(await debt.getAttribute("href")).toBe("../dossiers.html?figure=menages_en_dette&annee=2024&au=2024-12-31&secteur=N");
    expect(
      await page.locator('.dossiers-liens a[data-dossiers="assignations"], .dossiers-liens a[data-dossiers="cohorte_effectif"]').count(),
    ).toBe(2);
    await page.screenshot({ path: path.join(ARTIFACTS, "secteur-N-recouvrement-1440.png"), fullPage: true });
    await debt.click();
    await page.waitForURL(/dossiers/);
    await page.locator("[data-dossiers-nombre]").waitFor({ timeout: 15_000 });
    // B0001 (N) stops paying in October 2024 (test/util/exports.ts): the sector's one household in debt
    expect(spaces(await page.locator("[data-dossiers-nombre]").textContent())).toBe("1");
    expect(spaces(await page.locator("form table tbody tr").first().textContent())).toContain("B0001");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("shows direction the count as plain text, no list link, and the list page as reserved", async () => {
    ready();
    const { context, page, problems } = await signedIn("direction", "/chiffres-cles");
    const cell = page.locator('td[data-figure="relances"]');
    await cell.waitFor({ timeout: 15_000 });
    expect(spaces(await cell.textContent())).toBe("3 relances");
    expect(await page.locator("a.lien-dossiers, a[data-dossiers]").count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, "chiffres-cles-direction-390.png"), fullPage: true });
    await page.goto(`${server.url}/entonnoir-contentieux`);
    await settled(page);
    expect(await page.locator(".dossiers-liens, a[data-dossiers]").count()).toBe(0);
    await page.goto(`${server.url}/dossiers?figure=relances&annee=2024`);
    await settled(page);
    await expect.poll(() => page.locator('[data-etat-session="sans-dossiers"]').count()).toBe(1);
    expect(await page.locator("[data-dossiers-nombre]").count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, "dossiers-direction-1440.png"), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });
});
