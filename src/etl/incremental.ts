/**
 * The nightly run: recompute only what the new export files change.
 *
 * A night brings one more day of files: a few thousand new ledger entries and actions, a
 * few lease files that start or end a lease. A full run rebuilds every model from every raw
 * row (years of ledger); this one keeps what the previous run computed and recomputes the
 * parts the new rows reach, with the same SQL models, run on restricted inputs in a private
 * schema (as the ad-hoc as-of dates of src/models/adHocAsOf.ts are). What it does with each
 * model, and which keys each kind of file sends through the models again, is read from the
 * headers of etl/models and etl/incremental (nightlyPlan.ts): no model, rule or kind's column
 * is named here.
 *
 * 1. Rows, one phase after another (refreshRows). The kinds of a phase are those whose rules
 *    read only what earlier phases computed: `secteurs` and `agents`, then `baux`, then
 *    `ecritures` and `actions` (their checks read the complete lease list). For each kind:
 *    a. the rows set aside to check again (checkAgain): those whose reason may have gone,
 *       as its rule's `recheck = <column> in <relation>` says (a lease, or a sector, that
 *       exists since tonight; no other reason depends on other rows);
 *    b. the keys to go through the models again: its rule `etl/incremental/keys_<kind>.sql`
 *       (the new files' keys, the rows checked again, the entries of a lease that moved, …), and
 *       the raw rows of those keys, older versions included (rowsAgain);
 *    c. the kind's models on those rows, in a private schema (runPart);
 *    d. their rows replace those of the same keys in the kept tables (mergeKeyed) and among the
 *       rows set aside (mergeSetAside);
 *    e. tonight's relations the later rules read (computeRelations): `added_<kind>`,
 *       `changed_<kind>`, and the rule files `after = <kind>` (a lease that moved, a lease that changed, …).
 * 2. The as-of dates (`role = calendar`), then each model with a nightly variant
 *    (`nightly = etl/incremental/<file>.sql`: the running totals per lease and day, from each
 *    changed lease's first changed day on, on top of the totals kept before it).
 * 3. Models per as-of date (`nightly = per_as_of_date`, the lease positions): every lease at
 *    the new dates; at earlier dates only each lease the rule `redoes = per_as_of_date` names.
 * 4. Everything else (sector running totals, litigation milestones and stages, the review
 *    worklist, the metrics): small tables, rebuilt in full from the models above.
 *
 * It applies only when the previous run built the same models from the same code lists and
 * profile (a fingerprint in etl_state, which hashes etl/incremental too), and no file already
 * loaded changed; otherwise the run rebuilds everything (runEtl.ts). A full run gives the same
 * tables; test/incremental.test.ts compares both on corrections, late lease files, sector and
 * role changes, and older exports.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, sqlLiteral } from "../duckdb/db.ts";
import { NIGHTLY_DIR } from "../models/models.ts";
import { KINDS, type Kind } from "./exportSchema.ts";
import { faultPoint } from "./faults.ts";
import { loadModels, macrosSql, materialize, type Model } from "./models.ts";
import { nightlyPlan, type KeyRule, type NightlyPlan, type Phase } from "./nightlyPlan.ts";
import { attachScratch, mainSchema, runInScratch, SCRATCH } from "./parts.ts";
import { codeMappingRows, type Profile } from "./profile.ts";
import { listSeeds } from "./seeds.ts";

/**
 * Bump when the way the warehouse is built changes outside the SQL files.
 * 3: raw_rejects keeps the kept columns' values (valeurs_chargees), never a record's text.
 */
const BUILD_VERSION = "3";

/** What the models are built from: their SQL, the macros, the code lists and the profile's code mapping. */
export function buildFingerprint(profile: Profile, models: Model[] = loadModels()): string {
  const hash = crypto.createHash("sha256");
  hash.update(`version ${BUILD_VERSION}\n`);
  for (const m of models) hash.update(`${m.name}\n${m.sql}\n`);
  for (const f of fs.readdirSync(NIGHTLY_DIR).sort()) hash.update(`${f}\n${fs.readFileSync(path.join(NIGHTLY_DIR, f), "utf8")}\n`);
  hash.update(macrosSql());
  // Every seed: the code lists, and the review's rules and labels (a changed delay rebuilds the models).
  for (const seed of listSeeds()) hash.update(`${path.basename(seed.file)}\n${fs.readFileSync(seed.file, "utf8")}\n`);
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
  /** Log every statement with its time (ETL_PROFILE=1, config.ts). */
  profile?: boolean;
  /** The models (default: those of etl/models). */
  models?: Model[];
}

/** A literal list for `in (...)`; empty, a list of one empty string (no file name is empty; `not in (null)` would match nothing). */
const list = (values: string[]) => (values.length ? values.map(sqlLiteral).join(", ") : "''");

/** The work of one nightly run: the steps of the module comment, in order. */
export async function refreshIncrementally(conn: DuckDBConnection, options: IncrementalOptions): Promise<void> {
  const night = await startNight(conn, options);
  try {
    for (const [i, phase] of night.plan.phases.entries()) await refreshRows(night, phase, i);
    await refreshDatesAndVariants(night);
    await refreshPerAsOfDate(night);
    await rebuildTheRest(night);
  } finally {
    await conn.run(`reset search_path`).catch(() => undefined);
    await conn.run(`detach ${SCRATCH}`).catch(() => undefined);
  }
}

/** What every step uses: the plan, the connection and the scratch database, timed statements. */
interface Night {
  conn: DuckDBConnection;
  options: IncrementalOptions;
  plan: NightlyPlan;
  /** The warehouse's main schema, qualified. */
  main: string;
  /** The scratch database's main schema: the rows before, the keys and the relations of tonight. */
  s: string;
  /** The mart of rows set aside. */
  held: string;
  run: (sql: string) => Promise<void>;
  count: (sql: string) => Promise<number>;
  /** Starts a timer; its result logs the step's time. */
  time: (label: string) => () => void;
  /** The models reached, for the fault points of test/reliability. */
  reached: (models: Model[]) => void;
  /** Run `parts` (in model order) as tables in a fresh private schema whose `shadows` hide the warehouse's. */
  runPart: (schema: string, shadows: Record<string, string>, parts: Model[]) => Promise<void>;
}

async function startNight(conn: DuckDBConnection, options: IncrementalOptions): Promise<Night> {
  const plan = nightlyPlan(options.models ?? loadModels());
  const profile = options.profile ?? false;
  const run = async (sql: string) => {
    const t0 = performance.now();
    await conn.run(sql);
    if (profile) options.step(`  ${((performance.now() - t0) / 1000).toFixed(2)} s  ${sql.replace(/\s+/g, " ").slice(0, 110)}`);
  };
  await attachScratch(conn);
  return {
    conn,
    options,
    plan,
    main: await mainSchema(conn),
    s: `${SCRATCH}.main`,
    held: plan.setAsideModels.at(-1)!.name,
    run,
    count: async (sql) => (await queryRows<{ n: number }>(conn, `select cast(count(*) as integer) as n from (${sql})`))[0]!.n,
    time: (label) => {
      const t0 = performance.now();
      return () => {
        const seconds = (performance.now() - t0) / 1000;
        if (seconds >= 0.5 || profile) options.step(`nuit : ${label} : ${seconds.toFixed(2)} s`);
      };
    },
    reached: (ms) => ms.forEach((m) => faultPoint(`after-model:${m.name}`)),
    runPart: (schema, shadows, parts) =>
      runInScratch(conn, {
        schema,
        shadows,
        models: plan.models.filter((m) => parts.includes(m)),
        run,
        onModel: (m, seconds) => {
          if (profile) options.step(`  ${seconds.toFixed(2)} s  ${schema}.${m.name}`);
        },
      }),
  };
}

/** Run a rule file of etl/incremental as table `${s}.<name>`, its `shadows` (name -> select) read first, then tonight's relations. */
async function runRule(night: Night, name: string, sql: string, shadows: Record<string, string>): Promise<void> {
  const { conn, s, main } = night;
  const schema = `rule_${name}`;
  await night.run(`create schema ${SCRATCH}.${schema}`);
  // why views: a shadow is read once, by this rule; its select names the tables it reads with their schema
  for (const [shadow, select] of Object.entries(shadows)) await night.run(`create view ${SCRATCH}.${schema}.${shadow} as ${select}`);
  await conn.run(`set search_path = '${SCRATCH}.${schema},${s},${main}'`);
  try {
    await night.run(`create table ${s}.${name} as ${sql}`);
  } finally {
    await conn.run(`reset search_path`);
  }
}

/**
 * Step 1, for one phase (kinds whose rules read only relations of earlier phases):
 * a. the rows set aside to check again, b. the keys to go through the models again,
 * c. the models on those rows, d. their rows merged into the kept tables, e. tonight's relations.
 */
async function refreshRows(night: Night, phase: Phase, index: number): Promise<void> {
  const { plan, options } = night;
  const { chains } = plan;
  const done = night.time(phase.kinds.join(", "));
  const raw: Record<string, string> = {};
  for (const kind of phase.kinds) {
    const rule = plan.keyRules[kind];
    await checkAgain(night, rule);
    await runRule(night, `affected_${kind}`, rule.sql, keyShadows(night, kind));
    raw[`raw_${kind}`] = rule.rerun === "every_row" ? `select * from raw_${kind}` : await rowsAgain(night, kind);
  }
  // The other kinds' row checks run on no rows; the rows set aside are those of this phase's rows.
  for (const k of KINDS) raw[`raw_${k}`] ??= `select * from raw_${k} where false`;
  // why the first phase: the new files' rejects are set aside once
  const rejects = index === 0 ? `fichier in (${list(options.newFiles.map((f) => f.name))})` : "false";
  const part = `p${index}`;
  await night.runPart(part, { ...raw, raw_rejects: `select * from raw_rejects where ${rejects}` }, [
    ...KINDS.flatMap((k) => chains[k].rows),
    ...phase.kinds.flatMap((k) => chains[k].keys),
    ...plan.setAsideModels,
  ]);
  for (const kind of phase.kinds) {
    for (const table of chains[kind].keyed) await mergeKeyed(night, part, kind, table.name);
  }
  await mergeSetAside(night, part, phase.kinds, index === 0);
  await computeRelations(night, part, phase);
  night.reached(phase.kinds.flatMap((k) => chains[k].models));
  if (index === plan.phases.length - 1) night.reached(plan.setAsideModels);
  done();
}

/** What a rule `keys_of = <kind>` reads (nightlyPlan.ts, KeyRule): views, computed only when the rule reads them. */
function keyShadows(night: Night, kind: Kind): Record<string, string> {
  const { s, main, held, options } = night;
  const { key, mart } = night.plan.chains[kind];
  const raw = `${main}.raw_${kind}`;
  return {
    new_keys: `select cle from (
                 select fr_text(${key}) as cle from ${raw} where fichier in (${list(newNames(options, kind))})
                 union select fr_text(${key}) from ${s}.recheck_${kind}
               ) where cle is not null`,
    kept: `select ${key} as cle, * from ${main}.${mart.name}`,
    set_aside: `select * from ${main}.${held} where type_fichier = '${kind}'`,
    every_row: `select fr_text(${key}) as cle, * from ${raw}`,
  };
}

const newNames = (options: IncrementalOptions, kind: Kind) => options.newFiles.filter((f) => f.kind === kind).map((f) => f.name);

/**
 * Step 1a. `${s}.recheck_<kind>`: the raw rows set aside whose reason may have gone, those the
 * rule's `recheck = <column> in <relation>` names (a lease, or a sector, that exists since
 * tonight); any other reason stays, whatever arrives later. Read from their files by file and
 * line (the Parquet reader skips the other files and row groups).
 */
async function checkAgain(night: Night, rule: KeyRule): Promise<void> {
  const { conn, s, held, run, count } = night;
  const kind = rule.kind;
  const empty = `create table ${s}.recheck_${kind} as select * from raw_${kind} where false`;
  if (!rule.recheck) return run(empty);
  const { column, relation } = rule.recheck;
  const where = await queryRows<{ fichier: string; lignes: number[] }>(
    conn,
    `select fichier, list(ligne order by ligne) as lignes from ${held}
     where type_fichier = '${kind}' and ligne is not null group by fichier`,
  );
  if (!where.length || (await count(`select 1 from ${s}.${relation}`)) === 0) return run(empty);
  const files = list(where.map((w) => w.fichier));
  const lines = [...new Set(where.flatMap((w) => w.lignes))];
  // why the literal lists: they reach the Parquet reader, which then skips files and row groups
  const byLine = lines.length <= 2000 ? `and r.ligne in (${lines.join(", ")})` : "";
  await run(
    `create table ${s}.recheck_${kind} as
     select r.* from raw_${kind} as r
     where r.fichier in (${files}) ${byLine}
       and exists (select 1 from ${held} as q
                   where q.type_fichier = '${kind}' and q.fichier = r.fichier and q.ligne = r.ligne)
       and fr_text(r.${column}) in (select cle from ${s}.${relation})`,
  );
}

/**
 * Step 1b. The raw rows to go through the models again for `kind`: those of the new files, the
 * rows to check again, and every version of the affected keys already in the mart (only they
 * have versions that count in older files; reading those is the costly part, skipped when no
 * such key).
 */
async function rowsAgain(night: Night, kind: Kind): Promise<string> {
  const { s, run, count } = night;
  const { key, mart } = night.plan.chains[kind];
  const fresh = list(newNames(night.options, kind));
  await run(`create table ${s}.seen_${kind} as select cle from ${s}.affected_${kind} where cle in (select ${key} from ${mart.name})`);
  const parts = [`select * from raw_${kind} where fichier in (${fresh})`, `select * from ${s}.recheck_${kind}`];
  if ((await count(`select 1 from ${s}.seen_${kind}`)) > 0) {
    parts.push(`select * from raw_${kind} where fichier not in (${fresh}) and fr_text(${key}) in (select cle from ${s}.seen_${kind})`);
  }
  // why union: a row to check again may also be a version of a key already seen
  return parts.join("\n union \n");
}

/** Step 1d. Replace the rows of the affected keys in a kept table; keeps the rows before in `${s}.before_<table>`. */
async function mergeKeyed(night: Night, part: string, kind: Kind, table: string): Promise<void> {
  const { s, run } = night;
  const { key } = night.plan.chains[kind];
  await run(`create table ${s}.before_${table} as select * from ${table} where ${key} in (select cle from ${s}.affected_${kind})`);
  await run(`delete from ${table} where ${key} in (select cle from ${s}.affected_${kind})`);
  await run(`insert into ${table} select * from ${SCRATCH}.${part}.${table}`);
}

/** Step 1d. Replace the rows set aside among the rows a part went through (and the new files' rejects). */
async function mergeSetAside(night: Night, part: string, kinds: Kind[], withRejects: boolean): Promise<void> {
  const { held, run } = night;
  const keys = [
    ...kinds.map((k) => `select '${k}' as type_fichier, fichier, ligne from ${SCRATCH}.${part}.raw_${k}`),
    ...(withRejects ? [`select type_fichier, fichier, ligne from ${SCRATCH}.${part}.raw_rejects`] : []),
  ].join(" union all ");
  await run(
    `delete from ${held} as q where exists (
       select 1 from (${keys}) as k where k.type_fichier = q.type_fichier and k.fichier = q.fichier and k.ligne = q.ligne)`,
  );
  await run(`insert into ${held} select * from ${SCRATCH}.${part}.${held}`);
}

/**
 * Step 1e. Tonight's relations once the phase's rows are merged: `added_<kind>` (keys in its first
 * keyed table now and not before: that table holds every valid key, its mart may leave some
 * out) and `changed_<kind>` (keys whose mart row was added, removed or changed), each a column
 * `cle`, when a rule reads them; then the rule files `after = <kind>`, which read each kept
 * table of the kind as `<table>_before` and `<table>_after` (the affected keys' rows).
 */
async function computeRelations(night: Night, part: string, phase: Phase): Promise<void> {
  const { s, run, plan } = night;
  const after = (table: string) => `${SCRATCH}.${part}.${table}`;
  for (const { name, kind, what } of phase.generic) {
    const { key, keyed, mart } = plan.chains[kind];
    const table = what === "added" ? keyed[0]!.name : mart.name;
    await run(
      what === "added"
        ? `create table ${s}.${name} as select ${key} as cle from ${after(table)} where ${key} not in (select ${key} from ${s}.before_${table})`
        : `create table ${s}.${name} as
           select ${key} as cle from (select * from ${s}.before_${table} except select * from ${after(table)})
           union
           select ${key} from (select * from ${after(table)} except select * from ${s}.before_${table})`,
    );
  }
  for (const relation of phase.relations) {
    const shadows: Record<string, string> = {};
    for (const table of plan.chains[relation.after].keyed) {
      shadows[`${table.name}_before`] = `select * from ${s}.before_${table.name}`;
      shadows[`${table.name}_after`] = `select * from ${after(table.name)}`;
    }
    await runRule(night, relation.name, relation.sql, shadows);
  }
}

/**
 * Step 2. The as-of dates, then each model with a nightly variant: its kept rows of each key of
 * the relation it reads from that key's `depuis` on are replaced by the variant's rows.
 */
async function refreshDatesAndVariants(night: Night): Promise<void> {
  const { conn, plan, s, main, run, count } = night;
  const done = night.time("dates d'arrêté et cumuls par bail");
  await run(`create table ${s}.dates_before as select date_arrete from ${plan.dates.name}`);
  await materialize(conn, plan.dates);
  night.reached([plan.dates]);
  for (const model of plan.variants) {
    if (model.nightly.kind !== "variant") continue;
    const { key, from } = model.nightly;
    const keys = plan.variantKeys.get(model.name)!.name;
    if ((await count(`select 1 from ${s}.${keys}`)) > 0) {
      await conn.run(`set search_path = '${s},${main}'`);
      try {
        await materialize(conn, model, { schema: s, name: `${model.name}_after`, as: "table", sql: model.nightly.sql });
      } finally {
        await conn.run(`reset search_path`);
      }
      await conn.run(`delete from ${model.name} as d using ${s}.${keys} as x where d.${key} = x.${key} and d.${from} >= x.depuis`);
      await run(`insert into ${model.name} select * from ${s}.${model.name}_after`);
    }
    night.reached([model]);
  }
  done();
}

/**
 * Step 3. Models per as-of date (lease positions): every key at the new dates; at the dates kept,
 * the keys of the relation `redoes = per_as_of_date` from their `depuis` on, their inputs
 * (`parts_inputs`) restricted to those keys as a run in parts restricts them to a range.
 */
async function refreshPerAsOfDate(night: Night): Promise<void> {
  const { conn, plan, s, run, count } = night;
  if (!plan.perAsOfDate.length) return;
  const done = night.time("positions des baux");
  const dates = plan.dates.name;
  await run(`create table ${s}.new_dates as select date_arrete from ${dates} except select date_arrete from ${s}.dates_before`);
  await run(`create table ${s}.kept_dates as select date_arrete from ${dates} intersect select date_arrete from ${s}.dates_before`);
  // why: a key whose first change is after the last date kept has nothing to redo at the dates kept
  await run(
    `create table ${s}.redo_keys as select * from ${s}.${plan.perAsOfDateRedo!.name}
     where depuis <= (select max(date_arrete) from ${s}.kept_dates)`,
  );
  for (const [i, model] of plan.perAsOfDate.entries()) {
    const target = model.name;
    const { key, inputs } = model.parts!;
    const [pa, pb] = [`pa${i}`, `pb${i}`];
    await conn.run(`delete from ${target} where date_arrete not in (select date_arrete from ${dates})`);
    if ((await count(`select 1 from ${s}.new_dates`)) > 0) {
      await night.runPart(pa, { [dates]: `select * from ${dates} where date_arrete in (select date_arrete from ${s}.new_dates)` }, [model]);
      await run(`insert into ${target} select * from ${SCRATCH}.${pa}.${target}`);
    }
    if ((await count(`select 1 from ${s}.redo_keys`)) > 0) {
      const since = `(select min(depuis) from ${s}.redo_keys)`;
      const restricted = Object.fromEntries(
        inputs.map((input) => [input, `select * from ${input} where ${key} in (select ${key} from ${s}.redo_keys)`]),
      );
      await night.runPart(
        pb,
        {
          [dates]: `select * from ${dates} where date_arrete in (select date_arrete from ${s}.kept_dates) and date_arrete >= ${since}`,
          ...restricted,
        },
        [model],
      );
      await conn.run(
        `delete from ${target}
         where ${key} in (select ${key} from ${s}.redo_keys)
           and date_arrete in (select date_arrete from ${SCRATCH}.${pb}.${dates})`,
      );
      await run(`insert into ${target} select * from ${SCRATCH}.${pb}.${target}`);
    }
    night.reached([model]);
  }
  done();
}

/** Step 4. Everything else, in full, in model order. */
async function rebuildTheRest(night: Night): Promise<void> {
  for (const model of night.plan.models) {
    if (night.plan.partly.has(model.name)) continue;
    const done = night.time(`modèle ${model.name}`);
    await materialize(night.conn, model);
    night.reached([model]);
    done();
  }
}
