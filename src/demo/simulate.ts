// The life of one dwelling, month by month over the history: successive leases, billing,
// benefits, payments and bounced direct debits, households falling behind (job loss,
// separation, illness, a dispute about the dwelling, energy bills) and recovering or
// not, the recovery team's actions, the planned litigation cases, departures and what
// follows them. Each dwelling has its own seeded streams, so a dwelling can be simulated
// again (pass 2) and give the same history, except where the calibration edits it.

import { daysInMonth, firstDayOfMonth, lastDayOfMonth, monthIndex, monthOfMonth, periodText, yearOfMonth } from "./calendar.ts";
import type { Counters } from "./counters.ts";
import type { LitigationCase, LitigationPlan } from "./litigation.ts";
import {
  Category,
  EMPLOYMENTS,
  isStable,
  MOVEMENT_CATEGORY,
  State,
  type ActionInfo,
  type Dwelling,
  type Employment,
  type Entry,
  type Lease,
  type Lease2024,
  type LeaseOverride,
  type Motif,
  type Sink,
} from "./model.ts";
import { hash01, hash32, Rng, STREAM } from "./rng.ts";
import { HARDSHIP_REASONS, MODES, MONTH_NAMES, PAYMENT_LABELS, type Hardship, type Mode } from "./texts.ts";
import { agentFor, chargeIndex, energyIndex, hardshipFactor, rentIndex, type Role, type Sector, type Timeline } from "./world.ts";

// --- Household draws ---------------------------------------------------------------------

/** Job of the household head of a new lease (share of CDI + FONCTIONNAIRE ≈ 27.5 %). */
const EMPLOYMENT_ENTRANT = [21.5, 6, 13, 9, 3, 16, 10, 4, 14, 3.5];
/** Hiring on permanent contracts moves with the labour market (Covid years lower). */
const STABLE_HIRING: Record<number, number> = { 2019: 1.03, 2020: 0.92, 2021: 0.95, 2022: 1.01, 2023: 0.96, 2025: 0.98 };
const entrantWeights = new Map<number, number[]>();
function employmentWeights(year: number): number[] {
  let w = entrantWeights.get(year);
  if (w === undefined) {
    const f = STABLE_HIRING[year] ?? 1;
    w = EMPLOYMENT_ENTRANT.map((x, i) => (i < 2 ? x * f : x));
    entrantWeights.set(year, w);
  }
  return w;
}
/** The stock of tenants at history start: older, more retired. */
const EMPLOYMENT_STOCK = [20, 7, 7, 5, 2, 10, 30, 1, 15, 3];
const EMPLOYMENT_RISK = [0.55, 0.4, 1.25, 1.45, 1.2, 1.8, 0.5, 0.9, 1.6, 1.0];
/**
 * CAF benefit suspensions (a missing declaration of resources, a change of situation being
 * checked): a tiers-payant household in APL_STOP.share of the leases loses its APL for 2 to 5
 * months, from 2025 on only, so that the calibrated 2024 and every earlier draw stay as they
 * were. The monthly review meets them as « APL interrompue ».
 */
const APL_STOP = { share: 0.05, firstMonth: monthIndex(2025, 1), months: 22, backPaid: 0.6 };

/** Whether the CAF suspends this lease's benefit in month mi, resumes it this month, or neither. */
function aplSuspension(seed: number, lease: Lease, mi: number): "suspended" | "resumed" | "none" {
  if (!lease.apl || mi < APL_STOP.firstMonth) return "none";
  if (hash01(seed, STREAM.aplStop, lease.id) >= APL_STOP.share) return "none";
  const from = APL_STOP.firstMonth + Math.floor(hash01(seed, STREAM.aplStop, lease.id, 1) * APL_STOP.months);
  const to = from + 1 + Math.floor(hash01(seed, STREAM.aplStop, lease.id, 2) * 4);
  if (mi >= from && mi <= to) return "suspended";
  return mi === to + 1 ? "resumed" : "none";
}

const EMPLOYMENT_APL = [0.3, 0.2, 0.55, 0.6, 0.45, 0.85, 0.45, 0.7, 0.92, 0.5];
const MODE_WEIGHTS = [45, 14, 8, 5, 18, 10];
const ROOM_WEIGHTS = [0.08, 0.22, 0.36, 0.25, 0.09];
/** 2018 rent and charge provision by number of rooms, in cents. */
const RENT_BY_ROOMS = [0, 24500, 31500, 37500, 43500, 49500];
const CHARGES_BY_ROOMS = [0, 7800, 10200, 12600, 14800, 16800];
const HARDSHIP_WEIGHTS: Record<Hardship, number> = {
  EMPLOI: 30,
  SEPARATION: 17,
  SANTE: 16,
  LITIGE: 8,
  ENERGIE: 5,
  BUDGET: 15,
};

// --- Behaviour parameters (tuned so the default run lands near the published figures) ----

const PARAMS = {
  /** Monthly chance that an average household falls behind (before risk and year factors). */
  episodeRate: 0.0058,
  /** Monthly chance of a natural departure. */
  exitRate: 0.0066,
  /** Share of the stock already behind when the history starts (times risk). */
  initialEpisode: 0.045,
  initialPersistent: 0.012,
  /** Months a recovering household takes to repay. */
  recoveryMin: 4,
  recoveryMax: 14,
  /** Share of chronic late payers (times risk). */
  chronic: 0.15,
  /** Scales of the recovery team's activity. */
  reminders: 0.6,
  visits: 0.44,
  plans: 0.95,
};

export interface SimContext {
  t: Timeline;
  seed: number;
  plan: LitigationPlan;
  counters: Counters;
  /** The calibration year when the run is calibrated, else null. */
  calibrationYear: number | null;
  /** Pass 1 collects calibration-year records here. */
  records: Lease2024[] | null;
  /** Pass 2 applies these edits. */
  overrides: Map<number, LeaseOverride> | null;
  sink: Sink | null;
  sectorOf: (index: number) => Sector;
}

export function makeDwelling(ctx: SimContext, index: number): Dwelling {
  const r = new Rng(hash32(ctx.seed, STREAM.dwelling, index));
  const sector = ctx.sectorOf(index);
  const commune = (sector.communes[r.weighted(sector.communes.map((c) => c[1]))] as readonly [string, number])[0];
  const rooms = 1 + r.weighted(ROOM_WEIGHTS);
  const collective = r.chance(0.6);
  return {
    index,
    num: `L${String(index).padStart(6, "0")}`,
    sector,
    commune,
    rooms,
    rentBase: Math.round((RENT_BY_ROOMS[rooms] as number) * sector.rentFactor * r.uniform(0.86, 1.16)),
    chargeBase: Math.round((CHARGES_BY_ROOMS[rooms] as number) * (collective ? 1.15 : 0.8) * r.uniform(0.85, 1.15)),
    heatingShare: collective ? r.uniform(0.38, 0.55) : r.uniform(0.05, 0.15),
  };
}

/** Rent and charge provision billed for a full month of `year`, in cents. */
export function rentOf(d: Dwelling, year: number): number {
  return Math.round(d.rentBase * rentIndex(year));
}

export function chargesOf(d: Dwelling, year: number): number {
  return Math.round(d.chargeBase * chargeIndex(year));
}

const roleAgents = new Map<string, string>();
function agent(role: Role, sector: string): string {
  const key = `${role}|${sector}`;
  let a = roleAgents.get(key);
  if (a === undefined) roleAgents.set(key, (a = agentFor(role, sector)));
  return a;
}

const LABEL_CACHE = new Map<number, string>();
const LABEL_KINDS = ["QL", "QC", "SLS", "RLS", "APL"];
function monthLabel(kind: string, mi: number): string {
  const key = mi * 8 + LABEL_KINDS.indexOf(kind);
  let s = LABEL_CACHE.get(key);
  if (s !== undefined) return s;
  const name = MONTH_NAMES[monthOfMonth(mi) - 1] as string;
  const y = yearOfMonth(mi);
  switch (kind) {
    case "QL":
      s = `Loyer ${name} ${y}`;
      break;
    case "QC":
      s = `Provision charges ${name} ${y}`;
      break;
    case "SLS":
      s = `Supplément de loyer de solidarité ${periodText(mi)}`;
      break;
    case "RLS":
      s = `RLS – réduction de loyer de solidarité ${periodText(mi)}`;
      break;
    default:
      s = `APL tiers payant CAF ${name} ${y}`;
  }
  LABEL_CACHE.set(key, s);
  return s;
}

export class DwellingSim {
  private readonly ctx: SimContext;
  private readonly t: Timeline;
  private readonly dw: Dwelling;
  /** Dynamics: everything that shapes the ledger and which actions exist. */
  private readonly rng: Rng;
  /** Details that change no figure (action day in its month, automated or not). */
  private readonly nrng: Rng;
  private readonly cases: LitigationCase[];
  private nextCase = 0;
  private seq = 0;
  private buf: Entry[] = [];
  private readonly cal: number | null;

  constructor(ctx: SimContext, index: number) {
    this.ctx = ctx;
    this.t = ctx.t;
    this.dw = makeDwelling(ctx, index);
    this.rng = new Rng(hash32(ctx.seed, STREAM.dynamics, index));
    this.nrng = new Rng(hash32(ctx.seed, STREAM.noise, index));
    this.cases = ctx.plan.byDwelling.get(index) ?? [];
    this.cal = ctx.calibrationYear;
  }

  run(): void {
    const t = this.t;
    const first = this.cases[0];
    let entry: number;
    if (first !== undefined && first.entry <= t.historyStart) entry = first.entry;
    else entry = t.historyStart - 1 - Math.min(Math.round(-Math.log(1 - this.rng.next()) * 9 * 365), 40 * 365);
    let cur: Lease | null = this.newLease(entry, true);
    let nextStart = -1;
    for (let mi = t.startMonth; mi <= t.endMonth; mi++) {
      const me = lastDayOfMonth(mi);
      for (;;) {
        if (cur === null && nextStart >= 0 && nextStart <= me) {
          cur = this.newLease(nextStart, false);
          nextStart = -1;
        }
        if (cur === null) break;
        const exitDay = this.month(cur, mi);
        if (exitDay < 0) break;
        this.finish(cur);
        nextStart = this.nextEntry(cur);
        cur = null;
      }
      const point = this.ctx.counters.evalAt(mi);
      if (point !== null && cur !== null) this.evaluate(cur, mi, point.day);
    }
    if (cur !== null) this.finish(cur);
  }

  // --- Leases ------------------------------------------------------------------------------

  private newLease(entry: number, initial: boolean): Lease {
    const rng = this.rng;
    const ctx = this.ctx;
    this.seq++;
    const id = this.dw.index * 100 + this.seq;
    let litigation: LitigationCase | null = null;
    const next = this.cases[this.nextCase];
    if (next !== undefined && (initial ? next.entry <= this.t.historyStart : next.entry <= entry + 365)) {
      litigation = next;
      this.nextCase++;
    }
    const e = rng.weighted(initial ? EMPLOYMENT_STOCK : employmentWeights(this.t.calendar.year(entry)));
    const employment = EMPLOYMENTS[e] as Employment;
    const override = ctx.overrides?.get(id) ?? null;
    const known = hash01(ctx.seed, STREAM.employment, id) < (initial ? 0.8 : 0.94);
    const apl = rng.chance(EMPLOYMENT_APL[e] as number);
    const rooms = this.dw.rooms;
    const occupants = Math.max(1, Math.min(8, rooms - 1 + rng.int(0, 2) - (rng.chance(0.3) ? 1 : 0)));
    const mode = MODES[rng.weighted(MODE_WEIGHTS)] as Mode;
    const entryYear = this.t.calendar.year(entry);
    const lease: Lease = {
      id,
      num: `C${String(this.dw.index).padStart(6, "0")}${String(this.seq).padStart(2, "0")}`,
      dwelling: this.dw,
      entry,
      exit: -1,
      motif: "",
      initial,
      employment,
      employmentRecorded: known && !(override?.blankEmployment ?? false) ? employment : "",
      occupants,
      apl,
      aplShare: rng.uniform(0.3, 0.75),
      rlsBase: apl ? 2900 + occupants * 450 + rng.int(0, 600) : 0,
      slsBase: isStable(employment) && !apl && rng.chance(0.07) ? rng.int(1500, 12000) : 0,
      risk: (EMPLOYMENT_RISK[e] as number) * Math.exp(0.45 * rng.normal()),
      lateRate: 0,
      mode,
      payDay: mode === "PRELEVEMENT" ? rng.pick([5, 10, 15]) : rng.int(1, 28),
      deposit: rentOf(this.dw, entryYear),
      rejectsInRow: 0,
      chronic: 0,
      aplWithheld: 0,
      balance: 0,
      lastDue: rentOf(this.dw, Math.max(entryYear, this.t.startYear)) + chargesOf(this.dw, Math.max(entryYear, this.t.startYear)),
      state: State.Normal,
      episode: null,
      persistShare: 0,
      persistUntil: 0,
      departMonth: -1,
      instalment: 0,
      plan: null,
      debtStreak: 0,
      cafReported: false,
      fslAsked: false,
      ccaDone: false,
      lastVisitMonth: -99,
      hadEpisode: false,
      pendingAid: null,
      litigation,
      litigationShare: 0,
      litigationResolved: false,
      litigationReason: HARDSHIP_REASONS[rng.weighted([30, 17, 14, 6, 8, 25])] as Hardship,
      record: null,
      override,
      dropSmsTel: override?.dropSmsTel ?? 0,
      dropVisit: override?.dropVisit ?? 0,
      dropPlan: override?.dropPlan ?? 0,
    };
    lease.lateRate = Math.min(0.15, 0.018 * lease.risk);
    if (rng.chance(Math.min(0.25, PARAMS.chronic * lease.risk))) {
      const gross = rentOf(this.dw, Math.max(entryYear, this.t.startYear)) + chargesOf(this.dw, Math.max(entryYear, this.t.startYear));
      lease.chronic = Math.round(rng.uniform(0.5, 2.6) * gross * (apl ? 0.5 : 1));
    }
    if (!initial) {
      const y = this.t.calendar.year(entry);
      const recorded = lease.employmentRecorded !== "";
      ctx.counters.entrant(y, recorded, isStable(employment));
      if (y === this.cal && ctx.records !== null) {
        const r = this.record(lease);
        r.entrant = true;
        r.known = recorded;
        r.stable = isStable(employment);
      }
    } else if (litigation === null) {
      // Some households were already behind when the history starts.
      if (rng.chance(Math.min(0.3, PARAMS.initialEpisode * lease.risk))) this.startEpisode(lease, this.t.startMonth - rng.int(0, 4));
      else if (rng.chance(PARAMS.initialPersistent * lease.risk)) {
        lease.state = State.Persistent;
        lease.persistShare = rng.uniform(0.75, 0.97);
        lease.persistUntil = this.t.startMonth + rng.int(3, 24);
      }
    }
    return lease;
  }

  /**
   * Whether an action of a calibrated kind (SMS and calls, visits, plans) is written in the
   * calibration year: pass 2 drops the first few of the year where pass 1 counted too many, and
   * pass 1 counts those it writes (`collect`). Outside that year, always.
   */
  private calibrated(
    lease: Lease,
    {
      inCal,
      collect,
      drop,
      count,
    }: { inCal: boolean; collect: boolean; drop: "dropSmsTel" | "dropVisit" | "dropPlan"; count: "smsTel" | "visits" | "plans" },
  ): boolean {
    if (!inCal) return true;
    if (lease[drop] > 0) {
      lease[drop]--;
      return false;
    }
    if (collect) this.record(lease)[count]++;
    return true;
  }

  private record(lease: Lease): Lease2024 {
    if (lease.record === null)
      lease.record = {
        lease: lease.id,
        smsTel: 0,
        addSms: 0,
        visits: 0,
        addVisit: 0,
        plans: 0,
        addPlan: 0,
        entrant: false,
        known: false,
        stable: false,
        presentAtD: false,
        balanceAtD: 0,
        decemberPayment: 0,
      };
    return lease.record;
  }

  private nextEntry(prev: Lease): number {
    const rng = this.rng;
    let gap: number;
    if (prev.motif === "EXPULSION") gap = rng.int(60, 200);
    else {
      const r = rng.next();
      gap = r < 0.7 ? rng.int(10, 45) : r < 0.95 ? rng.int(46, 120) : rng.int(121, 300);
    }
    let start = prev.exit + gap;
    const next = this.cases[this.nextCase];
    if (next !== undefined && start > next.entry) start = Math.max(prev.exit + 10, next.entry);
    return start;
  }

  /** Lease is over (left, or history ended): write its rows, file its records. */
  private finish(lease: Lease): void {
    this.ctx.sink?.lease(lease);
    if (lease.record !== null && this.ctx.records !== null) this.ctx.records.push(lease.record);
  }

  /** Month-end snapshot of a present lease at an as-of date. */
  private evaluate(lease: Lease, mi: number, day: number): void {
    if (lease.entry > day) return;
    const point = this.ctx.counters.evalAt(mi);
    if (point === null) return;
    const b = lease.balance;
    point.presents++;
    if (b > 0) {
      point.dettePresents += b;
      point.enDette++;
    }
    // The ETL uses the rent of the lease's latest export; it is the current one at D for
    // every D but the last one a departed lease was exported with. Close enough here.
    const y = yearOfMonth(mi);
    if (b >= 3 * (rentOf(this.dw, y) + chargesOf(this.dw, y))) point.dette3Mois++;
    if (this.cal !== null && y === this.cal && monthOfMonth(mi) === 12 && this.ctx.records !== null) {
      const r = this.record(lease);
      r.presentAtD = true;
      r.balanceAtD = b;
    }
  }

  // --- One month -----------------------------------------------------------------------------

  /** Simulates month `mi` of a lease; returns the exit day if the lease ends in it, else -1. */
  private month(lease: Lease, mi: number): number {
    const rng = this.rng;
    const ms = firstDayOfMonth(mi);
    const me = lastDayOfMonth(mi);
    const y = yearOfMonth(mi);
    const present = lease.entry < ms;
    const start = present ? ms : lease.entry;
    const b0 = lease.balance;
    this.buf = [];

    const c = lease.litigation;
    if (c !== null) this.litigationState(lease, c, ms, b0);

    let exitDay = -1;
    if (present) exitDay = this.decideExit(lease, mi, ms, me, b0);
    if (present && exitDay < 0 && lease.state === State.Normal && c === null) {
      const h = PARAMS.episodeRate * lease.risk * hardshipFactor(y) * (lease.hadEpisode ? 1.3 : 1);
      if (rng.chance(h)) this.startEpisode(lease, mi);
    }
    if (lease.state === State.Episode && lease.episode !== null && mi >= lease.episode.endMonth) this.endEpisode(lease, mi, b0);
    if (lease.state === State.Persistent && mi >= lease.persistUntil) {
      if (rng.chance(0.55)) this.toRecovery(lease, b0, rng.int(PARAMS.recoveryMin + 2, PARAMS.recoveryMax));
      else if (lease.departMonth < 0) lease.departMonth = mi + rng.int(1, 4);
    }

    if (present) this.followUp(lease, mi, ms, me, b0, exitDay);
    if (c !== null) this.litigationMonth(lease, c, ms, me);

    // Billing on the 1st (or the move-in day), prorated over the days of occupation.
    const billEnd = exitDay >= 0 ? exitDay : me;
    const days = billEnd - start + 1;
    const dim = daysInMonth(mi);
    const full = days === dim;
    const rent = rentOf(this.dw, y);
    const charges = chargesOf(this.dw, y);
    const ql = full ? rent : Math.round((rent * days) / dim);
    const qc = full ? charges : Math.round((charges * days) / dim);
    let due = 0;
    this.add(start, mi, "QL", monthLabel("QL", mi), ql, 0);
    this.add(start, mi, "QC", monthLabel("QC", mi), qc, 0);
    due += ql + qc;
    if (lease.slsBase > 0) {
      const sls = Math.round((lease.slsBase * rentIndex(y) * days) / dim);
      this.add(start, mi, "SLS", monthLabel("SLS", mi), sls, 0);
      due += sls;
    }
    let rls = 0;
    if (lease.apl && mi >= monthIndex(2018, 2)) {
      rls = Math.round((lease.rlsBase * days) / dim);
      this.add(start, mi, "RLS", monthLabel("RLS", mi), 0, rls);
      due -= rls;
    }
    // The CAF pays from the month after the move-in, except while it suspends the benefit.
    const suspension = present ? aplSuspension(this.ctx.seed, lease, mi) : "none";
    let withheld = 0;
    if (lease.apl && present) {
      const yearly = 0.94 + 0.12 * hash01(this.ctx.seed, lease.id, y);
      const full = Math.min(lease.aplShare * (rent + charges), rent + charges - rls - 4000) * yearly;
      const apl = Math.max(0, Math.round((full * days) / dim));
      if (apl > 0 && suspension === "suspended") {
        withheld = apl;
        lease.aplWithheld += apl;
      } else if (apl > 0) {
        this.add(start, mi, "APL", monthLabel("APL", mi), 0, apl);
        due -= apl;
      }
    }
    if (suspension === "resumed" && lease.aplWithheld > 0) this.endAplSuspension(lease, mi, start, b0);
    let rcDebit = 0;
    if (monthOfMonth(mi) === 6 && present) rcDebit = this.regularisation(lease, mi, ms);
    if (lease.pendingAid !== null && lease.pendingAid.month === mi) {
      const aid = Math.min(lease.pendingAid.amount, Math.max(0, b0 + due));
      if (aid > 0) this.add(rng.int(start, me), mi, "REG", lease.pendingAid.label, 0, aid, "VIREMENT");
      lease.pendingAid = null;
    }
    if (!present) {
      // Move-in: the deposit is called and paid (now and then advanced by Loca-Pass).
      this.add(start, mi, "DG", "Dépôt de garantie", lease.deposit, 0);
      if (rng.chance(0.22)) this.add(start, mi, "AVO", "Avance Loca-Pass (Action Logement) – dépôt de garantie", 0, lease.deposit);
      else this.add(start, mi, "REG", "Règlement dépôt de garantie", 0, lease.deposit, rng.chance(0.5) ? "CHEQUE" : "VIREMENT");
    }

    // What the household owes now: its balance plus everything posted this month so far.
    let owed = b0;
    for (const e of this.buf) owed += e.debit - e.credit;
    // While the benefit is suspended the household pays its usual share, not the CAF's part.
    const intended =
      lease.aplWithheld > 0
        ? Math.min(this.intendedPayment(lease, mi, owed, due - withheld, rcDebit), Math.max(0, owed - lease.aplWithheld))
        : this.intendedPayment(lease, mi, owed, due, rcDebit);
    this.payments(lease, mi, start, me, owed, due, intended, present);
    lease.lastDue = Math.max(due, 0);

    if (this.cal !== null && y === this.cal && monthOfMonth(mi) === 12) this.december(lease, mi, ms, me, exitDay);

    if (exitDay >= 0) {
      lease.exit = exitDay;
      this.settle(lease, mi, me, exitDay);
    }
    this.flushMonth(lease);
    return exitDay;
  }

  private add(
    day: number,
    period: number,
    code: string,
    label: string,
    debit: number,
    credit: number,
    mode: Mode | "" = "",
    settled = false,
  ): void {
    if (debit === 0 && credit === 0) return;
    this.buf.push({ day, period, code, label, debit, credit, mode, settled });
  }

  private flushMonth(lease: Lease): void {
    const counters = this.ctx.counters;
    const sink = this.ctx.sink;
    const cal = this.t.calendar;
    for (const e of this.buf) {
      lease.balance += e.debit - e.credit;
      this.count(e, cal.month(e.day) - counters.startMonth);
      sink?.entry(lease, e);
    }
    this.buf = [];
  }

  private count(e: Entry, i: number): void {
    const counters = this.ctx.counters;
    if (i < 0 || i >= counters.billing.length) return;
    const cat = MOVEMENT_CATEGORY[e.code];
    if (cat === Category.Billing) counters.billing[i] = (counters.billing[i] as number) + e.debit - e.credit;
    else if (cat === Category.Payment || cat === Category.Aid) counters.payments[i] = (counters.payments[i] as number) + e.credit - e.debit;
  }

  // --- Departures ------------------------------------------------------------------------------

  private decideExit(lease: Lease, mi: number, ms: number, me: number, b0: number): number {
    const rng = this.rng;
    const c = lease.litigation;
    if (c !== null) {
      if (c.departure !== null && c.departure <= me) {
        lease.motif = c.motif ?? "ABANDON";
        return Math.max(c.departure, ms);
      }
      if (ms <= c.end) return -1;
      lease.litigation = null; // the case is over and the household stays
    }
    const next = this.cases[this.nextCase];
    if (next !== undefined && me >= next.entry - 60) {
      lease.motif = rng.chance(0.78) ? "CONGE" : "MUTATION";
      return rng.int(ms, me);
    }
    if (lease.departMonth >= 0 && mi >= lease.departMonth) {
      lease.motif = rng.chance(0.45) ? "ABANDON" : "CONGE";
      return rng.int(ms, me);
    }
    const tenure = (ms - lease.entry) / 365;
    let h = PARAMS.exitRate * (tenure < 2 ? 1.5 : tenure > 15 ? 0.75 : 1);
    if (lease.employment === "RETRAITE") h += 0.0012;
    const ref = Math.max(lease.lastDue, 10000);
    const deep = (lease.state === State.Episode || lease.state === State.Persistent) && b0 > 3 * ref;
    if (deep) h += 0.03;
    if (!rng.chance(h)) return -1;
    const w = [74, 14, lease.employment === "RETRAITE" ? 14 : 2, 4, deep ? 40 : 1];
    lease.motif = (["CONGE", "MUTATION", "DECES", "AUTRE", "ABANDON"] as const)[rng.weighted(w)] as Motif;
    return rng.int(ms, me);
  }

  /** Deposit, refund or debt after a departure; later collection and write-off. */
  private settle(lease: Lease, mi: number, me: number, exitDay: number): void {
    const rng = this.rng;
    let bal = lease.balance;
    for (const e of this.buf) bal += e.debit - e.credit;
    const post: Entry[] = [];
    const entry = (day: number, code: string, label: string, debit: number, credit: number, mode: Mode | "" = ""): void => {
      if (debit === 0 && credit === 0) return;
      post.push({ day, period: this.t.calendar.month(day), code, label, debit, credit, mode, settled: true });
    };
    const dgDay = exitDay + rng.int(20, 60);
    entry(dgDay, "DG", bal > 0 ? "Dépôt de garantie imputé sur la dette" : "Restitution dépôt de garantie", 0, lease.deposit);
    bal -= lease.deposit;
    if (bal < 0) {
      entry(dgDay + rng.int(5, 30), "AVO", "Remboursement du solde créditeur au locataire sortant", -bal, 0, "VIREMENT");
    } else if (bal > 0) {
      if (bal < 8000) {
        if (rng.chance(0.4)) entry(exitDay + rng.int(30, 120), "REG", "Règlement du solde après départ", 0, bal, "CHEQUE");
        else if (rng.chance(0.6)) entry(exitDay + rng.int(200, 500), "ANV", "Admission en non-valeur – reliquat", 0, bal);
      } else {
        const handover = exitDay + rng.int(60, 180);
        if (rng.chance(0.75)) this.act(lease, handover, "SRE", "CONTENTIEUX", null);
        if (rng.chance(0.35)) {
          const n = rng.int(1, 6);
          for (let i = 0; i < n && bal > 0; i++) {
            const amount = Math.min(bal, Math.round(bal * rng.uniform(0.05, 0.2)));
            entry(handover + 60 + 30 * i, "REG", "Encaissement cabinet de recouvrement", 0, amount, "VIREMENT");
            bal -= amount;
          }
        }
        if (bal > 0 && rng.chance(0.55))
          entry(exitDay + rng.int(400, 1100), "ANV", "Admission en non-valeur – créance irrécouvrable", 0, bal);
      }
    }
    // Entries of the exit month join it; later ones are written now, dated later.
    const later: Entry[] = [];
    for (const e of post) {
      if (e.day <= me) this.buf.push(e);
      else if (e.day <= this.t.historyEnd) later.push(e);
    }
    // Balance of the departed lease at each later as-of date.
    let tail = 0;
    for (const e of this.buf) tail += e.debit - e.credit;
    const atExitMonthEnd = lease.balance + tail;
    const counters = this.ctx.counters;
    for (const p of counters.evals) {
      if (p.month < mi) continue;
      let b = atExitMonthEnd;
      for (const e of later) if (e.day <= p.day) b += e.debit - e.credit;
      if (b > 0) p.dettePartis += b;
    }
    for (const e of later) {
      this.count(e, this.t.calendar.month(e.day) - counters.startMonth);
      this.ctx.sink?.entry(lease, e);
    }
  }

  // --- Hardship -------------------------------------------------------------------------------

  private startEpisode(lease: Lease, mi: number): void {
    const rng = this.rng;
    const y = yearOfMonth(Math.max(mi, this.t.startMonth));
    const energy = y === 2022 || y === 2023 ? 30 : 5;
    const weights = HARDSHIP_REASONS.map((r) => (r === "ENERGIE" ? energy : HARDSHIP_WEIGHTS[r]));
    const reason = HARDSHIP_REASONS[rng.weighted(weights)] as Hardship;
    const litige = reason === "LITIGE";
    const hard = hardshipFactor(y);
    const o = rng.next();
    const recover = 0.7 / Math.sqrt(hard);
    lease.state = State.Episode;
    lease.hadEpisode = true;
    lease.episode = {
      reason,
      endMonth: mi + (litige ? rng.int(2, 6) : rng.int(2, 10)),
      share: litige ? rng.uniform(0, 0.15) : rng.uniform(0.15, 0.75),
      outcome: o < recover ? "RECOVER" : o < recover + 0.19 ? "PERSIST" : "DEPART",
      noteDue: true,
    };
  }

  private endEpisode(lease: Lease, mi: number, b0: number): void {
    const rng = this.rng;
    const ep = lease.episode as NonNullable<Lease["episode"]>;
    if (ep.outcome === "RECOVER") {
      if (ep.reason === "LITIGE" && rng.chance(0.6)) {
        // Dispute settled: the withheld rent is paid in one go.
        lease.state = State.Normal;
        lease.pendingAid = { month: mi, amount: Math.max(0, b0), label: "Règlement arriéré après résolution du litige" };
      } else this.toRecovery(lease, b0, rng.int(PARAMS.recoveryMin, PARAMS.recoveryMax));
      const ref = Math.max(lease.lastDue, 10000);
      if (b0 > 2 * ref && rng.chance(0.3) && lease.pendingAid === null)
        lease.pendingAid = {
          month: mi + rng.int(1, 3),
          amount: Math.min(Math.round(b0 * rng.uniform(0.4, 0.8)), 200000),
          label: "Aide FSL maintien – versement",
        };
    } else if (ep.outcome === "PERSIST") {
      lease.state = State.Persistent;
      lease.persistShare = rng.uniform(0.7, 0.97);
      lease.persistUntil = mi + rng.int(6, 30);
    } else {
      lease.state = State.Persistent;
      lease.persistShare = rng.uniform(0.2, 0.6);
      lease.persistUntil = mi + 60;
      lease.departMonth = mi + rng.int(1, 6);
    }
    lease.episode = null;
  }

  /**
   * The month the CAF resumes the benefit: it pays the withheld months back (« rappel ») when
   * the household's file is put right, or the household owes them and repays them by
   * instalments. Decided by hash, so that no other draw of the dwelling moves.
   */
  private endAplSuspension(lease: Lease, mi: number, start: number, b0: number): void {
    if (hash01(this.ctx.seed, STREAM.aplStop, lease.id, 3) < APL_STOP.backPaid) {
      this.add(start, mi, "APL", `Rappel ${monthLabel("APL", mi)}`, 0, lease.aplWithheld);
    } else if (lease.state === State.Normal) {
      this.toRecovery(lease, b0, 6 + Math.floor(hash01(this.ctx.seed, STREAM.aplStop, lease.id, 4) * 13));
    }
    lease.aplWithheld = 0;
  }

  private toRecovery(lease: Lease, b0: number, months: number): void {
    lease.state = State.Recovery;
    lease.instalment = Math.max(3000, Math.round(Math.max(0, b0) / months));
  }

  /** Yearly service-charge regularisation for the previous year (debit or credit), in June. */
  private regularisation(lease: Lease, mi: number, ms: number): number {
    const rng = this.rng;
    const prev = yearOfMonth(mi) - 1;
    const prevStart = monthIndex(prev, 1);
    const firstMonth = Math.max(prevStart, this.t.calendar.month(lease.entry));
    const months = prevStart + 12 - firstMonth;
    if (months <= 0) return 0;
    const h = this.dw.heatingShare;
    const ratio = h * (energyIndex(prev) / chargeIndex(prev) - 1) + (1 - h) * rng.uniform(-0.08, 0.06);
    const amount = Math.round(months * chargesOf(this.dw, prev) * ratio);
    const label = `Régularisation charges ${prev}`;
    if (amount > 100) this.add(ms + rng.int(9, 20), mi, "RC", label, amount, 0);
    else if (amount < -100) this.add(ms + rng.int(9, 20), mi, "RC", label, 0, -amount);
    return amount > 100 ? amount : 0;
  }

  // --- Payments ----------------------------------------------------------------------------

  private intendedPayment(lease: Lease, mi: number, owed: number, due: number, rcDebit: number): number {
    const rng = this.rng;
    if (owed <= 0) return 0;
    const d = Math.max(due, 0);
    let a: number;
    switch (lease.state) {
      case State.Normal: {
        if (rng.chance(lease.lateRate * hardshipFactor(yearOfMonth(mi)))) a = rng.chance(0.5) ? 0 : Math.round(d * rng.uniform(0.3, 0.8));
        else if (lease.chronic > 0 && owed > lease.chronic - d) {
          // Always a month or two behind: pays enough to hold the arrears level, no more.
          a = Math.max(owed - lease.chronic, Math.round(d * rng.uniform(0.6, 0.9)));
        } else if (lease.plan !== null) a = d + lease.plan.instalment;
        else if (rcDebit > Math.max(0.5 * d, 12000) && rng.chance(Math.min(0.8, 0.15 + 0.25 * lease.risk))) {
          // The regularisation cannot be paid at once; the household asks for time.
          a = Math.max(0, owed - rcDebit);
          lease.debtStreak = Math.max(lease.debtStreak, 1);
        } else a = owed;
        break;
      }
      case State.Episode: {
        const ep = lease.episode as NonNullable<Lease["episode"]>;
        a = rng.chance(0.2) ? 0 : Math.round(d * ep.share * rng.uniform(0.5, 1.5));
        break;
      }
      case State.Recovery: {
        a = rng.chance(0.07) ? Math.round(d * rng.uniform(0.3, 1)) : d + (lease.plan?.instalment ?? lease.instalment);
        if (owed <= d + lease.instalment) a = owed;
        break;
      }
      case State.Persistent:
        a = Math.round(d * lease.persistShare * rng.uniform(0.85, 1.1));
        break;
      default:
        a = rng.chance(0.3) ? 0 : Math.round(d * lease.litigationShare * rng.uniform(0.3, 1.7));
    }
    a = Math.max(0, Math.min(a, owed));
    // Now and then a tenant pays a little more than due and holds a credit.
    if (lease.state === State.Normal && a === owed && rng.chance(0.01)) a += rng.int(5, 60) * 100;
    return a;
  }

  private payments(
    lease: Lease,
    mi: number,
    start: number,
    me: number,
    owed: number,
    due: number,
    intended: number,
    present: boolean,
  ): void {
    const rng = this.rng;
    const ms = firstDayOfMonth(mi);
    if (lease.mode === "PRELEVEMENT" && present) {
      const requested = Math.max(0, Math.min(owed, Math.max(due, 0) + (lease.plan?.instalment ?? 0)));
      const day = Math.min(me, Math.max(start, ms + lease.payDay - 1));
      if (requested > 0) {
        const label = rng.chance(0.8) ? (PAYMENT_LABELS.PRELEVEMENT[0] as string) : (PAYMENT_LABELS.PRELEVEMENT[1] as string);
        if (intended >= requested && !rng.chance(0.003)) {
          this.add(day, mi, "REG", label, 0, requested, "PRELEVEMENT", true);
          lease.rejectsInRow = 0;
          if (intended > requested)
            this.add(Math.min(me, day + rng.int(1, 10)), mi, "REG", "Virement reçu", 0, intended - requested, "VIREMENT", true);
          return;
        }
        // Bounced: the debit goes through, then comes back.
        this.add(day, mi, "REG", label, 0, requested, "PRELEVEMENT", false);
        const back = Math.min(me, day + rng.int(5, 9));
        this.add(
          back,
          mi,
          "REJ",
          rng.chance(0.7) ? "Rejet prélèvement – provision insuffisante" : "Impayé prélèvement (rejet banque)",
          requested,
          0,
        );
        lease.rejectsInRow++;
        if (intended > 0) {
          const m = (["VIREMENT", "ESPECES", "CB", "CHEQUE"] as const)[rng.weighted([40, 25, 25, 10])] as Mode;
          this.add(Math.min(me, back + rng.int(0, 8)), mi, "REG", PAYMENT_LABELS[m][0] as string, 0, intended, m, true);
        }
        if (lease.rejectsInRow >= 2 && rng.chance(0.6)) {
          // The mandate is revoked after repeated rejects.
          lease.mode = (["VIREMENT", "ESPECES", "CB"] as const)[rng.weighted([40, 30, 30])] as Mode;
          lease.payDay = rng.int(1, 28);
          lease.rejectsInRow = 0;
        }
        return;
      }
      if (intended > 0)
        this.add(Math.min(me, Math.max(start, ms + lease.payDay + 2)), mi, "REG", "Virement reçu", 0, intended, "VIREMENT", true);
      return;
    }
    if (intended <= 0) return;
    const mode: Mode = lease.mode === "PRELEVEMENT" ? "CHEQUE" : lease.mode;
    const labels = PAYMENT_LABELS[mode];
    const day = present ? Math.min(me, Math.max(start, ms + lease.payDay - 1 + rng.int(-2, 3))) : start;
    if (intended > 20000 && rng.chance(0.08)) {
      const part = Math.round(intended * rng.uniform(0.3, 0.7));
      this.add(day, mi, "REG", labels[0] as string, 0, part, mode, true);
      this.add(Math.min(me, day + rng.int(3, 15)), mi, "REG", labels[1] as string, 0, intended - part, mode, true);
    } else this.add(day, mi, "REG", labels[rng.chance(0.7) ? 0 : 1] as string, 0, intended, mode, true);
  }

  /** December of the calibration year: record the payment pass 2 may change, apply edits. */
  private december(lease: Lease, mi: number, ms: number, me: number, exitDay: number): void {
    let best: Entry | null = null;
    for (const e of this.buf) if (e.settled && e.credit > 0 && (best === null || e.credit > best.credit)) best = e;
    if (this.ctx.records !== null && exitDay < 0 && best !== null) this.record(lease).decemberPayment = best.credit;
    const ov = lease.override;
    if (ov === null) return;
    if (ov.decemberReduce > 0) {
      if (best === null || best.credit <= ov.decemberReduce) throw new Error(`calibration: no December payment to reduce on ${lease.num}`);
      best.credit -= ov.decemberReduce;
    }
    if (ov.decemberExtra > 0) {
      const day = Math.max(ms + 19, Math.min(me, ms + 19 + (hash32(this.ctx.seed, STREAM.added, lease.id, mi) % 11)));
      const mode: Mode = lease.mode === "ESPECES" ? "ESPECES" : "VIREMENT";
      this.add(day, mi, "REG", "Versement complémentaire fin d’année", 0, ov.decemberExtra, mode, true);
    }
  }

  // --- Recovery actions ------------------------------------------------------------------------

  private act(lease: Lease, day: number, code: string, role: Role | null, info: ActionInfo | null): void {
    if (day < this.t.historyStart || day > this.t.historyEnd) return;
    this.ctx.counters.action(this.t.calendar.year(day), code);
    this.ctx.sink?.action(lease, day, code, role === null ? "" : agent(role, this.dw.sector.code), info);
  }

  private fuFirst = 0;
  private fuLast = 0;
  private fuInCal = false;
  private fuCollect = false;
  private fuSms = false;

  /** A day of the month being followed up (up to the exit day): a detail, from the noise stream. */
  private actionDay(): number {
    return this.nrng.int(this.fuFirst, this.fuLast);
  }

  /** The first action of a hardship episode records its reason in the comment. */
  private takeReason(lease: Lease): Hardship | undefined {
    const ep = lease.episode;
    if (ep !== null && ep.noteDue) {
      ep.noteDue = false;
      return ep.reason;
    }
    return undefined;
  }

  private remind(lease: Lease, code: "RL1" | "RL2" | "SMS" | "TEL" | "MED", p: number): void {
    if (!this.rng.chance(p * PARAMS.reminders)) return;
    const d = this.actionDay();
    const automated = (code === "SMS" || code === "RL1") && this.nrng.chance(0.6);
    if (
      (code === "SMS" || code === "TEL") &&
      !this.calibrated(lease, { inCal: this.fuInCal, collect: this.fuCollect, drop: "dropSmsTel", count: "smsTel" })
    )
      return;
    if (code === "SMS") this.fuSms = true;
    this.act(lease, d, code, automated ? null : "AMIABLE", { reason: code === "SMS" ? undefined : this.takeReason(lease) });
  }

  /** The monthly follow-up of a lease in arrears, decided on the balance at the start of the month. */
  private followUp(lease: Lease, mi: number, ms: number, me: number, b0: number, exitDay: number): void {
    const rng = this.rng;
    const y = yearOfMonth(mi);
    const inCal = this.cal !== null && y === this.cal;
    const collect = inCal && this.ctx.records !== null;
    // (Plain methods and fields, no closures: this runs for every lease and month.)
    this.fuFirst = ms;
    this.fuLast = exitDay >= 0 ? exitDay : me;
    this.fuInCal = inCal;
    this.fuCollect = collect;
    this.fuSms = false;
    const ref = Math.max(lease.lastDue, 10000);
    const a = b0 / ref;

    const plan = lease.plan;
    if (plan !== null) {
      if (b0 <= 500) {
        if (plan.written) this.act(lease, this.actionDay(), "PAD", "AMIABLE", null);
        lease.plan = null;
        if (lease.state === State.Recovery) lease.state = State.Normal;
      } else {
        if (b0 > plan.lastBalance - plan.instalment / 2) plan.missed++;
        else plan.missed = 0;
        plan.lastBalance = b0;
        if (plan.missed >= 2 && rng.chance(0.7)) {
          if (plan.written) this.act(lease, this.actionDay(), "PAR", "AMIABLE", null);
          lease.plan = null;
        }
      }
    }

    if (lease.state === State.Recovery && lease.plan === null && b0 <= 500) lease.state = State.Normal;
    if (b0 > 1500) lease.debtStreak++;
    else {
      lease.debtStreak = 0;
      lease.cafReported = false;
      lease.fslAsked = false;
    }
    const k = lease.debtStreak;
    let visit = false;
    let signed = false;
    if (k > 0) {
      const damp = lease.plan !== null && lease.plan.missed === 0 ? 0.3 : 1;
      if (k === 1) {
        if (a >= 0.2) this.remind(lease, "RL1", 0.8 * damp);
        this.remind(lease, "SMS", 0.3);
      } else if (k === 2) {
        this.remind(lease, "SMS", 0.3);
        this.remind(lease, "TEL", 0.42 * damp);
        if (a >= 0.8) this.remind(lease, "RL2", 0.4 * damp);
      } else if (k === 3) {
        if (a >= 1.2) this.remind(lease, "MED", 0.5 * damp);
        this.remind(lease, "TEL", 0.4 * damp);
      } else {
        this.remind(lease, "TEL", 0.22 * damp);
        this.remind(lease, "SMS", 0.22);
        this.remind(lease, "RL2", 0.1 * damp);
        if (a >= 2) this.remind(lease, "MED", 0.06 * damp);
      }
      if (k >= 2 && rng.chance(0.07)) this.act(lease, this.actionDay(), "RDV", "AMIABLE", { reason: this.takeReason(lease) });
      if (k >= 2 && a >= 1.2 && mi - lease.lastVisitMonth >= 4) {
        const p = (lease.state === State.Litigation ? 0.16 : 0.035) * PARAMS.visits;
        if (rng.chance(p)) {
          lease.lastVisitMonth = mi;
          const d = this.actionDay();
          const write = this.calibrated(lease, { inCal, collect, drop: "dropVisit", count: "visits" });
          if (write) {
            visit = true;
            this.act(lease, d, "VAD", "CESF", { reason: this.takeReason(lease) });
          }
        }
      }
      // Unpaid rent is reported to the CAF once the debt reaches twice the monthly amount due.
      if (lease.apl && b0 >= 2 * Math.max(lease.lastDue, 5000) && k >= 2 && !lease.cafReported && rng.chance(0.85)) {
        lease.cafReported = true;
        this.act(lease, this.actionDay(), "CAF", "AMIABLE", null);
      }
      if (a >= 2 && !lease.fslAsked && rng.chance(0.08)) {
        lease.fslAsked = true;
        this.act(lease, this.actionDay(), "FSL", "CESF", { reason: this.takeReason(lease) });
        if (rng.chance(0.55) && lease.pendingAid === null)
          lease.pendingAid = {
            month: mi + rng.int(2, 3),
            amount: Math.min(Math.round(b0 * rng.uniform(0.4, 0.8)), 200000),
            label: "Aide FSL maintien – versement",
          };
      }
      if (a >= 5 && !lease.ccaDone && lease.litigation === null && rng.chance(0.03)) {
        lease.ccaDone = true;
        this.act(lease, this.actionDay(), "CCA", "CESF", null);
      }
      if (lease.plan === null && b0 >= 8000 && exitDay < 0) {
        const p =
          (lease.state === State.Recovery
            ? 0.5
            : lease.state === State.Normal
              ? k === 1
                ? 0.22
                : 0.3
              : lease.state === State.Litigation
                ? 0.02
                : 0.05) * (lease.chronic > 0 ? 0.12 : 1);
        if (rng.chance(p * PARAMS.plans)) {
          const n = Math.max(2, Math.min(36, Math.ceil(b0 / Math.max(2500, Math.round(b0 / rng.int(3, 24))))));
          const instalment = Math.ceil(b0 / n);
          const write = this.calibrated(lease, { inCal, collect, drop: "dropPlan", count: "plans" });
          lease.plan = { instalment, lastBalance: b0, missed: 0, written: write };
          if (lease.state === State.Normal) lease.instalment = instalment;
          const d = this.actionDay();
          if (write) {
            signed = true;
            this.act(lease, d, "PAS", "AMIABLE", { montant: b0, nbEcheances: n, reason: this.takeReason(lease) });
          }
        }
      }
    }

    // Calibration year: where could one more SMS, visit or plan naturally go, and pass-2 additions.
    if (inCal && exitDay < 0) {
      const bit = 1 << (monthOfMonth(mi) - 1);
      if (collect) {
        const r = lease.record ?? (b0 > 1500 ? this.record(lease) : null);
        if (r !== null) {
          if (b0 > 1500 && !this.fuSms) r.addSms |= bit;
          if (k >= 2 && a >= 1 && !visit) r.addVisit |= bit;
          if (b0 >= 15000 && lease.plan === null && !signed) r.addPlan |= bit;
        }
      }
      const ov = lease.override;
      if (ov !== null) {
        // Added actions take their day from a hash, not from a stream, so nothing else moves.
        const seed = this.ctx.seed;
        const span = me - ms + 1;
        if (ov.addSms & bit) this.act(lease, ms + (hash32(seed, STREAM.added, lease.id, mi, 1) % span), "SMS", null, null);
        if (ov.addVisit & bit) this.act(lease, ms + (hash32(seed, STREAM.added, lease.id, mi, 2) % span), "VAD", "CESF", null);
        if (ov.addPlan & bit) {
          const n = 3 + (hash32(seed, STREAM.added, lease.id, mi, 4) % 16);
          this.act(lease, ms + (hash32(seed, STREAM.added, lease.id, mi, 3) % span), "PAS", "AMIABLE", { montant: b0, nbEcheances: n });
        }
      }
    }
  }

  // --- Litigation -----------------------------------------------------------------------------

  private litigationState(lease: Lease, c: LitigationCase, ms: number, b0: number): void {
    const rng = this.rng;
    if (lease.litigationResolved) return;
    if (c.resolution !== null && ms >= c.resolution) {
      lease.litigationResolved = true;
      this.toRecovery(lease, b0, rng.int(18, 36));
      if (rng.chance(0.45) && b0 > 0)
        lease.pendingAid = {
          month: this.t.calendar.month(ms) + rng.int(1, 2),
          amount: Math.min(Math.round(b0 * rng.uniform(0.3, 0.6)), 300000),
          label: "Aide FSL maintien – versement",
        };
      return;
    }
    if (ms >= c.buildupStart && lease.state !== State.Litigation) {
      lease.state = State.Litigation;
      lease.episode = null;
      lease.litigationShare = rng.uniform(0, 0.4);
    }
  }

  private litigationMonth(lease: Lease, c: LitigationCase, ms: number, me: number): void {
    if (c.cdp > me || c.end < ms) return;
    const rng = this.rng;
    const mi = this.t.calendar.month(ms);
    const inMonth = (d: number | null): d is number => d !== null && d >= ms && d <= me;
    const fee = (d: number, label: string, lo: number, hi: number): void => {
      if (d >= this.t.historyStart) this.add(d, mi, "FRP", label, rng.int(lo, hi), 0);
    };
    if (inMonth(c.cdp)) {
      this.act(lease, c.cdp, "CDP", "CONTENTIEUX", { reason: lease.litigationReason });
      fee(c.cdp, "Frais d’huissier – commandement de payer (€ TTC)", 14000, 23000);
    }
    if (inMonth(c.cca)) this.act(lease, c.cca, "CCA", "CESF", null);
    if (inMonth(c.ass)) {
      this.act(lease, c.ass, "ASS", "CONTENTIEUX", null);
      fee(c.ass, "Frais d’assignation", 9000, 16000);
    }
    if (inMonth(c.aud)) this.act(lease, c.aud, "AUD", "CONTENTIEUX", null);
    if (inMonth(c.judgmentDate) && c.judgment !== null) this.act(lease, c.judgmentDate, c.judgment, "CONTENTIEUX", null);
    if (inMonth(c.pcs)) this.act(lease, c.pcs, "PCS", "CONTENTIEUX", null);
    if (inMonth(c.cql)) {
      this.act(lease, c.cql, "CQL", "CONTENTIEUX", null);
      fee(c.cql, "Frais de commandement de quitter les lieux", 12000, 20000);
    }
    if (inMonth(c.dcf)) this.act(lease, c.dcf, "DCF", "CONTENTIEUX", null);
    if (inMonth(c.cfp)) this.act(lease, c.cfp, "CFP", "CONTENTIEUX", null);
    if (inMonth(c.exp)) {
      this.act(lease, c.exp, "EXP", "CONTENTIEUX", null);
      fee(c.exp, "Frais d’expulsion (serrurier, déménagement, garde-meubles)", 45000, 95000);
    }
  }
}
