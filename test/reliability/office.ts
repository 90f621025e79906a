/**
 * A small synthetic office in the reference export format, for the reliability checks
 * (fast to load: about half a second per ETL run), and helpers to compare what a
 * warehouse publishes: every figure of every year for the landlord and each sector.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import iconv from "iconv-lite";
import { queryRows } from "../../src/warehouse/db.ts";
import { getFigures } from "../../src/warehouse/figures.ts";
import { openWarehouse } from "../../src/warehouse/warehouse.ts";
import { EXPORT_HEADERS } from "../../src/etl/exportSchema.ts";
import { backdateMtime } from "../../src/etl/inbox.ts";

export const HEADERS = EXPORT_HEADERS;
export type ExportKind = keyof typeof HEADERS;

export function tempDir(prefix = "oph-fiab-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export const quoteField = (v: string) => (/[;"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function csvText(header: readonly string[], rows: string[][], eol = "\r\n"): string {
  return [header, ...rows].map((r) => r.map(quoteField).join(";")).join(eol) + eol;
}

/** How long ago (seconds) the exports written here were last modified. */
export const EXPORT_AGE_S = 3600;

export function writeExport(dir: string, name: string, header: readonly string[], rows: string[][]): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, iconv.encode(csvText(header, rows), "win1252"));
  // Complete, as the ERP leaves an export: older than the ETL's stability delay (etl/inbox.ts),
  // so the runs in child processes (nightly run, server) read it at once.
  backdateMtime(file, EXPORT_AGE_S);
  return file;
}

export interface OfficeOptions {
  leases?: number;
  /** Label of sector N (e.g. a hostile one for the CSV checks). */
  labelN?: string;
  /** Number of lease i (1-based); default B0001... */
  leaseId?: (i: number) => string;
}

export const defaultLeaseId = (i: number) => `B${String(i).padStart(4, "0")}`;

/**
 * Two sectors, `leases` leases present since 2020, a year of monthly billing and payments
 * in 2024 (lease 1 stops paying in October, so it is in debt and in the review worklist),
 * two reminders, and a posting on 02/01/2025 that closes 2024.
 */
export function writeOffice(dir: string, o: OfficeOptions = {}): void {
  const leases = o.leases ?? 40;
  const id = o.leaseId ?? defaultLeaseId;
  writeExport(dir, "secteurs_20240101.csv", HEADERS.secteurs, [
    ["N", o.labelN ?? "Mulhouse – Nord", "Agence de Mulhouse"],
    ["S", "Colmar Sud", "Agence de Colmar"],
  ]);
  writeExport(dir, "agents_20240101.csv", HEADERS.agents, [["AG01", "CESF", "N"], ["AG02", "AMIABLE", ""]]);
  const baux: string[][] = [];
  const ecritures: string[][] = [];
  for (let i = 1; i <= leases; i++) {
    const b = id(i);
    baux.push([b, `L${i}`, i % 2 ? "N" : "S", "Mulhouse", "01/01/2020", "", "", i % 3 ? "CDI" : "CDD", "2", "N", "400,00", "100,00"]);
    for (let m = 1; m <= 12; m++) {
      const mm = String(m).padStart(2, "0");
      ecritures.push([`E${i}-${mm}-QL`, b, `01/${mm}/2024`, `${mm}/2024`, "QL", `Loyer d’${mm}/2024`, "400,00", "", ""]);
      ecritures.push([`E${i}-${mm}-QC`, b, `01/${mm}/2024`, `${mm}/2024`, "QC", "Provision de charges", "100,00", "", ""]);
      if (!(i === 1 && m >= 10)) ecritures.push([`E${i}-${mm}-REG`, b, `05/${mm}/2024`, `${mm}/2024`, "REG", "Règlement", "", "500,00", "VIREMENT"]);
    }
  }
  ecritures.push(["E-2025", id(leases), "02/01/2025", "01/2025", "DG", "Dépôt de garantie", "", "450,00", "CHEQUE"]);
  writeExport(dir, "baux_20240101.csv", HEADERS.baux, baux);
  writeExport(dir, "ecritures_20241231.csv", HEADERS.ecritures, ecritures);
  writeExport(dir, "actions_20241231.csv", HEADERS.actions, [
    ["A1", id(1), "15/11/2024", "RL1", "AG02", "", "", "N", "Appel ; promet un virement"],
    ["A2", id(1), "20/11/2024", "SMS", "AG02", "", "", "N", "commentaire"],
  ]);
}

/** One more day of exports: a billing line and a payment for a few leases, dated `day` (ISO). */
export function writeDayOfExports(dir: string, day: string, leases = 40, id = defaultLeaseId): string {
  const [y, m, d] = day.split("-");
  const fr = `${d}/${m}/${y}`;
  const rows: string[][] = [];
  for (let i = 1; i <= leases; i += 4) {
    rows.push([`J${y}${m}${d}-${i}-FRP`, id(i), fr, `${m}/${y}`, "FRP", "Frais", "12,50", "", ""]);
    rows.push([`J${y}${m}${d}-${i}-REG`, id(i), fr, `${m}/${y}`, "REG", "Règlement", "", "10,00", "CHEQUE"]);
  }
  return writeExport(dir, `ecritures_${y}${m}${d}.csv`, HEADERS.ecritures, rows);
}

export function sha256(file: string): string {
  return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/**
 * Every figure the warehouse publishes: figures of every year for the landlord and for
 * each sector (the JSON of `npm run figures -- --format json`), in a stable order.
 */
export async function figuresSnapshot(db: string): Promise<string> {
  const wh = await openWarehouse(db);
  try {
    const years = await queryRows<{ annee: number }>(wh.conn, `select distinct cast(annee as integer) as annee from figures_per_year_and_sector order by 1`);
    const sectors = await queryRows<{ code_secteur: string }>(wh.conn, `select code_secteur from sectors order by 1`);
    const out: unknown[] = [];
    for (const { annee } of years) {
      for (const secteur of [null, ...sectors.map((s) => s.code_secteur)]) {
        out.push(await getFigures(wh, { annee, secteur }));
      }
    }
    return JSON.stringify(out);
  } finally {
    wh.close();
  }
}

/** Files left beside a warehouse by a run: copies, temporary folders, lock. */
export function leftovers(db: string): string[] {
  const dir = path.dirname(db);
  const base = path.basename(db);
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(`${base}.building-`) || f === `${base}.lock` || f.startsWith(`${base}.tmp`) || f === `${base}.wal`);
}
