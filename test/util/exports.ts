/**
 * Test helpers: write export files in the reference format (Windows-1252 by default,
 * as the ERP does), run the ETL quietly into a fresh temporary folder.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import iconv from "iconv-lite";
import type { Kind } from "../../src/etl/exportSchema.ts";
import { backdateMtime } from "../../src/etl/inbox.ts";
import type { CodeField, Profile } from "../../src/etl/profile.ts";
import { runEtl, type EtlOptions } from "../../src/etl/runEtl.ts";
import { EXPORT_HEADERS } from "../../src/etl/exportSchema.ts";

export function tempDir(prefix = "oph-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A field as the ERP writes it: quoted when it holds `;`, `"` (doubled) or a line break. */
export const quoteField = (v: string) => (/[;"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The text of an export file: header and rows, fields quoted as needed, every line ended by `eol`. */
export function csvText(header: readonly string[], rows: string[][], eol = "\r\n"): string {
  return [header, ...rows].map((r) => r.map(quoteField).join(";")).join(eol) + eol;
}

export interface WriteOptions {
  encoding?: "windows-1252" | "utf-8-bom" | "utf-8";
  eol?: "\r\n" | "\n";
}

/** Write rows (arrays of already-formatted French text) as an export file. */
export function writeExport(dir: string, name: string, header: readonly string[], rows: string[][], opts: WriteOptions = {}): string {
  return writeRaw(dir, name, csvText(header, rows, opts.eol), opts.encoding);
}

export function writeRaw(dir: string, name: string, text: string, encoding: WriteOptions["encoding"] = "windows-1252"): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  const bytes =
    encoding === "windows-1252"
      ? iconv.encode(text, "win1252")
      : encoding === "utf-8-bom"
        ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")])
        : Buffer.from(text, "utf8");
  fs.writeFileSync(file, bytes);
  // A complete export, as the ERP leaves it: older than the ETL's stability delay (inbox.ts), so
  // that runs in another process (the CLI, the server's run controller) read it at once.
  backdateMtime(file, EXPORT_AGE_S);
  return file;
}

/** How long ago (seconds) the files written here were last modified, for the ETL's stability delay. */
export const EXPORT_AGE_S = 3600;

export const HEADERS = EXPORT_HEADERS;
export type ExportKind = keyof typeof HEADERS;

/**
 * Write an export file of the reference format, with the header of the kind its name starts
 * with (`actions_20250105.csv` gets the actions' header).
 */
export function writeExportFile(dir: string, name: string, rows: string[][], opts: WriteOptions = {}): string {
  const header = HEADERS[name.split("_")[0] as ExportKind];
  if (!header) throw new Error(`${name} : aucun type d'export ne commence ainsi`);
  return writeExport(dir, name, header, rows, opts);
}

/**
 * Run the ETL with progress silenced. The tests wrote their files themselves, complete (some
 * with fs.writeFileSync, not backdated): no stability delay unless the test asks for one.
 */
export function etl(opts: EtlOptions) {
  return runEtl({ log: () => undefined, settleSeconds: 0, ...opts });
}

export interface OfficeOptions extends WriteOptions {
  /** Label of sector N (e.g. a hostile one for the reliability checks' CSV). */
  labelN?: string;
  /** Number of lease i (1-based); default B0001, B0002... */
  leaseId?: (i: number) => string;
}

export const defaultLeaseId = (i: number) => `B${String(i).padStart(4, "0")}`;

/**
 * A small valid office: 2 sectors, `leases` leases present since 2020, a year of monthly
 * billing and payments in 2024, two reminders with staff comments (never loaded). Enough
 * rows per file that one bad row stays under 1 %. The tests and the reliability checks
 * (test/reliability/office.ts) share it.
 */
export function writeSmallOffice(dir: string, leases = 10, opts: OfficeOptions = {}): void {
  const id = opts.leaseId ?? defaultLeaseId;
  writeExportFile(
    dir,
    "secteurs_20240101.csv",
    [
      ["N", opts.labelN ?? "Mulhouse – Nord", "Agence de Mulhouse"],
      ["S", "Colmar Sud", "Agence de Colmar"],
    ],
    opts,
  );
  writeExportFile(
    dir,
    "agents_20240101.csv",
    [
      ["AG01", "CESF", "N"],
      ["AG02", "AMIABLE", ""],
    ],
    opts,
  );
  const baux: string[][] = [];
  const ecritures: string[][] = [];
  for (let i = 1; i <= leases; i++) {
    const b = id(i);
    baux.push([b, `L${i}`, i % 2 ? "N" : "S", "Mulhouse", "01/01/2020", "", "", i % 3 ? "CDI" : "CDD", "2", "N", "400,00", "100,00"]);
    for (let m = 1; m <= 12; m++) {
      const mm = String(m).padStart(2, "0");
      ecritures.push([`E${i}-${mm}-QL`, b, `01/${mm}/2024`, `${mm}/2024`, "QL", `Loyer d’${mm}/2024`, "400,00", "", ""]);
      ecritures.push([`E${i}-${mm}-QC`, b, `01/${mm}/2024`, `${mm}/2024`, "QC", "Provision de charges", "100,00", "", ""]);
      // Lease 1 stops paying in October (so it is in debt and on the review worklist).
      if (!(i === 1 && m >= 10)) {
        ecritures.push([`E${i}-${mm}-REG`, b, `05/${mm}/2024`, `${mm}/2024`, "REG", "Règlement", "", "500,00", "VIREMENT"]);
      }
    }
  }
  // A posting in 2025 closes 2024: its as-of date is then 31/12/2024, not the last posting day.
  ecritures.push(["E-2025", id(leases), "02/01/2025", "01/2025", "DG", "Dépôt de garantie", "", "450,00", "CHEQUE"]);
  writeExportFile(dir, "baux_20240101.csv", baux, opts);
  writeExportFile(dir, "ecritures_20241231.csv", ecritures, opts);
  writeExportFile(
    dir,
    "actions_20241231.csv",
    [
      ["A1", id(1), "15/11/2024", "RL1", "AG02", "", "", "N", "Appel ; le locataire promet un virement"],
      ["A2", id(1), "20/11/2024", "SMS", "AG02", "", "", "N", "SECRET-COMMENTAIRE"],
    ],
    opts,
  );
}

/**
 * Rewrite reference-format exports in another ERP's dialect, the inverse of a mapping
 * profile: file prefixes, column names and code values as that ERP writes them.
 */
export function translateExports(srcDir: string, dstDir: string, profile: Profile): void {
  const codeColumns: Record<string, CodeField> = {
    role: "role",
    motif_sortie: "motif_sortie",
    situation_emploi_entree: "situation_emploi_entree",
    code_mouvement: "code_mouvement",
    mode_reglement: "mode_reglement",
    code_action: "code_action",
    beneficiaire_apl: "booleen",
    annulee: "booleen",
  };
  const inverse = (field: CodeField, v: string) => Object.entries(profile.codes[field] ?? {}).find(([, ref]) => ref === v)?.[0] ?? v;
  fs.mkdirSync(dstDir, { recursive: true });
  for (const name of fs.readdirSync(srcDir)) {
    const kind = name.split("_")[0] as Kind;
    const text = iconv.decode(fs.readFileSync(path.join(srcDir, name)), "win1252");
    const [header, ...rows] = parseCsv(text);
    const outHeader = header!.map((c) => profile.colonnes[kind]?.[c] ?? c);
    const outRows = rows.map((r) => r.map((v, i) => (codeColumns[header![i]!] && v ? inverse(codeColumns[header![i]!]!, v) : v)));
    writeExport(dstDir, name.replace(kind, profile.fichiers[kind] ?? kind), outHeader, outRows);
  }
}

/**
 * A CSV file as French Excel and the ERP write it (an optional BOM, `;`, `"` quoting with
 * doubled quotes, CRLF line ends; a bare LF stays inside its field): rows of fields. Reads
 * the tests' own exports and the product's CSV output (the reliability check's CSV probes).
 */
export function parseCsv(text: string): string[][] {
  const t = text.replace(/^\uFEFF/, "");
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (quoted) {
      if (c === '"' && t[i + 1] === '"') ((field += '"'), i++);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ";") (row.push(field), (field = ""));
    else if (c === "\r" && t[i + 1] === "\n") {
      (row.push(field), rows.push(row), (row = []), (field = ""), i++);
    } else field += c;
  }
  if (field || row.length) (row.push(field), rows.push(row));
  return rows;
}
