/**
 * The SQL models of etl/models: discovery, dependency order and materialisation.
 * A model is one .sql file whose name is its table's name; it depends on every
 * other model whose name it mentions. Layers run in order (staging, intermediate,
 * marts, metrics); within them, dependencies decide.
 *
 * A model is a table unless a line of its file says `-- config: materialized = view`:
 * then it is a view, computed again by each model that reads it and never stored. The
 * row-level layers over the raw files (staging, checks, deduplication) are views: each
 * is read once or twice per run, and storing them would write every ledger row three
 * more times (the cost of a run, and most of the warehouse's size).
 */
import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { projectPath } from "../paths.ts";
import { LEASE_NUMBER } from "./exportSchema.ts";

export const LAYERS = ["staging", "intermediate", "marts", "metrics"] as const;

/** The model that holds the as-of dates: what depends on it is recomputed for an ad-hoc date. */
export const AS_OF_DATES_MODEL = "int_as_of_dates";

export interface Model {
  name: string;
  layer: (typeof LAYERS)[number];
  file: string;
  sql: string;
  dependsOn: string[];
  materialized: "table" | "view";
  /**
   * `-- config: as_of = latest`: the model is computed at the latest as-of date only (the
   * monthly review's worklist); the review replay recomputes it at an earlier month end.
   * Default "all": a row per as-of date, or no as-of date at all.
   */
  asOf: "latest" | "all";
}

const MATERIALIZED = /^--\s*config:\s*materialized\s*=\s*(table|view)\s*$/m;
const AS_OF = /^--\s*config:\s*as_of\s*=\s*(latest|all)\s*$/m;

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, "").replace(/'(?:[^']|'')*'/g, "''");
}

/**
 * The macros built from TypeScript constants, so that a rule the API also applies is
 * written once: `lease_number_ok(s)` and `lease_number_description()`, the lease-number
 * rule of src/etl/exportSchema.ts.
 */
export function generatedMacrosSql(): string {
  // Constants of this code base, never data: safe to inline as literals.
  const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
  return [
    `create or replace macro lease_number_ok(s) as regexp_full_match(s, ${literal(LEASE_NUMBER.pattern)})`,
    `create or replace macro lease_number_description() as ${literal(LEASE_NUMBER.description)}`,
  ].join(";\n");
}

/** Everything createMacros runs, in order (also what the models' fingerprint hashes). */
export function macrosSql(): string {
  return `${readSql(projectPath("etl", "macros.sql"))};\n${generatedMacrosSql()}`;
}

/** The SQL macros of etl/macros.sql (French dates, amounts, codes) and the generated ones, in the current schema. */
export async function createMacros(conn: DuckDBConnection): Promise<void> {
  for (const statement of macrosSql().split(/;\s*\n/)) {
    const sql = statement.replace(/--[^\n]*\n/g, "\n").trim();
    if (sql) await conn.run(sql);
  }
}

export function readSql(file: string): string {
  return fs.readFileSync(file, "utf8").trim().replace(/;\s*$/, "");
}

let cache: Model[] | null = null;

/** All models in an order where each comes after the models it depends on. */
export function loadModels(root = projectPath("etl", "models")): Model[] {
  if (cache && root === projectPath("etl", "models")) return cache;
  const found: Model[] = [];
  for (const layer of LAYERS) {
    const dir = path.join(root, layer);
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".sql")).sort()) {
      const file = path.join(dir, f);
      const sql = readSql(file);
      const materialized = (MATERIALIZED.exec(sql)?.[1] ?? "table") as Model["materialized"];
      const asOf = (AS_OF.exec(sql)?.[1] ?? "all") as Model["asOf"];
      found.push({ name: f.slice(0, -4), layer, file, sql, dependsOn: [], materialized, asOf });
    }
  }
  const names = found.map((m) => m.name);
  for (const m of found) {
    const body = stripComments(m.sql);
    m.dependsOn = names.filter((n) => n !== m.name && new RegExp(`\\b${n}\\b`).test(body));
  }
  const byName = new Map(found.map((m) => [m.name, m]));
  const ordered: Model[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (m: Model, trail: string[]) => {
    if (state.get(m.name) === "done") return;
    if (state.get(m.name) === "visiting") throw new Error(`Cycle in SQL models: ${[...trail, m.name].join(" -> ")}`);
    state.set(m.name, "visiting");
    for (const d of m.dependsOn) visit(byName.get(d)!, [...trail, m.name]);
    state.set(m.name, "done");
    ordered.push(m);
  };
  for (const m of found) visit(m, []);
  if (root === projectPath("etl", "models")) cache = ordered;
  return ordered;
}

/** The models that must be recomputed, in order, to get `target` for other as-of dates. */
export function asOfChain(target: string, models = loadModels()): Model[] {
  const byName = new Map(models.map((m) => [m.name, m]));
  const dependsOnDates = new Map<string, boolean>();
  const needsDates = (name: string): boolean => {
    if (name === AS_OF_DATES_MODEL) return true;
    if (dependsOnDates.has(name)) return dependsOnDates.get(name)!;
    const r = byName.get(name)!.dependsOn.some(needsDates);
    dependsOnDates.set(name, r);
    return r;
  };
  const wanted = new Set<string>();
  const collect = (name: string) => {
    if (name === AS_OF_DATES_MODEL || wanted.has(name) || !needsDates(name)) return;
    wanted.add(name);
    byName.get(name)!.dependsOn.forEach(collect);
  };
  collect(target);
  return models.filter((m) => wanted.has(m.name));
}

/**
 * Create the model's table (or view) in `schema` (default: the current one). `asTable`
 * forces a table, as in the private schemas where a run recomputes part of a model.
 */
export async function materialize(
  conn: DuckDBConnection,
  model: Model,
  schema?: string,
  options: { asTable?: boolean; asView?: boolean } = {},
): Promise<void> {
  const target = schema ? `${schema}.${model.name}` : model.name;
  const kind = options.asTable ? "table" : options.asView ? "view" : model.materialized;
  try {
    if (!schema) {
      // A warehouse made by an older version may hold the other kind of object under this name.
      const [found] = (
        await conn.runAndReadAll(
          `select table_type from information_schema.tables
           where table_name = $n and table_schema = 'main' and table_catalog = current_database()`,
          { n: model.name },
        )
      ).getRowObjectsJson() as Array<{ table_type: string }>;
      if (found && (found.table_type === "VIEW") !== (kind === "view")) {
        await conn.run(`drop ${found.table_type === "VIEW" ? "view" : "table"} ${model.name}`);
      }
    }
    await conn.run(`create or replace ${kind} ${target} as\n${model.sql}`);
  } catch (e) {
    throw new Error(`SQL model ${path.relative(projectPath(), model.file)} failed: ${(e as Error).message}`);
  }
}
