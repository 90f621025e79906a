/**
 * Chiffres clés promises one A4 sheet. Printed here for the years and scopes its two selects
 * offer: the lead's length, the figures' widths and a publication's banner all move the height,
 * so a print test goes through each choice, not only the default one.
 */
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { readPdf } from "./pdfText.ts";
import { spaces } from "./siteUnderTest.ts";

/** The labels of the page's year and scope selects, as the page offers them. */
export interface KeyFiguresChoices {
  years: string[];
  scopes: string[];
}

/**
 * Print Chiffres clés (open in `page`) to A4 for each year and scope `pick` keeps (default:
 * every one) and return a line for each print that took more than one sheet.
 */
export async function keyFiguresOverOneSheet(
  page: Page,
  pick: (choices: KeyFiguresChoices) => [year: string, scope: string][] = ({ years, scopes }) =>
    years.flatMap((y) => scopes.map((s) => [y, s] as [string, string])),
): Promise<{ printed: number; overflows: string[] }> {
  const year = page.locator("form", { hasText: "Année" }).locator("select");
  const scope = page.locator("form", { hasText: "Secteur" }).locator("select");
  const choices = { years: await year.locator("option").allTextContents(), scopes: await scope.locator("option").allTextContents() };
  const overflows: string[] = [];
  const picked = pick(choices);
  for (const [y, s] of picked) {
    await year.selectOption({ label: y });
    await scope.selectOption({ label: s });
    const heading = `${s} — année ${y.slice(0, 4)}`;
    await expect
      .poll(async () => spaces(await page.locator("[data-portee]").textContent()).startsWith(heading), { message: heading })
      .toBe(true);
    await page.emulateMedia({ media: "print" });
    const { pages: sheets } = await readPdf(await page.pdf({ format: "A4", printBackground: true }));
    await page.emulateMedia({ media: "screen" });
    if (sheets !== 1) overflows.push(`${y}, ${s} : ${sheets} feuilles`);
  }
  return { printed: picked.length, overflows };
}
