// Pass 2 sink: turns the simulated world into the ERP's dated export files, with what a
// real ERP adds on the way: re-exported rows (leases when the tenant leaves, actions
// cancelled after the fact, corrected ledger rows and plan amounts) and a handful of bad
// rows that must end in quarantine. None of that changes a figure: the final version of
// every key is the simulated one, and bad rows are extra rows with fresh keys.

import { utimesSync } from "node:fs";
import { join } from "node:path";

import { dayOf, periodText } from "./calendar.ts";
import { csvField, CsvFileWriter, formatAmount } from "./csv.ts";
import type { ActionInfo, Entry, Lease, Sink } from "./model.ts";
import { hash32, Rng, STREAM } from "./rng.ts";
import { chargesOf, rentOf } from "./simulate.ts";
import { actionNote, cancelNote } from "./texts.ts";
import { AGENTS, CALIBRATION_YEAR, fileOfDay, HEADERS, KINDS, SECTORS, type ExportDate, type Kind, type Timeline } from "./world.ts";

const LITIGATION_CODES = new Set(["CDP", "ASS", "AUD", "JRB", "JDP", "CQL", "DCF", "CFP", "EXP"]);

/** Europe/Paris's offset from UTC (minutes) at an instant. */
function parisOffsetMinutes(at: number): number {
  const name = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", timeZoneName: "shortOffset" })
    .formatToParts(at)
    .find((p) => p.type === "timeZoneName")?.value;
  const m = /GMT([+-]\d+)(?::(\d+))?/.exec(name ?? "");
  return m ? Number(m[1]) * 60 + Math.sign(Number(m[1])) * Number(m[2] ?? 0) : 60;
}

/**
 * The modification time an export of `stamp` (YYYYMMDD) gets: 01:00 Paris on its export date, as
 * the ERP's nightly job would leave it, and never later than an hour before `now`, so the ETL's
 * stability delay (etl/inbox.ts) sees a complete file. The milliseconds of `now` are added: a
 * demo generated again (other options, same file names) gives its files a new modification time,
 * so the ETL checks their content instead of taking them for the ones it loaded.
 */
export function exportMtimeMs(stamp: string, now: number): number {
  const utcMidnight = Date.UTC(Number(stamp.slice(0, 4)), Number(stamp.slice(4, 6)) - 1, Number(stamp.slice(6, 8)));
  const oneAmParis = utcMidnight + 3_600_000 - parisOffsetMinutes(utcMidnight) * 60_000;
  return Math.min(oneAmParis, Math.floor(now / 1000) * 1000 - 3_600_000) + (now % 1000);
}

export class ExportWriter implements Sink {
  private readonly t: Timeline;
  /** Noise only (comments, cancellations, corrections): never shapes a figure. */
  private readonly rng: Rng;
  private readonly files: Record<Kind, Array<CsvFileWriter | null>>;
  private readonly periods: string[];
  private entrySeq = 0;
  private actionSeq = 0;
  private readonly last: number;
  /** A lease that left long before the calibration year, for bad rows that name a real lease. */
  private oldLease: string | null = null;
  /** Rows beyond the world's own: superseded first versions, cancelled actions, bad rows. */
  readonly extra = { reexported: 0, cancelled: 0, bad: 0 };
  /** The first first-level reminder of the calibration year written once only: the one the correction cancels. */
  private correctionSource: { id: string; lease: Lease; day: number; code: string; agent: string; note: string } | null = null;

  constructor(t: Timeline, out: string, seed: number) {
    this.t = t;
    this.rng = new Rng(hash32(seed, STREAM.noise, 0x5eed));
    this.last = t.exports.length - 1;
    const open = (kind: Kind, i: number): CsvFileWriter =>
      new CsvFileWriter(join(out, `${kind}_${(t.exports[i] as ExportDate).stamp}.csv`), HEADERS[kind]);
    const perExport = (kind: Kind): CsvFileWriter[] => t.exports.map((_, i) => open(kind, i));
    // Reference data: a full first extract, a delta when something changed, a full last extract.
    const sparse = (kind: Kind, deltaYear: number): Array<CsvFileWriter | null> =>
      t.exports.map((e, i) => (i === 0 || i === this.last || e.stamp === `${deltaYear}1231` ? open(kind, i) : null));
    this.files = {
      secteurs: sparse("secteurs", 2022),
      agents: sparse("agents", 2021),
      baux: perExport("baux"),
      ecritures: perExport("ecritures"),
      actions: perExport("actions"),
    };
    this.periods = [];
    for (let mi = t.startMonth - 24; mi <= t.endMonth + 48; mi++) this.periods.push(periodText(mi));
    this.writeReference();
  }

  private file(kind: Kind, i: number): CsvFileWriter {
    return this.files[kind][i] as CsvFileWriter;
  }

  private style(i: number): ExportDate["style"] {
    return (this.t.exports[i] as ExportDate).style;
  }

  private writeReference(): void {
    const secteurs = this.files.secteurs;
    secteurs.forEach((w, i) => {
      if (w === null) return;
      const after2022 = (this.t.exports[i] as ExportDate).day >= dayOf(2022, 12, 31);
      for (const s of SECTORS) {
        const changed = s.agence !== s.agenceAfter2022;
        if (i !== 0 && i !== this.last && !changed) continue;
        const agence = after2022 ? s.agenceAfter2022 : s.agence;
        w.line(`${s.code};${csvField(s.libelle)};${csvField(agence)}\r\n`);
      }
    });
    this.files.agents.forEach((w, i) => {
      if (w === null) return;
      const corrected = i !== 0;
      for (const a of AGENTS) {
        const changed = a.secteur !== a.secteurInitial;
        if (i !== 0 && i !== this.last && !changed) continue;
        w.line(`${a.code};${a.role};${corrected ? a.secteur : a.secteurInitial}\r\n`);
      }
    });
  }

  private period(mi: number): string {
    return this.periods[mi - (this.t.startMonth - 24)] as string;
  }

  private entryLine(id: string, lease: Lease, e: Entry, f: number, debit = e.debit, credit = e.credit, mode = e.mode): string {
    const s = this.style(f);
    return `${id};${lease.num};${this.t.calendar.text(e.day)};${this.period(e.period)};${e.code};${csvField(e.label)};${formatAmount(debit, s)};${formatAmount(credit, s)};${mode}\r\n`;
  }

  entry(lease: Lease, e: Entry): void {
    const f = fileOfDay(this.t, e.day);
    const id = String(1_000_000_000 + ++this.entrySeq);
    if (f < this.last && this.rng.next() < 0.00006) {
      // Keyed in wrong, corrected later: the later export carries the right values.
      const g = f + this.rng.int(1, Math.min(3, this.last - f));
      const typo = this.rng.int(1, 9) * 100;
      const line =
        e.debit > 0
          ? this.entryLine(id, lease, e, f, e.debit + typo, 0)
          : e.mode === "" || this.rng.chance(0.5)
            ? this.entryLine(id, lease, e, f, 0, e.credit + typo)
            : this.entryLine(id, lease, e, f, e.debit, e.credit, e.mode === "CHEQUE" ? "VIREMENT" : "CHEQUE");
      this.file("ecritures", f).line(line);
      this.file("ecritures", g).line(this.entryLine(id, lease, e, g));
      this.extra.reexported++;
      return;
    }
    this.file("ecritures", f).line(this.entryLine(id, lease, e, f));
  }

  private actionLine(
    id: string,
    lease: Lease,
    day: number,
    code: string,
    agent: string,
    f: number,
    montant: number | undefined,
    nb: number | undefined,
    annulee: string,
    note: string,
  ): string {
    const s = this.style(f);
    return `${id};${lease.num};${this.t.calendar.text(day)};${code};${agent};${montant === undefined ? "" : formatAmount(montant, s)};${nb ?? ""};${annulee};${csvField(note)}\r\n`;
  }

  action(lease: Lease, day: number, code: string, agent: string, info: ActionInfo | null): void {
    const rng = this.rng;
    const f = fileOfDay(this.t, day);
    const id = String(10_000_000 + ++this.actionSeq);
    const note = actionNote(rng, code, info?.reason);
    const montant = info?.montant;
    const nb = info?.nbEcheances;
    if (code === "PAS" && montant !== undefined && f < this.last && rng.chance(0.02)) {
      // Plan amount keyed with a slip, corrected in a later export.
      const g = f + rng.int(1, Math.min(2, this.last - f));
      this.file("actions", f).line(this.actionLine(id, lease, day, code, agent, f, montant * 10, nb, "N", note));
      this.file("actions", g).line(this.actionLine(id, lease, day, code, agent, g, montant, nb, "N", note));
      this.extra.reexported++;
    } else {
      this.file("actions", f).line(this.actionLine(id, lease, day, code, agent, f, montant, nb, "N", note));
      if (this.correctionSource === null && code === "RL1" && this.t.calendar.year(day) === CALIBRATION_YEAR) {
        this.correctionSource = { id, lease, day, code, agent, note };
      }
    }

    // Now and then an action keyed twice, or on a whim, is cancelled in the ERP afterwards.
    if (rng.next() < (LITIGATION_CODES.has(code) ? 0.03 : 0.005)) {
      const d = day;
      const df = f;
      const dupId = String(10_000_000 + ++this.actionSeq);
      const cancel = cancelNote(rng);
      if (df < this.last && rng.chance(0.75)) {
        const g = df + rng.int(1, Math.min(3, this.last - df));
        this.file("actions", df).line(this.actionLine(dupId, lease, d, code, agent, df, montant, nb, "N", note));
        this.file("actions", g).line(this.actionLine(dupId, lease, d, code, agent, g, montant, nb, "O", `${note} – ${cancel}`));
        this.extra.reexported++;
      } else this.file("actions", df).line(this.actionLine(dupId, lease, d, code, agent, df, montant, nb, "O", cancel));
      this.extra.cancelled++;
    }
  }

  lease(lease: Lease): void {
    const t = this.t;
    const cal = t.calendar;
    if (this.oldLease === null && lease.exit >= 0 && lease.exit < dayOf(2021, 1, 1)) this.oldLease = lease.num;
    for (let f = 0; f <= this.last; f++) {
      const ex = t.exports[f] as ExportDate;
      const prev = f > 0 ? (t.exports[f - 1] as ExportDate).day : t.historyStart - 1;
      if (lease.entry > ex.day) continue;
      if (lease.exit >= 0 && lease.exit <= prev) break;
      const exited = lease.exit >= 0 && lease.exit <= ex.day;
      // Yearly extracts and January 2026 (rent revision) hold every lease of the period;
      // the other monthly files only the leases that started or ended in the month.
      const full = f === 0 || ex.yearly || (t.exports[f - 1] as ExportDate).yearly;
      if (!full && !(lease.entry > prev || exited)) continue;
      const y = cal.year(exited ? lease.exit : ex.day);
      const s = ex.style;
      this.file("baux", f).line(
        `${lease.num};${lease.dwelling.num};${lease.dwelling.sector.code};${csvField(lease.dwelling.commune)};${cal.text(lease.entry)};${exited ? cal.text(lease.exit) : ""};${exited ? lease.motif : ""};${lease.employmentRecorded};${lease.occupants};${lease.apl ? "O" : "N"};${formatAmount(rentOf(lease.dwelling, y), s)};${formatAmount(chargesOf(lease.dwelling, y), s)}\r\n`,
      );
    }
  }

  /** Appends the bad rows, closes every file and returns the paths written. */
  close(): string[] {
    this.writeBadRows();
    const paths: string[] = [];
    const now = Date.now();
    for (const kind of KINDS)
      this.files[kind].forEach((w, i) => {
        if (w === null) return;
        w.close();
        const at = exportMtimeMs((this.t.exports[i] as ExportDate).stamp, now) / 1000;
        utimesSync(w.path, at, at);
        paths.push(w.path);
      });
    return paths.sort();
  }

  /**
   * The demo's correction, for after its 2024 publication (src/demo/publishDemo.ts): an actions
   * export dated the day after the last one that re-exports one 2024 reminder as cancelled, so
   * 2024 has exactly one relance less. Written into `dir` (a hidden folder of the exports, which
   * the ETL's inbox skips); null when no 2024 reminder was written (a history without 2024).
   */
  writeCorrection(dir: string): string | null {
    const src = this.correctionSource;
    if (src === null) return null;
    const lastDay = (this.t.exports[this.last] as ExportDate).day;
    const stamp = this.t.calendar.compact(lastDay + 1);
    const w = new CsvFileWriter(join(dir, `actions_${stamp}.csv`), HEADERS.actions);
    w.line(
      this.actionLine(
        src.id,
        src.lease,
        src.day,
        src.code,
        src.agent,
        this.last,
        undefined,
        undefined,
        "O",
        `${src.note} – annulée : relance envoyée par erreur`,
      ),
    );
    w.close();
    const at = exportMtimeMs(stamp, Date.now()) / 1000;
    utimesSync(w.path, at, at);
    return w.path;
  }

  rowCounts(): Record<Kind, number> {
    const counts = {} as Record<Kind, number>;
    for (const kind of KINDS) counts[kind] = this.files[kind].reduce((s, w) => s + (w?.rows ?? 0), 0);
    return counts;
  }

  /**
   * Realistic bad rows, one per file at most, only in files large enough to stay far under
   * the 1 % refusal threshold. Fresh keys, and real leases only ones long gone, so even a
   * lenient reader would not move a 2024 figure.
   */
  private writeBadRows(): void {
    const old = this.oldLease ?? "C99999990";
    const yearly = (y: number): number => this.t.exports.findIndex((e) => e.stamp === `${y}1231`);
    const monthly = (stamp: string): number => this.t.exports.findIndex((e) => e.stamp === stamp);
    const eid = (): string => String(1_000_000_000 + ++this.entrySeq);
    const aid = (): string => String(10_000_000 + ++this.actionSeq);
    const bad: Array<[Kind, number, () => string]> = [
      // An impossible date.
      ["ecritures", yearly(2019), () => `${eid()};${old};31/02/2019;02/2019;REG;Virement reçu;;45,00;VIREMENT`],
      // A decimal point instead of a comma.
      ["ecritures", yearly(2020), () => `${eid()};${old};14/09/2020;09/2020;FRP;Frais de relance;12.50;;`],
      // A letter O typed for a zero.
      ["ecritures", yearly(2021), () => `${eid()};${old};03/05/2021;05/2021;REG;Chèque reçu en agence;;12,5O;CHEQUE`],
      // A movement code the ERP never documented.
      ["ecritures", yearly(2022), () => `${eid()};${old};01/03/2022;03/2022;QLX;Loyer mars 2022;412,30;;`],
      // A lease that does not exist.
      ["ecritures", yearly(2023), () => `${eid()};C99999901;12/06/2023;06/2023;REG;Virement reçu;;300,00;VIREMENT`],
      // Both debit and credit.
      ["ecritures", yearly(2024), () => `${eid()};${old};18/10/2024;10/2024;REG;Règlement – saisie à vérifier;25,00;25,00;CHEQUE`],
      // A negative amount.
      ["ecritures", yearly(2025), () => `${eid()};${old};07/02/2025;02/2025;REG;Annulation règlement;;-45,00;VIREMENT`],
      // No key.
      ["ecritures", monthly("20260331"), () => `;${old};10/03/2026;03/2026;REG;Espèces – caisse agence;;60,00;ESPECES`],
      ["actions", yearly(2023), () => `${aid()};${old};15/05/2023;RL3;AG04;;;N;Relance niveau 3 (code inconnu)`],
      ["actions", yearly(2024), () => `${aid()};${old};31/02/2024;RDV;AG05;;;N;RDV en agence`],
      ["actions", yearly(2025), () => `${aid()};C99999902;21/03/2025;VAD;AG03;;;N;Visite à domicile`],
      ["baux", yearly(2021), () => `C99999903;L999999;MULN;Mulhouse;30/02/2021;;;CDI;2;N;402,10;118,00`],
      ["baux", yearly(2022), () => `;L999998;COLM;Colmar;01/07/2022;;;CDD;1;O;350,00;95,00`],
    ];
    for (const [kind, f, row] of bad) {
      if (f < 0) continue;
      const w = this.files[kind][f];
      // One bad row in fewer than 200 rows would be too large a share.
      if (w === undefined || w === null || w.rows < 200) continue;
      w.line(`${row()}\r\n`);
      this.extra.bad++;
    }
  }
}
