// The litigation plan: every payment order (CDP) of the demo history and how each case
// unfolds (summons, hearing, judgment, order to vacate, police assistance, eviction),
// with legal delays. Cases are planned for the whole landlord before any dwelling is
// simulated, then each is given a dwelling whose tenancy is shaped around it. This is
// how the yearly litigation counts of the calibration year are exact: the plan is
// adjusted case by case until they match, and the dwelling simulation only follows it.

import { dayOf, inWinterTruce, monthOfMonth, yearOfMonth } from "./calendar.ts";
import { hash32, Rng, STREAM } from "./rng.ts";
import type { CountTargetKey, Timeline } from "./world.ts";
import { CALIBRATION_YEAR, HISTORY_END_YEAR, HISTORY_END_MONTH, paymentOrdersPerYear } from "./world.ts";

export type DepartureMotif = "EXPULSION" | "ABANDON" | "CONGE";

export interface LitigationCase {
  id: number;
  /** Dwelling index, 1-based. */
  dwelling: number;
  /** Planned move-in of the household (may precede history). */
  entry: number;
  /** From this day the household pays little or nothing. */
  buildupStart: number;
  cdp: number;
  cca: number | null;
  ass: number | null;
  aud: number | null;
  judgment: "JRB" | "JDP" | null;
  judgmentDate: number | null;
  pcs: number | null;
  cql: number | null;
  dcf: number | null;
  cfp: number | null;
  exp: number | null;
  /** The household leaves on this day (eviction or before it), or stays (null). */
  departure: number | null;
  motif: DepartureMotif | null;
  /** From this day the household repays its debt (paid after the CDP, payment time granted, protocol). */
  resolution: number | null;
  /** The tenancy is shaped by the case until this day. */
  end: number;
}

/** The litigation stages that have a published yearly count, with their action code. */
export const LITIGATION_TARGETS: ReadonlyArray<readonly [CountTargetKey, string]> = [
  ["commandements_payer", "CDP"],
  ["assignations", "ASS"],
  ["resiliations_bail", "JRB"],
  ["concours_force_publique", "CFP"],
  ["expulsions", "EXP"],
];

/** Moves a day out of the winter truce (1 November - 31 March) to April. */
function afterTruce(t: Timeline, rng: Rng, day: number): number {
  if (!inWinterTruce(t.calendar, day)) return day;
  const mi = t.calendar.month(day);
  const y = monthOfMonth(mi) >= 11 ? yearOfMonth(mi) + 1 : yearOfMonth(mi);
  return dayOf(y, 4, 1) + rng.int(0, 40);
}

/** Whether the household leaves after a step of the eviction ladder, before the next; if so, when and why. */
function leavesAfter(
  rng: Rng,
  c: LitigationCase,
  { day, chance, days, motif }: { day: number; chance: number; days: [number, number]; motif: "CONGE" | "ABANDON" },
): boolean {
  if (!rng.chance(chance)) return false;
  c.departure = day + rng.int(days[0], days[1]);
  c.motif = motif;
  return true;
}

/** Draws how a case unfolds after its payment order; overwrites every stage. */
function drawProgression(t: Timeline, rng: Rng, c: LitigationCase): void {
  c.cca = null;
  c.ass = c.aud = c.judgmentDate = c.pcs = c.cql = c.dcf = c.cfp = c.exp = null;
  c.judgment = null;
  c.departure = null;
  c.motif = null;
  c.resolution = null;
  const cdp = c.cdp;
  let last = cdp;
  if (rng.chance(0.66)) {
    // The summons may not come before the six weeks the payment order gives (two months here).
    c.ass = cdp + rng.int(62, 150);
    // Referral to the CCAPEX, required before a summons by a social landlord.
    c.cca = cdp + rng.int(7, 40);
    last = c.ass;
    if (rng.chance(0.93)) {
      // The summons is notified to the prefect at least six weeks before the hearing.
      c.aud = c.ass + rng.int(46, 120);
      last = c.aud;
      c.judgmentDate = c.aud + (rng.chance(0.45) ? 0 : rng.int(14, 42));
      last = c.judgmentDate;
      if (rng.chance(0.56)) {
        c.judgment = "JRB";
        const r = rng.next();
        if (r < 0.07) {
          c.pcs = c.judgmentDate + rng.int(30, 120);
          c.resolution = c.pcs;
          last = c.pcs;
        } else if (r < 0.19) {
          c.departure = c.judgmentDate + rng.int(20, 120);
          c.motif = rng.chance(0.6) ? "ABANDON" : "CONGE";
        } else {
          c.cql = c.judgmentDate + rng.int(45, 110);
          last = c.cql;
          if (!leavesAfter(rng, c, { day: c.cql, chance: 0.06, days: [20, 60], motif: "CONGE" })) {
            c.dcf = c.cql + rng.int(62, 100);
            last = c.dcf;
            if (!leavesAfter(rng, c, { day: c.dcf, chance: 0.08, days: [90, 270], motif: "ABANDON" })) {
              c.cfp = c.dcf + rng.int(45, 200);
              last = c.cfp;
              if (rng.chance(0.3)) {
                c.exp = afterTruce(t, rng, c.cfp + rng.int(15, 75));
                c.departure = c.exp;
                c.motif = "EXPULSION";
              } else {
                c.departure = c.cfp + rng.int(5, 60);
                c.motif = rng.chance(0.55) ? "ABANDON" : "CONGE";
              }
            }
          }
        }
      } else {
        c.judgment = "JDP";
        c.resolution = c.judgmentDate;
      }
    } else {
      // Debt paid off before the hearing: the landlord withdraws.
      c.resolution = c.ass + rng.int(20, 60);
      last = c.resolution;
    }
  } else {
    // Paid (often with the FSL) or a plan agreed after the payment order.
    c.resolution = cdp + rng.int(20, 75);
    last = c.resolution;
  }
  c.end = c.departure ?? (c.resolution ?? last) + 365;
}

/** Day of each counted stage of a case (null: none); index as LITIGATION_TARGETS. */
function stageDays(c: LitigationCase): Array<number | null> {
  return [c.cdp, c.ass, c.judgment === "JRB" ? c.judgmentDate : null, c.cfp, c.exp];
}

export interface LitigationPlan {
  cases: LitigationCase[];
  byDwelling: Map<number, LitigationCase[]>;
  /** Counts per target in the calibration year, as planned. */
  planned: Partial<Record<CountTargetKey, number>>;
  /** Did the plan reach the scaled targets exactly? */
  exact: boolean;
}

export function planLitigation(
  t: Timeline,
  seed: number,
  logements: number,
  targets: Partial<Record<CountTargetKey, number>> | null,
): LitigationPlan {
  const rng = new Rng(hash32(seed, STREAM.litigation));
  const scale = logements / 11_000;
  const cases: LitigationCase[] = [];
  // A year before history too: those cases still reach summons and evictions inside it.
  for (let year = t.startYear - 1; year <= HISTORY_END_YEAR; year++) {
    const n = Math.round(paymentOrdersPerYear(year) * scale);
    const first = year === t.startYear ? dayOf(year, 4, 1) : dayOf(year, 1, 2);
    const last = year === HISTORY_END_YEAR ? dayOf(year, HISTORY_END_MONTH, 28) : dayOf(year, 12, 22);
    for (let i = 0; i < n; i++) {
      const cdp = rng.int(first, last);
      const buildup = rng.int(150, 330);
      const c: LitigationCase = {
        id: cases.length,
        dwelling: 0,
        entry: cdp - buildup - rng.int(240, 4000),
        buildupStart: cdp - buildup,
        cdp,
        cca: null,
        ass: null,
        aud: null,
        judgment: null,
        judgmentDate: null,
        pcs: null,
        cql: null,
        dcf: null,
        cfp: null,
        exp: null,
        departure: null,
        motif: null,
        resolution: null,
        end: cdp,
      };
      drawProgression(t, rng, c);
      cases.push(c);
    }
  }

  // Calibration: redraw the progression of one case at a time (never worsening the gap)
  // until the calibration year's counts equal the targets.
  const yearStart = dayOf(CALIBRATION_YEAR, 1, 1);
  const yearEnd = dayOf(CALIBRATION_YEAR, 12, 31);
  const inYear = (d: number | null): boolean => d !== null && d >= yearStart && d <= yearEnd && d >= t.historyStart;
  const counts = LITIGATION_TARGETS.map(() => 0);
  for (const c of cases) stageDays(c).forEach((d, i) => (counts[i] = (counts[i] as number) + (inYear(d) ? 1 : 0)));
  let exact = true;
  if (targets !== null) {
    const goal = LITIGATION_TARGETS.map(([key]) => targets[key] ?? 0);
    const gap = (): number => counts.reduce((s, v, i) => s + Math.abs(v - (goal[i] as number)), 0);
    const pool = cases.filter((c) => c.cdp >= dayOf(CALIBRATION_YEAR - 3, 1, 1) && c.cdp <= yearEnd);
    let current = gap();
    for (let iter = 0; current > 0 && iter < 400_000 && pool.length > 0; iter++) {
      const c = rng.pick(pool);
      const saved = { ...c };
      const before = stageDays(c);
      drawProgression(t, rng, c);
      const after = stageDays(c);
      for (let i = 0; i < counts.length; i++)
        counts[i] = (counts[i] as number) - (inYear(before[i] ?? null) ? 1 : 0) + (inYear(after[i] ?? null) ? 1 : 0);
      const next = gap();
      if (next <= current) current = next;
      else {
        Object.assign(c, saved);
        for (let i = 0; i < counts.length; i++)
          counts[i] = (counts[i] as number) - (inYear(after[i] ?? null) ? 1 : 0) + (inYear(before[i] ?? null) ? 1 : 0);
      }
    }
    exact = current === 0;
  }

  // Give each case a dwelling whose other cases are well apart in time.
  const byDwelling = new Map<number, LitigationCase[]>();
  const order = [...cases].sort((a, b) => a.cdp - b.cdp || a.id - b.id);
  for (const c of order) {
    let chosen = 0;
    for (let attempt = 0; attempt < 60 && chosen === 0; attempt++) {
      const d = rng.int(1, logements);
      const others = byDwelling.get(d) ?? [];
      const clash = others.some((o) => c.entry - 400 < o.end + 400 && o.entry - 400 < c.end + 400);
      if (!clash) chosen = d;
    }
    if (chosen === 0) continue; // Too small a landlord for this case: drop it.
    c.dwelling = chosen;
    const list = byDwelling.get(chosen) ?? [];
    list.push(c);
    byDwelling.set(chosen, list);
  }
  const placed = cases.filter((c) => c.dwelling !== 0);
  const planned: Partial<Record<CountTargetKey, number>> = {};
  LITIGATION_TARGETS.forEach(([key], i) => {
    planned[key] = placed.filter((c) => inYear(stageDays(c)[i] ?? null)).length;
  });
  if (placed.length !== cases.length) exact = false;
  return { cases: placed, byDwelling, planned, exact };
}
