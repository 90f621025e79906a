/**
 * The ETL run: load new export files into the raw layer, rebuild the SQL models,
 * check the invariants and publish the warehouse atomically.
 *
 * The published warehouse is never opened for writing. A run copies it aside,
 * works on the copy and, only when everything has passed, renames the copy over it
 * (rename is atomic): readers and a killed run always see a complete warehouse.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { AppError, ExportFormatError, InvariantError } from "../errors.ts";
import { COHORT_FIGURES, FIGURES } from "../figures/definitions.ts";
import { projectPath } from "../paths.ts";
import { openDatabase, queryRows, sqlLiteral } from "../warehouse/db.ts";
import { EXPORT_SCHEMA, KINDS, parseExportFileName, type Kind } from "./exportSchema.ts";
import { faultPoint } from "./faults.ts";
import { loadModels, materialize, readSql } from "./models.ts";
import { normalizeExport } from "./normalizeExport.ts";
import { codeMappingRows, DEFAULT_PROFILE, kindForPrefix, type Profile } from "./profile.ts";
import { acquireRunLock } from "./runLock.ts";
import { appendRun, readRuns, type RunFileRecord, type RunRecord } from "./runJournal.ts";

export interface EtlOptions {
  exportsDir: string;
  dbPath: string;
  profile?: Profile;
  /** Progress lines; defaults to stderr. */
  log?: (line: string) => void;
  /** Called once the run holds the lock (before that, a RunLockedError rejects the run). */
  onLocked?: () => void;
  /**
   * Called with the complete new warehouse just before it is published (e.g. to build
   * the site from it); if it throws, the run fails and nothing is published.
   */
  beforePublish?: (warehouse: string) => Promise<void>;
}

export interface EtlResult {
  run: RunRecord;
  lignesQuarantaine: number;
}

interface InboxFile {
  name: string;
  path: string;
  kind: Kind;
  exportDate: string;
  size: number;
}

export class EtlRunError extends AppError {
  override name = "EtlRunError";
  constructor(
    message: string,
    readonly run: RunRecord,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

const stderrLog = (line: string) => process.stderr.write(line + "\n");

function newRunId(now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}-${crypto.randomBytes(3).toString("hex")}`;
}

/** Export files of the inbox, oldest export date first. A .csv that is not an export is refused. */
function listInbox(dir: string, profile: Profile): InboxFile[] {
  if (!fs.existsSync(dir)) throw new ExportFormatError(`dossier des exports introuvable`, { file: dir });
  const files: InboxFile[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    if (!name.toLowerCase().endsWith(".csv")) continue;
    const full = path.join(dir, name);
    if (!fs.statSync(full).isFile()) continue;
    const parsed = parseExportFileName(name);
    if (!parsed) {
      throw new ExportFormatError("nom de fichier hors format (<type>_<AAAAMMJJ>.csv attendu) : fichier refusé", { file: name });
    }
    const kind = kindForPrefix(profile, parsed.kind);
    if (!kind) throw new ExportFormatError(`type de fichier « ${parsed.kind} » inconnu : fichier refusé`, { file: name });
    if (!parsed.exportDate) {
      throw new ExportFormatError("la date du nom de fichier n'existe pas au calendrier : fichier refusé", { file: name });
    }
    files.push({ name, path: full, kind, exportDate: parsed.exportDate, size: fs.statSync(full).size });
  }
  return files.sort((a, b) => a.exportDate.localeCompare(b.exportDate) || KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind));
}

async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash("sha256");
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function createRawLayer(conn: DuckDBConnection): Promise<void> {
  for (const kind of KINDS) {
    const cols = EXPORT_SCHEMA[kind].columns.map((c) => `${c} varchar`).join(", ");
    await conn.run(`create table if not exists raw_${kind} (fichier varchar, date_export date, ligne integer, ${cols})`);
  }
  await conn.run(`create table if not exists raw_rejects (
    type_fichier varchar, fichier varchar, ligne integer, colonne varchar, motif varchar, valeur varchar)`);
  await conn.run(`create table if not exists etl_files (
    fichier varchar primary key, type_fichier varchar, date_export date, taille bigint, sha256 varchar,
    encodage varchar, lignes_lues integer, run_id varchar, charge_le timestamp)`);
  await conn.run(`create table if not exists etl_runs (
    run_id varchar primary key, debut timestamp, fin timestamp, statut varchar, message varchar,
    fichiers_charges integer, lignes_lues bigint, lignes_quarantaine bigint)`);
  await conn.run(`create table if not exists etl_run_files (
    run_id varchar, fichier varchar, type_fichier varchar, date_export date, taille bigint, sha256 varchar,
    encodage varchar, statut varchar, lignes_lues integer, lignes_chargees integer, lignes_quarantaine integer, motif varchar)`);
}

async function loadFile(conn: DuckDBConnection, file: InboxFile, profile: Profile, tmpDir: string, runId: string) {
  const out = path.join(tmpDir, `${file.name}.normalised.csv`);
  const result = await normalizeExport(file.path, file.name, file.kind, profile, out);
  faultPoint("after-decode");
  const cols = EXPORT_SCHEMA[file.kind].columns;
  const columns = `{'ligne': 'INTEGER', ${cols.map((c) => `'${c}': 'VARCHAR'`).join(", ")}}`;
  await conn.run("begin transaction");
  await conn.run(`delete from raw_${file.kind} where fichier = $f`, { f: file.name });
  await conn.run(`delete from raw_rejects where fichier = $f`, { f: file.name });
  await conn.run(`delete from etl_files where fichier = $f`, { f: file.name });
  await conn.run(
    `insert into raw_${file.kind}
     select $f, cast($d as date), * from read_csv(${sqlLiteral(out)}, delim = ';', quote = '"', escape = '"',
       header = true, auto_detect = false, strict_mode = true, columns = ${columns})`,
    { f: file.name, d: file.exportDate },
  );
  for (const r of result.rejects) {
    await conn.run(`insert into raw_rejects values ($k, $f, $l, $c, $m, $v)`, {
      k: file.kind, f: file.name, l: r.line, c: r.column, m: r.reason, v: r.value,
    });
  }
  await conn.run(`insert into etl_files values ($f, $k, cast($d as date), $t, $h, $e, $n, $r, current_timestamp)`, {
    f: file.name, k: file.kind, d: file.exportDate, t: result.size, h: result.sha256, e: result.encoding, n: result.rowsRead, r: runId,
  });
  await conn.run("commit");
  fs.rmSync(out, { force: true });
  faultPoint("after-load-file");
  return result;
}

async function loadReferenceData(conn: DuckDBConnection, profile: Profile): Promise<void> {
  await conn.run(
    `create or replace table ref_codes as select * from read_csv(${sqlLiteral(projectPath("etl", "seeds", "ref_codes.csv"))},
      delim = ';', header = true, auto_detect = false,
      columns = {'champ': 'VARCHAR', 'code': 'VARCHAR', 'categorie': 'VARCHAR', 'libelle': 'VARCHAR'})`,
  );
  await conn.run(`create or replace table etl_profile_codes (champ varchar, code_erp varchar, code_reference varchar)`);
  for (const [champ, erp, ref] of codeMappingRows(profile)) {
    await conn.run(`insert into etl_profile_codes values ($c, $e, $r)`, { c: champ, e: erp, r: ref });
  }
  await conn.run(`create or replace table figure_definitions (
    cle varchar, groupe varchar, libelle varchar, libelle_court varchar, unite varchar, definition varchar)`);
  for (const [groupe, defs] of [["figures", FIGURES], ["cohorte_commandements", COHORT_FIGURES]] as const) {
    for (const d of defs) {
      await conn.run(`insert into figure_definitions values ($k, $g, $l, $c, $u, $d)`, {
        k: d.cle, g: groupe, l: d.libelle, c: d.libelle_court, u: d.unite, d: d.definition,
      });
    }
  }
  for (const statement of readSql(projectPath("etl", "macros.sql")).split(/;\s*\n/)) {
    const sql = statement.replace(/--[^\n]*\n/g, "\n").trim();
    if (sql) await conn.run(sql);
  }
}

/** A file with more than the allowed share of bad rows is refused whole: the run fails. */
async function checkRefusals(conn: DuckDBConnection, threshold: number): Promise<void> {
  const rows = await queryRows<{ fichier: string; lues: number; mauvaises: number }>(
    conn,
    `select f.fichier, f.lignes_lues as lues, cast(count(q.ligne) as integer) as mauvaises
     from etl_files as f left join quarantine as q on q.fichier = f.fichier
     group by f.fichier, f.lignes_lues
     having count(q.ligne) > $t * f.lignes_lues
     order by f.fichier`,
    { t: threshold },
  );
  if (rows.length === 0) return;
  const first = rows[0]!;
  const examples = await queryRows<{ ligne: number; colonne: string | null; motif: string }>(
    conn,
    `select ligne, colonne, motif from quarantine where fichier = $f order by ligne limit 3`,
    { f: first.fichier },
  );
  const pct = ((100 * first.mauvaises) / Math.max(1, first.lues)).toLocaleString("fr-FR", { maximumFractionDigits: 1 });
  const detail = examples.map((e) => `ligne ${e.ligne}${e.colonne ? `, colonne ${e.colonne}` : ""} : ${e.motif}`).join(" ; ");
  throw new ExportFormatError(
    `${first.mauvaises} ligne(s) illisible(s) sur ${first.lues} (${pct} %), au-delà du seuil de ${(threshold * 100).toLocaleString("fr-FR")} % : fichier refusé, les chiffres publiés restent ceux du dernier chargement réussi. Exemples : ${detail}`,
    { file: first.fichier },
  );
}

async function runInvariants(conn: DuckDBConnection): Promise<void> {
  const dir = projectPath("etl", "tests");
  for (const f of fs.readdirSync(dir).filter((f) => /^assert_.*\.sql$/.test(f)).sort()) {
    const rows = await queryRows(conn, `select * from (${readSql(path.join(dir, f))}) limit 5`);
    if (rows.length > 0) {
      throw new InvariantError(`Invariant etl/tests/${f} violé : ${JSON.stringify(rows)}`);
    }
  }
}

async function fileStats(conn: DuckDBConnection): Promise<Map<string, { lues: number; quarantaine: number }>> {
  const rows = await queryRows<{ fichier: string; lues: number; quarantaine: number }>(
    conn,
    `select f.fichier, f.lignes_lues as lues, cast(count(q.ligne) as integer) as quarantaine
     from etl_files as f left join quarantine as q on q.fichier = f.fichier group by all`,
  );
  return new Map(rows.map((r) => [r.fichier, r]));
}

async function recordRuns(conn: DuckDBConnection, dbPath: string, current: RunRecord): Promise<void> {
  const known = new Set((await queryRows<{ run_id: string }>(conn, `select run_id from etl_runs`)).map((r) => r.run_id));
  for (const run of [...readRuns(dbPath), current]) {
    if (known.has(run.run_id)) continue;
    known.add(run.run_id);
    const lues = run.fichiers.reduce((s, f) => s + (f.statut === "déjà chargé" ? 0 : (f.lignes_lues ?? 0)), 0);
    const quarantaine = run.fichiers.reduce((s, f) => s + (f.statut === "déjà chargé" ? 0 : (f.lignes_quarantaine ?? 0)), 0);
    await conn.run(`insert into etl_runs values ($id, cast($d as timestamp), cast($f as timestamp), $s, $m, $n, $l, $q)`, {
      id: run.run_id, d: run.debut, f: run.fin, s: run.statut, m: run.message,
      n: run.fichiers.filter((f) => f.statut === "chargé" || f.statut === "rechargé").length, l: lues, q: quarantaine,
    });
    for (const f of run.fichiers) {
      await conn.run(`insert into etl_run_files values ($id, $fi, $k, cast($d as date), $t, $h, $e, $s, $l, $c, $q, $m)`, {
        id: run.run_id, fi: f.fichier, k: f.type_fichier, d: f.date_export, t: f.taille, h: f.sha256, e: f.encodage,
        s: f.statut, l: f.lignes_lues, c: f.lignes_chargees, q: f.lignes_quarantaine, m: f.motif,
      });
    }
  }
}

/** Remove what a killed run left beside the warehouse (only while holding the lock). */
function cleanLeftovers(dbPath: string): void {
  const dir = path.dirname(dbPath);
  const prefix = `${path.basename(dbPath)}.building-`;
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith(prefix)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}

function fsyncPath(p: string): void {
  const fd = fs.openSync(p, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export async function runEtl(options: EtlOptions): Promise<EtlResult> {
  const profile = options.profile ?? DEFAULT_PROFILE;
  const log = options.log ?? stderrLog;
  const dbPath = path.resolve(options.dbPath);
  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  const started = new Date();
  const runId = newRunId(started);
  const t0 = performance.now();
  const step = (msg: string) => log(`[etl ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}`);
  const fileRecords = new Map<string, RunFileRecord>();
  const record = (status: RunRecord["statut"], message: string | null): RunRecord => ({
    run_id: runId,
    debut: started.toISOString(),
    fin: new Date().toISOString(),
    statut: status,
    message,
    fichiers: [...fileRecords.values()],
  });

  const lock = acquireRunLock(`${dbPath}.lock`);
  options.onLocked?.();
  const building = `${dbPath}.building-${runId}`;
  const tmpDir = `${building}.tmp`;
  let db: Awaited<ReturnType<typeof openDatabase>> | null = null;
  try {
    cleanLeftovers(dbPath);
    fs.mkdirSync(tmpDir);
    const inbox = listInbox(options.exportsDir, profile);
    step(`${inbox.length} fichier(s) dans ${options.exportsDir}`);
    if (fs.existsSync(dbPath)) fs.copyFileSync(dbPath, building);
    faultPoint("after-copy");
    db = await openDatabase(building);
    const conn = db.conn;
    // Bounded memory (DuckDB spills to disk beyond it); row order is never relied upon.
    await conn.run(`set memory_limit = '${process.env.ETL_MEMORY_LIMIT ?? "3GB"}'`);
    await conn.run(`set preserve_insertion_order = false`);
    await createRawLayer(conn);

    const loaded = new Map(
      (await queryRows<{ fichier: string; sha256: string }>(conn, `select fichier, sha256 from etl_files`)).map((r) => [r.fichier, r.sha256]),
    );
    for (const file of inbox) {
      const base: RunFileRecord = {
        fichier: file.name, type_fichier: file.kind, date_export: file.exportDate, taille: file.size, sha256: null,
        encodage: null, statut: "chargé", lignes_lues: null, lignes_chargees: null, lignes_quarantaine: null, motif: null,
      };
      fileRecords.set(file.name, base);
      const previous = loaded.get(file.name);
      if (previous) {
        const sha = await sha256File(file.path);
        base.sha256 = sha;
        if (sha === previous) {
          base.statut = "déjà chargé";
          continue;
        }
        base.statut = "rechargé";
      }
      try {
        const r = await loadFile(conn, file, profile, tmpDir, runId);
        Object.assign(base, { sha256: r.sha256, encodage: r.encoding, lignes_lues: r.rowsRead });
        step(`${file.name} : ${r.rowsRead.toLocaleString("fr-FR")} ligne(s) lue(s) (${r.encoding})`);
      } catch (e) {
        base.statut = "refusé";
        base.motif = (e as Error).message;
        throw e;
      }
    }

    await loadReferenceData(conn, profile);
    faultPoint("before-models");
    for (const model of loadModels()) {
      const m0 = performance.now();
      await materialize(conn, model);
      const seconds = (performance.now() - m0) / 1000;
      if (seconds >= 1) step(`modèle ${model.name} : ${seconds.toFixed(1)} s`);
      faultPoint(`after-model:${model.name}`);
    }
    step(`modèles SQL reconstruits`);

    const stats = await fileStats(conn);
    for (const f of fileRecords.values()) {
      const s = stats.get(f.fichier);
      if (!s) continue;
      f.lignes_lues = s.lues;
      f.lignes_quarantaine = s.quarantaine;
      f.lignes_chargees = s.lues - s.quarantaine;
    }
    try {
      await checkRefusals(conn, profile.seuil_refus);
    } catch (e) {
      if (e instanceof ExportFormatError && e.location.file && fileRecords.has(e.location.file)) {
        const f = fileRecords.get(e.location.file)!;
        f.statut = "refusé";
        f.motif = e.message;
      }
      throw e;
    }
    await runInvariants(conn);
    faultPoint("after-invariants");
    step(`invariants vérifiés`);

    const lignesQuarantaine = (await queryRows<{ n: number }>(conn, `select cast(count(*) as integer) as n from quarantine`))[0]!.n;
    const run = record("succès", null);
    await recordRuns(conn, dbPath, run);
    await conn.run("checkpoint");
    db.close();
    db = null;
    if (options.beforePublish) {
      await options.beforePublish(building);
      step(`site construit`);
    }
    faultPoint("before-publish");
    fsyncPath(building);
    fs.renameSync(building, dbPath);
    fsyncPath(path.dirname(dbPath));
    faultPoint("after-publish");
    appendRun(dbPath, run);
    step(`entrepôt publié : ${dbPath} (${lignesQuarantaine.toLocaleString("fr-FR")} ligne(s) en quarantaine)`);
    return { run, lignesQuarantaine };
  } catch (e) {
    const message = (e as Error).message;
    const run = record("échec", message);
    try {
      appendRun(dbPath, run);
    } catch {
      // The journal is best effort when the disk itself is failing; the error below still says why.
    }
    throw new EtlRunError(message, run, e);
  } finally {
    if (db) {
      try {
        db.close();
      } catch {
        // already closed
      }
    }
    fs.rmSync(building, { force: true });
    fs.rmSync(`${building}.wal`, { force: true });
    fs.rmSync(tmpDir, { recursive: true, force: true });
    lock.release();
  }
}
