/**
 * The reliability checks' small office (the tests' one, test/util/exports.ts: about half a
 * second per ETL run), one more day of exports, and helpers to compare what a warehouse
 * publishes: every figure of every year for the landlord and each sector.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { queryRows } from "../../src/duckdb/db.ts";
import { getFigures } from "../../src/warehouse/figures.ts";
import { openWarehouse } from "../../src/warehouse/warehouse.ts";
import { HEADERS, defaultLeaseId, writeExport, writeSmallOffice, type OfficeOptions } from "../util/exports.ts";

/**
 * The checks' office: the tests' small office (test/util/exports.ts) at 40 leases by default
 * (a lease number or a sector label may be hostile, for the CSV checks).
 */
export function writeOffice(dir: string, o: OfficeOptions & { leases?: number } = {}): void {
  writeSmallOffice(dir, o.leases ?? 40, o);
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
    const years = await queryRows<{ annee: number }>(
      wh.conn,
      `select distinct cast(annee as integer) as annee from figures_per_year_and_sector order by 1`,
    );
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
