// Shared types of the demo simulation: dwellings, leases, ledger entries, the sink that
// writes them, and the calibration-year records (pass 1) and edits (pass 2).

import type { LitigationCase } from "./litigation.ts";
import type { Hardship, Mode } from "./texts.ts";
import type { Sector } from "./world.ts";

export const EMPLOYMENTS = [
  "CDI",
  "FONCTIONNAIRE",
  "CDD",
  "INTERIM",
  "INDEPENDANT",
  "CHOMAGE",
  "RETRAITE",
  "ETUDIANT",
  "SANS_ACTIVITE",
  "AUTRE",
] as const;
export type Employment = (typeof EMPLOYMENTS)[number];

export const isStable = (e: Employment): boolean => e === "CDI" || e === "FONCTIONNAIRE";

export type Motif = "CONGE" | "EXPULSION" | "DECES" | "MUTATION" | "ABANDON" | "AUTRE";

export interface Dwelling {
  index: number;
  num: string;
  sector: Sector;
  commune: string;
  /** Rooms: 1 (T1) to 5 (T5). */
  rooms: number;
  /** 2018 rent and charge provision, in cents. */
  rentBase: number;
  chargeBase: number;
  /** Share of the charges that is heating energy (collective heating is most of it). */
  heatingShare: number;
}

export const enum Category {
  Billing,
  Aid,
  Payment,
  Fees,
  WriteOff,
  Other,
}

export const MOVEMENT_CATEGORY: Record<string, Category> = {
  QL: Category.Billing,
  QC: Category.Billing,
  RC: Category.Billing,
  SLS: Category.Billing,
  RLS: Category.Billing,
  APL: Category.Aid,
  REG: Category.Payment,
  REJ: Category.Payment,
  FRP: Category.Fees,
  ANV: Category.WriteOff,
  DG: Category.Other,
  AVO: Category.Other,
};

/** One ledger entry; amounts in cents, exactly one of debit and credit is non-zero. */
export interface Entry {
  day: number;
  period: number;
  code: string;
  label: string;
  debit: number;
  credit: number;
  mode: Mode | "";
  /** A regular tenant payment that went through (not bounced, not an aid or a deposit): the one a December adjustment may change. */
  settled: boolean;
}

export interface Plan {
  instalment: number;
  lastBalance: number;
  missed: number;
  /** False when the calibration dropped its PAS: its follow-ups are not written either. */
  written: boolean;
}

export const enum State {
  Normal,
  Episode,
  Recovery,
  Persistent,
  Litigation,
}

export interface Episode {
  reason: Hardship;
  endMonth: number;
  share: number;
  outcome: "RECOVER" | "PERSIST" | "DEPART";
  /** The first action of the episode records why the household fell behind. */
  noteDue: boolean;
}

export interface Lease {
  id: number;
  num: string;
  dwelling: Dwelling;
  entry: number;
  exit: number;
  motif: Motif | "";
  initial: boolean;
  employment: Employment;
  employmentRecorded: Employment | "";
  occupants: number;
  apl: boolean;
  aplShare: number;
  rlsBase: number;
  slsBase: number;
  risk: number;
  lateRate: number;
  mode: Mode;
  payDay: number;
  deposit: number;
  rejectsInRow: number;
  /** A chronic late payer carries about this much arrears month after month (0: not one). */
  chronic: number;
  /** Housing benefit the CAF has withheld during a suspension and not yet paid back (cents). */
  aplWithheld: number;

  balance: number;
  lastDue: number;
  state: State;
  episode: Episode | null;
  persistShare: number;
  persistUntil: number;
  departMonth: number;
  instalment: number;
  plan: Plan | null;
  debtStreak: number;
  cafReported: boolean;
  fslAsked: boolean;
  ccaDone: boolean;
  lastVisitMonth: number;
  hadEpisode: boolean;
  pendingAid: { month: number; amount: number; label: string } | null;

  litigation: LitigationCase | null;
  litigationShare: number;
  litigationResolved: boolean;
  litigationReason: Hardship;

  /** Calibration-year bookkeeping (pass 1) and edits (pass 2). */
  record: Lease2024 | null;
  override: LeaseOverride | null;
  dropSmsTel: number;
  dropVisit: number;
  dropPlan: number;
}

/** What pass 1 learns about a lease in the calibration year. */
export interface Lease2024 {
  lease: number;
  /** Natural SMS and TEL reminders written in the year. */
  smsTel: number;
  /** Months (bit 0 = January) where one more SMS would be natural. */
  addSms: number;
  visits: number;
  addVisit: number;
  plans: number;
  addPlan: number;
  entrant: boolean;
  known: boolean;
  stable: boolean;
  presentAtD: boolean;
  balanceAtD: number;
  /** Largest settled December payment, the one a reduction may lower (0: none). */
  decemberPayment: number;
}

/** Edits the calibration applies to one lease in pass 2. */
export interface LeaseOverride {
  dropSmsTel: number;
  addSms: number;
  dropVisit: number;
  addVisit: number;
  dropPlan: number;
  addPlan: number;
  blankEmployment: boolean;
  decemberReduce: number;
  decemberExtra: number;
}

export function emptyOverride(): LeaseOverride {
  return {
    dropSmsTel: 0,
    addSms: 0,
    dropVisit: 0,
    addVisit: 0,
    dropPlan: 0,
    addPlan: 0,
    blankEmployment: false,
    decemberReduce: 0,
    decemberExtra: 0,
  };
}

export interface ActionInfo {
  montant?: number;
  nbEcheances?: number;
  reason?: Hardship | undefined;
}

/** Receives what the simulation produces (pass 2 writes it; pass 1 has none). */
export interface Sink {
  entry(lease: Lease, e: Entry): void;
  action(lease: Lease, day: number, code: string, agent: string, info: ActionInfo | null): void;
  lease(lease: Lease): void;
}
