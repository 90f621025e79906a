/**
 * The monthly review replayed over the history (issue 11, item 7): on an office holding R01 (a
 * plan after a payment order, honoured) and S01 (set apart, then paying nothing), the cut at each
 * month end from 04/2025 to 12/2025 and what became of each case six months later, worked out by
 * hand in test/fixtures/review/README.md ("Replay"); the replay at the latest date gives the
 * published worklist; the command's errors.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../src/duckdb/db.ts";
import { replayedWorklist, replayReview, type ReplayResult } from "../src/warehouse/reviewReplay.ts";
import { openWarehouse, type Warehouse } from "../src/warehouse/warehouse.ts";
import { HISTORIES, SET_APART_THEN_WORSE } from "./fixtures/review/histories.ts";
import { UP_TO_DATE, writeReviewOffice } from "./fixtures/review/office.ts";
import { etl, tempDir } from "./util/exports.ts";

let db: string;
let wh: Warehouse;
let result: ReplayResult;

beforeAll(async () => {
  const dir = tempDir("oph-replay-");
  const r01 = HISTORIES.find((h) => h.lease === "R01")!;
  writeReviewOffice(path.join(dir, "exports"), [r01, SET_APART_THEN_WORSE, UP_TO_DATE]);
  db = path.join(dir, "w.duckdb");
  await etl({ exportsDir: path.join(dir, "exports"), dbPath: db });
  wh = await openWarehouse(db);
  result = await replayReview(wh, { from: "2025-04", to: "2025-12", horizonMonths: 6 });
}, 120_000);

afterAll(() => wh?.close());

/** [month end, side] -> [cases, got worse] summed over the states. */
function cut(mois: string, aExaminer: boolean): [number, number] {
  const rows = result.resultats.filter((r) => r.mois === mois && r.a_examiner === aExaminer);
  return [rows.reduce((s, r) => s + r.dossiers, 0), rows.reduce((s, r) => s + r.aggraves, 0)];
}

describe("the review replay", () => {
  it("cuts each month end as the review models do at that date, and reads the outcome six months later", () => {
    const monthEnds = [
      "2025-04-30",
      "2025-05-31",
      "2025-06-30",
      "2025-07-31",
      "2025-08-31",
      "2025-09-30",
      "2025-10-31",
      "2025-11-30",
      "2025-12-31",
    ];
    expect([...new Set(result.resultats.map((r) => r.mois))]).toEqual(monthEnds);
    expect(result.resultats.find((r) => r.mois === "2025-04-30")!.horizon).toBe("2025-10-31");
    expect(result.resultats.find((r) => r.mois === "2025-12-31")!.horizon).toBe("2026-06-30");
    // month end -> [proposed cases, of them worse, cases set apart, of them worse]
    const cuts: Record<string, [number, number, number, number]> = {
      // 30/04: R01 proposed (payment order due), worse (CDP 15/07/2025); S01 set apart (200 €, falling), worse (3 200 € on 31/10)
      "2025-04-30": [1, 1, 1, 1],
      // 05–06: both proposed; R01 worse by its CDP, S01 by its debt
      "2025-05-31": [2, 2, 0, 0],
      "2025-06-30": [2, 2, 0, 0],
      // 07–08: R01 in procedure (CCAPEX, summons to come) but nothing further before its plan: not worse
      "2025-07-31": [2, 1, 0, 0],
      "2025-08-31": [2, 1, 0, 0],
      // 09–12: R01 suspended by its honoured plan, set apart, its debt falling; S01 proposed, worse
      "2025-09-30": [1, 1, 1, 0],
      "2025-10-31": [1, 1, 1, 0],
      "2025-11-30": [1, 1, 1, 0],
      "2025-12-31": [1, 1, 1, 0],
    };
    for (const [m, want] of Object.entries(cuts)) expect([...cut(m, true), ...cut(m, false)], m).toEqual(want);
  });

  it("says which state each case was in", () => {
    const states = (mois: string, aExaminer: boolean) =>
      result.resultats.filter((r) => r.mois === mois && r.a_examiner === aExaminer).map((r) => r.etat);
    expect(states("2025-07-31", true)).toEqual(["amiable", "procedure_active"]);
    expect(states("2025-09-30", false)).toEqual(["suspendue_plan"]);
    const byState = result.par_etat;
    expect(byState.map((s) => [s.etat, s.dossiers])).toEqual([
      ["amiable", 12],
      ["suspendue_plan", 4],
      ["procedure_active", 2],
    ]);
    expect(byState.find((s) => s.etat === "suspendue_plan")).toMatchObject({ part_mis_de_cote: 1, mis_de_cote_aggraves: 0 });
  });

  it("prints the caseload cut and the share of set-apart cases that got worse", () => {
    const [y2025, all] = result.synthese;
    expect(y2025!.annee).toBe(2025);
    expect(all).toMatchObject({ annee: null, fins_de_mois: 9, suivis_moyen: 2, mis_de_cote_moyen: 5 / 9 });
    expect(all!.part_mis_de_cote).toBeCloseTo(5 / 18, 10);
    expect(all!.mis_de_cote_aggraves).toBeCloseTo(1 / 5, 10);
    expect(all!.mis_de_cote_etape_contentieuse).toBe(0);
    expect(all!.mis_de_cote_dette_en_baisse).toBeCloseTo(4 / 5, 10);
    expect(all!.proposes_aggraves).toBeCloseTo(11 / 13, 10);
  });

  it("counts the histories it met", () => {
    const count = (h: string) => result.histoires.find((x) => x.histoire === h)!.menages;
    expect(count("plan_apres_commandement")).toBe(1);
    expect(count("suspendue_plan")).toBe(1);
    expect(count("paiements_interrompus")).toBe(2);
    expect(count("jdp")).toBe(0);
  });

  it("gives the published worklist when replayed at the latest date", async () => {
    const published = await queryRows(wh.conn, `select * exclude (date_arrete) from review_cases order by num_contrat`);
    expect(published.length).toBe(2);
    expect(await replayedWorklist(wh, "2026-10-31")).toEqual(published);
  });

  it("refuses a range whose outcome is not known yet, and bad months, in French", async () => {
    await expect(replayReview(wh, { from: "2026-01", to: "2026-05", horizonMonths: 6 })).rejects.toThrow(
      "l'issue à 6 mois du 31/05/2026 n'est pas encore connue : il faudrait des données jusqu'au 30/11/2026, elles vont jusqu'au 31/10/2026",
    );
    await expect(replayReview(wh, { from: "2025-13", to: "2025-12", horizonMonths: 6 })).rejects.toThrow("--de « 2025-13 » invalide");
    await expect(replayReview(wh, { from: "2025-06", to: "2025-01", horizonMonths: 6 })).rejects.toThrow(
      "--de 2025-06 est après --a 2025-01",
    );
  });

  it("runs as npm run rejouer-revue and prints the table", () => {
    const run = spawnSync("npx", ["tsx", "src/cli/replayReview.ts", "--db", db, "--de", "2025-04", "--a", "2025-12"], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("Revue mensuelle rejouée à chaque fin de mois du 30/04/2025 au 31/12/2025, issue lue 6 mois après");
    expect(run.stdout).toMatch(/Ensemble\s+9\s+2\s+1\s+1\s+27,78\s%\s+20,00\s%/);
    const bad = spawnSync("npx", ["tsx", "src/cli/replayReview.ts", "--db", db, "--horizon", "six"], { encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("--horizon « six » invalide");
  });
});
