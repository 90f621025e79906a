/**
 * The nightly run: recompute only what the new export files change.
 *
 * A night brings one more day of files: a few thousand new ledger entries and actions, a
 * few leases that start or end. A full run rebuilds every model from every raw row (years
 * of ledger); this one keeps what the previous run computed and recomputes the parts the
 * new rows reach, with the same SQL models, run on restricted inputs in a private schema
 * (as the ad-hoc as-of dates of src/warehouse/figures.ts are):
 *
 * 1. Keys. For each kind of file: the keys the new files hold; the rows in quarantine whose
 *    reason may have gone (they name a lease, or a sector, that exists since tonight; no other
 *    reason depends on other rows); the entries and actions of a lease that changed sector, and
 *    the actions of a staff member whose role changed. Those rows, and every older version of
 *    their keys already in a mart, go through staging, checks and deduplication again (older
 *    files are read only for keys seen before); their rows in the marts and the quarantine are
 *    replaced. Sectors and staff first (all of them: a few rows), then leases, then ledger
 *    and actions (their checks read the complete lease list).
 * 2. Running totals per lease and day: from each changed lease's first changed day on
 *    (etl/incremental/int_ledger_days_cumulated.sql), on top of the totals kept before it.
 * 3. Lease positions per as-of date: every lease at the new dates; at earlier dates only the
 *    leases whose entries or terms changed there.
 * 4. Everything else (sector running totals, litigation milestones and stages, the review
 *    worklist, the metrics): small tables, rebuilt in full from the models above.
 *
 * It applies only when the previous run built the same models from the same code lists and
 * profile (a fingerprint in etl_state), and no file already loaded changed; otherwise the
 * run rebuilds everything (runEtl.ts). A full run gives the same tables; test/incremental.test.ts
 * compares both on corrections, late leases, sector and role changes, and older exports.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { projectPath } from "../paths.ts";
import { queryRows, sqlLiteral } from "../warehouse/db.ts";
import { KINDS, type Kind } from "./exportSchema.ts";
import { faultPoint } from "./faults.ts";
import { loadModels, macrosSql, materialize, readSql, type Model } from "./models.ts";
import { attachScratch, mainSchema, runInScratch, SCRATCH } from "./parts.ts";
import { codeMappingRows, type Profile } from "./profile.ts";

/**
 * Bump when the way the warehouse is built changes outside the SQL files.
 * 3: raw_rejects keeps the kept columns' values (valeurs_chargees), never a record's text.
 */
const BUILD_VERSION = "3";

const INCREMENTAL_DIR = projectPath("etl", "incremental");

interface Chain {
  /** The key column, in the raw file and (trimmed) in the models. */
  key: string;
  /** The models from the raw rows to the mart, in order. */
  models: string[];
  /** Tables kept in the warehouse, one row per key: refreshed key by key. */
  keyed: string[];
  /** The mart of the kind. */
  mart: string;
}

/** The chain of models of each kind of export file. */
export const CHAINS: Record<Kind, Chain> = {
  secteurs: {
    key: "code_secteur",
    models: ["stg_erp__secteurs", "int_secteurs_checked", "int_secteurs_deduplicated", "sectors"],
    keyed: ["int_secteurs_deduplicated", "sectors"],
    mart: "sectors",
  },
  agents: {
    key: "code_agent",
    models: ["stg_erp__agents", "int_agents_checked", "int_agents_deduplicated", "staff"],
    keyed: ["int_agents_deduplicated", "staff"],
    mart: "staff",
  },
  baux: {
    key: "num_contrat",
    models: ["stg_erp__baux", "int_baux_checked", "int_baux_deduplicated", "leases"],
    keyed: ["int_baux_deduplicated", "leases"],
    mart: "leases",
  },
  ecritures: {
    key: "id_ecriture",
    models: ["stg_erp__ecritures", "int_ecritures_checked", "int_ecritures_deduplicated", "ledger_entries"],
    keyed: ["ledger_entries"],
    mart: "ledger_entries",
  },
  actions: {
    key: "id_action",
    models: ["stg_erp__actions", "int_actions_checked", "int_actions_deduplicated", "recovery_actions"],
    keyed: ["recovery_actions"],
    mart: "recovery_actions",
  },
};

const QUARANTINE_MODELS = ["int_rows_quarantined", "quarantine"];
const DATES_MODEL = "int_as_of_dates";
const DAYS_MODEL = "int_ledger_days_cumulated";
const POSITIONS_MODEL = "int_lease_positions";

/** Models this module refreshes in parts; every other model is rebuilt in full. */
export function partlyRefreshedModels(): Set<string> {
  return new Set([...Object.values(CHAINS).flatMap((c) => c.models), ...QUARANTINE_MODELS, DAYS_MODEL, POSITIONS_MODEL]);
}

/** What the models are built from: their SQL, the macros, the code lists and the profile's code mapping. */
export function buildFingerprint(profile: Profile, models: Model[] = loadModels()): string {
  const hash = crypto.createHash("sha256");
  hash.update(`version ${BUILD_VERSION}\n`);
  for (const m of models) hash.update(`${m.name}\n${m.sql}\n`);
  for (const f of fs.readdirSync(INCREMENTAL_DIR).sort()) hash.update(`${f}\n${fs.readFileSync(path.join(INCREMENTAL_DIR, f), "utf8")}\n`);
  hash.update(macrosSql());
  // Every seed: the code lists, and the review's rules and labels (a changed delay rebuilds the models).
  const seeds = projectPath("etl", "seeds");
  for (const f of fs.readdirSync(seeds).filter((f) => f.endsWith(".csv")).sort()) hash.update(`${f}\n${fs.readFileSync(path.join(seeds, f), "utf8")}\n`);
  hash.update(JSON.stringify(codeMappingRows(profile)));
  return hash.digest("hex");
}

export async function readState(conn: DuckDBConnection, key: string): Promise<string | null> {
  const rows = await queryRows<{ valeur: string }>(conn, `select valeur from etl_state where cle = $k`, { k: key });
  return rows[0]?.valeur ?? null;
}

export async function writeState(conn: DuckDBConnection, key: string, value: string): Promise<void> {
  await conn.run(`delete from etl_state where cle = $k`, { k: key });
  await conn.run(`insert into etl_state values ($k, $v)`, { k: key, v: value });
}

export interface IncrementalOptions {
  /** Export files loaded by this run (none already loaded changed). */
  newFiles: Array<{ name: string; kind: Kind }>;
  step: (message: string) => void;
}

/** A literal list for `in (...)`; empty, a list of one empty string (no file name is empty; `not in (null)` would match nothing). */
const list = (values: string[]) => (values.length ? values.map(sqlLiteral).join(", ") : "''");

/** The work of one nightly run; see the module comment. */
export async function refreshIncrementally(conn: DuckDBConnection, options: IncrementalOptions): Promise<void> {
  const models = loadModels();
  const byName = new Map(models.map((m) => [m.name, m]));
  const main = await mainSchema(conn);
  const s = SCRATCH;
  // ETL_PROFILE=1 logs every statement of the nightly refresh with its time.
  const profile = process.env.ETL_PROFILE === "1";
  const run = async (sql: string) => {
    const t0 = performance.now();
    await conn.run(sql);
    if (profile) options.step(`  ${((performance.now() - t0) / 1000).toFixed(2)} s  ${sql.replace(/\s+/g, " ").slice(0, 110)}`);
  };
  await attachScratch(conn);
  const t = (label: string) => {
    const t0 = performance.now();
    return () => {
      const seconds = (performance.now() - t0) / 1000;
      if (seconds >= 0.5 || profile) options.step(`nuit : ${label} : ${seconds.toFixed(2)} s`);
    };
  };
  const reached = (names: string[]) => names.forEach((n) => faultPoint(`after-model:${n}`));
  const count = async (sql: string) => (await queryRows<{ n: number }>(conn, `select cast(count(*) as integer) as n from (${sql})`))[0]!.n;

  /** Run `names` (in model order) as tables in a fresh private schema whose `shadows` hide the warehouse's. */
  const runPart = (schema: string, shadows: Record<string, string>, names: string[]) =>
    runInScratch(conn, schema, shadows, models.filter((m) => names.includes(m.name)), run, (m, seconds) => {
      if (profile) options.step(`  ${seconds.toFixed(2)} s  ${schema}.${m.name}`);
    });

  try {
    const newNames = (kind: Kind) => options.newFiles.filter((f) => f.kind === kind).map((f) => f.name);
    const emptyRaw = (kind: Kind) => `select * from raw_${kind} where false`;
    const allStagingAndChecks = KINDS.flatMap((k) => CHAINS[k].models.slice(0, 2));
    const kindsExcept = (kinds: Kind[]) => Object.fromEntries(KINDS.filter((k) => !kinds.includes(k)).map((k) => [`raw_${k}`, emptyRaw(k)]));

    /**
     * Rows in quarantine whose reason may have gone: those that name a lease (or a sector, for
     * leases) that exists since tonight. Any other reason stays, whatever arrives later. Read
     * from their files by file and line (the Parquet reader skips the other files and row groups).
     */
    const quarantinedToCheck = async (kind: Kind, reference: string, added: string) => {
      const where = await queryRows<{ fichier: string; lignes: number[] }>(
        conn,
        `select fichier, list(ligne order by ligne) as lignes from quarantine
         where type_fichier = '${kind}' and ligne is not null group by fichier`,
      );
      if (!where.length || (await count(`select 1 from ${added}`)) === 0) {
        await run(`create table ${s}.recheck_${kind} as ${emptyRaw(kind)}`);
        return;
      }
      const files = list(where.map((w) => w.fichier));
      const lines = [...new Set(where.flatMap((w) => w.lignes))];
      // why the literal lists: they reach the Parquet reader, which then skips files and row groups
      const byLine = lines.length <= 2000 ? `and r.ligne in (${lines.join(", ")})` : "";
      await run(
        `create table ${s}.recheck_${kind} as
         select r.* from raw_${kind} as r
         where r.fichier in (${files}) ${byLine}
           and exists (select 1 from quarantine as q
                       where q.type_fichier = '${kind}' and q.fichier = r.fichier and q.ligne = r.ligne)
           and fr_text(r.${reference}) in (select cle from ${added})`,
      );
    };

    /**
     * The raw rows to go through the models again for `kind`: those of the new files, the rows
     * of recheck_<kind>, and every version of the affected keys already in the mart (only
     * they have versions that count in older files; reading those is the costly part, skipped
     * when no such key).
     */
    const shadowRaw = async (kind: Kind): Promise<string> => {
      const { key, mart } = CHAINS[kind];
      const fresh = list(newNames(kind));
      await run(`create table ${s}.seen_${kind} as select cle from ${s}.affected_${kind} where cle in (select ${key} from ${mart})`);
      const parts = [`select * from raw_${kind} where fichier in (${fresh})`, `select * from ${s}.recheck_${kind}`];
      if ((await count(`select 1 from ${s}.seen_${kind}`)) > 0) {
        parts.push(`select * from raw_${kind} where fichier not in (${fresh}) and fr_text(${key}) in (select cle from ${s}.seen_${kind})`);
      }
      // why union: a row to check again may also be a version of a key already seen
      return parts.join("\n union \n");
    };

    /** Replace the quarantine rows of the rows a part went through (and the new files' rejects). */
    const mergeQuarantine = async (schema: string, kinds: Kind[], withRejects: boolean) => {
      const keys = [
        ...kinds.map((k) => `select '${k}' as type_fichier, fichier, ligne from ${s}.${schema}.raw_${k}`),
        ...(withRejects ? [`select type_fichier, fichier, ligne from ${s}.${schema}.raw_rejects`] : []),
      ].join(" union all ");
      await run(
        `delete from quarantine as q where exists (
           select 1 from (${keys}) as k where k.type_fichier = q.type_fichier and k.fichier = q.fichier and k.ligne = q.ligne)`,
      );
      await run(`insert into quarantine select * from ${s}.${schema}.quarantine`);
    };

    /** Replace the rows of the affected keys in a kept table; keeps the rows before in `${s}.before_<table>`. */
    const mergeKeyed = async (schema: string, kind: Kind, table: string) => {
      const { key } = CHAINS[kind];
      await run(`create table ${s}.before_${table} as select * from ${table} where ${key} in (select cle from ${s}.affected_${kind})`);
      await run(`delete from ${table} where ${key} in (select cle from ${s}.affected_${kind})`);
      await run(`insert into ${table} select * from ${s}.${schema}.${table}`);
    };

    /** Keys of `table` whose row differs before and after (added, removed or changed). */
    const changedKeys = (table: string, key: string, schema: string) =>
      `select ${key} from (select * from ${s}.before_${table} except select * from ${s}.${schema}.${table})
       union
       select ${key} from (select * from ${s}.${schema}.${table} except select * from ${s}.before_${table})`;

    /** Keys present after and not before. */
    const addedKeys = (table: string, key: string, schema: string) =>
      `select ${key} as cle from ${s}.${schema}.${table} where ${key} not in (select ${key} from ${s}.before_${table})`;

    // ── 1a. Sectors and staff: a few rows, all of them ─────────────────────────────────────────
    let done = t("secteurs, agents et baux");
    for (const kind of ["secteurs", "agents"] as const) {
      const { key, mart } = CHAINS[kind];
      await run(
        `create table ${s}.affected_${kind} as
         select ${key} as cle from ${mart} union select cle from quarantine where type_fichier = '${kind}' union select fr_text(${key}) from raw_${kind}`,
      );
    }
    await runPart(
      "p0",
      {
        ...kindsExcept(["secteurs", "agents"]),
        raw_secteurs: `select * from raw_secteurs`,
        raw_agents: `select * from raw_agents`,
        raw_rejects: `select * from raw_rejects where false`,
      },
      [...allStagingAndChecks, ...(["secteurs", "agents"] as const).flatMap((k) => CHAINS[k].models.slice(2)), ...QUARANTINE_MODELS],
    );
    for (const kind of ["secteurs", "agents"] as const) {
      for (const table of CHAINS[kind].keyed) await mergeKeyed("p0", kind, table);
    }
    await mergeQuarantine("p0", ["secteurs", "agents"], false);
    await run(`create table ${s}.added_sectors as ${addedKeys("int_secteurs_deduplicated", "code_secteur", "p0")}`);
    await run(`create table ${s}.changed_staff as ${changedKeys("staff", "code_agent", "p0")}`);

    // ── 1b. Leases: the keys of the new files, and rows naming a sector that exists since tonight ─
    await quarantinedToCheck("baux", "code_secteur", `${s}.added_sectors`);
    await run(
      `create table ${s}.affected_baux as
       select fr_text(num_contrat) as cle from raw_baux where fichier in (${list(newNames("baux"))}) and fr_text(num_contrat) is not null
       union select fr_text(num_contrat) from ${s}.recheck_baux where fr_text(num_contrat) is not null`,
    );
    await runPart(
      "p1",
      {
        ...kindsExcept(["baux"]),
        raw_baux: await shadowRaw("baux"),
        raw_rejects: `select * from raw_rejects where fichier in (${list(options.newFiles.map((f) => f.name))})`,
      },
      [...allStagingAndChecks, ...CHAINS.baux.models.slice(2), ...QUARANTINE_MODELS],
    );
    for (const table of CHAINS.baux.keyed) await mergeKeyed("p1", "baux", table);
    await mergeQuarantine("p1", ["baux"], true);
    await run(`create table ${s}.changed_leases as ${changedKeys("leases", "num_contrat", "p1")}`);
    await run(`create table ${s}.added_leases as ${addedKeys("int_baux_deduplicated", "num_contrat", "p1")}`);
    await run(
      `create table ${s}.moved_leases as
       select coalesce(b.num_contrat, a.num_contrat) as num_contrat
       from ${s}.before_leases as b full join ${s}.p1.leases as a on a.num_contrat = b.num_contrat
       where a.code_secteur is distinct from b.code_secteur`,
    );
    reached(["secteurs", "agents", "baux"].flatMap((k) => CHAINS[k as Kind].models));
    done();

    // ── 1c. Ledger entries and actions (their checks read the complete lease list) ──────────────
    done = t("écritures et actions");
    await quarantinedToCheck("ecritures", "num_contrat", `${s}.added_leases`);
    await quarantinedToCheck("actions", "num_contrat", `${s}.added_leases`);
    await run(
      `create table ${s}.affected_ecritures as
       select fr_text(id_ecriture) as cle from raw_ecritures where fichier in (${list(newNames("ecritures"))}) and fr_text(id_ecriture) is not null
       union select fr_text(id_ecriture) from ${s}.recheck_ecritures where fr_text(id_ecriture) is not null
       union select id_ecriture from ledger_entries where num_contrat in (select num_contrat from ${s}.moved_leases)`,
    );
    await run(
      `create table ${s}.affected_actions as
       select fr_text(id_action) as cle from raw_actions where fichier in (${list(newNames("actions"))}) and fr_text(id_action) is not null
       union select fr_text(id_action) from ${s}.recheck_actions where fr_text(id_action) is not null
       union select id_action from recovery_actions where num_contrat in (select num_contrat from ${s}.moved_leases)
       union select id_action from recovery_actions where code_agent in (select code_agent from ${s}.changed_staff)`,
    );
    await runPart(
      "p2",
      {
        ...kindsExcept(["ecritures", "actions"]),
        raw_ecritures: await shadowRaw("ecritures"),
        raw_actions: await shadowRaw("actions"),
        raw_rejects: `select * from raw_rejects where false`,
      },
      [...allStagingAndChecks, ...(["ecritures", "actions"] as const).flatMap((k) => CHAINS[k].models.slice(2)), ...QUARANTINE_MODELS],
    );
    for (const kind of ["ecritures", "actions"] as const) {
      for (const table of CHAINS[kind].keyed) await mergeKeyed("p2", kind, table);
    }
    await mergeQuarantine("p2", ["ecritures", "actions"], false);
    // The (lease, day) of every ledger row removed, added or changed.
    await run(
      `create table ${s}.etl_dirty_leases as
       select num_contrat, min(date_ecriture) as depuis from (
         select num_contrat, date_ecriture from (select * from ${s}.before_ledger_entries except select * from ${s}.p2.ledger_entries)
         union all
         select num_contrat, date_ecriture from (select * from ${s}.p2.ledger_entries except select * from ${s}.before_ledger_entries)
       ) group by num_contrat`,
    );
    reached([...(["ecritures", "actions"] as const).flatMap((k) => CHAINS[k].models), ...QUARANTINE_MODELS]);
    done();

    // ── 2. As-of dates and running totals per lease and day ─────────────────────────────────────
    done = t("dates d'arrêté et cumuls par bail");
    await run(`create table ${s}.dates_before as select date_arrete from ${DATES_MODEL}`);
    await materialize(conn, byName.get(DATES_MODEL)!);
    reached([DATES_MODEL]);
    if ((await count(`select 1 from ${s}.etl_dirty_leases`)) > 0) {
      await conn.run(`set search_path = '${s}.main,${main}'`);
      try {
        await run(`create table ${s}.days_after as ${readSql(path.join(INCREMENTAL_DIR, `${DAYS_MODEL}.sql`))}`);
      } finally {
        await conn.run(`reset search_path`);
      }
      await conn.run(
        `delete from ${DAYS_MODEL} as d using ${s}.etl_dirty_leases as x where d.num_contrat = x.num_contrat and d.jour >= x.depuis`,
      );
      await run(`insert into ${DAYS_MODEL} select * from ${s}.days_after`);
    }
    reached([DAYS_MODEL]);
    done();

    // ── 3. Lease positions: new dates for every lease, earlier dates for the changed leases ─────
    done = t("positions des baux");
    await run(`create table ${s}.new_dates as select date_arrete from ${DATES_MODEL} except select date_arrete from ${s}.dates_before`);
    await run(`create table ${s}.kept_dates as select date_arrete from ${DATES_MODEL} intersect select date_arrete from ${s}.dates_before`);
    await conn.run(
      `create table ${s}.redo_leases as
       select num_contrat, min(depuis) as depuis from (
         select num_contrat, date '0001-01-01' as depuis from ${s}.changed_leases
         union all
         select num_contrat, depuis from ${s}.etl_dirty_leases
         where depuis <= (select max(date_arrete) from ${s}.kept_dates)
       ) group by num_contrat`,
    );
    await conn.run(
      `delete from ${POSITIONS_MODEL} where date_arrete not in (select date_arrete from ${DATES_MODEL})`,
    );
    if ((await count(`select 1 from ${s}.new_dates`)) > 0) {
      await runPart("pa", { [DATES_MODEL]: `select * from ${DATES_MODEL} where date_arrete in (select date_arrete from ${s}.new_dates)` }, [POSITIONS_MODEL]);
      await run(`insert into ${POSITIONS_MODEL} select * from ${s}.pa.${POSITIONS_MODEL}`);
    }
    if ((await count(`select 1 from ${s}.redo_leases`)) > 0) {
      const since = `(select min(depuis) from ${s}.redo_leases)`;
      await runPart(
        "pb",
        {
          [DATES_MODEL]: `select * from ${DATES_MODEL} where date_arrete in (select date_arrete from ${s}.kept_dates) and date_arrete >= ${since}`,
          leases: `select * from leases where num_contrat in (select num_contrat from ${s}.redo_leases)`,
        },
        [POSITIONS_MODEL],
      );
      await conn.run(
        `delete from ${POSITIONS_MODEL}
         where num_contrat in (select num_contrat from ${s}.redo_leases)
           and date_arrete in (select date_arrete from ${s}.pb.${DATES_MODEL})`,
      );
      await run(`insert into ${POSITIONS_MODEL} select * from ${s}.pb.${POSITIONS_MODEL}`);
    }
    reached([POSITIONS_MODEL]);
    done();

    // ── 4. Everything else, in full, in model order ─────────────────────────────────────────────
    const partly = partlyRefreshedModels();
    for (const model of models) {
      if (partly.has(model.name) || model.name === DATES_MODEL) continue;
      done = t(`modèle ${model.name}`);
      await materialize(conn, model);
      reached([model.name]);
      done();
    }
  } finally {
    await conn.run(`reset search_path`).catch(() => undefined);
    await conn.run(`detach ${s}`).catch(() => undefined);
  }
}
