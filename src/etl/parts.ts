/**
 * Running SQL models on part of their inputs: in a private in-memory schema where tables
 * named like the warehouse's ("shadows") hold the part, and the model's own SQL, unchanged,
 * reads them first (search path). The nightly run (incremental.ts) and the ad-hoc as-of dates
 * (src/warehouse/figures.ts) restrict inputs this way; a full run uses it to keep memory
 * bounded on a large landlord:
 *
 * - per lease: the running totals per lease and day and the lease positions are computed for
 *   a range of leases at a time (each range holds about PART_ROWS ledger rows), which gives
 *   the same rows as one pass; the ranges follow the tables' order, so the result stays
 *   sorted by lease;
 * - per file: the row checks of the ledger and actions (their in-file duplicate check is
 *   within one file) are computed a group of files at a time.
 *
 * One pass over 45 million ledger rows with 1.5 GB of memory spills its hash tables and sorts
 * to disk; parts that fit in memory do not.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, sqlLiteral } from "../warehouse/db.ts";
import { materialize, type Model } from "./models.ts";

/** Ledger rows per part (ETL_PARTIE_LIGNES overrides it, e.g. to test the parts on a small office). */
export function partRows(): number {
  const v = Number(process.env.ETL_PARTIE_LIGNES);
  return Number.isInteger(v) && v > 0 ? v : 6_000_000;
}

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
export async function runInScratch(
  conn: DuckDBConnection,
  schema: string,
  shadows: Record<string, string>,
  models: Model[],
  run: (sql: string) => Promise<void> = (sql) => conn.run(sql).then(() => undefined),
  onModel?: (model: Model, seconds: number) => void,
  options: { views?: boolean } = {},
): Promise<void> {
  const main = await mainSchema(conn);
  await run(`create schema ${SCRATCH}.${schema}`);
  const shadowKind = options.views ? "view" : "table";
  for (const [name, sql] of Object.entries(shadows)) await run(`create ${shadowKind} ${SCRATCH}.${schema}.${name} as ${sql}`);
  await conn.run(`set search_path = '${SCRATCH}.${schema},${main}'`);
  try {
    for (const m of models) {
      const t0 = performance.now();
      await materialize(conn, m, `${SCRATCH}.${schema}`, options.views ? { asView: true } : { asTable: true });
      onModel?.(m, (performance.now() - t0) / 1000);
    }
  } finally {
    await conn.run(`reset search_path`);
  }
}

/**
 * Ranges of lease numbers [from, to) holding about `rows` ledger rows each (counted in
 * `table`, ledger_entries or the row checks before it); one range when all fit.
 */
export async function leaseRanges(
  conn: DuckDBConnection,
  rows = partRows(),
  table = "ledger_entries",
): Promise<Array<[string | null, string | null]>> {
  const [{ n }] = (await queryRows<{ n: number }>(conn, `select cast(count(*) as bigint) as n from ${table}`)) as [{ n: number }];
  if (Number(n) <= rows) return [[null, null]];
  const bounds = (
    await queryRows<{ debut: string }>(
      conn,
      `with per_lease as (
         select num_contrat, count(*) as n from ${table} where num_contrat is not null group by num_contrat
       ),
       cumulated as (
         select num_contrat, sum(n) over (order by num_contrat rows between unbounded preceding and 1 preceding) as avant
         from per_lease
       )
       select min(num_contrat) as debut from cumulated
       group by cast(coalesce(avant, 0) / ${rows} as bigint) order by 1`,
    )
  ).map((r) => r.debut);
  // Leases without any entry sort anywhere: the first range starts at nothing, the last ends at nothing.
  return bounds.map((b, i) => [i === 0 ? null : b, bounds[i + 1] ?? null]);
}

/** SQL condition: `column` within the range. */
export function inRange(column: string, [from, to]: [string | null, string | null]): string {
  const parts = [from !== null ? `${column} >= ${sqlLiteral(from)}` : null, to !== null ? `${column} < ${sqlLiteral(to)}` : null].filter(Boolean);
  return parts.length ? parts.join(" and ") : "true";
}

/** Groups of export files of one kind (names), each holding about `rows` rows; one group when all fit. */
export async function fileGroups(conn: DuckDBConnection, kind: string, rows = partRows()): Promise<string[][]> {
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
