/**
 * The Revue mensuelle page in meeting mode, end to end (issue 11): the site built from the
 * fixture office (test/util/siteOffice.ts), served with the API by the product's one server,
 * signed in as `recouvrement` in headless Chromium (test/util/browser.ts).
 *
 * What the meeting needs: at 1280×720 every row's proposed action and due date are visible
 * with no sideways scroll; a click or Enter on a row brings the case card into view, and the
 * card starts with the action, its due date and its reasons; the keys j and k and the
 * « Dossier suivant / précédent » buttons move between cases; printing keeps the tables (and the
 * meeting file prints one section per sector); signing out ends the session on the server; a
 * page number out of range shows the last page with its number. The expected values are the
 * API's answers for the same filters (the page shows, never recomputes). Screenshots at
 * 1280×720, 1440×900 and 390×844 go to test/.artifacts/review/.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { formatDate, formatValue } from "../reports/components/format.ts";
import { readPdf } from "./util/pdfText.ts";
import { settled, siteUnderTest, spaces, type Visit } from "./util/siteUnderTest.ts";

const web = siteUnderTest({ name: "review" });

interface WorklistRow {
  num_contrat: string;
  libelle_secteur: string;
  solde: number;
  etat: string;
  etat_libelle: string;
  action: string | null;
  action_libelle: string | null;
  action_due_le: string | null;
  action_statut: string | null;
  motifs: string[];
  role_libelle: string;
  priorite_libelle: string;
}
interface Worklist {
  date_reunion: string;
  suivis: number;
  a_examiner: number;
  sans_action_requise: number;
  total: number;
  page: number;
  pages: number;
  lignes: WorklistRow[];
}

/** Sign in as recouvrement from the review page, at the given viewport; record every problem. */
async function signIn(width = 1280, height = 720): Promise<Visit> {
  // why no failed requests: signing out reloads the page while it asks for the session
  const session = await web.open({ width, height, role: "recouvrement", back: "/revue-mensuelle", failedRequests: false });
  await session.page.locator("table.revue-table tbody tr").first().waitFor({ timeout: 15_000 });
  await settled(session.page);
  return session;
}

/** The page as a role without case access sees it: the reserved-access card, no filters. */
describe("Revue mensuelle for a role without case access", () => {
  it("shows the reserved-access card and none of the worklist's filters", async () => {
    web.ready();
    const { context, page } = await web.open({ width: 1280, height: 720, role: "direction", back: "/revue-mensuelle" });
    await settled(page);
    await expect.poll(() => page.getByText("Accès réservé").count()).toBe(1);
    expect(await page.locator(".revue-filtres, .revue-autres-filtres").count()).toBe(0);
    expect(await page.getByLabel("Date de la réunion").count()).toBe(0);
    await context.close();
  });
});

/** The worklist as the API gives it to this session, for the page's default filters. */
async function apiWorklist(page: Page, extra: Record<string, string> = {}): Promise<Worklist> {
  const today = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Paris" }).format(new Date());
  const q = new URLSearchParams({ date_reunion: today, tri: "priorite", examen: "a_examiner", page: "1", taille: "25", ...extra });
  const r = await page.request.get(`${web.server.url}/api/cases?${q}`);
  expect(r.status()).toBe(200);
  return (await r.json()) as Worklist;
}

/** A test's start: signed in as recouvrement at 1280×720, and the API's worklist for the page's default filters. */
async function meeting(): Promise<Visit & { api: Worklist }> {
  web.ready();
  const session = await signIn();
  return { ...session, api: await apiWorklist(session.page) };
}

const screenshot = (page: Page, name: string) => web.screenshot(page, name, { fullPage: false });

/** The element's box lies within the viewport (top edge visible, nothing cut on the right). */
async function inViewport(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((sel) => {
    const box = document.querySelector(sel)!.getBoundingClientRect();
    return box.top >= 0 && box.top < innerHeight && box.left >= 0 && box.right <= innerWidth;
  }, selector);
}

/** The PDF's text, page by page (test/util/pdfText.ts: PDF.js, nothing to install). */
const pdfPages = async (pdf: Buffer) => (await readPdf(pdf)).pageTexts;

describe("Revue mensuelle in meeting mode, at 1280×720", () => {
  it("shows every case's proposed action and due date with no sideways scroll, as the API gives them", async () => {
    const { context, page, problems, api } = await meeting();
    expect(api.lignes.length, "le bureau de test doit avoir des dossiers à examiner").toBeGreaterThan(0);
    // The caseload cut at the top: households followed, to examine.
    expect(spaces(await page.locator("[data-suivis]").textContent())).toBe(spaces(formatValue(api.suivis, "nombre")));
    expect(spaces(await page.locator("[data-a-examiner]").textContent())).toBe(spaces(formatValue(api.a_examiner, "nombre")));
    // No sideways scroll, neither of the page nor of the list.
    const widths = await page.evaluate(() => {
      const list = document.querySelector(".revue-liste")!;
      return { doc: document.scrollingElement!.scrollWidth, inner: innerWidth, list: list.scrollWidth, box: list.clientWidth };
    });
    expect(widths.doc).toBeLessThanOrEqual(widths.inner);
    expect(widths.list).toBeLessThanOrEqual(widths.box);
    const rows = page.locator("table.revue-table tbody tr");
    expect(await rows.count()).toBe(api.lignes.length);
    for (const [i, r] of api.lignes.entries()) {
      const row = rows.nth(i);
      expect((await row.locator("td").nth(1).textContent())!.trim()).toBe(r.num_contrat);
      expect(spaces(await row.locator("td.revue-etat").textContent())).toBe(spaces(r.etat_libelle));
      expect(spaces(await row.locator("td.revue-action").textContent())).toContain(spaces(r.action_libelle ?? "Aucune action requise"));
      expect(spaces(await row.locator("[data-champ=echeance]").textContent())).toContain(
        r.action_due_le ? formatDate(r.action_due_le) : "—",
      );
      // Visible without scrolling sideways: the action and due-date cells end inside the window.
      for (const cell of ["td.revue-action", "td.revue-echeance"]) {
        const box = (await row.locator(cell).boundingBox())!;
        expect(box.x + box.width, `${r.num_contrat} ${cell}`).toBeLessThanOrEqual(1280);
      }
    }
    // French labels only (the cells above hold the labels): no raw code, no English.
    const text = await page.locator("#observablehq-main").innerText();
    expect(text).not.toMatch(/\b[a-z]+_[a-z_]+\b/); // codes such as procedure_active, a_examiner
    expect(text).not.toMatch(/No results|\bfalse\b|\bnull\b|\bundefined\b|\bNaN\b|\bCONTENTIEUX\b|\bAMIABLE\b/);
    await screenshot(page, "liste-1280x720");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("opens a case on a click or Enter, brings its card into view starting with the action, and moves with j, k and the buttons", async () => {
    const { context, page, problems, api } = await meeting();
    expect(api.lignes.length, "il faut au moins deux dossiers pour passer de l'un à l'autre").toBeGreaterThanOrEqual(2);
    const rows = page.locator("table.revue-table tbody tr");
    const [first, second] = api.lignes as [WorklistRow, WorklistRow];

    /** The card of a case is on screen, focused, and starts with its action, due date and reasons. */
    const expectCard = async (r: WorklistRow) => {
      const selector = `[data-dossier="${r.num_contrat}"]`;
      await page.locator(selector).waitFor({ timeout: 15_000 });
      await expect.poll(() => inViewport(page, selector)).toBe(true);
      expect(await page.evaluate(() => document.activeElement?.getAttribute("data-dossier"))).toBe(r.num_contrat);
      const card = page.locator(selector);
      const action = card.locator(".action-proposee");
      expect(spaces(await action.locator("[data-champ=action]").textContent())).toBe(spaces(r.action_libelle ?? "Aucune action requise"));
      if (r.action_due_le) expect(spaces(await action.locator("[data-champ=echeance]").textContent())).toBe(formatDate(r.action_due_le));
      expect((await action.locator("[data-champ=motifs] li").allTextContents()).map(spaces)).toEqual(r.motifs.map(spaces));
      // The action block comes first, then the plan follow-up, then the history.
      const order = await card.evaluate((el) =>
        [".action-proposee", "h3", "svg"].map((s) => el.querySelector(s)!.getBoundingClientRect().top),
      );
      expect(order).toEqual([...order].sort((a, b) => a - b));
    };

    // A click anywhere on the row (here its state cell, not the radio button).
    await rows.nth(1).locator("td.revue-etat").click();
    await expectCard(second);
    await screenshot(page, "dossier-1280x720");

    // Enter on a focused row.
    await page.evaluate(() => scrollTo(0, 0));
    await rows.nth(0).focus();
    await page.keyboard.press("Enter");
    await expectCard(first);

    // j: next case; k: previous case (focus on the card, outside any form field).
    await page.keyboard.press("j");
    await expectCard(second);
    await page.keyboard.press("k");
    await expectCard(first);

    // The buttons of the card.
    await page.locator(`[data-dossier="${first.num_contrat}"] [data-navigation=suivant]`).click();
    await expectCard(second);
    await page.locator(`[data-dossier="${second.num_contrat}"] [data-navigation=precedent]`).click();
    await expectCard(first);
    expect(await page.locator(`[data-dossier="${first.num_contrat}"] [data-navigation=precedent]`).isDisabled()).toBe(true);

    // ↓ moves the focus to the next row without opening it.
    await page.evaluate(() => scrollTo(0, 0));
    await rows.nth(0).focus();
    await page.keyboard.press("ArrowDown");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-contrat"))).toBe(second.num_contrat);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("sends the meeting date (today by default) and the filters to the API and shows its answer", async () => {
    web.ready();
    const { context, page, problems } = await signIn();
    const requests: URLSearchParams[] = [];
    page.on("request", (r) => {
      const u = new URL(r.url());
      if (u.pathname === "/api/cases") requests.push(u.searchParams);
    });
    const today = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Paris" }).format(new Date());
    const heading = () => page.locator(".revue-carte-liste h2").textContent();
    expect(await heading()).toContain(`réunion du ${formatDate(today)}`);
    // Another meeting date: the heading, the request and the rows follow it.
    await page.getByLabel("Date de la réunion", { exact: true }).fill("2025-01-15");
    await expect.poll(heading).toContain("réunion du 15/01/2025");
    expect(requests.at(-1)?.get("date_reunion")).toBe("2025-01-15");
    const atDate = await apiWorklist(page, { date_reunion: "2025-01-15" });
    const dueCells = async () => (await page.locator("table.revue-table tbody [data-champ=echeance]").allTextContents()).map(spaces);
    await expect
      .poll(dueCells)
      .toEqual(
        atDate.lignes.map((r) =>
          spaces(
            `${r.action_due_le ? formatDate(r.action_due_le) : "—"}${r.action_statut ? (r.action_statut === "en_retard" ? "En retard" : "À venir") : ""}`,
          ),
        ),
      );
    // A sector: only its cases, as the API lists them.
    await page.getByLabel("Secteur", { exact: true }).selectOption({ label: "Colmar Sud" });
    const inSector = await apiWorklist(page, { date_reunion: "2025-01-15", secteur: "S" });
    await expect
      .poll(async () => (await page.locator("table.revue-table tbody td.revue-contrat").allTextContents()).map((t) => t.trim()))
      .toEqual(inSector.lignes.map((r) => r.num_contrat));
    expect(requests.at(-1)?.get("secteur")).toBe("S");
    // The owner role and the due-date window reach the API with the contract's codes.
    await page.getByLabel("Responsable", { exact: true }).selectOption({ label: "Chargée de contentieux" });
    await expect.poll(() => requests.at(-1)?.get("role")).toBe("CONTENTIEUX");
    await page.getByLabel("Échéance", { exact: true }).selectOption({ index: 1 });
    await expect.poll(() => requests.at(-1)?.get("echeance")).toBe("avant_reunion");
    // The cases set apart, one click away.
    await page.getByLabel("Aucune action requise").check();
    await expect.poll(() => requests.at(-1)?.get("examen")).toBe("sans_action");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("shows a page beyond the last as the last page, with its number, and says so in French when nothing matches", async () => {
    web.ready();
    const { context, page, problems } = await signIn();
    const api = await apiWorklist(page, { page: "999" });
    expect(api.page).toBe(api.pages);
    const pageInput = page.locator("form", { hasText: "Page" }).locator("input");
    await pageInput.fill("999");
    await pageInput.dispatchEvent("input");
    // why poll the box too: with one page, the label already read « page 1 sur 1 » before the
    // request for page 999 was answered; the box is put back only once it is
    await expect.poll(() => pageInput.inputValue()).toBe(String(api.page));
    await expect.poll(async () => spaces(await page.locator("[data-pagination]").textContent())).toBe(`page ${api.page} sur ${api.pages}`);
    expect(await page.locator("table.revue-table tbody tr").count()).toBe(api.lignes.length);
    // Nothing matches: a French sentence, no empty table, no English.
    await page.getByText("Tri, étape, dette minimale").click();
    const debt = page.locator("form", { hasText: "Dette minimale" }).locator("input[type=number]");
    await debt.fill("9999900"); // a multiple of the input's step (100), else Inputs ignores it
    await debt.dispatchEvent("input");
    await page.locator("[data-vide]").waitFor();
    expect(spaces(await page.locator("[data-vide]").textContent())).toBe("Aucun dossier ne correspond à ces filtres.");
    expect(await page.locator("table.revue-table").count()).toBe(0);
    expect(await page.locator("#observablehq-main").innerText()).not.toMatch(/No results/);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("prints the list and the case to A4 with their tables, and the meeting file one sector per page", async () => {
    const { context, page, problems, api } = await meeting();
    await page.locator("table.revue-table tbody tr").first().click();
    await page.locator(`[data-dossier="${api.lignes[0]!.num_contrat}"]`).waitFor();
    await page.emulateMedia({ media: "print" });
    // Printing hides the controls, never a table.
    expect(await page.locator("table.revue-table tbody tr:visible").count()).toBe(api.lignes.length);
    expect(await page.locator(".revue-filtres").isVisible()).toBe(false);
    const all = spaces((await pdfPages(await page.pdf({ format: "A4" }))).join("\n"));
    for (const r of api.lignes) expect(all).toContain(r.num_contrat);
    expect(all).toContain("Action proposée");
    expect(all).toContain(spaces(api.lignes[0]!.action_libelle ?? "Aucune action requise"));

    // The meeting file: every case to examine, a section per sector, a page break between them.
    await page.emulateMedia({ media: "screen" });
    await page.evaluate(() => {
      (window as unknown as { __imprime: number }).__imprime = 0;
      window.print = () => void (window as unknown as { __imprime: number }).__imprime++;
    });
    await page.getByRole("button", { name: "Imprimer le dossier de séance" }).click();
    await page.locator(".dossier-seance").waitFor({ state: "attached" });
    expect(await page.evaluate(() => (window as unknown as { __imprime: number }).__imprime)).toBe(1);
    await page.emulateMedia({ media: "print" });
    const sectors = [...new Set(api.lignes.map((r) => r.libelle_secteur))].sort((a, b) => a.localeCompare(b, "fr"));
    expect(await page.locator(".dossier-secteur h2:visible").allTextContents()).toEqual(sectors.map((s) => `Dossier de séance · ${s}`));
    expect(await page.locator(".seance-table tbody tr:visible").count()).toBe(api.a_examiner);
    // The list and the card give way to the meeting file.
    expect(await page.locator("table.revue-table").isVisible()).toBe(false);
    const pages = await pdfPages(await page.pdf({ format: "A4" }));
    // Each sector starts a page of its own.
    const starts = sectors.map((s) => pages.findIndex((p) => spaces(p).includes(`Dossier de séance · ${s}`)));
    expect(starts.every((p) => p >= 0)).toBe(true);
    expect(new Set(starts).size).toBe(sectors.length);
    for (const r of api.lignes) expect(spaces(pages.join("\n"))).toContain(r.num_contrat);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("ends the session on the server when signing out: the old cookie then gets 401", async () => {
    web.ready();
    const { context, page, problems } = await signIn();
    const cookies = await context.cookies(web.server.url);
    const header = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    expect((await fetch(`${web.server.url}/api/cases`, { headers: { cookie: header } })).status).toBe(200);
    const [deleted] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${web.server.url}/api/session` && r.request().method() === "DELETE"),
      page.getByRole("link", { name: "Se déconnecter" }).click(),
    ]);
    expect(deleted.status()).toBe(200);
    // The signed-out state: a sign-in link, no case.
    await page.getByRole("link", { name: "Se connecter" }).waitFor();
    expect(await page.locator("table").count()).toBe(0);
    expect((await fetch(`${web.server.url}/api/cases`, { headers: { cookie: header } })).status).toBe(401);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe("Revue mensuelle at other widths", () => {
  it("has no sideways scroll at 1440 px nor on a 390 px phone, the action still visible", async () => {
    web.ready();
    for (const [width, height] of [
      [1440, 900],
      [390, 844],
    ] as const) {
      const { context, page, problems } = await signIn(width, height);
      const widths = await page.evaluate(() => ({ doc: document.scrollingElement!.scrollWidth, inner: innerWidth }));
      expect(widths.doc, `${width} px`).toBeLessThanOrEqual(widths.inner);
      const action = page.locator("table.revue-table tbody tr").first().locator("td.revue-action");
      const box = (await action.boundingBox())!;
      expect(box.x + box.width, `${width} px`).toBeLessThanOrEqual(width);
      await screenshot(page, `liste-${width}`);
      await page.locator("table.revue-table tbody tr").first().click();
      await page.locator("[data-dossier]").waitFor();
      // The card too: its navigation buttons end inside the window.
      const next = (await page.locator("[data-navigation=suivant]").boundingBox())!;
      expect(next.x + next.width, `${width} px`).toBeLessThanOrEqual(width);
      await screenshot(page, `dossier-${width}`);
      expect(problems).toEqual([]);
      await context.close();
    }
  });
});

describe("printing the other pages", () => {
  it("keeps the tables of Secteurs and Qualité des données", async () => {
    web.ready();
    for (const pagePath of ["secteurs.html", "qualite-des-donnees.html"]) {
      const context = await web.newContext({ viewport: { width: 1280, height: 720 } });
      const page = await context.newPage();
      await page.goto(`${web.server.url}/${pagePath}`, { waitUntil: "networkidle" });
      await settled(page);
      const onScreen = await page.locator("table tbody tr:visible").count();
      expect(onScreen, pagePath).toBeGreaterThan(0);
      await page.emulateMedia({ media: "print" });
      expect(await page.locator("table tbody tr:visible").count(), pagePath).toBe(onScreen);
      // The controls (selects, search boxes) do not print.
      expect(await page.locator("form:not(:has(table)):visible").count(), pagePath).toBe(0);
      await context.close();
    }
  });
});
