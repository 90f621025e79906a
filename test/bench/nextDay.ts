/**
 * One more day of exports for the benchmark's nightly run: the files the ERP would drop the
 * night after the last export of the demo office, in its format (Windows-1252, `;`, CRLF,
 * French numbers), written beside hard links to every earlier file so that the inbox is the
 * earlier one plus one day. (Hard links, not symbolic ones: the ETL never follows a symbolic
 * link in the inbox; a hard link is the same file, with its size and modification time.)
 *
 * The day after the demo's last export is the 1st of a month, the heaviest night of the
 * year's ordinary ones: every present lease is billed its rent and charges (QL, QC), and some
 * households pay. Staff record reminders for a few households in debt; a few tenants leave
 * (their lease re-exported with a move-out date) and new leases start in the dwellings.
 * Leases, balances and staff are read from the warehouse the full run built. Seeded: the
 * same warehouse gives the same files.
 */
import fs from "node:fs";
import path from "node:path";
import { CsvFileWriter, csvField, formatAmount } from "../../src/demo/csv.ts";
import { HEADERS } from "../../src/demo/world.ts";
import { exportMtimeMs } from "../../src/demo/writer.ts";
import { parseExportFileName } from "../../src/etl/exportSchema.ts";
import { queryRows } from "../../src/duckdb/db.ts";
import { openWarehouse } from "../../src/warehouse/warehouse.ts";

export interface NextDay {
  /** ISO date of the new exports. */
  day: string;
  /** The new files (not the links). */
  files: string[];
  rows: { baux: number; ecritures: number; actions: number };
}

const MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
const STYLE = { group: "\u00a0", zero: "" };

/** mulberry32: a small seeded generator, enough for picking households. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const frDate = (iso: string) => iso.split("-").reverse().join("/");
const cents = (euros: string | number) => Math.round(Number(euros) * 100);

/** A hard link to `from` (same size and modification time); a copy keeping them across file systems. */
function linkOrCopy(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
    const st = fs.statSync(from);
    fs.utimesSync(to, st.atime, st.mtime);
  }
}

/** The last export date among `<kind>_<YYYYMMDD>.csv` files of a folder. */
export function lastExportDate(dir: string): string {
  const dates = fs
    .readdirSync(dir)
    .map((f) => parseExportFileName(f)?.exportDate)
    .filter((d): d is string => !!d)
    .sort();
  if (!dates.length) throw new Error(`aucun fichier d'export dans ${dir}`);
  return dates.at(-1)!;
}

/**
 * Fill `outDir` with links to every export of `baseDir` plus the next day's files, made from
 * the warehouse `db` (the full run on `baseDir`).
 */
export async function writeNextDay(db: string, baseDir: string, outDir: string, seed = 20261101): Promise<NextDay> {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  for (const f of fs.readdirSync(baseDir)) {
    if (parseExportFileName(f)) linkOrCopy(path.resolve(baseDir, f), path.join(outDir, f));
  }
  const last = new Date(`${lastExportDate(baseDir)}T00:00:00Z`);
  const day = new Date(last.getTime() + 86_400_000).toISOString().slice(0, 10);
  const stamp = day.replace(/-/g, "");
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const period = `${String(m).padStart(2, "0")}/${y}`;
  const random = rng(seed);

  const wh = await openWarehouse(db);
  let leases: Array<{
    num_contrat: string;
    num_logement: string;
    code_secteur: string;
    commune: string;
    date_entree: string;
    situation: string | null;
    nb_occupants: number | null;
    apl: boolean;
    loyer: string;
    charges: string;
    solde: string;
  }>;
  let agents: string[];
  try {
    leases = await queryRows(
      wh.conn,
      `select l.num_contrat, l.num_logement, l.code_secteur, l.commune, strftime(l.date_entree, '%d/%m/%Y') as date_entree,
              l.situation_emploi_entree as situation, l.nb_occupants, l.beneficiaire_apl as apl,
              cast(l.loyer_mensuel as varchar) as loyer, cast(l.charges_mensuelles as varchar) as charges,
              cast(coalesce(p.solde, 0) as varchar) as solde
       from leases as l
       left join int_lease_positions as p
         on p.num_contrat = l.num_contrat and p.date_arrete = (select max(date_arrete) from int_as_of_dates)
       where l.date_entree < cast($d as date) and (l.date_sortie is null or l.date_sortie > cast($d as date))
       order by l.num_contrat`,
      { d: day },
    );
    agents = (await queryRows<{ code_agent: string }>(wh.conn, `select code_agent from staff where role = 'AMIABLE' order by 1`)).map(
      (r) => r.code_agent,
    );
  } finally {
    wh.close();
  }
  if (!agents.length) agents = [""];

  const files: string[] = [];
  const rows = { baux: 0, ecritures: 0, actions: 0 };
  const open = (kind: "baux" | "ecritures" | "actions") => new CsvFileWriter(path.join(outDir, `${kind}_${stamp}.csv`), HEADERS[kind]);

  // Ledger: billing on the 1st, payments every day.
  const ecritures = open("ecritures");
  let seq = 0;
  const entry = (lease: string, code: string, label: string, debit: number, credit: number, mode: string) => {
    seq++;
    ecritures.line(
      `N${stamp}${String(seq).padStart(7, "0")};${lease};${frDate(day)};${period};${code};${csvField(label)};` +
        `${debit ? formatAmount(debit, STYLE) : ""};${credit ? formatAmount(credit, STYLE) : ""};${mode}\r\n`,
    );
  };
  for (const l of leases) {
    if (d === 1) {
      entry(l.num_contrat, "QL", `Loyer ${MONTHS[m - 1]} ${y}`, cents(l.loyer), 0, "");
      entry(l.num_contrat, "QC", `Provision charges ${MONTHS[m - 1]} ${y}`, cents(l.charges), 0, "");
    }
    if (random() < 0.08) {
      const due = cents(l.loyer) + cents(l.charges);
      entry(l.num_contrat, "REG", "Virement reçu", 0, Math.max(100, Math.round(due * (0.5 + random() / 2))), "VIREMENT");
    }
  }
  rows.ecritures = ecritures.rows;
  ecritures.close();
  files.push(ecritures.path);

  // Actions: reminders for about one household in debt in fifty.
  const actions = open("actions");
  let aseq = 0;
  for (const l of leases) {
    if (Number(l.solde) <= 0 || random() >= 0.02) continue;
    aseq++;
    const code = ["RL1", "SMS", "TEL"][Math.floor(random() * 3)]!;
    const agent = agents[Math.floor(random() * agents.length)]!;
    actions.line(
      `N${stamp}A${String(aseq).padStart(6, "0")};${l.num_contrat};${frDate(day)};${code};${agent};;;N;${csvField("Relance du jour")}\r\n`,
    );
  }
  rows.actions = actions.rows;
  actions.close();
  files.push(actions.path);

  // Leases: three tenants leave yesterday; new leases start today in their dwellings.
  const baux = open("baux");
  const leaving = leases.filter(() => random() < 0.0005).slice(0, 3);
  if (leaving.length === 0 && leases.length) leaving.push(leases[0]!);
  const lastDay = frDate(new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10));
  for (const l of leaving) {
    const amounts = `${formatAmount(cents(l.loyer), STYLE)};${formatAmount(cents(l.charges), STYLE)}`;
    baux.line(
      `${l.num_contrat};${l.num_logement};${l.code_secteur};${csvField(l.commune)};${l.date_entree};${lastDay};CONGE;` +
        `${l.situation ?? ""};${l.nb_occupants ?? ""};${l.apl ? "O" : "N"};${amounts}\r\n`,
    );
    baux.line(
      `N${stamp}${l.num_logement};${l.num_logement};${l.code_secteur};${csvField(l.commune)};${frDate(day)};;;CDI;2;N;${amounts}\r\n`,
    );
  }
  rows.baux = baux.rows;
  baux.close();
  files.push(baux.path);
  // As the ERP leaves them: complete, modified at 01:00 on their export date (the ETL's stability delay).
  const at = exportMtimeMs(stamp, Date.now()) / 1000;
  for (const f of files) fs.utimesSync(f, at, at);
  return { day, files, rows };
}
