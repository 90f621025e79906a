/**
 * Differencing (issue 10): two aggregates a day apart must not give away one household.
 * A small office of two sectors where, on 06/11/2026, one household of sector COLM gets a
 * 900 € bill and a payment order: between the 5th and the 6th, COLM's figures differ by
 * exactly that household's debt, its count and its payment order. Two nightly states of the
 * office are loaded: the night of the 5th (data to 05/11/2026) and the night of the 6th.
 *
 * What must hold (the month-end rule, src/warehouse/monthEnds.ts):
 * - as direction and communication, the pair of as-of dates 05/11 and 06/11 is refused with
 *   a French message that suggests the month end before (31/10/2026);
 * - as direction and communication, the answers without a date (figures, funnel, series) are
 *   the same on both nights, apart from the date of the latest data they state;
 * - the static site's data (served without sign-in) is the same on both nights;
 * - as recouvrement (case access), both dates are served and differ by that household: the
 *   rule restricts the roles it is meant for, and only them.
 */
import path from "node:path";
import type { Role } from "../../src/api/users.ts";
import { runEtl } from "../../src/etl/runEtl.ts";
import { ALL_LOADERS } from "../../src/site/loaders.ts";
import { openWarehouse } from "../../src/warehouse/warehouse.ts";
import { buildTestApp, signIn } from "../util/apiApp.ts";
import { tempDir, writeExportFile } from "../util/exports.ts";
import { line, type CheckLine } from "./table.ts";

const FAMILY = "Accès";

/** The household whose day gives it away, and the pair of dates of the issue. */
export const DIFFERENCING = {
  secteur: "COLM",
  lease: "C001",
  veille: "2026-11-05",
  jour: "2026-11-06",
  finDeMoisPrecedente: "2026-10-31",
  /** What C001 adds to COLM's figures on the 6th. */
  ecart: { dette_presents: 900, menages_en_dette: 1, commandements_payer: 1 },
} as const;

const MONTHS_2026 = 11;

/**
 * The exports of the night of the 5th into `dir`; with `night6`, also the files of the
 * night of the 6th (C001's bill and payment order). Four leases per sector, present since
 * 2025, billed 400 € on the 1st and paying on the 5th of each month; C002 (COLM) stops
 * paying in August 2026 and gets a payment order on 15/09/2026.
 */
export function writeDifferencingExports(dir: string, night6: boolean): void {
  writeExportFile(dir, "secteurs_20250101.csv", [
    ["COLM", "Colmar", "Agence de Colmar"],
    ["MULH", "Mulhouse", "Agence de Mulhouse"],
  ]);
  writeExportFile(dir, "agents_20250101.csv", [["AG01", "CONTENTIEUX", ""]]);
  const leases = ["C001", "C002", "C003", "C004", "M001", "M002", "M003", "M004"];
  writeExportFile(
    dir,
    "baux_20250101.csv",
    leases.map((n) => [
      n,
      `L-${n}`,
      n.startsWith("C") ? "COLM" : "MULH",
      n.startsWith("C") ? "Colmar" : "Mulhouse",
      "01/01/2025",
      "",
      "",
      "CDI",
      "2",
      "N",
      "400,00",
      "0,00",
    ]),
  );
  const rows: string[][] = [];
  for (const n of leases) {
    for (const [y, last] of [
      [2025, 12],
      [2026, MONTHS_2026],
    ] as const) {
      for (let m = 1; m <= last; m++) {
        const mm = String(m).padStart(2, "0");
        rows.push([`Q-${n}-${y}${mm}`, n, `01/${mm}/${y}`, `${mm}/${y}`, "QL", "Loyer", "400,00", "", ""]);
        const stopped = n === "C002" && y === 2026 && m >= 8;
        if (!stopped) rows.push([`R-${n}-${y}${mm}`, n, `05/${mm}/${y}`, `${mm}/${y}`, "REG", "Règlement", "", "400,00", "VIREMENT"]);
      }
    }
  }
  writeExportFile(dir, "ecritures_20261105.csv", rows);
  writeExportFile(dir, "actions_20261105.csv", [
    ["A-1", "C002", "10/08/2026", "RL1", "AG01", "", "", "N", ""],
    ["A-2", "C002", "15/09/2026", "CDP", "AG01", "", "", "N", ""],
  ]);
  if (night6) {
    writeExportFile(dir, "ecritures_20261106.csv", [
      ["RC-C001", "C001", "06/11/2026", "11/2026", "RC", "Régularisation de charges", "900,00", "", ""],
    ]);
    writeExportFile(dir, "actions_20261106.csv", [["A-3", "C001", "06/11/2026", "CDP", "AG01", "", "", "N", ""]]);
  }
}

/** The warehouses of the two nights (data to 05/11/2026, then to 06/11/2026). */
export async function buildDifferencingWarehouses(): Promise<{ night5: string; night6: string }> {
  const dir = tempDir("oph-diff-");
  const out = { night5: path.join(dir, "nuit5.duckdb"), night6: path.join(dir, "nuit6.duckdb") };
  for (const [night6, db] of [
    [false, out.night5],
    [true, out.night6],
  ] as const) {
    const exportsDir = path.join(dir, night6 ? "exports6" : "exports5");
    writeDifferencingExports(exportsDir, night6);
    await runEtl({ exportsDir, dbPath: db, log: () => undefined });
  }
  return out;
}

/** An app on a warehouse with one signed-in session per role; `get(path, role)` answers status and JSON. */
export async function differencingApp(db: string) {
  const { app, warehouse } = buildTestApp(db);
  const cookies = new Map<Role, string>();
  for (const role of ["direction", "communication", "recouvrement", "admin"] as const) cookies.set(role, await signIn(app, role));
  const get = async (p: string, role: Role) => {
    const res = await app.request(p, { headers: { Cookie: cookies.get(role)! } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { app, get, close: () => warehouse.close() };
}

/** The answer without the date of the latest data, which may and does move every night. */
const withoutDataEnd = (body: unknown): string => JSON.stringify(body, (k, v) => (k === "donnees_jusqu_au" ? undefined : v));

/** Everything the static site's loaders publish, without the data-quality pages' freshness. */
async function siteData(db: string): Promise<Record<string, string>> {
  const wh = await openWarehouse(db);
  try {
    const out: Record<string, string> = {};
    for (const [name, loader] of Object.entries(ALL_LOADERS)) {
      // chargements.json and quarantaine.json describe the runs and files, not households.
      if (name === "loads" || name === "quarantine") continue;
      out[loader.fichier] = withoutDataEnd(await loader.load(wh));
    }
    return out;
  } finally {
    wh.close();
  }
}

export async function checkDifferencing(log: (l: string) => void = () => undefined): Promise<CheckLine[]> {
  const { night5, night6 } = await buildDifferencingWarehouses();
  const n5 = await differencingApp(night5);
  const n6 = await differencingApp(night6);
  const d = DIFFERENCING;
  const pair = [d.veille, d.jour].map((au) => `/api/figures?annee=2026&au=${au}&secteur=${d.secteur}`);
  const out: CheckLine[] = [];
  try {
    // 1. The pair, as the roles without case access.
    const refused: Array<string | null> = [];
    for (const role of ["direction", "communication"] as const) {
      for (const p of pair) {
        const { status, body } = await n6.get(p, role);
        const msg = String(body.erreur ?? "");
        refused.push(
          status === 400 && /n'est pas une fin de mois/.test(msg) && msg.includes(`au=${d.finDeMoisPrecedente}`)
            ? null
            : `${role} ${p} : ${status} ${JSON.stringify(body).slice(0, 160)}`,
        );
      }
    }
    out.push(
      line(
        FAMILY,
        "Différenciation : deux dates d'arrêté à un jour d'écart refusées (400, fin de mois suggérée) pour direction et communication",
        refused,
      ),
    );

    // 2. Two nights, same answers for the roles without case access (dates left to the default).
    const routes = [
      `/api/figures?annee=2026&secteur=${d.secteur}`,
      "/api/figures?annee=2026",
      `/api/funnel?annee=2026&secteur=${d.secteur}`,
      `/api/series?indicateur=menages_en_dette&secteur=${d.secteur}`,
      `/api/series?indicateur=dette_presents&secteur=${d.secteur}`,
    ];
    const nights: Array<string | null> = [];
    for (const role of ["direction", "communication"] as const) {
      for (const p of routes) {
        const [a, b] = [await n5.get(p, role), await n6.get(p, role)];
        nights.push(
          a.status === 200 && b.status === 200 && withoutDataEnd(a.body) === withoutDataEnd(b.body)
            ? null
            : `${role} ${p} : ${a.status}/${b.status}, réponses des nuits du 5 et du 6 différentes`,
        );
      }
    }
    out.push(
      line(
        FAMILY,
        "Différenciation : deux nuits successives donnent les mêmes agrégats à direction et communication (figures, entonnoir, séries)",
        nights,
      ),
    );

    // 3. The static site, served without sign-in, is the same on both nights.
    const [s5, s6] = [await siteData(night5), await siteData(night6)];
    out.push(
      line(
        FAMILY,
        "Différenciation : deux nuits successives donnent les mêmes données au site statique (public)",
        Object.keys(s5).map((f) => (s5[f] === s6[f] ? null : `${f} : différent entre les nuits du 5 et du 6`)),
      ),
    );

    // 4. Roles with case access keep day-level dates (and would see the household anyway).
    const served: Array<string | null> = [];
    const [a, b] = [await n6.get(pair[0]!, "recouvrement"), await n6.get(pair[1]!, "recouvrement")];
    served.push(a.status === 200 && b.status === 200 ? null : `recouvrement : ${a.status}/${b.status}`);
    for (const [k, v] of Object.entries(d.ecart)) {
      const diff = Number(b.body[k]) - Number(a.body[k]);
      served.push(diff === v ? null : `recouvrement : écart de ${k} ${diff} au lieu de ${v}`);
    }
    out.push(
      line(
        FAMILY,
        "Différenciation : recouvrement garde les dates au jour (le ménage C001 y est visible, comme dans ses dossiers)",
        served,
      ),
    );
  } finally {
    n5.close();
    n6.close();
  }
  for (const l of out) log(`[différenciation] ${l.essai} : ${l.tenus}/${l.fois}`);
  return out;
}
