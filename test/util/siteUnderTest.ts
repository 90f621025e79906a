/**
 * The set-up the browser tests of the built site share: the fixture office's warehouse
 * (siteOffice.ts), the site built from it into a temporary folder, the product's one server
 * (site + API) on 127.0.0.1, and headless Chromium; then pages opened with every cell
 * rendered, signed out or signed in with a role.
 */
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { buildSite, type BuildResult } from "../../src/site/build.ts";
import { launchChromium } from "./browser.ts";
import { tempDir } from "./exports.ts";
import { startProductServer, type ProductServer } from "./productServer.ts";
import { buildSiteWarehouse } from "./siteOffice.ts";

export interface SiteUnderTest {
  /** The fixture warehouse and the folder of the exports it was loaded from. */
  db: string;
  exportsDir: string;
  site: BuildResult;
  server: ProductServer;
  browser: Browser;
  close(): Promise<void>;
}

export async function startSiteUnderTest(prefix = "oph-site-"): Promise<SiteUnderTest> {
  const { db, exportsDir } = await buildSiteWarehouse();
  const site = await buildSite({ warehouse: db, output: path.join(tempDir(`${prefix}dist-`), "dist"), log: () => undefined });
  const server = await startProductServer(db, site.output);
  const browser = await launchChromium();
  return {
    db,
    exportsDir,
    site,
    server,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** The URL paths of the built pages (each sector's included), with forward slashes. */
export function sitePages(site: BuildResult): string[] {
  return site.pages.map((p) => p.page.split(path.sep).join("/"));
}

/** A browser context in French and Paris time, signed in as `role` unless null. */
export async function siteContext(sut: SiteUnderTest, role: string | null, width = 1440): Promise<BrowserContext> {
  const context = await sut.browser.newContext({ viewport: { width, height: 900 }, locale: "fr-FR", timezoneId: "Europe/Paris", acceptDownloads: true });
  if (role) {
    const page = await context.newPage();
    await page.goto(`${sut.server.url}/connexion?retour=/index.html`);
    await page.getByLabel("Identifiant").fill(role);
    await page.getByLabel("Mot de passe").fill(sut.server.password);
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.waitForURL(/index/);
    await page.close();
  }
  return context;
}

/** Open a page and wait until every cell has rendered and the API calls have settled. */
export async function openSitePage(context: BrowserContext, sut: SiteUnderTest, pagePath: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${sut.server.url}/${pagePath}`, { waitUntil: "networkidle" });
  await page.waitForFunction(() => document.querySelectorAll("observablehq-loading, .observablehq--loading").length === 0, null, { timeout: 15_000 });
  await page.waitForLoadState("networkidle");
  return page;
}
