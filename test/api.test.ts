import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { createApp } from "../src/api/app.ts";
import { ROLES, type Role } from "../src/api/users.ts";
import { queryRows } from "../src/duckdb/db.ts";
import { getFigures } from "../src/warehouse/figures.ts";
import type { WarehouseProvider } from "../src/server/warehouseProvider.ts";
import { FakeRuns, PASSWORD, buildTestApp, signIn, smallOfficeWarehouse } from "./util/apiApp.ts";

let app: ReturnType<typeof createApp>;
let warehouse: WarehouseProvider;
let runs: FakeRuns;
let logs: string[];
const cookies = {} as Record<Role, string>;

beforeAll(async () => {
  const db = await smallOfficeWarehouse();
  ({ app, warehouse, logs } = buildTestApp(db, { runs: (runs = new FakeRuns()) }));
  for (const role of ROLES) cookies[role] = await signIn(app, role);
});
afterAll(() => warehouse.close());

const JSON_BODY = { "Content-Type": "application/json" };
const get = (path: string, role?: Role) => app.request(path, { headers: role ? { Cookie: cookies[role] } : {} });

/** Every route and who may use it. */
const ROUTES: Array<{ method: "GET" | "POST"; path: string; allowed: readonly Role[] }> = [
  { method: "GET", path: "/api/figures?annee=2024", allowed: ROLES },
  { method: "GET", path: "/api/series?indicateur=taux_impayes", allowed: ROLES },
  { method: "GET", path: "/api/funnel?annee=2024", allowed: ROLES },
  { method: "GET", path: "/api/runs", allowed: ROLES },
  { method: "GET", path: "/api/cases", allowed: ["recouvrement", "admin"] },
  { method: "GET", path: "/api/cases/B0001", allowed: ["recouvrement", "admin"] },
  { method: "POST", path: "/api/runs", allowed: ["admin"] },
];

describe("access to every route", () => {
  for (const route of ROUTES) {
    it(`${route.method} ${route.path}: 401 without a session`, async () => {
      const res = await app.request(route.path, { method: route.method, headers: JSON_BODY });
      expect(res.status).toBe(401);
      expect((await res.json()).erreur).toMatch(/Vous n'êtes pas connecté : connectez-vous sur \/connexion/);
    });
    for (const role of ROLES) {
      const ok = route.allowed.includes(role);
      it(`${route.method} ${route.path}: ${ok ? "allowed" : "403"} for ${role}`, async () => {
        const res = await app.request(route.path, { method: route.method, headers: { ...JSON_BODY, Cookie: cookies[role] } });
        if (ok) {
          expect(res.status, await res.clone().text()).toBeLessThan(300);
        } else {
          expect(res.status).toBe(403);
          expect((await res.json()).erreur).toMatch(new RegExp(`Votre rôle .* ne permet pas cet accès`));
        }
      });
    }
  }

  it("rejects a forged session cookie", async () => {
    const res = await app.request("/api/figures?annee=2024", { headers: { Cookie: "oph_session=forged-token" } });
    expect(res.status).toBe(401);
  });

  it("rejects an expired session", async () => {
    let now = Date.now();
    const db = (warehouse as unknown as { dbPath: string }).dbPath;
    const t = buildTestApp(db, { now: () => now });
    const cookie = await signIn(t.app, "direction");
    expect((await t.app.request("/api/figures?annee=2024", { headers: { Cookie: cookie } })).status).toBe(200);
    now += 9 * 3600_000;
    expect((await t.app.request("/api/figures?annee=2024", { headers: { Cookie: cookie } })).status).toBe(401);
    t.warehouse.close();
  });
});

describe("POST /api/session", () => {
  it("sets an HttpOnly, SameSite=Strict cookie and never echoes the password", async () => {
    const res = await app.request("/api/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ identifiant: "direction", mot_de_passe: PASSWORD }),
    });
    expect(res.headers.get("set-cookie")).toMatch(/oph_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
    expect(await res.text()).not.toContain(PASSWORD);
  });

  it("slows down repeated failed sign-ins with 429 and Retry-After", async () => {
    const attempt = () =>
      app.request("/api/session", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ identifiant: "communication", mot_de_passe: "faux" }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt()).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const res = await attempt();
    expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await res.json()).erreur).toMatch(/Trop d'essais de connexion manqués/);
    expect(logs.join("\n")).not.toContain("faux");
  });
});

describe("GET /api/figures", () => {
  it("returns the same JSON as the figures CLI's module", async () => {
    const res = await get("/api/figures?annee=2024&secteur=N", "direction");
    const expected = await warehouse.use((wh) => getFigures(wh, { annee: 2024, secteur: "N" }));
    expect(await res.json()).toEqual(expected);
  });

  for (const [query, message] of [
    ["annee=24", /Paramètre « annee » invalide : une année sur quatre chiffres/],
    ["", /Paramètre « annee » invalide : paramètre obligatoire/],
    ["annee=2024&au=2024-13-45", /date d'arrêté « 2024-13-45 » invalide/],
    ["annee=2024&secteur=ZZ", /secteur « ZZ » inconnu/],
    ["annee=2019", /aucune donnée pour l'année 2019/],
    ["annee=2024&secteur=%27%3B%20drop%20table%20leases%3B--", /Paramètre « secteur » invalide/],
  ] as const) {
    it(`answers 400 naming the problem for ?${query}`, async () => {
      const res = await get(`/api/figures?${query}`, "communication");
      expect(res.status).toBe(400);
      expect((await res.json()).erreur).toMatch(message);
    });
  }
});

describe("GET /api/series", () => {
  it("returns the monthly series of a figure from the monthly mart", async () => {
    const body = await (await get("/api/series?indicateur=dette_presents", "direction")).json();
    expect(body.unite).toBe("euros");
    const dec = body.points.find((p: { mois: string }) => p.mois === "2024-12");
    expect(dec).toEqual({ mois: "2024-12", date_arrete: "2024-12-31", valeur: 1500, fenetre_complete: true });
    // The data start on 01/01/2024: W(30/11/2024) starts on 01/12/2023, before them (etl/models/metrics/FIGURES.md).
    expect(body.points.find((p: { mois: string }) => p.mois === "2024-11").fenetre_complete).toBe(false);
  });

  it("answers 400 for an unknown indicator", async () => {
    const res = await get("/api/series?indicateur=salaire", "direction");
    expect(res.status).toBe(400);
    expect((await res.json()).erreur).toMatch(/Paramètre « indicateur » invalide : indicateur inconnu/);
  });
});

describe("GET /api/funnel", () => {
  it("gives the flows in procedural order, the cohort and the stages, and says flows are not conversions", async () => {
    const body = await (await get("/api/funnel?annee=2024", "communication")).json();
    // demandes_concours was missing (the site showed 8 flows, the API 7): both now read etl/seeds/funnel_flows.csv
    expect(body.flux.map((f: { indicateur: string }) => f.indicateur).join(" → ")).toBe(
      "relances → plans_signes → commandements_payer → assignations → resiliations_bail → demandes_concours → concours_force_publique → expulsions",
    );
    expect(body.flux[0].valeur).toBe(2);
    expect(body.avertissement).toMatch(/ne sont pas des taux de conversion/);
    expect(body.cohorte_commandements.effectif).toBe(0);
    expect(body.menages_par_etape).toHaveLength(6);
  });
});

describe("GET /api/cases", () => {
  it("lists the leases in debt at the latest date with stage and next step", async () => {
    const body = await (await get("/api/cases", "recouvrement")).json();
    expect(body.total).toBe(1);
    expect(body.lignes[0]).toMatchObject({
      num_contrat: "B0001",
      solde: 1500,
      dette_en_mois: 3,
      etape: "relance",
      derniere_action: "SMS",
      date_derniere_action: "2024-11-20",
      dernier_paiement: "2024-09-05",
      action: "commandement_payer",
    });
    const [fromWarehouse] = await warehouse.use((wh) =>
      queryRows(wh.conn, "select cast(solde as double) as solde from review_cases where num_contrat = 'B0001'"),
    );
    expect(fromWarehouse).toEqual({ solde: 1500 });
  });

  it("filters, sorts and pages, and rejects unknown values with 400", async () => {
    expect((await (await get("/api/cases?secteur=S", "admin")).json()).total).toBe(0);
    expect((await (await get("/api/cases?dette_min=2000", "admin")).json()).total).toBe(0);
    expect((await (await get("/api/cases?etape=relance&tri=echeance&page=1&taille=10", "admin")).json()).total).toBe(1);
    for (const [q, param] of [
      ["tri=nom", "tri"],
      ["taille=0", "taille"],
      ["page=-1", "page"],
      ["etape=plaidoirie", "etape"],
      ["dette_min=abc", "dette_min"],
    ]) {
      const res = await get(`/api/cases?${q}`, "admin");
      expect(res.status, q).toBe(400);
      expect((await res.json()).erreur).toContain(`Paramètre « ${param} » invalide`);
    }
  });

  it("returns CSV for French Excel with format=csv", async () => {
    const res = await get("/api/cases?format=csv", "recouvrement");
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM French Excel needs
    const text = bytes.toString("utf8");
    expect(text.startsWith("\uFEFFContrat;Secteur;Solde (€);")).toBe(true);
    expect(text).toContain("\r\nB0001;Mulhouse – Nord;1500,00;3;");
  });

  it("returns one case with its monthly balances, entries, actions and timeline", async () => {
    const body = await (await get("/api/cases/B0001", "recouvrement")).json();
    expect(body.bail.num_contrat).toBe("B0001");
    expect(body.soldes_mensuels.find((s: { date_arrete: string }) => s.date_arrete === "2024-12-31").solde).toBe(1500);
    expect(body.ecritures).toHaveLength(33);
    expect(body.actions.map((a: { code_action: string }) => a.code_action)).toEqual(["RL1", "SMS"]);
    expect(JSON.stringify(body)).not.toContain("commentaire");
  });

  it("answers 404 for an unknown case and 400 for a malformed number", async () => {
    const res = await get("/api/cases/B9999", "recouvrement");
    expect(res.status).toBe(404);
    expect((await res.json()).erreur).toMatch(/Bail « B9999 » introuvable/);
    expect((await get("/api/cases/%27%20or%201%3D1", "recouvrement")).status).toBe(400);
  });
});

describe("runs and health", () => {
  it("starts a run for an admin and refuses a second one with 409", async () => {
    const res = await app.request("/api/runs", { method: "POST", headers: { ...JSON_BODY, Cookie: cookies.admin } });
    expect(res.status).toBe(202);
    expect(runs.started).toContain("api");
    runs.busy = true;
    const again = await app.request("/api/runs", { method: "POST", headers: { ...JSON_BODY, Cookie: cookies.admin } });
    expect(again.status).toBe(409);
    expect((await again.json()).erreur).toMatch(/déjà en cours/);
    runs.busy = false;
  });

  it("reports freshness on /health without a session", async () => {
    const res = await app.request("/health");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ statut: "ok", entrepot_publie: true, donnees_jusqu_au: "2025-01-02", chargement_en_cours: false });
    expect(body.dernier_chargement_reussi).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });
});

describe("errors and headers", () => {
  it("answers 500 with a reference that is also in the server log, and no stack trace", async () => {
    const t = buildTestApp("/nonexistent.duckdb");
    const boom = async (): Promise<never> => {
      throw new TypeError("boom at secret/path.ts:12");
    };
    Object.assign(t.warehouse, { use: boom, json: boom });
    const cookie = await signIn(t.app, "direction");
    const res = await t.app.request("/api/figures?annee=2024", { headers: { Cookie: cookie } });
    expect(res.status).toBe(500);
    const { erreur } = await res.json();
    const id = /référence ([0-9a-f]+)/.exec(erreur)![1]!;
    expect(erreur).not.toContain("secret/path");
    expect(t.logs.join("\n")).toContain(`erreur ${id}`);
  });

  it("refuses a cross-site form post (CSRF) with a French message", async () => {
    const res = await app.request("/api/runs", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://evil.example", Cookie: cookies.admin },
    });
    expect(res.status).toBe(403);
    expect((await res.json()).erreur).toMatch(/origine/);
    expect(runs.started).not.toContain("evil");
  });

  it("sets security headers and refuses large bodies", async () => {
    const res = await app.request("/health");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const big = await app.request("/api/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ identifiant: "x", mot_de_passe: "y".repeat(40_000) }),
    });
    expect(big.status).toBe(413);
  });

  it("serves the OpenAPI document and a readable reference", async () => {
    const doc = await (await app.request("/api/openapi.json")).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/figures",
        "/api/series",
        "/api/funnel",
        "/api/cases",
        "/api/cases/{num_contrat}",
        "/api/runs",
        "/health",
      ]),
    );
    expect(await (await app.request("/api/docs")).text()).toContain("Référence de l'API");
  });
});
