/**
 * Accessibility (RGAA / WCAG 2.1 AA, issue 14): axe-core, from npm, injected into every page of
 * the built site, the sign-in page and the API reference, without a session and signed in with
 * each role (the monthly review shows different content per role), at 1440 px and at 390 px.
 * Any violation of the WCAG 2.0 / 2.1 A and AA rules fails the test, with its rule, the
 * elements it targets and axe's help.
 *
 * The served pages run only scripts from the server or inline blocks whose hash the CSP lists
 * (src/api/securityHeaders), so axe's source, added as an inline script, would be refused: the
 * audit contexts, and only they, are opened with Playwright's `bypassCSP: true`. The CSP itself
 * is checked by test/site.e2e.test.ts with the policy on.
 *
 * A screenshot of each page, role and width goes to test/.artifacts/a11y/ (git-ignored).
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ROLES } from "../src/api/users.ts";
import { settled, siteUnderTest } from "./util/siteUnderTest.ts";

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
/** The WCAG 2.0 and 2.1 success criteria of levels A and AA (RGAA 4.1 follows WCAG 2.1 AA). */
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const WIDTHS = [1440, 390] as const;

const web = siteUnderTest({ name: "a11y" });

/** Every page a person can open: the site's pages (each sector's too), the sign-in page, the API reference. */
function pagesToAudit(): string[] {
  return [...web.site.pages.map((p) => p.page.split(path.sep).join("/")), "connexion", "api/docs"];
}

/** An audit context (CSP bypassed: see the header), signed in as `role` unless null. */
const auditContext = (role: string | null, width: number): Promise<BrowserContext> =>
  web.signedInContext(role, { viewport: { width, height: 900 }, bypassCSP: true });

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Open the page, let every cell render, run axe; the violations as lines a person can act on. */
async function audit(context: BrowserContext, pagePath: string, label: string): Promise<string[]> {
  const page: Page = await context.newPage();
  try {
    await page.goto(`${web.server.url}/${pagePath}`, { waitUntil: "networkidle" });
    await settled(page);
    // The monthly review fills its worklist from the API after the cells render.
    await page.waitForLoadState("networkidle");
    await web.screenshot(page, label.replace(/[^a-z0-9-]+/gi, "_"));
    // RGAA 10.11 (WCAG 1.4.10, reflow): no sideways scroll of the page on a phone; a wide table
    // scrolls inside its own box.
    const width = page.viewportSize()!.width;
    const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    const overflow =
      pageWidth > width ? [`${label} : [débordement horizontal] la page fait ${pageWidth} px de large pour un écran de ${width} px`] : [];
    // A value a program prints when it has none (a cell that evaluated to null, a flag) is no
    // French; the API reference shows JSON, where null and false are words of the format.
    const leaked = pagePath.startsWith("api/")
      ? []
      : [...new Set((await page.evaluate(() => document.body.innerText)).match(/\b(null|undefined|NaN|true|false)\b|\[object \w+\]/g))].map(
          (word) => `${label} : [texte de programme] « ${word} » dans le texte de la page`,
        );
    await page.addScriptTag({ content: AXE_SOURCE });
    const violations = await page.evaluate(async (tags) => {
      const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } }).axe;
      const result = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
      }));
    }, WCAG_TAGS);
    return [...overflow, ...leaked].concat(
      violations.flatMap((v) =>
        v.nodes
          .slice(0, 5)
          .map(
            (n) =>
              `${label} : [${v.id}, ${v.impact}] ${v.help} — ${JSON.stringify(n.target)}${v.nodes.length > 5 ? ` (+${v.nodes.length - 5} autres)` : ""}`,
          ),
      ),
    );
  } finally {
    await page.close();
  }
}

describe("accessibility (axe-core, WCAG 2.1 A and AA)", () => {
  for (const width of WIDTHS) {
    for (const role of [null, ...ROLES]) {
      it(`finds no violation on any page ${role ? `signed in as ${role}` : "without a session"} at ${width} px`, async () => {
        web.ready();
        const context = await auditContext(role, width);
        const report: string[] = [];
        try {
          for (const p of pagesToAudit()) report.push(...(await audit(context, p, `${width}-${role ?? "anonyme"}-${p}`)));
        } finally {
          await context.close();
        }
        if (report.length) console.error(report.join("\n"));
        expect(report).toEqual([]);
      });
    }
  }

  it("audits a page with a violation and reports it (axe is really running)", async () => {
    web.ready();
    const context = await auditContext(null, 1440);
    try {
      const page = await context.newPage();
      // A served page, spoiled after it rendered: an image without a text alternative.
      await page.goto(`${web.server.url}/index.html`, { waitUntil: "networkidle" });
      await page.evaluate(() =>
        document.body.append(Object.assign(document.createElement("img"), { src: "data:image/gif;base64,R0lGODlhAQABAAAAACw=" })),
      );
      await page.addScriptTag({ content: AXE_SOURCE });
      const ids = await page.evaluate(async (tags) => {
        const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string }[] }> } }).axe;
        return (await axe.run(document, { runOnly: { type: "tag", values: tags } })).violations.map((v) => v.id);
      }, WCAG_TAGS);
      expect(ids).toContain("image-alt");
    } finally {
      await context.close();
    }
  });
});

describe("keyboard access", () => {
  it("gives « Aller au contenu » as the first stop of the keyboard, leading to the page's content", async () => {
    web.ready();
    await web.withPage("index.html", async (page) => {
      await page.keyboard.press("Tab");
      const focused = await page.evaluate(() => ({
        text: document.activeElement?.textContent,
        href: document.activeElement?.getAttribute("href"),
      }));
      expect(focused).toEqual({ text: "Aller au contenu", href: "#observablehq-main" });
      // Shown when focused: inside the viewport, not off-screen.
      const box = await page.locator(".lien-evitement").boundingBox();
      expect(box!.y).toBeGreaterThanOrEqual(0);
      await page.keyboard.press("Enter");
      expect(new URL(page.url()).hash).toBe("#observablehq-main");
    });
  });

  it("sorts the sectors' table from the keyboard: a header takes the focus and Enter sorts by it", async () => {
    web.ready();
    await web.withPage("secteurs.html", async (page) => {
      const header = page.locator('form[role="region"] thead th[tabindex="0"]', { hasText: "Secteur" }).first();
      await header.focus();
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("TH");
      const firstCells = () => page.locator('form[role="region"] tbody tr td:nth-child(2)').allInnerTexts();
      await page.keyboard.press("Enter");
      expect(await header.getAttribute("aria-sort")).toBe("ascending");
      const ascending = await firstCells();
      await page.keyboard.press("Enter");
      expect(await header.getAttribute("aria-sort")).toBe("descending");
      expect(await firstCells()).toEqual([...ascending].reverse());
    });
  });
});
