/**
 * The inbox and the data folder (issue 10): stray file names, symbolic links, a file still
 * being written, and the modes of everything a run and a site build create. Each probe
 * returns lines of the summary table (family "Boîte de dépôt").
 */
import fs from "node:fs";
import path from "node:path";
import { backdateMtime } from "../../src/etl/inbox.ts";
import { runEtl } from "../../src/etl/runEtl.ts";
import { readRuns, type RunFileRecord } from "../../src/runs/runJournal.ts";
import { OWNER_ONLY_UMASK } from "../../src/ownerOnly.ts";
import { RunController } from "../../src/server/runController.ts";
import { WarehouseProvider } from "../../src/server/warehouseProvider.ts";
import { buildSite } from "../../src/site/build.ts";
import { queryRows } from "../../src/duckdb/db.ts";
import { openWarehouse } from "../../src/warehouse/warehouse.ts";
import { figuresSnapshot, writeOffice } from "./office.ts";
import { HEADERS, tempDir, writeExport, writeExportFile } from "../util/exports.ts";
import { line, type CheckLine } from "./table.ts";

const FAMILY = "Boîte de dépôt";
const quiet = () => undefined;

/** Names that are not `<kind>_<YYYYMMDD>.csv` with a known kind and a real date. */
export const STRAY_NAMES = [
  "ecritures 20250101.csv",
  "ecritures_20250101.csv.",
  "ecritures_20250101.csv.tmp",
  "LISEZMOI.txt",
  "baux_20250230.csv",
  "ecritures_20251301.csv",
  "actions_20250000.csv",
  "agents_20230229.csv",
  "baux_2025011.csv",
  "baux-20250101.csv",
  "baux_20250101_v2.csv",
  "_20250101.csv",
  "baux_2025-01-01.csv",
  "locataires_20250101.csv",
  "paiements_20250101.csv",
];

const strayRow = (id: string) => [id, "B0002", "02/01/2025", "01/2025", "FRP", "Frais", "80,00", "", ""];

async function rowsOf(db: string, sql: string): Promise<unknown[]> {
  const wh = await openWarehouse(db);
  try {
    return await queryRows(wh.conn, sql);
  } finally {
    wh.close();
  }
}

function newOffice() {
  const dir = tempDir("oph-fiab-boite-");
  const exportsDir = path.join(dir, "exports");
  writeOffice(exportsDir);
  return { dir, exportsDir, db: path.join(dir, "data", "w.duckdb") };
}

const fileOf = (run: { fichiers: RunFileRecord[] }, name: string) => run.fichiers.find((f) => f.fichier === name);

/** Stray names beside a good office: each left aside, the run succeeds with the office's own figures. */
async function strayNames(reference: string, log: (l: string) => void): Promise<CheckLine> {
  const o = newOffice();
  for (const name of STRAY_NAMES) writeExport(o.exportsDir, name, HEADERS.ecritures, [strayRow("INTRUS")]);
  const outcomes: Array<string | null> = [];
  try {
    const { run } = await runEtl({ exportsDir: o.exportsDir, dbPath: o.db, log: quiet });
    for (const name of STRAY_NAMES) {
      const f = fileOf(run, name);
      outcomes.push(f?.statut === "ignoré" && f.motif ? null : `${name} : ${f ? `${f.statut} (${f.motif})` : "absent du journal"}`);
    }
    const loaded = run.fichiers.filter((f) => f.statut === "chargé").length;
    outcomes.push(loaded === 5 ? null : `${loaded} fichier(s) de l'office chargé(s) au lieu de 5`);
    outcomes.push((await figuresSnapshot(o.db)) === reference ? null : "chiffres différents de ceux de l'office seul");
    outcomes.push(
      (await rowsOf(o.db, `select 1 from raw_ecritures where id_ecriture = 'INTRUS'`)).length === 0
        ? null
        : "une ligne d'un fichier ignoré est chargée",
    );
  } catch (e) {
    outcomes.push(`le chargement a échoué : ${(e as Error).message.slice(0, 200)}`);
  }
  log(`[boîte] ${STRAY_NAMES.length} noms hors format : ${outcomes.filter((x) => x).length} problème(s)`);
  fs.rmSync(o.dir, { recursive: true, force: true });
  return line(FAMILY, `noms de fichiers hors format (${STRAY_NAMES.length}) : ignorés, le chargement continue avec les autres`, outcomes);
}

/** Symbolic links (to a readable export outside the inbox, to /etc/passwd) and a folder: never opened. */
async function links(log: (l: string) => void): Promise<CheckLine> {
  const o = newOffice();
  const outside = writeExport(path.join(o.dir, "ailleurs"), "piege.csv", HEADERS.baux, [
    ["PIEGE", "L99", "N", "Mulhouse", "01/01/2020", "", "", "CDI", "2", "N", "400,00", "100,00"],
  ]);
  fs.symlinkSync(outside, path.join(o.exportsDir, "baux_20250101.csv"));
  fs.symlinkSync("/etc/passwd", path.join(o.exportsDir, "secteurs_20250101.csv"));
  fs.mkdirSync(path.join(o.exportsDir, "ecritures_20250301.csv"));
  const outcomes: Array<string | null> = [];
  try {
    const { run } = await runEtl({ exportsDir: o.exportsDir, dbPath: o.db, log: quiet });
    for (const name of ["baux_20250101.csv", "secteurs_20250101.csv", "ecritures_20250301.csv"]) {
      const f = fileOf(run, name);
      outcomes.push(
        f?.statut === "ignoré" && f.taille === null && f.sha256 === null ? null : `${name} : ${JSON.stringify(f ?? null).slice(0, 200)}`,
      );
    }
    outcomes.push(
      (await rowsOf(o.db, `select 1 from raw_baux where num_contrat = 'PIEGE'`)).length === 0 ? null : "la cible du lien est chargée",
    );
  } catch (e) {
    outcomes.push(`le chargement a échoué (la cible a-t-elle été ouverte ?) : ${(e as Error).message.slice(0, 200)}`);
  }
  log(`[boîte] liens symboliques : ${outcomes.filter((x) => x).length} problème(s)`);
  fs.rmSync(o.dir, { recursive: true, force: true });
  return line(FAMILY, "lien symbolique (vers un export hors du dossier, vers /etc/passwd) et dossier : jamais ouverts, ignorés", outcomes);
}

/**
 * A file still being written: modified seconds ago (waits for the delay), and appended to while
 * the run reads it (dropped, nothing published, loaded whole by the next run).
 */
async function beingWritten(log: (l: string) => void): Promise<CheckLine> {
  const o = newOffice();
  const outcomes: Array<string | null> = [];
  const recent = writeExportFile(o.exportsDir, "ecritures_20250102.csv", [strayRow("RECENT")]);
  const now = Date.now() / 1000;
  fs.utimesSync(recent, now - 5, now - 5);
  const growing = writeExportFile(o.exportsDir, "ecritures_20250103.csv", [strayRow("AVANT-1"), strayRow("AVANT-2")]);
  let appended = false;
  const onDecoded = (p: string) => {
    if (p !== growing || appended) return;
    fs.appendFileSync(p, "APRES-1;B0002;03/01/2025;01/2025;FRP;Frais;5,00;;\r\n");
    appended = true;
  };
  try {
    const first = await runEtl({ exportsDir: o.exportsDir, dbPath: o.db, log: quiet, onDecoded });
    const r = fileOf(first.run, path.basename(recent));
    outcomes.push(r?.statut === "en attente" ? null : `fichier modifié il y a 5 s : ${r?.statut}`);
    const g = fileOf(first.run, path.basename(growing));
    outcomes.push(appended && g?.statut === "en attente" ? null : `fichier complété pendant la lecture : ${g?.statut}`);
    const seen = await rowsOf(
      o.db,
      `select id_ecriture from raw_ecritures where id_ecriture in ('RECENT', 'AVANT-1', 'AVANT-2', 'APRES-1')`,
    );
    outcomes.push(seen.length === 0 ? null : `${seen.length} ligne(s) d'un fichier en attente publiée(s)`);
    backdateMtime(recent, 3600);
    backdateMtime(growing, 3600);
    const second = await runEtl({ exportsDir: o.exportsDir, dbPath: o.db, log: quiet, onDecoded });
    const after = await rowsOf(
      o.db,
      `select id_ecriture from ledger_entries where id_ecriture in ('RECENT', 'AVANT-1', 'AVANT-2', 'APRES-1')`,
    );
    const loaded = second.run.fichiers.filter((f) => f.statut === "chargé").map((f) => f.fichier);
    outcomes.push(
      after.length === 4 && loaded.length === 2
        ? null
        : `prochain chargement : ${after.length} ligne(s) sur 4, fichiers chargés ${loaded.join(", ")}`,
    );
  } catch (e) {
    outcomes.push(`le chargement a échoué : ${(e as Error).message.slice(0, 200)}`);
  }
  log(`[boîte] fichiers en cours d'écriture : ${outcomes.filter((x) => x).length} problème(s)`);
  fs.rmSync(o.dir, { recursive: true, force: true });
  return line(
    FAMILY,
    "fichier en cours d'écriture (modifié il y a 5 s, complété pendant la lecture) : en attente, chargé entier ensuite",
    outcomes,
  );
}

/**
 * A fresh data folder after a nightly run as the server makes it (ETL, real site build, swap),
 * under the common default umask 022: every file and folder is owner-only.
 */
async function modes(log: (l: string) => void): Promise<CheckLine> {
  const o = newOffice();
  const dataDir = path.dirname(o.db);
  const sitesDir = path.join(dataDir, "site");
  const previous = process.umask(0o022);
  const outcomes: Array<string | null> = [];
  let entries = 0;
  try {
    fs.mkdirSync(sitesDir, { recursive: true, mode: 0o700 });
    const warehouse = new WarehouseProvider(o.db);
    const runs = new RunController({
      exportsDir: o.exportsDir,
      dbPath: o.db,
      sitesDir,
      warehouse,
      buildSite: async (wh, out) => void (await buildSite({ warehouse: wh, output: out, log: quiet })),
      log: quiet,
    });
    try {
      await runs.runNow("cli");
    } finally {
      warehouse.close();
    }
    const last = readRuns(o.db).at(-1);
    if (last?.statut !== "succès") outcomes.push(`chargement en échec : ${last?.message}`);
    const visit = (p: string) => {
      const st = fs.lstatSync(p);
      if (st.isSymbolicLink()) return;
      entries++;
      outcomes.push(st.mode & OWNER_ONLY_UMASK ? `${path.relative(dataDir, p) || "data"} : ${(st.mode & 0o777).toString(8)}` : null);
      if (st.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name));
    };
    visit(dataDir);
  } catch (e) {
    outcomes.push(`échec : ${(e as Error).message.slice(0, 200)}`);
  } finally {
    process.umask(previous);
  }
  log(`[boîte] droits : ${entries} fichier(s) et dossier(s), ${outcomes.filter((x) => x).length} lisible(s) par d'autres`);
  fs.rmSync(o.dir, { recursive: true, force: true });
  return line(
    FAMILY,
    `droits d'un dossier de données neuf après un chargement et la construction du site (${entries} entrées, umask 022) : propriétaire seul`,
    outcomes,
  );
}

export async function checkInbox(o: { log?: (l: string) => void } = {}): Promise<CheckLine[]> {
  const log = o.log ?? quiet;
  const ref = newOffice();
  await runEtl({ exportsDir: ref.exportsDir, dbPath: ref.db, log: quiet });
  const reference = await figuresSnapshot(ref.db);
  fs.rmSync(ref.dir, { recursive: true, force: true });
  return [await strayNames(reference, log), await links(log), await beingWritten(log), await modes(log)];
}
