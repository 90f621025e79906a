/**
 * The drill-through (issue 14, item 7): GET /api/cases?figure=…&annee=…[&secteur=…] lists the
 * cases behind a count figure, and the list has exactly the figure's number of rows, for every
 * count figure, every sector and the whole landlord: on the golden fixtures (whose figures were
 * worked out by hand) and on the demo office's 2024. Only roles with case access get it.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { DRILL_FIGURES, type DrillFigure } from "../src/warehouse/cases.ts";
import { generateDemo } from "../src/demo/generate.ts";
import { buildTestApp, signIn } from "./util/apiApp.ts";
import { projectPath } from "../src/paths.ts";
import { etl, parseCsv, tempDir } from "./util/exports.ts";

type App = ReturnType<typeof buildTestApp>["app"];
const FIGURE_KEYS = Object.keys(DRILL_FIGURES) as DrillFigure[];

/** A figure's value in the JSON of /api/figures (the cohort's are nested in cohorte_commandements). */
const valueOf = (figures: Record<string, unknown>, key: string): unknown =>
  key.startsWith("cohorte_") ? (figures.cohorte_commandements as Record<string, unknown>)[key.slice("cohorte_".length)] : figures[key];

interface Drill {
  figure: string;
  date_arrete: string;
  secteur: string | null;
  unite: string;
  nombre: number;
  menages: number;
  lignes: Array<{ num_contrat: string; code_secteur: string; date: string | null; id_action: string | null }>;
}

async function getJson<T>(app: App, url: string, cookie: string): Promise<T> {
  const res = await app.request(url, { headers: { Cookie: cookie } });
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const query = (o: Record<string, string | number | undefined>) =>
  Object.entries(o)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join("&");

/**
 * For every count figure and scope (each sector and the whole landlord) of a year: the list's
 * size, its `nombre` and the figure are equal; every row is in the scope.
 */
async function checkEveryCount(app: App, sectors: string[], annee: number, au?: string): Promise<number> {
  const admin = await signIn(app, "admin");
  const recouvrement = await signIn(app, "recouvrement");
  let checked = 0;
  for (const secteur of [undefined, ...sectors]) {
    const figures = await getJson<Record<string, unknown>>(app, `/api/figures?${query({ annee, au, secteur })}`, admin);
    for (const figure of FIGURE_KEYS) {
      const drill = await getJson<Drill>(app, `/api/cases?${query({ figure, annee, au, secteur })}`, recouvrement);
      const label = `${figure} ${annee}${au ? ` au ${au}` : ""} ${secteur ?? "bailleur"}`;
      expect(drill.date_arrete, label).toBe(figures.date_arrete);
      expect(drill.lignes.length, label).toBe(valueOf(figures, figure));
      expect(drill.nombre, label).toBe(drill.lignes.length);
      if (secteur)
        expect(
          drill.lignes.every((l) => l.code_secteur === secteur),
          label,
        ).toBe(true);
      if (drill.unite !== "evenements") expect(drill.menages, label).toBe(drill.nombre);
      checked++;
    }
  }
  return checked;
}

/** The sector codes of a warehouse. */
async function sectorCodes(built: ReturnType<typeof buildTestApp>): Promise<string[]> {
  return built.warehouse.use(async (wh) =>
    (await wh.conn.runAndReadAll(`select code_secteur from sectors order by 1`)).getRows().map((r) => String(r[0])),
  );
}

/** An as-of date the ETL materialises figures for (a month end; the latest data is one too, not needed here). */
const isMonthEnd = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).getUTCDate() === 1;

const fixturesRoot = path.resolve("test/fixtures");
const fixtures = fs
  .readdirSync(fixturesRoot)
  .filter((d) => fs.existsSync(path.join(fixturesRoot, d, "expected.json")))
  .sort();

describe.each(fixtures)("GET /api/cases?figure= on fixture %s", (name) => {
  const expected = JSON.parse(fs.readFileSync(path.join(fixturesRoot, name, "expected.json"), "utf8")) as {
    checks: Array<{ annee: number; au?: string; secteur?: string; error?: boolean; figures?: Record<string, unknown> }>;
  };
  let app: App;
  let sectors: string[];

  beforeAll(async () => {
    const db = path.join(tempDir(), "w.duckdb");
    await etl({ exportsDir: path.join(fixturesRoot, name, "exports"), dbPath: db });
    const built = buildTestApp(db);
    app = built.app;
    sectors = await sectorCodes(built);
    return () => built.warehouse.close();
  });

  it("lists as many cases as each hand-checked count figure says", async () => {
    const recouvrement = await signIn(app, "recouvrement");
    let compared = 0;
    const checks = expected.checks.filter((c) => !c.error && c.figures && (!c.au || isMonthEnd(c.au)));
    for (const check of checks) {
      for (const figure of FIGURE_KEYS) {
        const want = valueOf({ cohorte_commandements: {}, ...check.figures }, figure);
        if (typeof want !== "number") continue;
        const drill = await getJson<Drill>(
          app,
          `/api/cases?${query({ figure, annee: check.annee, au: check.au, secteur: check.secteur })}`,
          recouvrement,
        );
        expect(drill.lignes.length, `${figure} ${JSON.stringify(check)}`).toBe(want);
        compared++;
      }
    }
    // every fixture but 14-complete-windows (rates and windows only) has hand-checked counts
    expect(compared > 0).toBe(name !== "14-complete-windows");
  });

  it("refuses, naming « au », an as-of date the ETL computed no figures for", async () => {
    const recouvrement = await signIn(app, "recouvrement");
    for (const check of expected.checks.filter((c) => !c.error && c.au && !isMonthEnd(c.au))) {
      const res = await app.request(`/api/cases?${query({ figure: "relances", annee: check.annee, au: check.au })}`, {
        headers: { Cookie: recouvrement },
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { erreur: string }).erreur).toMatch(/^Paramètre « au » invalide : .*fins de mois/);
    }
  });

  it("lists as many cases as every count figure of each checked year, per sector and for the whole landlord", async () => {
    const years = [
      ...new Set(expected.checks.filter((c) => !c.error && (!c.au || isMonthEnd(c.au))).map((c) => `${c.annee}|${c.au ?? ""}`)),
    ];
    for (const y of years) {
      const [annee, au] = y.split("|");
      expect(await checkEveryCount(app, sectors, Number(annee), au || undefined)).toBe(FIGURE_KEYS.length * (1 + sectors.length));
    }
  });
});

describe("the site's drill-through links", () => {
  it("link the figures the API lists, with the API's keys", async () => {
    // the browser module (reports/components/drillThrough.js), loaded as it is (plain JavaScript)
    const {
      DRILL_FIGURES: SITE_DRILL_FIGURES,
      drillHref,
      drillKey,
    } = (await import(pathToFileURL(projectPath("reports", "components", "drillThrough.js")).href)) as {
      DRILL_FIGURES: string[];
      drillKey(key: string): string | null;
      drillHref(figure: string, o: { annee: number; secteur?: string; au?: string; prefix?: string }): string;
    };
    expect([...SITE_DRILL_FIGURES].sort()).toEqual([...FIGURE_KEYS].sort());
    expect(drillKey("assignes")).toBe("cohorte_assignes");
    expect(drillKey("assignations")).toBe("assignations");
    expect(drillKey("taux_impayes")).toBeNull();
    expect(drillKey("jours_median_assignation")).toBeNull();
    expect(drillHref("assignations", { annee: 2024, secteur: "COLM", au: "2024-12-31", prefix: "../" })).toBe(
      "../dossiers.html?figure=assignations&annee=2024&au=2024-12-31&secteur=COLM",
    );
  });
});

describe("GET /api/cases?figure= access and parameters", () => {
  let app: App;

  beforeAll(async () => {
    const db = path.join(tempDir(), "w.duckdb");
    await etl({ exportsDir: path.join(fixturesRoot, "12-litigation-cohort", "exports"), dbPath: db });
    const built = buildTestApp(db);
    app = built.app;
    return () => built.warehouse.close();
  });

  it("answers 403 to direction and communication, 401 without a session", async () => {
    for (const role of ["direction", "communication"] as const) {
      const res = await app.request("/api/cases?figure=assignations&annee=2024", { headers: { Cookie: await signIn(app, role) } });
      expect(res.status, role).toBe(403);
      const csv = await app.request("/api/cases?figure=assignations&annee=2024&format=csv", {
        headers: { Cookie: await signIn(app, role) },
      });
      expect(csv.status, role).toBe(403);
    }
    expect((await app.request("/api/cases?figure=assignations&annee=2024")).status).toBe(401);
  });

  it("names the bad parameter in French", async () => {
    const cookie = await signIn(app, "recouvrement");
    const cases: Array<[string, RegExp]> = [
      ["figure=taux_impayes&annee=2024", /^Paramètre « figure » invalide : figure inconnue ou qui n'est pas un nombre/],
      ["figure=assignations", /^Paramètre « annee » invalide : paramètre obligatoire/],
      ["figure=assignations&annee=24", /^Paramètre « annee » invalide : une année sur quatre chiffres/],
      ["figure=assignations&annee=2024&secteur=ZZZ", /secteur « ZZZ » inconnu/],
      ["figure=assignations&annee=1990", /aucune donnée pour l'année 1990/],
      ["figure=assignations&annee=2024&format=xml", /^Paramètre « format » invalide/],
    ];
    for (const [q, message] of cases) {
      const res = await app.request(`/api/cases?${q}`, { headers: { Cookie: cookie } });
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { erreur: string }).erreur, q).toMatch(message);
    }
  });

  it("lists each counted event with its lease and day, and says how many households they concern", async () => {
    const cookie = await signIn(app, "recouvrement");
    const drill = await getJson<Drill>(app, "/api/cases?figure=assignations&annee=2024", cookie);
    // test/fixtures/12-litigation-cohort/README.md: 8 summons in 2024
    expect(drill).toMatchObject({ figure: "assignations", unite: "evenements", date_arrete: "2024-12-31", nombre: 8 });
    expect(drill.menages).toBeLessThanOrEqual(drill.nombre);
    expect(drill.lignes.every((l) => l.id_action && l.date && l.date >= "2024-01-01" && l.date <= "2024-12-31")).toBe(true);
    const cohort = await getJson<Drill>(app, "/api/cases?figure=cohorte_effectif&annee=2024", cookie);
    expect(cohort).toMatchObject({ unite: "cohorte", nombre: 6, menages: 6 });
    // each lease's first payment order, in the cohort's year
    expect(cohort.lignes.every((l) => l.date!.startsWith("2024-"))).toBe(true);
  });

  it("gives the list as CSV for French Excel, one line per case", async () => {
    const cookie = await signIn(app, "recouvrement");
    const res = await app.request("/api/cases?figure=assignations&annee=2024&format=csv", { headers: { Cookie: cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toContain('filename="dossiers-assignations-2024.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(new TextDecoder().decode(bytes.slice(3)));
    expect(rows[0]![0]).toBe("Chiffre");
    expect(rows.slice(1).filter((r) => r.length > 1)).toHaveLength(8);
    expect(rows[1]!.slice(0, 2)).toEqual(["Assignations", "31/12/2024"]);
  });
});

describe("GET /api/cases?figure= on the demo office's 2024", () => {
  let app: App;
  let sectors: string[];

  beforeAll(async () => {
    const dir = tempDir("oph-demo-");
    const exportsDir = path.join(dir, "exports");
    // as test/demo.published.test.ts: the correction kept aside, so 2024 is as published
    await generateDemo({ out: exportsDir, correction: true, onProgress: () => undefined });
    const db = path.join(dir, "w.duckdb");
    await etl({ exportsDir, dbPath: db });
    const built = buildTestApp(db);
    app = built.app;
    sectors = await sectorCodes(built);
    return () => built.warehouse.close();
  }, 600_000);

  it("lists the published counts: 12 449 reminders, 83 summons, 9 evictions", async () => {
    const cookie = await signIn(app, "recouvrement");
    for (const [figure, n] of [
      ["relances", 12449],
      ["assignations", 83],
      ["expulsions", 9],
      ["plans_signes", 1531],
    ] as const) {
      expect((await getJson<Drill>(app, `/api/cases?figure=${figure}&annee=2024`, cookie)).lignes).toHaveLength(n);
    }
  });

  it("lists as many cases as every count figure of 2024, per sector and for the whole landlord", async () => {
    expect(sectors.length).toBe(6);
    expect(await checkEveryCount(app, sectors, 2024)).toBe(FIGURE_KEYS.length * 7);
  }, 300_000);
});
