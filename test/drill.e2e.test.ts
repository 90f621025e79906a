/**
 * The drill-through on the site (issue 14, item 7), end to end: the fixture office's site
 * (test/util/siteOffice.ts) served with the API by the product's server, in headless Chromium.
 * Signed in as recouvrement, a count of Chiffres clés is a link to the page « Dossiers », which
 * lists as many cases as the count (from the API); the funnel page links its counts too. Signed
 * in as direction, the same count is plain text, and the page « Dossiers » says access is
 * reserved. Screenshots at 1440×900 and 390×844 go to test/.artifacts/drill/.
 */
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { settled, siteUnderTest, spaces } from "./util/siteUnderTest.ts";

const web = siteUnderTest({ name: "drill" });
const ready = () => web.ready();

/**
 * Sign in as `role` and land on `pagePath`, every cell settled; every console error, page error
 * and HTTP error is recorded (not the requests a click on a link cuts short).
 */
async function signedIn(role: string, pagePath: string) {
  const visit = await web.open({ role, back: pagePath, width: 1440, height: 900, failedRequests: false });
  await settled(visit.page);
  return visit;
}

/** A full-page screenshot in test/.artifacts/drill/. */
const shot = (page: Page, name: string) => web.screenshot(page, name);

/** The text of an element once it is there, spaces made plain. */
async function textOf(element: Locator): Promise<string> {
  await element.waitFor({ timeout: 15_000 });
  return spaces(await element.textContent());
}

/** The number of cases the page « Dossiers » lists, once it has them. */
const listed = (page: Page) => textOf(page.locator("[data-dossiers-nombre]"));

describe("drill-through on the site", () => {
  it("makes a count of Chiffres clés a link for recouvrement, to a list of as many cases", async () => {
    ready();
    const { context, page, problems } = await signedIn("recouvrement", "/chiffres-cles");
    const link = page.locator('td[data-figure="relances"] a.lien-dossiers');
    // test/util/siteOffice.ts: 3 reminders in 2024 (RL1, SMS, RL2)
    expect(await textOf(link)).toBe("3 relances");
    expect(await link.getAttribute("href")).toBe("dossiers.html?figure=relances&annee=2024&au=2024-12-31");
    // the cohort's counts too (1 lease: first payment order of B0011 in May 2024, B0001's in December)
    expect(await page.locator('td[data-figure="assignes"] a[data-dossiers="cohorte_assignes"]').count()).toBe(1);
    await shot(page, "chiffres-cles-recouvrement-1440");

    await link.click();
    await page.waitForURL(/dossiers/);
    await settled(page);
    expect(await listed(page)).toBe("3");
    expect(await page.locator("form table tbody tr").count()).toBe(3);
    expect(spaces(await page.locator("[data-dossiers-titre]").textContent())).toContain("Relances");
    await shot(page, "dossiers-relances-1440");
    await page.setViewportSize({ width: 390, height: 844 });
    // reloaded at the phone's width, as a phone opens it (the sidebar closed)
    await page.reload();
    await listed(page);
    await shot(page, "dossiers-relances-390");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("links the funnel's yearly flows and cohort to their lists for recouvrement", async () => {
    ready();
    const { context, page, problems } = await signedIn("recouvrement", "/entonnoir-contentieux");
    const link = page.locator('.dossiers-liens a[data-dossiers="commandements_payer"]');
    // two payment orders in 2024 (C10 and C15)
    expect(await textOf(link)).toBe("Commandements de payer : 2");
    expect(await page.locator('.dossiers-liens a[data-dossiers="cohorte_effectif"]').count()).toBe(1);
    await shot(page, "entonnoir-recouvrement-1440");
    await link.click();
    await page.waitForURL(/dossiers/);
    expect(await listed(page)).toBe("2");
    // a sector page: its households, flows and cohort, each for the sector
    await page.goto(`${web.server.url}/secteurs/N`);
    await settled(page);
    const debt = page.locator('.dossiers-liens a[data-dossiers="menages_en_dette"]');
    await debt.waitFor({ timeout: 15_000 });
    expect(await debt.getAttribute("href")).toBe("../dossiers.html?figure=menages_en_dette&annee=2024&au=2024-12-31&secteur=N");
    expect(
      await page.locator('.dossiers-liens a[data-dossiers="assignations"], .dossiers-liens a[data-dossiers="cohorte_effectif"]').count(),
    ).toBe(2);
    await shot(page, "secteur-N-recouvrement-1440");
    await debt.click();
    await page.waitForURL(/dossiers/);
    // B0001 (N) stops paying in October 2024 (test/util/exports.ts): the sector's one household in debt
    expect(await listed(page)).toBe("1");
    expect(spaces(await page.locator("form table tbody tr").first().textContent())).toContain("B0001");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("shows direction the count as plain text, no list link, and the list page as reserved", async () => {
    ready();
    const { context, page, problems } = await signedIn("direction", "/chiffres-cles");
    expect(await textOf(page.locator('td[data-figure="relances"]'))).toBe("3 relances");
    expect(await page.locator("a.lien-dossiers, a[data-dossiers]").count()).toBe(0);
    await shot(page, "chiffres-cles-direction-390");
    await page.goto(`${web.server.url}/entonnoir-contentieux`);
    await settled(page);
    expect(await page.locator(".dossiers-liens, a[data-dossiers]").count()).toBe(0);
    await page.goto(`${web.server.url}/dossiers?figure=relances&annee=2024`);
    await settled(page);
    await expect.poll(() => page.locator('[data-etat-session="sans-dossiers"]').count()).toBe(1);
    expect(await page.locator("[data-dossiers-nombre]").count()).toBe(0);
    await shot(page, "dossiers-direction-1440");
    expect(problems).toEqual([]);
    await context.close();
  });
});
