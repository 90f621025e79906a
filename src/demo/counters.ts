// The generator's own tally of what it wrote, by the definitions of etl/models/metrics/FIGURES.md. It is
// how the calibration measures the world (pass 1) and how a run checks that the files
// hold the published 2024 figures (pass 2). The project's ETL computes the real figures
// from the files; these counters never feed it.

import { lastDayOfMonth, monthIndex, monthOfMonth, yearOfMonth } from "./calendar.ts";
import { HISTORY_END_MONTH, HISTORY_END_YEAR } from "./world.ts";

const REMINDERS = ["RL1", "RL2", "SMS", "TEL", "MED"];

export interface EvalPoint {
  /** As-of date D (a month end). */
  day: number;
  month: number;
  year: number;
  dettePresents: number;
  dettePartis: number;
  presents: number;
  enDette: number;
  dette3Mois: number;
}

export interface YearFigures {
  annee: number;
  date_arrete: string;
  quittancement: number;
  encaissements: number;
  dette_presents: number;
  dette_partis: number;
  taux_impayes: number | null;
  taux_impayes_global: number | null;
  taux_recouvrement: number | null;
  part_emploi_stable: number | null;
  menages_presents: number;
  menages_en_dette: number;
  menages_dette_3_mois: number;
  nouveaux_entrants: number;
  relances: number;
  visites_domicile: number;
  signalements_caf: number;
  plans_signes: number;
  plans_rompus: number;
  commandements_payer: number;
  assignations: number;
  resiliations_bail: number;
  demandes_concours: number;
  concours_force_publique: number;
  expulsions: number;
}

export class Counters {
  readonly startMonth: number;
  readonly endMonth: number;
  /** Σ(debit − credit) of BILLING entries, and Σ(credit − debit) of PAYMENT and AID entries, per month (cents). */
  readonly billing: number[];
  readonly payments: number[];
  readonly evals: EvalPoint[] = [];
  private readonly evalOfMonth: Int32Array;
  readonly entrants = new Map<number, { n: number; known: number; stable: number }>();
  readonly actions = new Map<number, Map<string, number>>();

  constructor(startYear: number) {
    this.startMonth = monthIndex(startYear, 1);
    this.endMonth = monthIndex(HISTORY_END_YEAR, HISTORY_END_MONTH);
    const n = this.endMonth - this.startMonth + 1;
    this.billing = new Array<number>(n).fill(0);
    this.payments = new Array<number>(n).fill(0);
    this.evalOfMonth = new Int32Array(n).fill(-1);
    for (let mi = this.startMonth; mi <= this.endMonth; mi++) {
      if (monthOfMonth(mi) === 12 || mi === this.endMonth) {
        this.evalOfMonth[mi - this.startMonth] = this.evals.length;
        this.evals.push({
          day: lastDayOfMonth(mi),
          month: mi,
          year: yearOfMonth(mi),
          dettePresents: 0,
          dettePartis: 0,
          presents: 0,
          enDette: 0,
          dette3Mois: 0,
        });
      }
    }
  }

  /** The evaluation point at the end of month `mi`, if any. */
  evalAt(mi: number): EvalPoint | null {
    const i = this.evalOfMonth[mi - this.startMonth];
    return i === undefined || i < 0 ? null : (this.evals[i] as EvalPoint);
  }

  action(year: number, code: string): void {
    let m = this.actions.get(year);
    if (m === undefined) this.actions.set(year, (m = new Map()));
    m.set(code, (m.get(code) ?? 0) + 1);
  }

  actionCount(year: number, codes: readonly string[]): number {
    const m = this.actions.get(year);
    if (m === undefined) return 0;
    let n = 0;
    for (const c of codes) n += m.get(c) ?? 0;
    return n;
  }

  entrant(year: number, known: boolean, stable: boolean): void {
    let e = this.entrants.get(year);
    if (e === undefined) this.entrants.set(year, (e = { n: 0, known: 0, stable: 0 }));
    e.n++;
    if (known) e.known++;
    if (known && stable) e.stable++;
  }

  /** Figures of a year: D = 31/12, or the history end for the year in progress. */
  figures(year: number): YearFigures | null {
    const point = this.evals.find((p) => p.year === year);
    if (point === undefined) return null;
    // W(D): the twelve months ending at D.
    let quitt = 0;
    let enc = 0;
    for (let mi = point.month - 11; mi <= point.month; mi++) {
      const i = mi - this.startMonth;
      if (i < 0) continue;
      quitt += this.billing[i] as number;
      enc += this.payments[i] as number;
    }
    const e = this.entrants.get(year) ?? { n: 0, known: 0, stable: 0 };
    const count = (codes: readonly string[]): number => this.actionCount(year, codes);
    const iso = new Date(point.day * 86_400_000).toISOString().slice(0, 10);
    return {
      annee: year,
      date_arrete: iso,
      quittancement: quitt / 100,
      encaissements: enc / 100,
      dette_presents: point.dettePresents / 100,
      dette_partis: point.dettePartis / 100,
      taux_impayes: quitt === 0 ? null : point.dettePresents / quitt,
      taux_impayes_global: quitt === 0 ? null : (point.dettePresents + point.dettePartis) / quitt,
      taux_recouvrement: quitt === 0 ? null : enc / quitt,
      part_emploi_stable: e.known === 0 ? null : e.stable / e.known,
      menages_presents: point.presents,
      menages_en_dette: point.enDette,
      menages_dette_3_mois: point.dette3Mois,
      nouveaux_entrants: e.n,
      relances: count(REMINDERS),
      visites_domicile: count(["VAD"]),
      signalements_caf: count(["CAF"]),
      plans_signes: count(["PAS"]),
      plans_rompus: count(["PAR"]),
      commandements_payer: count(["CDP"]),
      assignations: count(["ASS"]),
      resiliations_bail: count(["JRB"]),
      demandes_concours: count(["DCF"]),
      concours_force_publique: count(["CFP"]),
      expulsions: count(["EXP"]),
    };
  }

  /** Raw cents of the calibration year, for the exact rate check. */
  rateParts(year: number): { dette: number; quittancement: number } | null {
    const point = this.evals.find((p) => p.year === year);
    if (point === undefined) return null;
    let quitt = 0;
    for (let mi = point.month - 11; mi <= point.month; mi++) {
      const i = mi - this.startMonth;
      if (i >= 0) quitt += this.billing[i] as number;
    }
    return { dette: point.dettePresents, quittancement: quitt };
  }
}
