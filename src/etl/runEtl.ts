/**
 * The ETL run: load new export files into the raw layer, bring the SQL models up to
 * date, check the invariants and publish the warehouse atomically.
 *
 * The published warehouse is never opened for writing. A run copies it aside,
 * works on the copy and, only when everything has passed, renames the copy over it
 * (rename is atomic): readers and a killed run always see a complete warehouse. The raw
 * layer (rawLayer.ts) lives beside it as one immutable Parquet file per export file; the
 * warehouse lists those that count.
 *
 * The models are rebuilt in full on the first run, when the models, code lists or profile
 * changed, or when a file already loaded changed; otherwise (the nightly case) only what the
 * new files change is recomputed (incremental.ts), with the same result.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { AppError, ExportFormatError, InvariantError } from "../errors.ts";
import { COHORT_FIGURES, FIGURES } from "../figures/definitions.ts";
import { projectPath } from "../paths.ts";
import { openDatabase, queryRows, sqlLiteral } from "../duckdb/db.ts";
import { loadEtlConfig, type EtlConfig } from "./config.ts";
import { faultPoint } from "./faults.ts";
import { awaitingReason, changedSinceListed, listInbox, stabilityRule, type InboxFile } from "./inbox.ts";
import { buildFingerprint, readState, refreshIncrementally, writeState } from "./incremental.ts";
import { createMacros, loadModels, materialize, modelWithRole, readSql, type Model } from "./models.ts";
import { normalizeExport, type NormalizeResult } from "./normalizeExport.ts";
import { loadSeeds } from "./seeds.ts";
import { eraseRejectedRecordText } from "./rejectedTextErasure.ts";
import { attachScratch, fileGroups, inRange, keyRanges, mainSchema, runInScratch, SCRATCH, type KeyRange } from "./parts.ts";
import { createRawViews, migrateRawTables, rawDir, removeUnlisted, writeRawFile } from "./rawLayer.ts";
import { codeMappingRows, DEFAULT_PROFILE, type Profile } from "./profile.ts";
import { fsyncPath } from "../durable.ts";
import { ownerOnlyUmask } from "../ownerOnly.ts";
import { acquireRunLock } from "./runLock.ts";
import { appendRun, readRuns, SKIPPED_STATUSES, type RunFileRecord, type RunRecord } from "../runs/runJournal.ts";

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
  /** Rebuild every model from the raw layer even when only new files arrived. */
  fullRebuild?: boolean;
  /**
   * Overrides the profile's `delai_stabilite_s` (seconds a file must be left unchanged before it
   * is read; inbox.ts). For callers that wrote the files themselves, complete, just before (tests);
   * the default is the profile's.
   */
  settleSeconds?: number;
  /**
   * Called with each file's path right after it is decoded, before the run checks that it did not
   * change meanwhile (tests and the reliability checks append to it here, as a late writer would).
   */
  onDecoded?: (filePath: string) => void;
  /** The ETL's configuration (default: read from the environment, config.ts). */
  config?: EtlConfig;
}

export interface EtlResult {
  run: RunRecord;
  lignesQuarantaine: number;
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

export { ETL_MEMORY_LIMIT } from "./config.ts";

function newRunId(now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}-${crypto.randomBytes(3).toString("hex")}`;
}

async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash("sha256");
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export async function createEtlTables(conn: DuckDBConnection): Promise<void> {
  // Records the decoder could not split: never their text (it holds commentaire, personal
  // data), only the kept columns' values as JSON when the record split into the header's
  // fields (normalizeExport.ts). A warehouse made when this table held the raw record
  // (`valeur`) is rewritten without it before the run opens it (rejectedTextErasure.ts).
  await conn.run(`create table if not exists raw_rejects (
    type_fichier varchar, fichier varchar, ligne integer, colonne varchar, motif varchar, valeurs_chargees varchar)`);
  await conn.run(`alter table raw_rejects add column if not exists valeurs_chargees varchar`);
  await conn.run(`create table if not exists etl_files (
    fichier varchar primary key, type_fichier varchar, date_export date, taille bigint, sha256 varchar,
    encodage varchar, lignes_lues integer, run_id varchar, charge_le timestamp)`);
  // The raw layer's Parquet file (rawLayer.ts) and the file's modification time when loaded.
  await conn.run(`alter table etl_files add column if not exists fichier_brut varchar`);
  await conn.run(`alter table etl_files add column if not exists modifie_ms double`);
  await conn.run(`create table if not exists etl_runs (
    run_id varchar primary key, debut timestamp, fin timestamp, statut varchar, message varchar,
    fichiers_charges integer, lignes_lues bigint, lignes_quarantaine bigint)`);
  await conn.run(`create table if not exists etl_run_files (
    run_id varchar, fichier varchar, type_fichier varchar, date_export date, taille bigint, sha256 varchar,
    encodage varchar, statut varchar, lignes_lues integer, lignes_chargees integer, lignes_quarantaine integer, motif varchar)`);
  await conn.run(`create table if not exists etl_state (cle varchar primary key, valeur varchar)`);
}

/**
 * Decode files and write their raw Parquet. Decoding (JavaScript, this thread) of a file
 * overlaps DuckDB writing the previous one (its own threads): on two cores, the load takes
 * about the longer of the two instead of their sum. `afterDecode` says why a decoded file must
 * not be stored (it changed while it was read); such a file is dropped and the others go on.
 */
interface LoadFilesOptions {
  dbPath: string;
  files: InboxFile[];
  profile: Profile;
  /** Where the normalised text of a file is written while it is stored. */
  tmpDir: string;
  runId: string;
  onLoaded: (file: InboxFile, r: NormalizeResult) => void;
  onFailed: (file: InboxFile, e: unknown) => void;
  /** Why a decoded file must not be stored (it changed while it was read), or null. */
  afterDecode: (file: InboxFile) => string | null;
}

async function loadFiles(conn: DuckDBConnection, options: LoadFilesOptions): Promise<void> {
  const { dbPath, files, profile, tmpDir, runId, onLoaded, onFailed, afterDecode } = options;
  let writing: Promise<{ file: InboxFile; error: unknown }> | null = null;
  const settle = async () => {
    if (!writing) return;
    const { file, error } = await writing;
    writing = null;
    if (error) {
      onFailed(file, error);
      throw error;
    }
  };
  try {
    for (const file of files) {
      const out = path.join(tmpDir, `${file.name}.normalised.csv`);
      let result: NormalizeResult;
      try {
        result = await normalizeExport(file.path, file.name, file.kind, profile, out);
      } catch (e) {
        onFailed(file, e);
        throw e;
      }
      faultPoint("after-decode");
      if (afterDecode(file) !== null) {
        fs.rmSync(out, { force: true });
        continue;
      }
      await settle();
      writing = storeFile(conn, dbPath, file, result, out, runId).then(
        () => {
          onLoaded(file, result);
          return { file, error: null };
        },
        (error: unknown) => ({ file, error }),
      );
    }
    await settle();
  } finally {
    // A decoding failure must not leave DuckDB writing behind our back.
    if (writing) await (writing as Promise<unknown>).catch(() => undefined);
  }
}

async function storeFile(conn: DuckDBConnection, dbPath: string, file: InboxFile, result: NormalizeResult, out: string, runId: string) {
  const raw = await writeRawFile(conn, dbPath, file, result.sha256, out);
  await conn.run("begin transaction");
  await conn.run(`delete from raw_rejects where fichier = $f`, { f: file.name });
  await conn.run(`delete from etl_files where fichier = $f`, { f: file.name });
  for (const r of result.rejects) {
    await conn.run(
      `insert into raw_rejects (type_fichier, fichier, ligne, colonne, motif, valeurs_chargees) values ($k, $f, $l, $c, $m, $v)`,
      { k: file.kind, f: file.name, l: r.line, c: r.column, m: r.reason, v: r.keptValues ? JSON.stringify(r.keptValues) : null },
    );
  }
  await conn.run(
    `insert into etl_files (fichier, type_fichier, date_export, taille, sha256, encodage, lignes_lues, run_id, charge_le, fichier_brut, modifie_ms)
     values ($f, $k, cast($d as date), $t, $h, $e, $n, $r, current_timestamp, $b, $m)`,
    {
      f: file.name,
      k: file.kind,
      d: file.exportDate,
      t: result.size,
      h: result.sha256,
      e: result.encoding,
      n: result.rowsRead,
      r: runId,
      b: raw.relative,
      m: file.mtimeMs,
    },
  );
  await conn.run("commit");
  fs.rmSync(out, { force: true });
  faultPoint("after-load-file");
}

export async function loadReferenceData(conn: DuckDBConnection, profile: Profile): Promise<void> {
  // The code lists, the monthly review's rules (delays with their legal basis) and the French
  // labels of its codes: read by the SQL models, the API and the site, from these files only.
  await loadSeeds(conn);
  await conn.run(`create or replace table etl_profile_codes (champ varchar, code_erp varchar, code_reference varchar)`);
  for (const [champ, erp, ref] of codeMappingRows(profile)) {
    await conn.run(`insert into etl_profile_codes values ($c, $e, $r)`, { c: champ, e: erp, r: ref });
  }
  await conn.run(`create or replace table figure_definitions (
    cle varchar, groupe varchar, libelle varchar, libelle_court varchar, unite varchar, definition varchar,
    libelle_court_singulier varchar)`);
  for (const [groupe, defs] of [
    ["figures", FIGURES],
    ["cohorte_commandements", COHORT_FIGURES],
  ] as const) {
    for (const d of defs) {
      // the singular short label ("1 relance"): the short label itself where French has no other
      await conn.run(`insert into figure_definitions values ($k, $g, $l, $c, $u, $d, $s)`, {
        k: d.cle,
        g: groupe,
        l: d.libelle,
        c: d.libelle_court,
        u: d.unite,
        d: d.definition,
        s: d.libelle_court_singulier ?? d.libelle_court,
      });
    }
  }
  await createMacros(conn);
}

/**
 * Every model from the raw layer, in dependency order, as each model's header says
 * (src/models/models.ts). The models' previous tables go first (and a checkpoint frees their
 * blocks), so the new ones reuse the room.
 *
 * - `parts = <key>` (on a large landlord): the model is computed a range of keys at a time, its
 *   `parts_inputs` restricted to the range, and the ranges appended in key order, which gives
 *   the rows and the order of one pass. An input that is a table is read range by range; an
 *   input that is a view (e.g. the latest version of each key, which needs every version of a
 *   key at once) is computed once into temporary Parquet split by range. (One sort of 45
 *   million ledger rows with 1.5 GB of memory spilled to disk: 127 s of a 452 s run.)
 * - `per_file = <kind>`: a row check read by several models is computed a group of export files
 *   at a time (its duplicate check is within a file).
 */
export async function rebuildModels(
  conn: DuckDBConnection,
  options: { step: (msg: string) => void; tmpDir: string; partRows: number; models?: Model[] },
): Promise<void> {
  const { step, tmpDir, partRows } = options;
  const models = options.models ?? loadModels();
  const byName = new Map(models.map((m) => [m.name, m]));
  const existing = new Map(
    (
      await queryRows<{ table_name: string; table_type: string }>(
        conn,
        `select table_name, table_type from information_schema.tables where table_schema = 'main' and table_catalog = current_database()`,
      )
    ).map((r) => [r.table_name, r.table_type]),
  );
  for (const model of [...models].reverse()) {
    const type = existing.get(model.name);
    if (type) await conn.run(`drop ${type === "VIEW" ? "view" : "table"} ${model.name}`);
  }
  await conn.run("checkpoint");
  await attachScratch(conn);
  const main = await mainSchema(conn);
  let part = 0;
  const inParts = async (shadows: Record<string, string>, parts: Model[], then: (schema: string) => Promise<void>) => {
    const schema = `partie_${part++}`;
    await runInScratch(conn, { schema, shadows, models: parts, views: true });
    await then(`${SCRATCH}.${schema}`);
    await conn.run(`drop schema ${SCRATCH}.${schema} cascade`);
  };
  // A part's rows go into the warehouse's table, in part order (the first part creates it).
  const appendPart = async (model: Model, schema: string, first: boolean) => {
    await conn.run(
      first
        ? `create table ${main}.${model.name} as select * from ${schema}.${model.name}`
        : `insert into ${main}.${model.name} select * from ${schema}.${model.name}`,
    );
  };
  /** The views `model` reads, directly or through other views, in model order. */
  const viewsRead = (model: Model): Model[] => {
    const found = new Set<string>();
    const visit = (name: string) => {
      for (const d of byName.get(name)!.dependsOn) {
        if (byName.get(d)!.materialized === "view" && !found.has(d)) {
          found.add(d);
          visit(d);
        }
      }
    };
    visit(model.name);
    return models.filter((m) => found.has(m.name));
  };
  /** One range's shadows for a model in parts: tables read range by range, views split once into Parquet. */
  const rangeShadows = async (model: Model, ranges: KeyRange[]): Promise<Array<Record<string, string>>> => {
    const { key, inputs } = model.parts!;
    const shadows: Array<Record<string, string>> = ranges.map(() => ({}));
    for (const input of inputs) {
      if (byName.get(input)!.materialized !== "view") {
        ranges.forEach((range, i) => (shadows[i]![input] = `select * from ${main}.${input} where ${inRange(key, range)}`));
        continue;
      }
      const dir = path.join(tmpDir, `${input}-par-partie`);
      // range i holds the keys from its first key (included) to the next range's (excluded)
      const bucket = `case ${ranges
        .slice(1)
        .map(([from], i) => `when ${key} < ${sqlLiteral(from!)} then ${i}`)
        .join(" ")} else ${ranges.length - 1} end`;
      await conn.run(
        `copy (select *, ${bucket} as partie from ${input}) to ${sqlLiteral(dir)} (format parquet, compression zstd, partition_by (partie))`,
      );
      ranges.forEach((_, i) => {
        const folder = path.join(dir, `partie=${i}`);
        shadows[i]![input] = fs.existsSync(folder)
          ? `select * from read_parquet(${sqlLiteral(path.join(folder, "*.parquet"))}, hive_partitioning = false)`
          : `select * from ${main}.${input} where false`;
      });
    }
    return shadows;
  };
  // A view that several models read (the row checks, read by the deduplication and by the
  // rows set aside) is computed once for this run into temporary zstd Parquet files, and a
  // temporary view over them hides the warehouse's view until the end of the run. (A
  // temporary table would spill every ledger row uncompressed to disk past the memory limit:
  // 22 GB for 100 000 dwellings over 10 years.)
  const readers = new Map<string, number>();
  for (const m of models) for (const d of m.dependsOn) readers.set(d, (readers.get(d) ?? 0) + 1);
  const temporary: string[] = [];
  const partsOf = new Map<string, number>();
  try {
    for (const model of models) {
      const m0 = performance.now();
      const ranges = model.parts ? await keyRanges(conn, { key: model.parts.key, countedIn: model.parts.countedIn, rows: partRows }) : [];
      if (ranges.length > 1) {
        const shadows = await rangeShadows(model, ranges);
        for (const i of ranges.keys()) await inParts(shadows[i]!, [model], (schema) => appendPart(model, schema, i === 0));
        for (const input of model.parts!.inputs) fs.rmSync(path.join(tmpDir, `${input}-par-partie`), { recursive: true, force: true });
      } else {
        await materialize(conn, model);
      }
      if (model.materialized === "view" && (readers.get(model.name) ?? 0) >= 2) {
        const kind = model.perFile;
        const groups = kind ? await fileGroups(conn, { kind, rows: partRows }) : [];
        const files: string[] = [];
        if (groups.length > 1) {
          for (const [i, group] of groups.entries()) {
            const file = path.join(tmpDir, `${model.name}-${i}.parquet`);
            await inParts(
              { [`raw_${kind}`]: `select * from ${main}.raw_${kind} where fichier in (${group.map(sqlLiteral).join(", ")})` },
              [...viewsRead(model), model],
              (schema) =>
                conn
                  .run(`copy (select * from ${schema}.${model.name}) to ${sqlLiteral(file)} (format parquet, compression zstd)`)
                  .then(() => undefined),
            );
            files.push(file);
          }
        } else {
          const file = path.join(tmpDir, `${model.name}.parquet`);
          await conn.run(`copy (select * from ${main}.${model.name}) to ${sqlLiteral(file)} (format parquet, compression zstd)`);
          files.push(file);
        }
        partsOf.set(model.name, files.length);
        await conn.run(`create temp view ${model.name} as select * from read_parquet([${files.map(sqlLiteral).join(", ")}])`);
        temporary.push(model.name);
      }
      const seconds = (performance.now() - m0) / 1000;
      const inPieces = Math.max(ranges.length, partsOf.get(model.name) ?? 0);
      if (seconds >= 1 || inPieces > 1)
        step(`modèle ${model.name} : ${seconds.toFixed(1)} s${inPieces > 1 ? ` (${inPieces} parties)` : ""}`);
      faultPoint(`after-model:${model.name}`);
    }
  } finally {
    for (const name of temporary) await conn.run(`drop view if exists temp.main.${name}`);
    await conn.run(`detach ${SCRATCH}`).catch(() => undefined);
  }
}

/**
 * How a new warehouse file is created (an existing one keeps what it was made with):
 * - DuckDB's v1.5.0 storage format (denser string compression; not readable by DuckDB < 1.5);
 * - 64 KiB blocks instead of 256 KiB: a column segment smaller than a block wastes the rest
 *   of its block less often. The demo office's warehouse is 10 % smaller (131.5 -> 118.1 MiB,
 *   same tables), with no measurable change in read time; 16 KiB blocks are larger again.
 */
export const NEW_WAREHOUSE_OPTIONS = { storage_compatibility_version: "v1.5.0", default_block_size: "65536" };

export const createDatabase = (file: string) => openDatabase(file, { config: NEW_WAREHOUSE_OPTIONS });

/** A file with more than the allowed share of bad rows is refused whole: the run fails. */
async function checkRefusals(conn: DuckDBConnection, threshold: number): Promise<void> {
  const held = modelWithRole("rows_set_aside").name;
  const rows = await queryRows<{ fichier: string; lues: number; mauvaises: number }>(
    conn,
    `select f.fichier, f.lignes_lues as lues, cast(count(q.ligne) as integer) as mauvaises
     from etl_files as f left join ${held} as q on q.fichier = f.fichier
     group by f.fichier, f.lignes_lues
     having count(q.ligne) > $t * f.lignes_lues
     order by f.fichier`,
    { t: threshold },
  );
  if (rows.length === 0) return;
  const first = rows[0]!;
  const examples = await queryRows<{ ligne: number; colonne: string | null; motif: string }>(
    conn,
    `select ligne, colonne, motif from ${held} where fichier = $f order by ligne limit 3`,
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
  for (const f of fs
    .readdirSync(dir)
    .filter((f) => /^assert_.*\.sql$/.test(f))
    .sort()) {
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
     from etl_files as f left join ${modelWithRole("rows_set_aside").name} as q on q.fichier = f.fichier group by all`,
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
      id: run.run_id,
      d: run.debut,
      f: run.fin,
      s: run.statut,
      m: run.message,
      n: run.fichiers.filter((f) => f.statut === "chargé" || f.statut === "rechargé").length,
      l: lues,
      q: quarantaine,
    });
    for (const f of run.fichiers) {
      await conn.run(`insert into etl_run_files values ($id, $fi, $k, cast($d as date), $t, $h, $e, $s, $l, $c, $q, $m)`, {
        id: run.run_id,
        fi: f.fichier,
        k: f.type_fichier,
        d: f.date_export,
        t: f.taille,
        h: f.sha256,
        e: f.encodage,
        s: f.statut,
        l: f.lignes_lues,
        c: f.lignes_chargees,
        q: f.lignes_quarantaine,
        m: f.motif,
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

export async function runEtl(options: EtlOptions): Promise<EtlResult> {
  const config = options.config ?? loadEtlConfig();
  const profile = options.profile ?? DEFAULT_PROFILE;
  const log = options.log ?? stderrLog;
  const dbPath = path.resolve(options.dbPath);
  // Everything a run writes beside the warehouse (DuckDB's files included) is owner-only.
  ownerOnlyUmask();
  fs.mkdirSync(path.dirname(dbPath), { recursive: true, mode: 0o700 });
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
    fs.mkdirSync(tmpDir, { mode: 0o700 });
    fs.mkdirSync(rawDir(dbPath), { recursive: true, mode: 0o700 });
    const inbox = listInbox(options.exportsDir, profile);
    step(`${inbox.files.length} fichier(s) d'export dans ${options.exportsDir}`);
    // Entries that are not exports this profile reads: never opened; the run goes on without them.
    for (const e of inbox.ignored) {
      fileRecords.set(e.name, {
        fichier: e.name,
        type_fichier: e.kind,
        date_export: e.exportDate,
        taille: e.size,
        sha256: null,
        encodage: null,
        statut: "ignoré",
        lignes_lues: null,
        lignes_chargees: null,
        lignes_quarantaine: null,
        motif: e.motif,
      });
      step(`${e.name} : ignoré, ${e.motif}`);
    }
    const stability = stabilityRule(profile, options.settleSeconds);
    const published = fs.existsSync(dbPath);
    if (published) {
      fs.copyFileSync(dbPath, building);
      // copyFile keeps the source's mode: a warehouse published by an older version may be 0644
      fs.chmodSync(building, 0o600);
      // A warehouse that still holds rejected records' text is rewritten without it (issue 10).
      await eraseRejectedRecordText(building, NEW_WAREHOUSE_OPTIONS, step);
    }
    faultPoint("after-copy");
    // A new warehouse gets DuckDB's current storage format (denser string compression);
    // an existing one keeps the format it was made with.
    db = published ? await openDatabase(building) : await createDatabase(building);
    const conn = db.conn;
    // Bounded memory (DuckDB spills to disk beyond it); row order is never relied upon.
    // why 1.5GB: the process also holds Node and DuckDB's own bookkeeping, up to 0.9 GiB more at
    // peak; 1.5GB keeps a run under 3 GiB of resident memory (npm run bench measures it)
    await conn.run(`set memory_limit = '${config.memoryLimit}'`);
    await conn.run(`set preserve_insertion_order = false`);
    await createEtlTables(conn);
    await migrateRawTables(conn, dbPath, step);
    const listedRaw = async () =>
      new Set(
        (await queryRows<{ b: string }>(conn, `select fichier_brut as b from etl_files where fichier_brut is not null`)).map((r) => r.b),
      );
    // What a failed or killed run wrote to the raw layer and no published warehouse lists.
    removeUnlisted(dbPath, await listedRaw());

    const loaded = new Map(
      (
        await queryRows<{ fichier: string; sha256: string; taille: number; modifie_ms: number | null; fichier_brut: string | null }>(
          conn,
          `select fichier, sha256, taille, modifie_ms, fichier_brut from etl_files`,
        )
      ).map((r) => [r.fichier, r]),
    );
    // A warehouse file copied without its raw folder: the files whose Parquet is missing are
    // loaded again from the inbox (and the models rebuilt); one no longer there fails the run.
    const missingRaw = new Set(
      [...loaded.values()]
        .filter((f) => !f.fichier_brut || !fs.existsSync(path.join(rawDir(dbPath), f.fichier_brut)))
        .map((f) => f.fichier),
    );
    const lost = [...missingRaw].filter((name) => !inbox.files.some((f) => f.name === name));
    if (lost.length) {
      throw new AppError(
        `couche brute incomplète : ${lost.slice(0, 3).join(", ")}${lost.length > 3 ? ` et ${lost.length - 3} autre(s)` : ""} absent(s) de ${rawDir(dbPath)} et du dossier des exports. Remettez le dossier ${path.basename(rawDir(dbPath))} à côté de l'entrepôt, ou les fichiers d'export dans ${options.exportsDir}.`,
      );
    }
    const toLoad: InboxFile[] = [];
    const startedMs = started.getTime();
    for (const file of inbox.files) {
      const base: RunFileRecord = {
        fichier: file.name,
        type_fichier: file.kind,
        date_export: file.exportDate,
        taille: file.size,
        sha256: null,
        encodage: null,
        statut: "chargé",
        lignes_lues: null,
        lignes_chargees: null,
        lignes_quarantaine: null,
        motif: null,
      };
      fileRecords.set(file.name, base);
      const previous = loaded.get(file.name);
      // why: hashing every file already loaded, every night, would read the whole history again;
      // a file whose size and modification time are those recorded at its loading is that file
      if (previous && !missingRaw.has(file.name) && Number(previous.taille) === file.size && previous.modifie_ms === file.mtimeMs) {
        base.sha256 = previous.sha256;
        base.statut = "déjà chargé";
        continue;
      }
      // Any file to read (new, changed, or to reload) must be complete: not still being written.
      const waiting = awaitingReason(file, stability, inbox.markers, startedMs);
      if (waiting) {
        if (missingRaw.has(file.name)) {
          // the warehouse lists its rows but the raw layer lost them: this run cannot go on without it
          throw new AppError(
            `couche brute incomplète : ${file.name} absent de ${rawDir(dbPath)}, et son export ne peut pas être relu maintenant (${waiting}). Relancez le chargement plus tard, ou remettez le dossier ${path.basename(rawDir(dbPath))} à côté de l'entrepôt.`,
          );
        }
        base.statut = "en attente";
        base.motif = waiting;
        step(`${file.name} : en attente, ${waiting}`);
        continue;
      }
      if (previous && missingRaw.has(file.name)) {
        base.statut = "rechargé";
        step(`${file.name} : absent de la couche brute, rechargé depuis l'export`);
      } else if (previous) {
        const sha = await sha256File(file.path);
        base.sha256 = sha;
        if (sha === previous.sha256) {
          base.statut = "déjà chargé";
          await conn.run(`update etl_files set modifie_ms = $m where fichier = $f`, { m: file.mtimeMs, f: file.name });
          continue;
        }
        base.statut = "rechargé";
      }
      toLoad.push(file);
    }
    await loadFiles(conn, {
      dbPath,
      files: toLoad,
      profile,
      tmpDir,
      runId,
      onLoaded: (file, r) => {
        Object.assign(fileRecords.get(file.name)!, { sha256: r.sha256, encodage: r.encoding, lignes_lues: r.rowsRead });
        step(`${file.name} : ${r.rowsRead.toLocaleString("fr-FR")} ligne(s) lue(s) (${r.encoding})`);
      },
      onFailed: (file, e) => {
        const f = fileRecords.get(file.name)!;
        f.statut = "refusé";
        f.motif = (e as Error).message;
      },
      afterDecode: (file) => {
        options.onDecoded?.(file.path);
        // A writer still appending, or a file replaced meanwhile: what was read is not that file.
        const changed = changedSinceListed(file);
        if (changed) {
          Object.assign(fileRecords.get(file.name)!, {
            statut: "en attente",
            motif: changed,
            sha256: null,
            encodage: null,
            lignes_lues: null,
          });
          step(`${file.name} : en attente, ${changed}`);
        }
        return changed;
      },
    });
    // Files dropped because they changed while read count as not arrived: nothing of them is kept.
    const dropped = toLoad.filter((f) => fileRecords.get(f.name)!.statut === "en attente");
    const droppedLost = dropped.find((f) => missingRaw.has(f.name));
    if (droppedLost) {
      throw new AppError(
        `couche brute incomplète : ${droppedLost.name} absent de ${rawDir(dbPath)}, et son export a changé pendant sa relecture. Relancez le chargement une fois le fichier stable.`,
      );
    }
    if (dropped.length) toLoad.splice(0, toLoad.length, ...toLoad.filter((f) => !dropped.includes(f)));
    if (toLoad.length) step(`${toLoad.length} fichier(s) décodé(s) et écrit(s) dans la couche brute`);
    await createRawViews(conn, dbPath);

    await loadReferenceData(conn, profile);
    faultPoint("before-models");
    const fingerprint = buildFingerprint(profile);
    const reloaded = [...fileRecords.values()].some((f) => f.statut === "rechargé");
    const incremental = !options.fullRebuild && !reloaded && (await readState(conn, "empreinte_modeles")) === fingerprint;
    if (incremental && toLoad.length === 0) {
      step(`aucun fichier nouveau : modèles inchangés`);
    } else if (incremental) {
      await refreshIncrementally(conn, { newFiles: toLoad.map((f) => ({ name: f.name, kind: f.kind })), step, profile: config.profile });
      step(`modèles SQL mis à jour (${toLoad.length} fichier(s) nouveau(x))`);
    } else {
      await rebuildModels(conn, { step, tmpDir, partRows: config.partRows });
      step(`modèles SQL reconstruits`);
    }
    await writeState(conn, "empreinte_modeles", fingerprint);

    const stats = await fileStats(conn);
    for (const f of fileRecords.values()) {
      const s = stats.get(f.fichier);
      // why: a file left aside this run may be an older version's name: its counts are not this run's
      if (!s || SKIPPED_STATUSES.includes(f.statut)) continue;
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

    const lignesQuarantaine = (
      await queryRows<{ n: number }>(conn, `select cast(count(*) as integer) as n from ${modelWithRole("rows_set_aside").name}`)
    )[0]!.n;
    const keepRaw = await listedRaw();
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
    // DuckDB created it with the process umask; owner-only even where that could not be set.
    fs.chmodSync(building, 0o600);
    fsyncPath(building);
    fs.renameSync(building, dbPath);
    fsyncPath(path.dirname(dbPath));
    faultPoint("after-publish");
    appendRun(dbPath, run);
    // The Parquet of files reloaded under the same name: no published warehouse lists them now.
    removeUnlisted(dbPath, keepRaw);
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
