/**
 * Publications on the site, end to end (issue 13): the fixture office (test/util/siteOffice.ts)
 * with three publications made before the build (2023; a first 2024 one, withdrawn; the 2024
 * report), then a late export that revises 2024 by one reminder; the site built from that
 * warehouse and served with the API by the product's one server, in headless Chromium.
 *
 * The Publications page lists the three, newest first, with their state, provenance, figures
 * as published, and for the revised one its gaps and their explanation. Chiffres clés gives the
 * 2024 figures as published, today's value beside the one revised, « Publié le … » at the top;
 * the admin, and only the admin, gets the form that publishes (POST /api/publications), and a
 * publication made through it is listed by GET /api/publications. Screenshots at 1440 and
 * 390 px go to test/.artifacts/publications/.
 */
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { FIGURES } from "../src/figures/definitions.ts";
import { formatValue } from "../reports/components/format.ts";
import { renderCsv } from "../src/figures/render.ts";
import { publish, withdraw } from "../src/publications/publish.ts";
import type { Publication } from "../src/publications/store.ts";
import type { FiguresRecord } from "../src/warehouse/figures.ts";
import { readPdf } from "./util/pdfText.ts";
import { etl, writeExportFile } from "./util/exports.ts";
import { buildSiteWarehouse } from "./util/siteOffice.ts";
import { PAGE_FIGURES, figurePhrase, figureValue, settled, siteUnderTest, spaces, type Visit } from "./util/siteUnderTest.ts";

const ADMIN = { identifiant: "admin", role: "admin" };
const LATE_REMINDER = "1 action de 2024 ajoutée tardivement dans l'export du 15/02/2025 (actions_20250215.csv) : +1 relance";

let p2023: Publication;
let withdrawn: Publication;
let p2024: Publication;

const web = siteUnderTest({
  name: "publications",
  timeoutMs: 240_000,
  warehouse: async () => {
    const { db, exportsDir } = await buildSiteWarehouse();
    // published by admin at the time given
    const publishAt = (at: string, what: { annee: number; titre: string; note?: string }) =>
      publish({ dbPath: db, par: ADMIN, now: () => new Date(at), ...what });
    p2023 = await publishAt("2025-03-01T08:00:00Z", { annee: 2023, titre: "Bilan 2023", note: "Présenté au conseil d'administration." });
    withdrawn = await publishAt("2025-03-10T08:00:00Z", { annee: 2024, titre: "Première version 2024" });
    withdraw({ dbPath: db, id: withdrawn.id, motif: "Erreur de titre", par: ADMIN, now: () => new Date("2025-03-11T08:00:00Z") });
    p2024 = await publishAt("2025-03-15T10:00:00Z", { annee: 2024, titre: "Rapport d'activité 2024" });
    // After the 2024 report: a reminder of 20/12/2024 for B0002 arrives late.
    writeExportFile(exportsDir, "actions_20250215.csv", [["C99", "B0002", "20/12/2024", "RL1", "AG02", "", "", "N", ""]]);
    await etl({ exportsDir, dbPath: db });
    return db;
  },
});

/** A browser context at a width, signed in as `role` when given, recording every problem. */
function open(width: number, role?: string): Promise<Visit> {
  // The empty title sent on purpose below is refused with 400 (Chromium logs it as a console error).
  const refusedOnPurpose = (url: string, status: number) => status === 400 && url === `${web.server.url}/api/publications`;
  return web.open({ width, role, back: "/chiffres-cles", expected: refusedOnPurpose, context: { acceptDownloads: true } });
}

async function goto(v: Visit, pagePath: string): Promise<void> {
  await v.page.goto(`${web.server.url}/${pagePath}`, { waitUntil: "networkidle" });
  expect(await settled(v.page)).toEqual([]);
}

/** open() then goto(). */
async function visit(pagePath: string, width = 1440): Promise<Visit> {
  const v = await open(width);
  await goto(v, pagePath);
  return v;
}

const screenshot = (page: Page, name: string) => web.screenshot(page, name);

/** The card of one publication on the Publications page. */
const card = (page: Page, id: string) => page.locator(`section[data-publication="${id}"]`);

describe("the Publications page", () => {
  it("is built, with the others", () => {
    web.ready();
    expect(web.site.pages.map((p) => p.page)).toContain("publications.html");
  });

  it("lists every publication newest first with its state, provenance, figures as published, gaps and their explanation", async () => {
    web.ready();
    const v = await visit("publications.html");
    const { page } = v;
    expect(
      await page
        .locator("section[data-publication]")
        .evaluateAll((els) => els.map((e) => [e.getAttribute("data-publication"), e.getAttribute("data-etat")])),
    ).toEqual([
      [p2024.id, "revisee"],
      [withdrawn.id, "retiree"],
      [p2023.id, "inchangee"],
    ]);
    const labels = await page.locator("section[data-publication] [data-etat-libelle]").allTextContents();
    expect(labels).toEqual(["révisée", "retirée", "inchangée"]);
    expect(await page.locator("section[data-publication] [data-titre]").allTextContents()).toEqual([
      "Rapport d'activité 2024",
      "Première version 2024",
      "Bilan 2023",
    ]);
    expect(spaces(await page.locator("main").textContent())).toContain(
      "Une publication faite depuis le site ou l'API apparaît ici après la prochaine construction nocturne du site.",
    );

    // The 2024 report: as-of date, who published it and when (Paris time), its run and files.
    const report = card(page, p2024.id);
    expect(await report.locator("[data-date-arrete]").textContent()).toBe("31/12/2024");
    expect(spaces(await report.locator("[data-publie]").textContent())).toBe("publié le 15/03/2025 à 11:00 par admin");
    expect(await report.locator("[data-chargement]").textContent()).toBe(p2024.chargement!.run_id);
    expect(spaces(await report.locator("[data-fichiers]").textContent())).toBe(`${p2024.fichiers.length} fichiers d'export`);
    // Every figure as published, for the landlord and each sector, in French.
    const scopes = [p2024.chiffres.ensemble, ...p2024.chiffres.secteurs];
    expect(scopes.map((r) => r.secteur)).toEqual([null, "N", "S"]);
    for (const [def, cohort] of PAGE_FIGURES) {
      for (const r of scopes) {
        const cell = report.locator(`table[data-chiffres-publies] tr[data-cle="${def.cle}"] td[data-secteur="${r.secteur ?? "ensemble"}"]`);
        expect(spaces(await cell.textContent()), `${def.cle} ${r.secteur}`).toBe(
          spaces(formatValue(figureValue(r, def, cohort), def.unite)),
        );
      }
    }
    // Revised by the late reminder: one more relance for the landlord and for B0002's sector (S).
    const published = p2024.chiffres.ensemble.relances as number;
    const south = p2024.chiffres.secteurs.find((s) => s.secteur === "S")!;
    const gaps = await report
      .locator("table[data-ecarts] tbody tr")
      .evaluateAll((rows) =>
        rows.map((r) => [
          r.getAttribute("data-secteur"),
          r.getAttribute("data-cle"),
          ...[...r.querySelectorAll("td")].map((td) => td.textContent!.replace(/\s+/g, " ").trim()),
        ]),
      );
    expect(gaps).toEqual([
      ["ensemble", "relances", "Ensemble du bailleur", String(published), String(published + 1), "+1"],
      ["S", "relances", "Colmar Sud", String(south.relances), String((south.relances as number) + 1), "+1"],
    ]);
    expect(await report.locator("[data-explications] li").allTextContents()).toEqual([LATE_REMINDER]);
    // Both tables download as CSV for French Excel: the gaps as shown (« +1 » the number 1), the
    // figures as published.
    const csvOf = async (table: string) => {
      const [d] = await Promise.all([
        page.waitForEvent("download"),
        report
          .locator(".tableau-exportable", { has: page.locator(table) })
          .getByRole("button", { name: "Télécharger le tableau (CSV pour Excel)" })
          .click(),
      ]);
      return {
        name: d.suggestedFilename(),
        lines: fs
          .readFileSync((await d.path())!, "utf8")
          .slice(1)
          .split("\r\n"),
      };
    };
    const gapsCsv = await csvOf("table[data-ecarts]");
    expect(gapsCsv.name).toBe(`publication-${p2024.id}-ecarts.csv`);
    expect(gapsCsv.lines.slice(0, 3)).toEqual([
      "Portée;Indicateur;Publié;Aujourd'hui;Écart",
      `Ensemble du bailleur;Relances;${published};${published + 1};1`,
      `Colmar Sud;Relances;${south.relances};${(south.relances as number) + 1};1`,
    ]);
    const figuresCsv = await csvOf("table[data-chiffres-publies]");
    expect(figuresCsv.name).toBe(`publication-${p2024.id}-chiffres.csv`);
    expect(figuresCsv.lines[0]!.split(";")[0]).toBe("Indicateur");
    const rate = (r: FiguresRecord) => `${((r.taux_impayes as number) * 100).toFixed(2).replace(".", ",")} %`;
    expect(figuresCsv.lines.find((l) => l.startsWith("Taux d'impayés;"))).toBe(`Taux d'impayés;${scopes.map(rate).join(";")}`);

    // The withdrawn one says why; the 2023 one is unchanged and gives its note.
    expect(spaces(await card(page, withdrawn.id).locator("[data-retrait]").textContent())).toBe(
      "Retirée le 11/03/2025 à 09:00 : Erreur de titre. Ses chiffres restent consultables ; ce ne sont plus des chiffres publiés.",
    );
    expect(await card(page, p2023.id).locator("[data-inchangee]").count()).toBe(1);
    expect(await card(page, p2023.id).locator("[data-note]").textContent()).toBe("Présenté au conseil d'administration.");
    expect(await card(page, p2023.id).locator("[data-date-arrete]").textContent()).toBe("31/12/2023");
    expect(await card(page, p2023.id).locator("table[data-ecarts]").count()).toBe(0);

    // Aggregates only: no lease number anywhere on the page.
    expect(await page.locator("main").textContent()).not.toMatch(/\bB\d{4}\b/);
    await screenshot(page, "publications-1440");
    expect(v.problems).toEqual([]);
    expect(v.external).toEqual([]);
    await v.context.close();

    // On a phone: the page itself never scrolls sideways (wide tables scroll in their own box).
    const phone = await visit("publications.html", 390);
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(phone.page, "publications-390");
    expect(phone.problems).toEqual([]);
    await phone.context.close();
  });
});

describe("the overview with a publication in force for its last complete year", () => {
  it("gives that year's rate as published, with the publication named and linked", async () => {
    web.ready();
    const { page, context } = await visit("");
    const value = page.locator('.figure-card [data-figure="taux_impayes"][data-annee="2024"]');
    expect(spaces(await value.textContent())).toBe(spaces(formatValue(p2024.chiffres.ensemble.taux_impayes as number, "taux")));
    const note = page.locator(`[data-publication="${p2024.id}"]`);
    // the late reminder revises a count, not the rate: no recomputed value beside it
    expect(spaces(await note.textContent())).toBe("publié le 15/03/2025 — Rapport d'activité 2024");
    expect(await note.locator("a").getAttribute("href")).toBe(`./publications#publication-${p2024.id}`);
    await context.close();
  });
});

describe("Chiffres clés with a publication in force", () => {
  it("gives the figures as published, « Publié le … » at the top and today's value beside the revised one", async () => {
    web.ready();
    const v = await visit("chiffres-cles.html");
    const { page } = v;
    expect(spaces(await page.locator("[data-publie-le]").textContent())).toBe("Publié le 15/03/2025 — Rapport d'activité 2024");
    const check = async (record: FiguresRecord) => {
      for (const [def, cohort] of PAGE_FIGURES) {
        // the published phrase, then (for the revised figure only) today's value
        const cell = page.locator(`td.phrase[data-figure="${def.cle}"]`);
        const own = await cell.evaluate((td) =>
          [...td.childNodes]
            .filter((n) => n.nodeType === Node.TEXT_NODE)
            .map((n) => n.textContent)
            .join(""),
        );
        expect(spaces(own), `${record.annee} ${record.secteur} ${def.cle}`).toBe(spaces(figurePhrase(record, def, cohort)));
      }
    };
    await check(p2024.chiffres.ensemble);
    const published = p2024.chiffres.ensemble.relances as number;
    expect(await page.locator("[data-recalcul]").evaluateAll((els) => els.map((e) => e.getAttribute("data-recalcul")))).toEqual([
      "relances",
    ]);
    expect(spaces(await page.locator('[data-recalcul="relances"]').textContent())).toBe(`recalculé aujourd'hui : ${published + 1} (+1)`);
    // The copy button copies the published phrase.
    expect(spaces(await page.locator('tr[data-cle="relances"] button').getAttribute("data-copy"))).toBe(
      spaces(
        figurePhrase(
          p2024.chiffres.ensemble,
          FIGURES.find((f) => f.cle === "relances")!,
          false,
        ),
      ),
    );
    // The CSV for Excel holds the figures shown: the published ones.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: /Télécharger le tableau/ }).click(),
    ]);
    expect(fs.readFileSync(await download.path()).toString("utf8")).toBe(renderCsv([p2024.chiffres.ensemble]));
    // Nobody signed in: no form.
    expect(await page.locator("[data-formulaire-publication]").count()).toBe(0);
    await screenshot(page, "chiffres-cles-publie-1440");

    // A sector: its figures as published, and its own gaps.
    await page.locator("form", { hasText: "Secteur" }).locator("select").selectOption({ label: "Colmar Sud" });
    await page.waitForFunction(() => document.querySelector("[data-portee]")?.textContent?.startsWith("Colmar Sud"));
    await check(p2024.chiffres.secteurs.find((s) => s.secteur === "S")!);
    expect(await page.locator("[data-recalcul]").evaluateAll((els) => els.map((e) => e.getAttribute("data-recalcul")))).toEqual([
      "relances",
    ]);
    await page.locator("form", { hasText: "Secteur" }).locator("select").selectOption({ label: "Mulhouse – Nord" });
    await page.waitForFunction(() => document.querySelector("[data-portee]")?.textContent?.startsWith("Mulhouse"));
    await check(p2024.chiffres.secteurs.find((s) => s.secteur === "N")!);
    expect(await page.locator("[data-recalcul]").count()).toBe(0);

    // 2023: its publication, unchanged.
    await page.locator("form", { hasText: "Secteur" }).locator("select").selectOption({ label: "Ensemble du bailleur" });
    await page.locator("form", { hasText: "Année" }).locator("select").selectOption({ label: "2023" });
    await page.waitForFunction(
      () =>
        document.querySelector("[data-portee]")?.textContent?.includes("2023") &&
        document.querySelector("[data-portee]")?.textContent?.startsWith("Ensemble"),
    );
    expect(spaces(await page.locator("[data-publie-le]").textContent())).toBe("Publié le 01/03/2025 — Bilan 2023");
    await check(p2023.chiffres.ensemble);
    expect(await page.locator("[data-recalcul]").count()).toBe(0);

    // Printing still gives one A4 sheet; on paper the as-of paragraph names the publication.
    await page.locator("form", { hasText: "Année" }).locator("select").selectOption({ label: "2024" });
    await page.waitForFunction(() => document.querySelector("[data-portee]")?.textContent?.includes("2024"));
    expect(await page.locator("[data-source-publication]").textContent()).toBe("Rapport d'activité 2024");
    await page.emulateMedia({ media: "print" });
    const pdfBytes = await page.pdf({ format: "A4", printBackground: true });
    fs.writeFileSync(path.join(web.artifacts, "chiffres-cles-publie.pdf"), pdfBytes);
    expect((await readPdf(pdfBytes)).pages).toBe(1);
    await page.emulateMedia({ media: "screen" });

    expect(v.problems).toEqual([]);
    expect(v.external).toEqual([]);
    await v.context.close();

    const phone = await visit("chiffres-cles.html", 390);
    expect(spaces(await phone.page.locator("[data-publie-le]").textContent())).toBe("Publié le 15/03/2025 — Rapport d'activité 2024");
    await screenshot(phone.page, "chiffres-cles-publie-390");
    expect(phone.problems).toEqual([]);
    await phone.context.close();
  });

  it("opens a published count's cases as today's, saying when the publication's figure differs", async () => {
    web.ready();
    // Signing in sends back to Chiffres clés.
    const v = await open(1440, "recouvrement");
    expect(await settled(v.page)).toEqual([]);
    await v.page.waitForLoadState("networkidle");
    const { page } = v;
    const published = p2024.chiffres.ensemble.relances as number;
    // Relances, revised since by the late reminder: the list has today's count, and says so.
    const link = page.locator('td.phrase[data-figure="relances"] a.lien-dossiers');
    expect(await link.getAttribute("href")).toBe(`dossiers.html?figure=relances&annee=2024&au=2024-12-31&publication=${p2024.id}`);
    await link.click();
    await page.waitForURL(/dossiers/);
    expect(await settled(page)).toEqual([]);
    await page.locator("[data-dossiers-nombre]").waitFor();
    expect(spaces(await page.locator("[data-dossiers-nombre]").textContent())).toBe(spaces(formatValue(published + 1, "nombre")));
    expect(spaces(await page.locator("[data-chiffre-publie]").textContent())).toBe(
      spaces(
        `Le chiffre d'où vous venez est celui de la publication « Rapport d'activité 2024 » (publiée le 15/03/2025) : ${formatValue(published, "nombre")}. ` +
          `Recalculé aujourd'hui avec les exports reçus depuis, il vaut ${formatValue(published + 1, "nombre")} : cette liste donne les dossiers d'aujourd'hui, pas ceux de la publication. Voir la publication et l'explication des écarts.`,
      ),
    );
    // A published figure that today's data leave as it was: no such sentence.
    await goto(v, `dossiers.html?figure=assignations&annee=2024&au=2024-12-31&publication=${p2024.id}`);
    await page.locator("[data-dossiers-nombre]").waitFor();
    expect(spaces(await page.locator("[data-dossiers-nombre]").textContent())).toBe(
      spaces(formatValue(p2024.chiffres.ensemble.assignations as number, "nombre")),
    );
    expect(await page.locator("[data-chiffre-publie]").count()).toBe(0);
    expect(v.problems).toEqual([]);
    await v.context.close();
  });

  it("shows the form « Arrêter les chiffres » to the admin only", async () => {
    web.ready();
    for (const role of ["direction", "communication", "recouvrement"]) {
      const v = await open(1440, role);
      await settled(v.page);
      expect(await v.page.locator("[data-publie-le]").count(), role).toBe(1);
      expect(await v.page.locator("[data-formulaire-publication]").count(), role).toBe(0);
      expect(v.problems, role).toEqual([]);
      await v.context.close();
    }
  });

  it("publishes through the form as the admin: the API's French message on a refusal, then the publication, listed by GET /api/publications", async () => {
    web.ready();
    const v = await open(1440, "admin");
    await settled(v.page);
    const { page } = v;
    const form = page.locator("[data-formulaire-publication]");
    await expect.poll(() => form.count()).toBe(1);
    const sent: unknown[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && r.url() === `${web.server.url}/api/publications`) sent.push(r.postDataJSON());
    });

    // No title: the API refuses, and the page gives its message.
    await form.getByRole("button", { name: "Arrêter les chiffres" }).click();
    await expect.poll(() => form.locator("[data-resultat-publication]").textContent()).toMatch(/^La publication a échoué/);
    const refusal = await page.request.post(`${web.server.url}/api/publications`, {
      data: { annee: 2024, au: "2024-12-31", titre: "", note: null },
      headers: { Origin: web.server.url },
    });
    expect(refusal.status()).toBe(400);
    const { erreur } = (await refusal.json()) as { erreur: string };
    expect(erreur).toMatch(/titre/);
    expect(await form.locator("[data-resultat-publication]").textContent()).toBe(`La publication a échoué : ${erreur}`);

    await form.getByLabel("Titre").fill("Bilan pour le conseil");
    await form.getByLabel("Note (facultative)").fill("Chiffres arrêtés avant la séance.");
    await screenshot(page, "chiffres-cles-formulaire-1440");
    await form.getByRole("button", { name: "Arrêter les chiffres" }).click();
    const created = form.locator("[data-publication-creee]");
    await created.waitFor({ timeout: 15_000 });
    const id = await created.getAttribute("data-publication-creee");
    expect(sent).toEqual([
      { annee: 2024, au: "2024-12-31", titre: "", note: null },
      { annee: 2024, au: "2024-12-31", titre: "Bilan pour le conseil", note: "Chiffres arrêtés avant la séance." },
    ]);
    expect(spaces(await form.locator("[data-resultat-publication]").textContent())).toMatch(
      new RegExp(
        `^Chiffres arrêtés : publication ${id} « Bilan pour le conseil », au 31/12/2024, le \\d{2}/\\d{2}/\\d{4} à \\d{2}:\\d{2}\\. Une publication faite depuis le site ou l'API apparaît ici après la prochaine construction nocturne du site\\.$`,
      ),
    );
    const list = await page.request.get(`${web.server.url}/api/publications`);
    expect(list.status()).toBe(200);
    const { publications } = (await list.json()) as {
      publications: Array<{
        id: string;
        titre: string;
        note: string | null;
        annee: number;
        date_arrete: string;
        etat: string;
        publie_par: { identifiant: string };
      }>;
    };
    expect(publications.map((p) => p.id)).toEqual([id, p2024.id, withdrawn.id, p2023.id]);
    expect(publications[0]).toMatchObject({
      titre: "Bilan pour le conseil",
      note: "Chiffres arrêtés avant la séance.",
      annee: 2024,
      date_arrete: "2024-12-31",
      etat: "inchangee",
      publie_par: { identifiant: "admin" },
    });
    expect(v.problems).toEqual([]);
    await v.context.close();

    const phone = await open(390, "admin");
    await settled(phone.page);
    await phone.page.locator("[data-formulaire-publication]").waitFor();
    await screenshot(phone.page, "chiffres-cles-formulaire-390");
    expect(phone.problems).toEqual([]);
    await phone.context.close();
  });
});
