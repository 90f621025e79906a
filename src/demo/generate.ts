// The embedded demo office: a synthetic OPH of the Haut-Rhin whose ERP exports look like
// the real thing (etl/models/staging/EXPORT_FORMAT.md) and whose 2024 figures, with the default options, are
// exactly the landlord's published ones (etl/models/metrics/FIGURES.md).
//
// How: (1) plan every litigation case so the 2024 litigation counts are exact; (2) pass 1
// simulates every dwelling without writing and measures 2024; (3) the calibration picks a
// few edits that each move one figure onto its target; (4) pass 2 simulates every
// dwelling again with the same seeds plus those edits and streams the rows to the files.
// Memory holds one dwelling's month at a time plus small per-lease calibration records.

import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

import { calibrate, rateInWindow, scaledTargets, shareInWindow, type CalibrationReport, type CalibrationTargets } from "./calibrate.ts";
import { Counters, type YearFigures } from "./counters.ts";
import { planLitigation } from "./litigation.ts";
import type { Lease2024, LeaseOverride } from "./model.ts";
import { DwellingSim, type SimContext } from "./simulate.ts";
import { ExportWriter } from "./writer.ts";
import {
  buildTimeline,
  CALIBRATION_YEAR,
  DEFAULT_ANNEES,
  DEFAULT_LOGEMENTS,
  DEFAULT_SEED,
  HISTORY_END_YEAR,
  SECTORS,
  type CountTargetKey,
  type Kind,
  type Sector,
} from "./world.ts";

export interface DemoProgress {
  phase: "simulation" | "ecriture";
  done: number;
  total: number;
}

export interface GenerateOptions {
  /** Number of dwellings (default 11 000). */
  logements?: number;
  /** Calendar years of history, ending with 2026 (default 9: 2018-2026, up to 31/10/2026). */
  annees?: number;
  seed?: number;
  /** Output folder; export files of a previous run found there are replaced. */
  out: string;
  /**
   * Also write the correction the demo receives after publishing 2024 (`npm start`,
   * src/demo/publishDemo.ts) into `<out>/.correction/`, a hidden folder the ETL never reads.
   */
  correction?: boolean;
  onProgress?: (p: DemoProgress) => void;
}

export interface GenerateResult {
  files: string[];
  options: { logements: number; annees: number; seed: number; out: string };
  /** Rows written per kind (headers excluded, extra versions and bad rows included). */
  rows: Record<Kind, number>;
  /** Rows that only exist as superseded versions, cancelled actions, or bad rows for quarantine. */
  extraRows: { reexported: number; cancelled: number; bad: number };
  /** The generator's own tally of the figures of each year, by the definitions of FIGURES.md. */
  figures: YearFigures[];
  /**
   * The correction the demo receives after publishing 2024 (one 2024 reminder cancelled), in the
   * hidden folder `<out>/.correction/` that the ETL never reads; null when not asked for, or
   * without a 2024 reminder.
   */
  correction: string | null;
  /** Null when the history does not reach far enough before 2024 to calibrate. */
  calibration: {
    year: number;
    targets: CalibrationTargets;
    report: CalibrationReport;
    /** Every 2024 target met exactly in the files written. */
    exact: boolean;
  } | null;
  elapsedMs: number;
}

/** The hidden folder of the exports that holds the demo's correction until it is published (src/demo/publishDemo.ts). */
export const CORRECTION_DIR = ".correction";

const EXPORT_FILE = /^(secteurs|agents|baux|ecritures|actions)_\d{8}\.csv(\.tmp)?$/;

function positiveInt(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new RangeError(`${name} must be an integer between 1 and ${max}, got ${value}`);
  return value;
}

/** Dwellings are numbered sector by sector, in proportion to each sector's weight. */
function sectorRanges(logements: number): (index: number) => Sector {
  const total = SECTORS.reduce((s, x) => s + x.weight, 0);
  const bounds: number[] = [];
  let acc = 0;
  for (const s of SECTORS) {
    acc += s.weight;
    bounds.push(Math.round((acc / total) * logements));
  }
  return (index: number): Sector => {
    for (let i = 0; i < bounds.length; i++) if (index <= (bounds[i] as number)) return SECTORS[i] as Sector;
    return SECTORS[SECTORS.length - 1] as Sector;
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

export async function generateDemo(options: GenerateOptions): Promise<GenerateResult> {
  const began = performance.now();
  const logements = positiveInt("logements", options.logements ?? DEFAULT_LOGEMENTS, 999_999);
  const annees = positiveInt("annees", options.annees ?? DEFAULT_ANNEES, 40);
  const seed = (options.seed ?? DEFAULT_SEED) >>> 0;
  const out = resolve(options.out);
  const progress = options.onProgress ?? ((): void => {});
  const t = buildTimeline(annees);
  // Calibrating needs two years of history before 2024 for balances to be meaningful.
  const calibrated = t.startYear <= CALIBRATION_YEAR - 2 && CALIBRATION_YEAR < HISTORY_END_YEAR;
  const targets = calibrated ? scaledTargets(logements) : null;
  const plan = planLitigation(t, seed, logements, targets?.counts ?? null);
  const sectorOf = sectorRanges(logements);
  const every = Math.max(1, Math.floor(logements / 100));

  // Pass 1: measure.
  let overrides: Map<number, LeaseOverride> | null = null;
  let report: CalibrationReport | null = null;
  if (calibrated && targets !== null) {
    const records: Lease2024[] = [];
    const counters = new Counters(t.startYear);
    const ctx: SimContext = { t, seed, plan, counters, calibrationYear: CALIBRATION_YEAR, records, overrides: null, sink: null, sectorOf };
    for (let i = 1; i <= logements; i++) {
      new DwellingSim(ctx, i).run();
      if (i % every === 0 || i === logements) {
        progress({ phase: "simulation", done: i, total: logements });
        await tick();
      }
    }
    const cal = calibrate(CALIBRATION_YEAR, records, counters, targets, seed);
    overrides = cal.overrides;
    report = cal.report;
  }

  // Pass 2: write.
  mkdirSync(out, { recursive: true });
  for (const name of readdirSync(out)) if (EXPORT_FILE.test(name)) rmSync(join(out, name));
  const writer = new ExportWriter(t, out, seed);
  const counters = new Counters(t.startYear);
  const ctx: SimContext = {
    t,
    seed,
    plan,
    counters,
    calibrationYear: calibrated ? CALIBRATION_YEAR : null,
    records: null,
    overrides,
    sink: writer,
    sectorOf,
  };
  for (let i = 1; i <= logements; i++) {
    new DwellingSim(ctx, i).run();
    if (i % every === 0 || i === logements) {
      progress({ phase: "ecriture", done: i, total: logements });
      await tick();
    }
  }
  const files = writer.close();
  const correctionDir = join(out, CORRECTION_DIR);
  rmSync(correctionDir, { recursive: true, force: true });
  let correction: string | null = null;
  if (options.correction) {
    mkdirSync(correctionDir, { recursive: true });
    correction = writer.writeCorrection(correctionDir);
    if (correction === null) rmSync(correctionDir, { recursive: true, force: true });
  }

  const figures: YearFigures[] = [];
  for (let y = t.startYear; y <= HISTORY_END_YEAR; y++) {
    const f = counters.figures(y);
    if (f !== null) figures.push(f);
  }

  let calibration: GenerateResult["calibration"] = null;
  if (calibrated && targets !== null && report !== null) {
    const f = counters.figures(CALIBRATION_YEAR) as YearFigures;
    const parts = counters.rateParts(CALIBRATION_YEAR) as { dette: number; quittancement: number };
    const e = counters.entrants.get(CALIBRATION_YEAR) ?? { n: 0, known: 0, stable: 0 };
    const countsOk = (Object.keys(targets.counts) as CountTargetKey[]).every((k) => f[k] === targets.counts[k]);
    const exact =
      countsOk &&
      plan.exact &&
      rateInWindow(parts.dette, parts.quittancement, targets.rate) &&
      shareInWindow(e.stable, e.known, targets.stable);
    calibration = { year: CALIBRATION_YEAR, targets, report, exact };
  }

  const rows = writer.rowCounts();
  return {
    files,
    correction,
    options: { logements, annees, seed, out },
    rows,
    extraRows: { ...writer.extra },
    figures,
    calibration,
    elapsedMs: Math.round(performance.now() - began),
  };
}
