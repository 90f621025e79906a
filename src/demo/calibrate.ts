// Calibration: from what pass 1 measured, choose the few edits that make the calibration
// year's figures equal the published ones, each edit touching only its own figure:
//
// - reminders, home visits, plans signed: drop some of the year's natural actions or add
//   some where the simulation would naturally have put one (a month in arrears). Actions
//   never feed back into the ledger, so nothing else moves;
// - part_emploi_stable: leave the job of a few new entrants unrecorded (empty), which the
//   simulation does not read, so only the share of known jobs moves;
// - taux_impayes: lower some December payments of tenants not in credit, or add a
//   year-end payment from some debtors. Only the December balance moves: the actions of
//   December were decided at the start of the month, and later years simply follow.
//
// The litigation counts are exact by construction of the plan (litigation.ts).

import type { Counters } from "./counters.ts";
import { emptyOverride, type Lease2024, type LeaseOverride } from "./model.ts";
import { hash32, Rng, STREAM } from "./rng.ts";
import { PUBLISHED_2024, type CountTargetKey } from "./world.ts";

export interface CalibrationTargets {
  counts: Record<CountTargetKey, number>;
  rate: { lo: number; hi: number };
  stable: { lo: number; hi: number };
}

/** The published 2024 figures, counts scaled to the size of the demo landlord. */
export function scaledTargets(logements: number): CalibrationTargets {
  const k = logements / 11_000;
  const s = (n: number): number => Math.round(n * k);
  const p = PUBLISHED_2024;
  return {
    counts: {
      relances: s(p.relances),
      visites_domicile: s(p.visites_domicile),
      plans_signes: s(p.plans_signes),
      commandements_payer: s(p.commandements_payer),
      assignations: s(p.assignations),
      resiliations_bail: s(p.resiliations_bail),
      concours_force_publique: s(p.concours_force_publique),
      expulsions: s(p.expulsions),
    },
    rate: { ...p.taux_impayes },
    stable: { ...p.part_emploi_stable },
  };
}

export interface CalibrationReport {
  /** Natural value in pass 1 and the edit made, per figure. */
  relances: { natural: number; added: number; dropped: number };
  visites_domicile: { natural: number; added: number; dropped: number };
  plans_signes: { natural: number; added: number; dropped: number };
  part_emploi_stable: { natural: number | null; blanked: number };
  taux_impayes: { natural: number | null; paymentsReduced: number; extraPayments: number; euros: number };
  /** False when a target could not be reached (only possible for unusual sizes). */
  complete: boolean;
}

/** Is dette / quittancement inside [lo, hi)? Exact integer arithmetic on cents. */
export function rateInWindow(dette: number, quittancement: number, w: { lo: number; hi: number }): boolean {
  const d = BigInt(dette) * 100_000n;
  const q = BigInt(quittancement);
  return d >= BigInt(Math.round(w.lo * 100_000)) * q && d < BigInt(Math.round(w.hi * 100_000)) * q;
}

/** Is stable / known inside [lo, hi)? */
export function shareInWindow(stable: number, known: number, w: { lo: number; hi: number }): boolean {
  return known > 0 && stable * 10_000 >= Math.round(w.lo * 10_000) * known && stable * 10_000 < Math.round(w.hi * 10_000) * known;
}

export function calibrate(
  year: number,
  records: Lease2024[],
  counters: Counters,
  targets: CalibrationTargets,
  seed: number,
): { overrides: Map<number, LeaseOverride>; report: CalibrationReport } {
  const rng = new Rng(hash32(seed, STREAM.calibration));
  const overrides = new Map<number, LeaseOverride>();
  const edit = (lease: number): LeaseOverride => {
    let o = overrides.get(lease);
    if (o === undefined) overrides.set(lease, (o = emptyOverride()));
    return o;
  };
  const fig = counters.figures(year);
  if (fig === null) throw new Error(`calibration year ${year} is outside the history`);
  let complete = true;

  /**
   * Adds or drops actions of one kind until the count reaches the target. `count`: the lease's
   * natural actions of the kind in the year; `add`: the months where one more would be natural
   * (a bit mask, named alike in the record and in the override that adds them); `drop`: how
   * many of them the override drops.
   */
  const adjust = (
    natural: number,
    target: number,
    {
      count,
      add,
      drop,
    }: { count: "smsTel" | "visits" | "plans"; add: "addSms" | "addVisit" | "addPlan"; drop: "dropSmsTel" | "dropVisit" | "dropPlan" },
  ): { natural: number; added: number; dropped: number } => {
    const res = { natural, added: 0, dropped: 0 };
    if (target < natural) {
      const units: number[] = [];
      for (const r of records) for (let i = 0; i < r[count]; i++) units.push(r.lease);
      rng.shuffle(units);
      for (const lease of units.slice(0, natural - target)) edit(lease)[drop]++;
      res.dropped = Math.min(units.length, natural - target);
    } else if (target > natural) {
      const slots: Array<[number, number]> = [];
      for (const r of records) {
        const m = r[add];
        for (let b = 0; b < 12; b++) if (m & (1 << b)) slots.push([r.lease, 1 << b]);
      }
      rng.shuffle(slots);
      for (const [lease, bit] of slots.slice(0, target - natural)) edit(lease)[add] |= bit;
      res.added = Math.min(slots.length, target - natural);
    }
    if (natural - res.dropped + res.added !== target) complete = false;
    return res;
  };

  const relances = adjust(fig.relances, targets.counts.relances, { count: "smsTel", add: "addSms", drop: "dropSmsTel" });
  const visites = adjust(fig.visites_domicile, targets.counts.visites_domicile, { count: "visits", add: "addVisit", drop: "dropVisit" });
  const plans = adjust(fig.plans_signes, targets.counts.plans_signes, { count: "plans", add: "addPlan", drop: "dropPlan" });

  // Share of stable jobs among new entrants whose job is known.
  const entrants = counters.entrants.get(year) ?? { n: 0, known: 0, stable: 0 };
  let stable = entrants.stable;
  let known = entrants.known;
  let blanked = 0;
  if (!shareInWindow(stable, known, targets.stable)) {
    const tooHigh = stable * 10_000 >= Math.round(targets.stable.hi * 10_000) * known;
    const pool = rng.shuffle(records.filter((r) => r.entrant && r.known && r.stable === tooHigh));
    for (const r of pool) {
      if (shareInWindow(stable, known, targets.stable) || known <= 1) break;
      // Stop rather than jump over the window (small landlords may not reach it).
      const s2 = tooHigh ? stable - 1 : stable;
      const k2 = known - 1;
      const past = tooHigh
        ? s2 * 10_000 < Math.round(targets.stable.lo * 10_000) * k2
        : s2 * 10_000 >= Math.round(targets.stable.hi * 10_000) * k2;
      if (past) break;
      edit(r.lease).blankEmployment = true;
      known--;
      if (tooHigh) stable--;
      blanked++;
    }
    if (!shareInWindow(stable, known, targets.stable)) complete = false;
  }

  // Arrears rate: move the debt of present tenants at D to the middle of the window.
  const parts = counters.rateParts(year);
  const rate = { natural: fig.taux_impayes, paymentsReduced: 0, extraPayments: 0, euros: 0 };
  if (parts !== null && parts.quittancement > 0 && !rateInWindow(parts.dette, parts.quittancement, targets.rate)) {
    const goal = Math.round((parts.quittancement * (targets.rate.lo + targets.rate.hi)) / 2);
    let gap = goal - parts.dette;
    rate.euros = gap / 100;
    if (gap > 0) {
      // More debt: some tenants pay less in December (never below 10 euros, never from a credit balance).
      const pool = rng.shuffle(records.filter((r) => r.presentAtD && r.balanceAtD >= 0 && r.decemberPayment > 3000));
      for (const r of pool) {
        if (gap <= 0) break;
        const cut = Math.min(gap, Math.round((r.decemberPayment - 1000) * rng.uniform(0.3, 1)));
        if (cut <= 0) continue;
        edit(r.lease).decemberReduce = cut;
        gap -= cut;
        rate.paymentsReduced++;
      }
    } else {
      // Less debt: some debtors make a year-end payment (part or all of their debt).
      const pool = rng.shuffle(records.filter((r) => r.presentAtD && r.balanceAtD > 2000));
      for (const r of pool) {
        if (gap >= 0) break;
        const pay = Math.min(-gap, Math.round(r.balanceAtD * rng.uniform(0.2, 1)));
        if (pay <= 0) continue;
        edit(r.lease).decemberExtra = pay;
        gap += pay;
        rate.extraPayments++;
      }
    }
    if (gap !== 0) complete = false;
  }

  return {
    overrides,
    report: {
      relances,
      visites_domicile: visites,
      plans_signes: plans,
      part_emploi_stable: { natural: entrants.known === 0 ? null : entrants.stable / entrants.known, blanked },
      taux_impayes: rate,
      complete,
    },
  };
}
