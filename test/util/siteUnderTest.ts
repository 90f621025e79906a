/**
 * The browser tests' site under test, set up once per file: a warehouse (the site office of
 * test/util/siteOffice.ts unless the file brings its own), the site built from it into a
 * temporary folder, the product's one server on 127.0.0.1 (site + API), and headless Chromium
 * (test/util/browser.ts); closed after the file's tests.
 *
 * A setup failure (Chromium missing, the build failing) is rethrown by `ready()`, which every
 * test calls first, so that each test counts as failed: a failing beforeAll would only mark
 * them skipped.
 *
 * Besides: pages opened in French at Paris time, recording what a person would see go wrong
 * (console errors, JavaScript errors, failed requests, HTTP errors, CSP violations, cells in
 * error, requests outside the local server), signing in through the sign-in page, and
 * screenshots in test/.artifacts/<folder>/ (git-ignored).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { formatValue } from "../../reports/components/format.ts";
import { COHORT_FIGURES, FIGURES, shortLabelFor, type FigureDefinition } from "../../src/figures/definitions.ts";
import { projectPath } from "../../src/paths.ts";
import { buildSite, type BuildResult } from "../../src/site/build.ts";
import type { FiguresRecord } from "../../src/warehouse/figures.ts";
import { launchChromium } from "./browser.ts";
import { tempDir } from "./exports.ts";
import { startProductServer, type ProductServer } from "./productServer.ts";
import { buildSiteWarehouse } from "./siteOffice.ts";

export interface SiteUnderTestOptions {
  /** The folder of test/.artifacts/ the screenshots go to, and the temporary folders' prefix. */
  name: string;
  /** The warehouse to build the site from (its path); the site office by default. */
  warehouse?: () => Promise<string>;
  /** How long the set-up may take. */
  timeoutMs?: number;
}

/** A page open in its own browser context, and what went wrong on it so far. */
export interface Visit {
  context: BrowserContext;
  page: Page;
  problems: string[];
  /** Requests to anything but the local server (data: and blob: URLs aside). */
  external: string[];
}

export interface OpenOptions {
  width?: number;
  height?: number;
  /** Signs in as the account named after this role, through the sign-in page, before returning. */
  role?: string;
  /** Where the sign-in page sends back to (a path of the site). */
  back?: string;
  /** A response this test provokes on purpose: neither it nor its console message is a problem. */
  expected?: (url: string, status: number) => boolean;
  /** Whether a failed request is a problem (default yes); not for pages left mid-request on purpose (signing out reloads the page). */
  failedRequests?: boolean;
  /** More options of the browser context (downloads, CSP bypass…). */
  context?: BrowserContextOptions;
}

/** Intl may separate thousands with a narrow or a plain no-break space: compare with plain spaces. */
export const spaces = (s: string | null) => (s ?? "").replace(/[\s\u00a0\u202f]+/g, " ").trim();

/** Every figure the pages show, each with whether it is the cohort's (read in cohorte_commandements). */
export const PAGE_FIGURES: ReadonlyArray<readonly [FigureDefinition, boolean]> = [
  ...FIGURES.map((def) => [def, false] as const),
  ...COHORT_FIGURES.map((def) => [def, true] as const),
];

/** A figure's value in a record of `npm run figures` (a cohort's figure in its cohort). */
export const figureValue = (record: FiguresRecord, def: FigureDefinition, cohort: boolean) =>
  (cohort ? record.cohorte_commandements[def.cle] : record[def.cle]) as number | null;

/** The copy-ready phrase of a figure on Chiffres clés, built from reports/components/format.ts. */
export function figurePhrase(record: FiguresRecord, def: FigureDefinition, cohort: boolean): string {
  const value = figureValue(record, def, cohort);
  if (value === null) return `${def.libelle} : non calculable`;
  const number = def.unite === "jours" ? formatValue(value, "jours").replace(/ j$/, "") : formatValue(value, def.unite);
  return `${number} ${shortLabelFor(value, def)}`;
}

export class SiteUnderTest {
  #db?: string;
  #exportsDir?: string;
  #site?: BuildResult;
  #server?: ProductServer;
  #browser?: Browser;
  #setupError: Error | null = null;
  readonly artifacts: string;

  constructor(private readonly options: SiteUnderTestOptions) {
    this.artifacts = projectPath("test", ".artifacts", options.name);
  }

  get db(): string {
    return this.#db!;
  }
  /** The folder of the exports the site office was loaded from (none for a warehouse given). */
  get exportsDir(): string {
    return this.#exportsDir!;
  }
  /** The URL paths of the built pages (each sector's included), with forward slashes. */
  get pages(): string[] {
    return this.site.pages.map((p) => p.page.split(path.sep).join("/"));
  }
  get site(): BuildResult {
    return this.#site!;
  }
  get server(): ProductServer {
    return this.#server!;
  }
  get browser(): Browser {
    return this.#browser!;
  }

  /** Rethrows the set-up's failure: the first line of every test. */
  ready(): void {
    if (this.#setupError) throw this.#setupError;
  }

  async setUp(): Promise<void> {
    try {
      if (this.options.warehouse) this.#db = await this.options.warehouse();
      else ({ db: this.#db, exportsDir: this.#exportsDir } = await buildSiteWarehouse());
      this.#site = await buildSite({
        warehouse: this.#db,
        output: path.join(tempDir(`oph-${this.options.name}-dist-`), "dist"),
        log: () => undefined,
      });
      this.#server = await startProductServer(this.#db, this.#site.output);
      this.#browser = await launchChromium();
    } catch (e) {
      this.#setupError = e as Error;
    }
  }

  async tearDown(): Promise<void> {
    await this.#browser?.close();
    await this.#server?.close();
  }

  /**
   * A browser context in French at Paris time. The pages run under a CSP without
   * 'unsafe-inline' for scripts (hashes per page): every violation a page sees is recorded,
   * besides the console message Chromium prints for it, and read by cspViolations().
   */
  async newContext(options: BrowserContextOptions = {}): Promise<BrowserContext> {
    const context = await this.browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: "fr-FR",
      timezoneId: "Europe/Paris",
      ...options,
    });
    await context.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { __violationsCsp: string[] }).__violationsCsp = seen;
      document.addEventListener("securitypolicyviolation", (e) =>
        seen.push(`${e.violatedDirective} : ${e.blockedURI || "en ligne"} « ${e.sample} » (${e.sourceFile}:${e.lineNumber})`),
      );
    });
    return context;
  }

  /** A page in a new context, recording every problem; signed in as `role` when given. */
  async open({
    width = 1280,
    height = 900,
    role,
    back = "/index.html",
    expected = () => false,
    failedRequests = true,
    context: contextOptions = {},
  }: OpenOptions = {}): Promise<Visit> {
    const context = await this.newContext({ viewport: { width, height }, ...contextOptions });
    const page = await context.newPage();
    const problems: string[] = [];
    const external: string[] = [];
    const local = `${this.server.url}/`;
    page.on("console", (m) => {
      const status = /status of (\d+)/.exec(m.text())?.[1];
      if (m.type() === "error" && !(status && expected(m.location().url, Number(status)))) problems.push(`console.error : ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`erreur JavaScript : ${e.message}`));
    if (failedRequests) page.on("requestfailed", (r) => problems.push(`requête en échec : ${r.url()} (${r.failure()?.errorText})`));
    page.on("response", (r) => {
      if (r.status() >= 400 && !expected(r.url(), r.status())) problems.push(`HTTP ${r.status()} : ${r.url()}`);
    });
    page.on("request", (r) => {
      const url = r.url();
      if (!url.startsWith(local) && !url.startsWith("data:") && !url.startsWith("blob:")) external.push(url);
    });
    if (role) await this.signIn(page, role, back);
    return { context, page, problems, external };
  }

  /** Sign in as the account named after `role` through the sign-in page, which sends back to `back`. */
  async signIn(page: Page, role: string, back: string): Promise<void> {
    await page.goto(`${this.server.url}/connexion?retour=${back}`);
    await page.getByLabel("Identifiant").fill(role);
    await page.getByLabel("Mot de passe").fill(this.server.password);
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.waitForURL(new RegExp(back.replace(/^\//, "").replace(/\.html$/, "")));
  }

  /** `npm run figures -- --format json` on the site's warehouse. */
  figuresCli(annee: number, secteur?: string): FiguresRecord {
    const args = [projectPath("src", "cli", "figures.ts"), "--db", this.db, "--annee", String(annee), "--format", "json"];
    if (secteur) args.push("--secteur", secteur);
    const r = spawnSync(projectPath("node_modules", ".bin", "tsx"), args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`figures a échoué : ${r.stderr}`);
    return JSON.parse(r.stdout) as FiguresRecord;
  }

  /**
   * A context (1440 px wide, downloads accepted, and `options`) signed in as the account named
   * after `role`, or signed out when null.
   */
  async signedInContext(role: string | null, options: BrowserContextOptions = {}): Promise<BrowserContext> {
    const context = await this.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, ...options });
    if (role) {
      const page = await context.newPage();
      await this.signIn(page, role, "/index.html");
      await page.close();
    }
    return context;
  }

  /** Run `f` in a context signed in as `role` (signed out when null), closed afterwards. */
  async inContext<T>(role: string | null, f: (context: BrowserContext) => Promise<T>): Promise<T> {
    const context = await this.signedInContext(role);
    try {
      return await f(context);
    } finally {
      await context.close();
    }
  }

  /** A page of the site in a new tab of `context`, every cell rendered and the API calls settled. */
  async openSettled(context: BrowserContext, pagePath: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${this.server.url}/${pagePath}`, { waitUntil: "networkidle" });
    await settled(page);
    await page.waitForLoadState("networkidle");
    return page;
  }

  /** Open a page of the site in the visit's tab and let every cell settle; cells in error and CSP violations join its problems. */
  async goto(visit: Visit, pagePath: string): Promise<void> {
    await visit.page.goto(`${this.server.url}/${pagePath}`, { waitUntil: "networkidle" });
    for (const e of await settled(visit.page)) visit.problems.push(`cellule en erreur : ${e}`);
    for (const v of await cspViolations(visit.page)) visit.problems.push(`violation de la CSP : ${v}`);
  }

  /** A page of the site, opened in a new context and settled (see open() and goto()). */
  async visit(pagePath: string, options: OpenOptions = {}): Promise<Visit> {
    const visit = await this.open(options);
    await this.goto(visit, pagePath);
    return visit;
  }

  /** Runs `body` on a page of the site opened in a new context (French, Paris time) at a viewport; closes the context after. */
  async withPage<T>(pagePath: string, body: (page: Page) => Promise<T>, { width = 1440, height = 900 } = {}): Promise<T> {
    const context = await this.newContext({ viewport: { width, height } });
    try {
      const page = await context.newPage();
      await page.goto(`${this.server.url}/${pagePath}`, { waitUntil: "networkidle" });
      return await body(page);
    } finally {
      await context.close();
    }
  }

  /** The page as an image in test/.artifacts/<name>/<file>.png. */
  async screenshot(page: Page, file: string, { fullPage = true } = {}): Promise<void> {
    fs.mkdirSync(this.artifacts, { recursive: true });
    await page.screenshot({ path: path.join(this.artifacts, `${file}.png`), fullPage });
  }
}

/**
 * Declares the file's site under test: set up before its tests (beforeAll), closed after them.
 * Call it at the top level of a test file.
 */
export function siteUnderTest(options: SiteUnderTestOptions): SiteUnderTest {
  const sut = new SiteUnderTest(options);
  beforeAll(() => sut.setUp(), options.timeoutMs ?? 180_000);
  afterAll(() => sut.tearDown());
  return sut;
}

/**
 * Every Framework cell rendered: Framework shows <observablehq-loading> where a cell has not
 * rendered yet. Returns the text of the cells that threw (class observablehq--error).
 */
export async function settled(page: Page, timeout = 15_000): Promise<string[]> {
  await page.waitForFunction(() => document.querySelectorAll("observablehq-loading, .observablehq--loading").length === 0, null, {
    timeout,
  });
  return page.locator(".observablehq--error").allInnerTexts();
}

/** The CSP violations the page has seen (in a context made by SiteUnderTest.newContext). */
export async function cspViolations(page: Page): Promise<string[]> {
  return (await page.evaluate(() => (window as unknown as { __violationsCsp?: string[] }).__violationsCsp)) ?? [];
}
