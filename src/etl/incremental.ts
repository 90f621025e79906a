/**
 * The nightly run: recompute only what the new export files change.
 *
 * A night brings one more day of files: a few thousand new ledger entries and actions, a
 * few lease files that start or end a lease. A full run rebuilds every model from every raw
 * row (years of ledger); this one keeps what the previous run computed and recomputes the
 * parts the new rows reach, with the same SQL models, run on restricted inputs in a private
 * schema (as the ad-hoc as-of dates of src/models/adHocAsOf.ts are). What it does with each
 * model is read from the models' headers (nightlyPlan): no model is named here.
 *
 * 1. Keys (`kind = <kind>`, `nightly = keyed by <key>`). For each kind of file: the keys the
 *    new files hold; the rows set aside whose reason may have gone (they name a lease, or a
 *    sector, that exists since tonight; no other reason depends on other rows); the entries
 *    and actions of a lease that changed sector, and the actions of an agent whose role
 *    changed. Those rows, and every older version of their keys already in a mart, go through
 *    staging, checks and deduplication again (older files are read only for keys seen
 *    before); their rows in the keyed tables and among the rows set aside
 *    (`role = rows_set_aside`) are replaced. Sector and agent rows first (all of them: a few
 *    rows), then lease rows, then ledger and actions (their checks read the complete lease list).
 * 2. The as-of dates (`role = as_of_dates`), then each model with a nightly variant
 *    (`nightly = etl/incremental/<file>.sql`: the running totals per lease and day, from each
 *    changed lease's first changed day on, on top of the totals kept before it).
 * 3. Models per as-of date (`nightly = per_as_of_date`, the lease positions): every lease at
 *    the new dates; at earlier dates only the lease numbers whose entries or terms changed there.
 * 4. Everything else (sector running totals, litigation milestones and stages, the review
 *    worklist, the metrics): small tables, rebuilt in full from the models above.
 *
 * It applies only when the previous run built the same models from the same code lists and
 * profile (a fingerprint in etl_state), and no file already loaded changed; otherwise the
 * run rebuilds everything (runEtl.ts). A full run gives the same tables; test/incremental.test.ts
 * compares both on corrections, late lease files, sector and role changes, and older exports.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, sqlLiteral } from "../duckdb/db.ts";
import { NIGHTLY_DIR } from "../models/models.ts";
import { projectPath } from "../paths.ts";
import { KINDS, type Kind } from "./exportSchema.ts";
import { faultPoint } from "./faults.ts";
import { loadModels, macrosSql, materialize, modelWithRole, type Model } from "./models.ts";
import { attachScratch, mainSchema, runInScratch, SCRATCH } from "./parts.ts";
import { codeMappingRows, type Profile } from "./profile.ts";
import { listSeeds } from "./seeds.ts";

/**
 * Bump when the way the warehouse is built changes outside the SQL files.
 * 3: raw_rejects keeps the kept columns' values (valeurs_chargees), never a record's text.
 */
const BUILD_VERSION = "3";

/** The chain of models of one kind of export file, from the models' headers (`kind`, `nightly = keyed by`). */
export interface Chain {
  /** The key column, in the raw file and (trimmed) in the models. */
  key: string;
  /** The models from the raw rows to the mart, in order. */
  models: Model[];
  /** Its row-level models (staging and checks): run in every part, for the rows set aside. */
  rows: Model[];
  /** The rest (deduplication and mart): run in the part of the kind. */
  keys: Model[];
  /** Tables kept in the warehouse, one row per key: refreshed key by key. */
  keyed: Model[];
  /** The mart of the kind. */
  mart: Model;
}

/** What the nightly run needs to know of the models, read from their headers. */
export interface NightlyPlan {
  models: Model[];
  chains: Record<Kind, Chain>;
  /** The mart of rows set aside (role = rows_set_aside) and the views between it and the row checks. */
  setAsideModels: Model[];
  /** The as-of dates (role = as_of_dates). */
  dates: Model;
  /** Models refreshed from a variant of etl/incremental (`nightly = etl/incremental/<file>.sql`). */
  variants: Model[];
  /** Models refreshed at the new as-of dates and for each changed lease (`nightly = per_as_of_date`). */
  perAsOfDate: Model[];
  /** Every model the steps above refresh; the others are rebuilt in full. */
  partly: Set<string>;
}

/** The nightly plan of `models`; fails, naming the file, when a header is missing or contradicts another. */
export function nightlyPlan(models: Model[] = loadModels()): NightlyPlan {
  const byName = new Map(models.map((m) => [m.name, m]));
  const setAside = modelWithRole("rows_set_aside", models);
  const dates = modelWithRole("as_of_dates", models);
  // The views the mart of rows set aside reads, down to the staging models (tables, read whole, stop the walk).
  const setAsideViews = new Set<string>();
  const visit = (m: Model) => {
    for (const d of m.dependsOn.map((n) => byName.get(n)!)) {
      if (d.materialized === "view" && !setAsideViews.has(d.name)) {
        setAsideViews.add(d.name);
        visit(d);
      }
    }
  };
  visit(setAside);
  const chains = {} as Record<Kind, Chain>;
  for (const kind of KINDS) {
    const chain = models.filter((m) => m.kind === kind);
    const keyed = chain.filter((m) => m.nightly.kind === "keyed");
    const marts = chain.filter((m) => m.layer === "marts");
    if (!chain.length || marts.length !== 1 || !keyed.length) {
      throw new Error(
        `The SQL models of kind ${kind} need one mart and a keyed table (\`-- config: kind = ${kind}\`, \`-- config: nightly = keyed by <key>\`).`,
      );
    }
    const keys = new Set(keyed.map((m) => (m.nightly as { key: string }).key));
    if (keys.size !== 1) throw new Error(`The SQL models of kind ${kind} are keyed by several columns: ${[...keys].join(", ")}.`);
    chains[kind] = {
      key: [...keys][0]!,
      models: chain,
      rows: chain.filter((m) => setAsideViews.has(m.name)),
      keys: chain.filter((m) => !setAsideViews.has(m.name)),
      keyed,
      mart: marts[0]!,
    };
  }
  const inChains = new Set(Object.values(chains).flatMap((c) => c.models.map((m) => m.name)));
  const setAsideModels = models.filter((m) => m === setAside || (setAsideViews.has(m.name) && !inChains.has(m.name)));
  const variants = models.filter((m) => m.nightly.kind === "variant");
  const perAsOfDate = models.filter((m) => m.nightly.kind === "per_as_of_date");
  const partly = new Set([
    ...inChains,
    ...setAsideModels.map((m) => m.name),
    dates.name,
    ...variants.map((m) => m.name),
    ...perAsOfDate.map((m) => m.name),
  ]);
  return { models, chains, setAsideModels, dates, variants, perAsOfDate, partly };
}

/** Models this module refreshes in parts; every other model is rebuilt in full. */
export function partlyRefreshedModels(): Set<string> {
  return nightlyPlan().partly;
}

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

/** The work of one nightly run; see the module comment. */
export async function refreshIncrementally(conn: DuckDBConnection, options: IncrementalOptions): Promise<void> {
  const plan = nightlyPlan(options.models ?? loadModels());
  const { models, chains } = plan;
  const dates = plan.dates.name;
  const main = await mainSchema(conn);
  const s = SCRATCH;
  const profile = options.profile ?? false;
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
  const reached = (ms: Model[]) => ms.forEach((m) => faultPoint(`after-model:${m.name}`));
  const count = async (sql: string) => (await queryRows<{ n: number }>(conn, `select cast(count(*) as integer) as n from (${sql})`))[0]!.n;

  /** Run `parts` (in model order) as tables in a fresh private schema whose `shadows` hide the warehouse's. */
  const runPart = (schema: string, shadows: Record<string, string>, parts: Model[]) =>
    runInScratch(conn, {
      schema,
      shadows,
      models: models.filter((m) => parts.includes(m)),
      run,
      onModel: (m, seconds) => {
        if (profile) options.step(`  ${seconds.toFixed(2)} s  ${schema}.${m.name}`);
      },
    });

  try {
    const newNames = (kind: Kind) => options.newFiles.filter((f) => f.kind === kind).map((f) => f.name);
    const emptyRaw = (kind: Kind) => `select * from raw_${kind} where false`;
    const allRowModels = KINDS.flatMap((k) => chains[k].rows);
    const kindsExcept = (kinds: Kind[]) =>
      Object.fromEntries(KINDS.filter((k) => !kinds.includes(k)).map((k) => [`raw_${k}`, emptyRaw(k)]));
    const held = plan.setAsideModels.at(-1)!.name;
    const mart = (kind: Kind) => chains[kind].mart.name;

    /**
     * Rows set aside whose reason may have gone: those that name a lease (or a sector, for
     * a lease) that exists since tonight. Any other reason stays, whatever arrives later. Read
     * from their files by file and line (the Parquet reader skips the other files and row groups).
     */
    const setAsideToCheck = async (kind: Kind, reference: string, added: string) => {
      const where = await queryRows<{ fichier: string; lignes: number[] }>(
        conn,
        `select fichier, list(ligne order by ligne) as lignes from ${held}
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
           and exists (select 1 from ${held} as q
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
      const { key } = chains[kind];
      const fresh = list(newNames(kind));
      await run(`create table ${s}.seen_${kind} as select cle from ${s}.affected_${kind} where cle in (select ${key} from ${mart(kind)})`);
      const parts = [`select * from raw_${kind} where fichier in (${fresh})`, `select * from ${s}.recheck_${kind}`];
      if ((await count(`select 1 from ${s}.seen_${kind}`)) > 0) {
        parts.push(`select * from raw_${kind} where fichier not in (${fresh}) and fr_text(${key}) in (select cle from ${s}.seen_${kind})`);
      }
      // why union: a row to check again may also be a version of a key already seen
      return parts.join("\n union \n");
    };

    /** Replace the rows set aside among the rows a part went through (and the new files' rejects). */
    const mergeSetAside = async (schema: string, kinds: Kind[], withRejects: boolean) => {
      const keys = [
        ...kinds.map((k) => `select '${k}' as type_fichier, fichier, ligne from ${s}.${schema}.raw_${k}`),
        ...(withRejects ? [`select type_fichier, fichier, ligne from ${s}.${schema}.raw_rejects`] : []),
      ].join(" union all ");
      await run(
        `delete from ${held} as q where exists (
           select 1 from (${keys}) as k where k.type_fichier = q.type_fichier and k.fichier = q.fichier and k.ligne = q.ligne)`,
      );
      await run(`insert into ${held} select * from ${s}.${schema}.${held}`);
    };

    /** Replace the rows of the affected keys in a kept table; keeps the rows before in `${s}.before_<table>`. */
    const mergeKeyed = async (schema: string, kind: Kind, table: string) => {
      const { key } = chains[kind];
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

    // ── 1a. Sector and agent rows: a few, all of them ─────────────────────────────────────────
    let done = t("secteurs, agents et baux");
    for (const kind of ["secteurs", "agents"] as const) {
      const { key } = chains[kind];
      await run(
        `create table ${s}.affected_${kind} as
         select ${key} as cle from ${mart(kind)} union select cle from ${held} where type_fichier = '${kind}' union select fr_text(${key}) from raw_${kind}`,
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
      [...allRowModels, ...(["secteurs", "agents"] as const).flatMap((k) => chains[k].keys), ...plan.setAsideModels],
    );
    for (const kind of ["secteurs", "agents"] as const) {
      for (const table of chains[kind].keyed) await mergeKeyed("p0", kind, table.name);
    }
    await mergeSetAside("p0", ["secteurs", "agents"], false);
    // the first keyed table of a kind holds every valid key (its mart may leave some out)
    await run(`create table ${s}.added_secteurs as ${addedKeys(chains.secteurs.keyed[0]!.name, chains.secteurs.key, "p0")}`);
    await run(`create table ${s}.changed_agents as ${changedKeys(mart("agents"), chains.agents.key, "p0")}`);

    // ── 1b. Lease rows: the keys of the new files, and rows naming a sector that exists since tonight ─
    await setAsideToCheck("baux", chains.secteurs.key, `${s}.added_secteurs`);
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
      [...allRowModels, ...chains.baux.keys, ...plan.setAsideModels],
    );
    for (const table of chains.baux.keyed) await mergeKeyed("p1", "baux", table.name);
    await mergeSetAside("p1", ["baux"], true);
    await run(`create table ${s}.changed_contracts as ${changedKeys(mart("baux"), "num_contrat", "p1")}`);
    await run(`create table ${s}.added_contracts as ${addedKeys(chains.baux.keyed[0]!.name, "num_contrat", "p1")}`);
    await run(
      `create table ${s}.moved_contracts as
       select coalesce(b.num_contrat, a.num_contrat) as num_contrat
       from ${s}.before_${mart("baux")} as b full join ${s}.p1.${mart("baux")} as a on a.num_contrat = b.num_contrat
       where a.code_secteur is distinct from b.code_secteur`,
    );
    reached((["secteurs", "agents", "baux"] as const).flatMap((k) => chains[k].models));
    done();

    // ── 1c. Ledger entries and actions (their checks read the complete lease list) ──────────────
    done = t("écritures et actions");
    await setAsideToCheck("ecritures", "num_contrat", `${s}.added_contracts`);
    await setAsideToCheck("actions", "num_contrat", `${s}.added_contracts`);
    await run(
      `create table ${s}.affected_ecritures as
       select fr_text(id_ecriture) as cle from raw_ecritures where fichier in (${list(newNames("ecritures"))}) and fr_text(id_ecriture) is not null
       union select fr_text(id_ecriture) from ${s}.recheck_ecritures where fr_text(id_ecriture) is not null
       union select id_ecriture from ${mart("ecritures")} where num_contrat in (select num_contrat from ${s}.moved_contracts)`,
    );
    await run(
      `create table ${s}.affected_actions as
       select fr_text(id_action) as cle from raw_actions where fichier in (${list(newNames("actions"))}) and fr_text(id_action) is not null
       union select fr_text(id_action) from ${s}.recheck_actions where fr_text(id_action) is not null
       union select id_action from ${mart("actions")} where num_contrat in (select num_contrat from ${s}.moved_contracts)
       union select id_action from ${mart("actions")} where code_agent in (select code_agent from ${s}.changed_agents)`,
    );
    await runPart(
      "p2",
      {
        ...kindsExcept(["ecritures", "actions"]),
        raw_ecritures: await shadowRaw("ecritures"),
        raw_actions: await shadowRaw("actions"),
        raw_rejects: `select * from raw_rejects where false`,
      },
      [...allRowModels, ...(["ecritures", "actions"] as const).flatMap((k) => chains[k].keys), ...plan.setAsideModels],
    );
    for (const kind of ["ecritures", "actions"] as const) {
      for (const table of chains[kind].keyed) await mergeKeyed("p2", kind, table.name);
    }
    await mergeSetAside("p2", ["ecritures", "actions"], false);
    // The (lease, day) of every ledger row removed, added or changed.
    const entries = mart("ecritures");
    await run(
      `create table ${s}.etl_dirty_contracts as
       select num_contrat, min(date_ecriture) as depuis from (
         select num_contrat, date_ecriture from (select * from ${s}.before_${entries} except select * from ${s}.p2.${entries})
         union all
         select num_contrat, date_ecriture from (select * from ${s}.p2.${entries} except select * from ${s}.before_${entries})
       ) group by num_contrat`,
    );
    reached([...(["ecritures", "actions"] as const).flatMap((k) => chains[k].models), ...plan.setAsideModels]);
    done();

    // ── 2. As-of dates, and the models with a nightly variant (running totals per lease and day) ─
    done = t("dates d'arrêté et cumuls par bail");
    await run(`create table ${s}.dates_before as select date_arrete from ${dates}`);
    await materialize(conn, plan.dates);
    reached([plan.dates]);
    for (const model of plan.variants) {
      if (model.nightly.kind !== "variant") continue;
      const { key, from } = model.nightly;
      if ((await count(`select 1 from ${s}.etl_dirty_contracts`)) > 0) {
        await conn.run(`set search_path = '${s}.main,${main}'`);
        try {
          await materialize(conn, model, { schema: `${s}.main`, name: `${model.name}_after`, as: "table", sql: model.nightly.sql });
        } finally {
          await conn.run(`reset search_path`);
        }
        await conn.run(
          `delete from ${model.name} as d using ${s}.etl_dirty_contracts as x where d.${key} = x.num_contrat and d.${from} >= x.depuis`,
        );
        await run(`insert into ${model.name} select * from ${s}.${model.name}_after`);
      }
      reached([model]);
    }
    done();

    // ── 3. Models per as-of date (lease positions): new dates for every lease, earlier dates for each changed lease ─
    done = t("positions des baux");
    await run(`create table ${s}.new_dates as select date_arrete from ${dates} except select date_arrete from ${s}.dates_before`);
    await run(`create table ${s}.kept_dates as select date_arrete from ${dates} intersect select date_arrete from ${s}.dates_before`);
    await conn.run(
      `create table ${s}.redo_contracts as
       select num_contrat, min(depuis) as depuis from (
         select num_contrat, date '0001-01-01' as depuis from ${s}.changed_contracts
         union all
         select num_contrat, depuis from ${s}.etl_dirty_contracts
         where depuis <= (select max(date_arrete) from ${s}.kept_dates)
       ) group by num_contrat`,
    );
    for (const [i, model] of plan.perAsOfDate.entries()) {
      const target = model.name;
      const [pa, pb] = [`pa${i}`, `pb${i}`];
      await conn.run(`delete from ${target} where date_arrete not in (select date_arrete from ${dates})`);
      if ((await count(`select 1 from ${s}.new_dates`)) > 0) {
        await runPart(pa, { [dates]: `select * from ${dates} where date_arrete in (select date_arrete from ${s}.new_dates)` }, [model]);
        await run(`insert into ${target} select * from ${s}.${pa}.${target}`);
      }
      if ((await count(`select 1 from ${s}.redo_contracts`)) > 0) {
        const since = `(select min(depuis) from ${s}.redo_contracts)`;
        await runPart(
          pb,
          {
            [dates]: `select * from ${dates} where date_arrete in (select date_arrete from ${s}.kept_dates) and date_arrete >= ${since}`,
            [mart("baux")]: `select * from ${mart("baux")} where num_contrat in (select num_contrat from ${s}.redo_contracts)`,
          },
          [model],
        );
        await conn.run(
          `delete from ${target}
           where num_contrat in (select num_contrat from ${s}.redo_contracts)
             and date_arrete in (select date_arrete from ${s}.${pb}.${dates})`,
        );
        await run(`insert into ${target} select * from ${s}.${pb}.${target}`);
      }
      reached([model]);
    }
    done();

    // ── 4. Everything else, in full, in model order ─────────────────────────────────────────────
    for (const model of models) {
      if (plan.partly.has(model.name)) continue;
      done = t(`modèle ${model.name}`);
      await materialize(conn, model);
      reached([model]);
      done();
    }
  } finally {
    await conn.run(`reset search_path`).catch(() => undefined);
    await conn.run(`detach ${s}`).catch(() => undefined);
  }
}
