/**
 * Running SQL models on part of their inputs: in a private in-memory schema where tables
 * named like the warehouse's ("shadows") hold the part, and the model's own SQL, unchanged,
 * reads them first (search path). The nightly run (incremental.ts) restricts inputs this way
 * (the ad-hoc as-of dates of src/models/adHocAsOf.ts do the same); a full run uses it to keep
 * memory bounded on a large landlord, as the models' headers say (src/models/models.ts):
 *
 * - `parts = <key>`: the model is computed for a range of keys at a time (each range holds
 *   about ETL_PARTIE_LIGNES rows of `parts_counted_in`), its `parts_inputs` restricted to the
 *   range, which gives the same rows as one pass; the ranges follow the key's order, so the
 *   result stays sorted by it;
 * - `per_file = <kind>`: row checks whose in-file duplicate check is within one file are
 *   computed a group of files at a time.
 *
 * One pass over 45 million ledger rows with 1.5 GB of memory spills its hash tables and sorts
 * to disk; parts that fit in memory do not.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, sqlLiteral } from "../duckdb/db.ts";
import { materialize, type Model } from "./models.ts";

export const SCRATCH = "etl_scratch";

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** The warehouse's main schema, qualified (a search path must name it). */
export async function mainSchema(conn: DuckDBConnection): Promise<string> {
  const [{ db }] = (await queryRows<{ db: string }>(conn, `select current_database() as db`)) as [{ db: string }];
  return `${ident(db)}.main`;
}

/** Attach the in-memory scratch database (once per connection). */
export async function attachScratch(conn: DuckDBConnection): Promise<void> {
  const found = await queryRows(conn, `select 1 from duckdb_databases() where database_name = '${SCRATCH}'`);
  if (!found.length) await conn.run(`attach ':memory:' as ${SCRATCH}`);
}

/**
 * Create `schema` in the scratch database with the `shadows` (name -> select), then run
 * `models` (in the given order) there as tables, reading the shadows first and the
 * warehouse for the rest.
 *
 * With `views`, shadows and models are views instead, and nothing is computed until the
 * caller reads the last model (a view binds names in its own schema first, so it reads the
 * shadows; a shadow's select must then name the warehouse's tables with their schema). A full
 * run reads its parts this way: the rows stream from the raw layer or the warehouse to their
 * destination instead of being held in memory at every step, which past the memory limit
 * spilled them to disk uncompressed.
 */
export interface ScratchOptions {
  /** The private schema's name (in the scratch database). */
  schema: string;
  /** name -> select: what the models read under that name instead of the warehouse's table. */
  shadows: Record<string, string>;
  /** The models to run there, in the given order. */
  models: Model[];
  /** How each statement is run (default conn.run; the nightly run times them). */
  run?: (sql: string) => Promise<void>;
  /** Called after each model with its time. */
  onModel?: (model: Model, seconds: number) => void;
  /** Shadows and models as views, computed when the last is read (default: tables). */
  views?: boolean;
}

export async function runInScratch(conn: DuckDBConnection, options: ScratchOptions): Promise<void> {
  const { schema, shadows, models, onModel } = options;
  const run = options.run ?? ((sql: string) => conn.run(sql).then(() => undefined));
  const main = await mainSchema(conn);
  await run(`create schema ${SCRATCH}.${schema}`);
  const kind = options.views ? "view" : "table";
  for (const [name, sql] of Object.entries(shadows)) await run(`create ${kind} ${SCRATCH}.${schema}.${name} as ${sql}`);
  await conn.run(`set search_path = '${SCRATCH}.${schema},${main}'`);
  try {
    for (const m of models) {
      const t0 = performance.now();
      await materialize(conn, m, { schema: `${SCRATCH}.${schema}`, as: kind });
      onModel?.(m, (performance.now() - t0) / 1000);
    }
  } finally {
    await conn.run(`reset search_path`);
  }
}

export type KeyRange = [string | null, string | null];

/**
 * Ranges of `key` [from, to) holding about `rows` rows of `countedIn` each; one range when
 * all fit.
 */
export async function keyRanges(conn: DuckDBConnection, options: { key: string; countedIn: string; rows: number }): Promise<KeyRange[]> {
  const { key, countedIn, rows } = options;
  const [{ n }] = (await queryRows<{ n: number }>(conn, `select cast(count(*) as bigint) as n from ${countedIn}`)) as [{ n: number }];
  if (Number(n) <= rows) return [[null, null]];
  const bounds = (
    await queryRows<{ debut: string }>(
      conn,
      `with per_key as (
         select ${key} as k, count(*) as n from ${countedIn} where ${key} is not null group by ${key}
       ),
       cumulated as (
         select k, sum(n) over (order by k rows between unbounded preceding and 1 preceding) as avant
         from per_key
       )
       select min(k) as debut from cumulated
       group by cast(coalesce(avant, 0) / ${rows} as bigint) order by 1`,
    )
  ).map((r) => r.debut);
  // Keys without any counted row sort anywhere: the first range starts at nothing, the last ends at nothing.
  return bounds.map((b, i) => [i === 0 ? null : b, bounds[i + 1] ?? null]);
}

/** SQL condition: `column` within the range. */
export function inRange(column: string, [from, to]: KeyRange): string {
  const parts = [from !== null ? `${column} >= ${sqlLiteral(from)}` : null, to !== null ? `${column} < ${sqlLiteral(to)}` : null].filter(
    Boolean,
  );
  return parts.length ? parts.join(" and ") : "true";
}

/** Groups of export files of one kind (names), each holding about `rows` rows; one group when all fit. */
export async function fileGroups(conn: DuckDBConnection, options: { kind: string; rows: number }): Promise<string[][]> {
  const { kind, rows } = options;
  const files = await queryRows<{ fichier: string; n: number }>(
    conn,
    `select fichier, cast(lignes_lues as bigint) as n from etl_files where type_fichier = $k order by date_export, fichier`,
    { k: kind },
  );
  const groups: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const f of files) {
    if (current.length && size + Number(f.n) > rows) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(f.fichier);
    size += Number(f.n);
  }
  if (current.length) groups.push(current);
  return groups;
}
