/**
 * Issue 10, items 10 and 11, through the API (app.request()):
 * - the month-end rule (src/warehouse/monthEnds.ts): roles without case access get figures
 *   at month ends only, roles with case access keep day-level dates;
 * - one rule for lease numbers (src/etl/exportSchema.ts LEASE_NUMBER): the API refuses what
 *   the ETL would quarantine, in French; the review page shows the API's message.
 * Fixture: test/reliability/differencing.ts (COLM's household C001 gets a bill and a payment
 * order on 06/11/2026, the latest posting date).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LEASE_NUMBER } from "../src/models/leaseNumber.ts";
import { DIFFERENCING, buildDifferencingWarehouses, differencingApp } from "./reliability/differencing.ts";
import { projectPath } from "../src/paths.ts";
import { pathToFileURL } from "node:url";
import { buildTestApp, signIn, smallOfficeWarehouse } from "./util/apiApp.ts";

let api: Awaited<ReturnType<typeof differencingApp>>;
const d = DIFFERENCING;

beforeAll(async () => {
  const { night6 } = await buildDifferencingWarehouses();
  api = await differencingApp(night6);
});
afterAll(() => api.close());

describe("the month-end rule of /api/figures", () => {
  for (const role of ["direction", "communication"] as const) {
    it(`refuses the issue's pair of dates a day apart for ${role}, suggesting the month end before`, async () => {
      for (const au of [d.veille, d.jour]) {
        const { status, body } = await api.get(`/api/figures?annee=2026&au=${au}&secteur=COLM`, role);
        expect(status).toBe(400);
        expect(body.erreur).toMatch(
          /^la date d'arrêté \d\d\/11\/2026 n'est pas une fin de mois : pour votre rôle, les chiffres ne sont donnés qu'en fin de mois/,
        );
        expect(body.erreur).toContain("Demandez la fin du mois précédent, le 31/10/2026 (au=2026-10-31).");
      }
    });
  }

  it("suggests the previous year's 31/12 with its year for a date in January", async () => {
    const { status, body } = await api.get("/api/figures?annee=2026&au=2026-01-15", "direction");
    expect(status).toBe(400);
    expect(body.erreur).toContain("le 31/12/2025 (au=2025-12-31&annee=2025)");
  });

  it("serves a month end to direction", async () => {
    const { status, body } = await api.get("/api/figures?annee=2026&au=2026-10-31&secteur=COLM", "direction");
    expect(status).toBe(200);
    expect(body).toMatchObject({ date_arrete: "2026-10-31", menages_en_dette: 1, dette_presents: 1200, commandements_payer: 1 });
  });

  it("serves both dates to recouvrement, which differ by exactly household C001", async () => {
    const [a, b] = [
      await api.get(`/api/figures?annee=2026&au=${d.veille}&secteur=COLM`, "recouvrement"),
      await api.get(`/api/figures?annee=2026&au=${d.jour}&secteur=COLM`, "recouvrement"),
    ];
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body).toMatchObject({ date_arrete: d.veille, menages_en_dette: 1, dette_presents: 1600, commandements_payer: 1 });
    expect(b.body).toMatchObject({ date_arrete: d.jour, menages_en_dette: 2, dette_presents: 2500, commandements_payer: 2 });
  });

  it("gives direction the year in progress at its latest month end, and says up to when the data go", async () => {
    const { status, body } = await api.get("/api/figures?annee=2026&secteur=COLM", "direction");
    expect(status).toBe(200);
    expect(body).toMatchObject({ annee: 2026, date_arrete: "2026-10-31", donnees_jusqu_au: "2026-11-06", menages_en_dette: 1 });
  });

  it("gives recouvrement the year in progress at the latest posting date, after direction asked the same (the rule is in the cache key)", async () => {
    await api.get("/api/figures?annee=2026", "direction");
    const { body } = await api.get("/api/figures?annee=2026", "recouvrement");
    expect(body).toMatchObject({ date_arrete: "2026-11-06", donnees_jusqu_au: "2026-11-06" });
    expect((await api.get("/api/figures?annee=2026", "communication")).body.date_arrete).toBe("2026-10-31");
  });
});

describe("the month-end rule of /api/funnel and /api/series", () => {
  it("gives direction the funnel of the year in progress at its latest month end, stages computed for that date", async () => {
    const { status, body } = await api.get("/api/funnel?annee=2026&secteur=COLM", "direction");
    expect(status).toBe(200);
    expect(body).toMatchObject({ date_arrete: "2026-10-31", donnees_jusqu_au: "2026-11-06" });
    const stages = body.menages_par_etape as Array<{ etape: string; menages: number }>;
    expect(stages).toHaveLength(6);
    expect(stages.find((s) => s.etape === "commandement_payer")!.menages).toBe(1);
    const flows = body.flux as Array<{ indicateur: string; valeur: number }>;
    expect(flows.find((f) => f.indicateur === "commandements_payer")!.valeur).toBe(1);
    // recouvrement: at the latest posting date, C001 is in procedure too.
    const rec = (await api.get("/api/funnel?annee=2026&secteur=COLM", "recouvrement")).body;
    expect(rec.date_arrete).toBe("2026-11-06");
    expect(
      (rec.menages_par_etape as Array<{ etape: string; menages: number }>).find((s) => s.etape === "commandement_payer")!.menages,
    ).toBe(2);
  });

  it("ends direction's monthly series at the latest month end; recouvrement's goes on to the latest posting date", async () => {
    const dir = (await api.get("/api/series?indicateur=menages_en_dette&secteur=COLM", "direction")).body.points as Array<
      Record<string, unknown>
    >;
    expect(dir.at(-1)).toEqual({ mois: "2026-10", date_arrete: "2026-10-31", valeur: 1, fenetre_complete: true });
    const rec = (await api.get("/api/series?indicateur=menages_en_dette&secteur=COLM", "recouvrement")).body.points as Array<
      Record<string, unknown>
    >;
    expect(rec.at(-1)).toEqual({ mois: "2026-11", date_arrete: "2026-11-06", valeur: 2, fenetre_complete: true });
  });

  it("answers 400 in French for a year in progress with no month end yet", async () => {
    const t = buildTestApp(await smallOfficeWarehouse()); // data to 02/01/2025
    try {
      const res = await t.app.request("/api/figures?annee=2025", { headers: { Cookie: await signIn(t.app, "direction") } });
      expect(res.status).toBe(400);
      expect((await res.json()).erreur).toBe(
        "aucune fin de mois n'est encore passée en 2025 (données chargées jusqu'au 02/01/2025) : pour votre rôle, les chiffres ne sont donnés qu'en fin de mois ; ceux de 2025 le seront au 31/01/2025. Demandez l'année 2024.",
      );
    } finally {
      t.warehouse.close();
    }
  });
});

describe("the lease-number rule of /api/cases/:num_contrat", () => {
  for (const bad of ["C 001", "-A1", "CÉ01", "..x", "Y".repeat(41)]) {
    it(`answers a French 400 that states the rule for « ${bad} »`, async () => {
      const { status, body } = await api.get(`/api/cases/${encodeURIComponent(bad)}`, "recouvrement");
      expect(status).toBe(400);
      expect(body.erreur).toBe(
        `Paramètre « num_contrat » invalide : numéro de contrat non conforme (attendu : ${LEASE_NUMBER.description})`,
      );
    });
  }

  it("opens a lease that follows the rule, and answers 404 for an unknown one", async () => {
    expect((await api.get("/api/cases/C001", "recouvrement")).status).toBe(200);
    const { status, body } = await api.get(`/api/cases/${encodeURIComponent("2019/00123")}`, "recouvrement");
    expect(status).toBe(404);
    expect(body.erreur).toBe("Bail « 2019/00123 » introuvable dans l'entrepôt publié.");
  });
});

describe("the review page's API calls (reports/components/apiJson.js)", () => {
  type Answer = { donnees?: unknown; erreur?: string; statut?: number | null };
  let apiJson: (url: string, o?: { fetchImpl?: typeof fetch }) => Promise<Answer>;
  beforeAll(async () => {
    ({ apiJson } = await import(pathToFileURL(projectPath("reports", "components", "apiJson.js")).href));
  });
  const viaApp = (role: "recouvrement" | "direction") =>
    (async (url: string) => {
      const { status, body } = await api.get(url, role);
      return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
    }) as unknown as typeof fetch;

  it("gives the API's French message for a refused lease number, a forbidden role and an unknown lease", async () => {
    expect(await apiJson(`/api/cases/${encodeURIComponent("C 001")}`, { fetchImpl: viaApp("recouvrement") })).toEqual({
      statut: 400,
      erreur: `Paramètre « num_contrat » invalide : numéro de contrat non conforme (attendu : ${LEASE_NUMBER.description})`,
    });
    const forbidden = await apiJson("/api/cases/C001", { fetchImpl: viaApp("direction") });
    expect(forbidden.statut).toBe(403);
    expect(forbidden.erreur).toMatch(/^Votre rôle \(direction\) ne permet pas cet accès/);
    expect((await apiJson("/api/cases/Z9", { fetchImpl: viaApp("recouvrement") })).erreur).toBe(
      "Bail « Z9 » introuvable dans l'entrepôt publié.",
    );
    expect((await apiJson("/api/cases/C001", { fetchImpl: viaApp("recouvrement") })).donnees).toMatchObject({
      bail: { num_contrat: "C001" },
    });
  });

  it("gives a French sentence, never an exception's text, when the answer is not JSON or the network fails", async () => {
    const html500 = (async () => new Response("<html>Bad gateway</html>", { status: 502 })) as unknown as typeof fetch;
    const down = (async () => {
      throw new TypeError("Failed to fetch");
    }) as unknown as typeof fetch;
    const a = await apiJson("/api/cases/C001", { fetchImpl: html500 });
    expect(a).toEqual({
      statut: 502,
      erreur: expect.stringMatching(/^Le serveur a répondu par une erreur \(statut 502\) sans message lisible/),
    });
    const b = await apiJson("/api/cases/C001", { fetchImpl: down });
    expect(b.erreur).toMatch(/^Le serveur du tableau de bord n'a pas répondu/);
    for (const x of [a, b]) expect(x.erreur).not.toMatch(/TypeError|Failed to fetch|Unexpected token/);
  });
});
