/**
 * The SQL models of etl/models: discovery, their header, dependency order and
 * materialisation. Shared by the ETL (which builds the warehouse) and the reader (which
 * runs the date-dependent models for an ad-hoc as-of date, adHocAsOf.ts): neither imports
 * the other.
 *
 * A model is one .sql file whose name is its table's name; it depends on every other model
 * whose name it mentions. Layers run in order (staging, intermediate, marts, metrics); within
 * them, dependencies decide. Everything a runner needs to know about a model is said in its
 * header, by `-- config: key = value` lines among the comment lines that open the file
 * (CONFIG_KEYS lists the keys); no TypeScript names a model.
 */
import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { projectPath } from "../paths.ts";

export const LAYERS = ["staging", "intermediate", "marts", "metrics"] as const;

/** The folder of the models, and of their nightly variants. */
export const MODELS_DIR = projectPath("etl", "models");
export const NIGHTLY_DIR = projectPath("etl", "incremental");

/**
 * The DuckDB variable an ad-hoc as-of date is passed in: the model with `role = calendar`
 * adds that date to its rows when it is set (adHocAsOf.ts); a run never sets it.
 */
export const AD_HOC_DATE_VARIABLE = "date_arrete_ad_hoc";

/** What the nightly run does with a model (src/etl/incremental.ts). */
export type Nightly =
  /** rebuilt in full from the tables above it */
  | { kind: "full" }
  /** kept, and its rows of the keys the new files touch replaced (`key`: the key column) */
  | { kind: "keyed"; key: string }
  /** at the new as-of dates for every lease, at earlier dates for the leases that changed */
  | { kind: "per_as_of_date" }
  /**
   * a variant computed by a model of etl/incremental (`file`: its path), whose header says which
   * kept rows it replaces (`-- config: replaces = <key>, <from>`: those of each changed key from
   * its first changed `<from>` on)
   */
  | { kind: "variant"; file: string; sql: string; key: string; from: string };

/** Computed a range of keys at a time on a large landlord (src/etl/parts.ts). */
export interface Parts {
  /** The key column whose ranges split the work (e.g. num_contrat). */
  key: string;
  /** The inputs restricted to one range (the model reads the rest whole). */
  inputs: string[];
  /** The table whose rows per key are counted to draw the ranges. */
  countedIn: string;
}

/** What a model may hold that a runner looks it up by (`role = …` in its header). */
const ROLES = ["calendar", "rows_set_aside"] as const;
type Role = (typeof ROLES)[number];

export interface Model {
  name: string;
  layer: (typeof LAYERS)[number];
  file: string;
  sql: string;
  dependsOn: string[];
  /** `materialized = table | view` (default table): a view is computed again by each model that reads it. */
  materialized: "table" | "view";
  /** `as_of = latest | all` (default all): computed at the latest as-of date only, or at every one. */
  asOf: "latest" | "all";
  /** `parts`, `parts_inputs`, `parts_counted_in`: computed in parts by key ranges; null: in one pass. */
  parts: Parts | null;
  /** `sorted_by = col, …`: the order its SQL stores its rows in (a model in parts appends its parts in that order: its key comes first). */
  sortedBy: string[];
  /** `per_file = <kind>`: row checks computed a group of export files of that kind at a time. */
  perFile: string | null;
  /** `kind = <kind>`: carries the rows, then the keys, of one kind of export file (its chain, incremental.ts). */
  kind: string | null;
  /** `nightly = full | keyed by <column> | per_as_of_date | etl/incremental/<file>.sql` (default full). */
  nightly: Nightly;
  /** `role = calendar | rows_set_aside`: the one model the runners look for by what it holds (the as-of dates; the rows set aside with their reason). */
  role: Role | null;
  /** `partition_year_of = <date column>`: its Parquet export is partitioned by that column's year. */
  partitionYearOf: string | null;
}

/** A model file whose header the runner cannot read. */
export class ModelConfigError extends Error {
  override name = "ModelConfigError";
  constructor(file: string, message: string) {
    super(`${path.relative(projectPath(), file)} : ${message}`);
  }
}

const CONFIG_KEYS = [
  "materialized",
  "as_of",
  "parts",
  "parts_inputs",
  "parts_counted_in",
  "sorted_by",
  "per_file",
  "kind",
  "nightly",
  "role",
  "partition_year_of",
] as const;
type ConfigKey = (typeof CONFIG_KEYS)[number];

const CONFIG_LINE = /^--\s*config\s*:(.*)$/;
const KEY_VALUE = /^\s*([a-z_]+)\s*=\s*(\S(?:.*\S)?)\s*$/;
const IDENT = /^[a-z_][a-z0-9_]*$/;

/** The keys of a nightly variant's header (etl/incremental). */
const VARIANT_KEYS = ["replaces"] as const;

/** The `-- config:` lines of the comment block that opens `sql`, as key -> value. */
export function readHeader<K extends string = ConfigKey>(
  file: string,
  sql: string,
  keys: readonly K[] = CONFIG_KEYS as unknown as readonly K[],
): Map<K, string> {
  const found = new Map<K, string>();
  let inHeader = true;
  for (const line of sql.split("\n")) {
    const trimmed = line.trim();
    if (trimmed && !trimmed.startsWith("--")) inHeader = false;
    const config = CONFIG_LINE.exec(trimmed);
    if (!config) continue;
    // why: a config line lower down would be silently ignored
    if (!inHeader)
      throw new ModelConfigError(file, `« ${trimmed} » doit être dans l'en-tête, parmi les lignes de commentaire qui ouvrent le fichier.`);
    const kv = KEY_VALUE.exec(config[1]!);
    if (!kv) throw new ModelConfigError(file, `ligne d'en-tête « ${trimmed} » illisible : attendu « -- config: clé = valeur ».`);
    const [, key, value] = kv as unknown as [string, string, string];
    if (!(keys as readonly string[]).includes(key)) {
      throw new ModelConfigError(file, `clé d'en-tête « ${key} » inconnue. Clés connues : ${keys.join(", ")}.`);
    }
    if (found.has(key as K)) throw new ModelConfigError(file, `clé d'en-tête « ${key} » donnée deux fois.`);
    found.set(key as K, value);
  }
  return found;
}

const list = (value: string) =>
  value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** The model's header, checked, as the fields of Model (everything but its dependencies). */
export function parseConfig(
  file: string,
  sql: string,
  nightlyDir = NIGHTLY_DIR,
): Omit<Model, "name" | "layer" | "file" | "sql" | "dependsOn"> {
  const h = readHeader(file, sql);
  const oneOf = <T extends string>(key: ConfigKey, allowed: readonly T[], fallback: T): T => {
    const v = h.get(key);
    if (v === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(v)) {
      throw new ModelConfigError(file, `valeur « ${v} » invalide pour « ${key} » : attendu ${allowed.join(" ou ")}.`);
    }
    return v as T;
  };
  const identifiers = (key: ConfigKey): string[] => {
    const v = h.get(key);
    if (v === undefined) return [];
    const names = list(v);
    const bad = names.find((n) => !IDENT.test(n));
    if (bad !== undefined || !names.length)
      throw new ModelConfigError(
        file,
        `valeur « ${v} » invalide pour « ${key} » : attendu des noms de colonnes ou de tables séparés par des virgules.`,
      );
    return names;
  };
  const identifier = (key: ConfigKey): string | null => {
    const names = identifiers(key);
    if (names.length > 1) throw new ModelConfigError(file, `« ${key} » attend un seul nom, pas ${names.join(", ")}.`);
    return names[0] ?? null;
  };

  const partKey = identifier("parts");
  const partInputs = identifiers("parts_inputs");
  const countedIn = identifier("parts_counted_in");
  if (partKey === null && (partInputs.length || countedIn)) {
    throw new ModelConfigError(file, `« parts_inputs » et « parts_counted_in » ne vont qu'avec « parts = <colonne> ».`);
  }
  if (partKey !== null && (!partInputs.length || !countedIn)) {
    throw new ModelConfigError(
      file,
      `« parts = ${partKey} » demande aussi « parts_inputs » (les entrées restreintes) et « parts_counted_in » (la table comptée).`,
    );
  }
  const sortedBy = identifiers("sorted_by");
  // why: the parts are appended in key order, which keeps the rows' order only when the key leads it
  if (partKey !== null && sortedBy.length && sortedBy[0] !== partKey) {
    throw new ModelConfigError(
      file,
      `un modèle calculé par parties de « ${partKey} » doit être trié d'abord par « ${partKey} » (« sorted_by »).`,
    );
  }

  let nightly: Nightly = { kind: "full" };
  const n = h.get("nightly");
  if (n !== undefined) {
    const keyed = /^keyed by ([a-z_][a-z0-9_]*)$/.exec(n);
    if (n === "full") nightly = { kind: "full" };
    else if (n === "per_as_of_date") nightly = { kind: "per_as_of_date" };
    else if (keyed) nightly = { kind: "keyed", key: keyed[1]! };
    else if (/^etl\/incremental\/[a-z0-9_]+\.sql$/.test(n)) {
      const variant = path.join(nightlyDir, path.basename(n));
      if (!fs.existsSync(variant)) throw new ModelConfigError(file, `variante de nuit ${n} introuvable.`);
      const sql = readSql(variant);
      const replaces = list(readHeader(variant, sql, VARIANT_KEYS).get("replaces") ?? "");
      if (replaces.length !== 2 || !replaces.every((c) => IDENT.test(c))) {
        throw new ModelConfigError(
          variant,
          `l'en-tête doit dire « -- config: replaces = <clé>, <colonne de début> » (les lignes gardées qu'elle remplace).`,
        );
      }
      nightly = { kind: "variant", file: variant, sql, key: replaces[0]!, from: replaces[1]! };
    } else {
      throw new ModelConfigError(
        file,
        `valeur « ${n} » invalide pour « nightly » : attendu full, keyed by <colonne>, per_as_of_date ou etl/incremental/<fichier>.sql.`,
      );
    }
  }

  return {
    materialized: oneOf("materialized", ["table", "view"] as const, "table"),
    asOf: oneOf("as_of", ["latest", "all"] as const, "all"),
    parts: partKey === null ? null : { key: partKey, inputs: partInputs, countedIn: countedIn! },
    sortedBy,
    perFile: identifier("per_file"),
    kind: identifier("kind"),
    nightly,
    role: h.has("role") ? oneOf("role", ROLES, "calendar") : null,
    partitionYearOf: identifier("partition_year_of"),
  };
}

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, "").replace(/'(?:[^']|'')*'/g, "''");
}

/** Whether `sql` names the relation `name` outside its comments and strings: how a model's dependencies are found. */
export function mentions(sql: string, name: string): boolean {
  return new RegExp(`\\b${name}\\b`).test(stripComments(sql));
}

export function readSql(file: string): string {
  return fs.readFileSync(file, "utf8").trim().replace(/;\s*$/, "");
}

const cache = new Map<string, Model[]>();

/** All models under `root` in an order where each comes after the models it depends on. */
export function loadModels(root = MODELS_DIR, options: { nightlyDir?: string } = {}): Model[] {
  const cached = cache.get(root);
  if (cached && root === MODELS_DIR) return cached;
  const found: Model[] = [];
  for (const layer of LAYERS) {
    const dir = path.join(root, layer);
    if (!fs.existsSync(dir)) continue;
    for (const f of fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".sql"))
      .sort()) {
      const file = path.join(dir, f);
      const sql = readSql(file);
      found.push({ name: f.slice(0, -4), layer, file, sql, dependsOn: [], ...parseConfig(file, sql, options.nightlyDir) });
    }
  }
  const names = found.map((m) => m.name);
  for (const m of found) {
    m.dependsOn = names.filter((n) => n !== m.name && mentions(m.sql, n));
  }
  const byName = new Map(found.map((m) => [m.name, m]));
  for (const m of found) {
    for (const t of [...(m.parts?.inputs ?? []), ...(m.parts ? [m.parts.countedIn] : [])]) {
      if (!byName.has(t)) throw new ModelConfigError(m.file, `« ${t} », nommé dans l'en-tête, n'est pas un modèle.`);
    }
  }
  for (const role of ROLES) {
    const holders = found.filter((m) => m.role === role);
    if (holders.length > 1) throw new ModelConfigError(holders[1]!.file, `« role = ${role} » est déjà celui de ${holders[0]!.name}.`);
  }
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
  if (root === MODELS_DIR) cache.set(root, ordered);
  return ordered;
}

/** The model that holds a role (`role = …` in its header); fails when none does. */
export function modelWithRole(role: NonNullable<Model["role"]>, models = loadModels()): Model {
  const m = models.find((m) => m.role === role);
  if (!m) throw new Error(`No SQL model says \`-- config: role = ${role}\` in its header.`);
  return m;
}

/**
 * The models that must be recomputed, in order, to get `target` for another as-of date: the
 * as-of dates model (role = calendar) and every model between it and `target`.
 */
export function asOfChain(target: string, models = loadModels()): Model[] {
  const dates = modelWithRole("calendar", models).name;
  const byName = new Map(models.map((m) => [m.name, m]));
  if (!byName.has(target)) throw new Error(`No SQL model named ${target}.`);
  const dependsOnDates = new Map<string, boolean>();
  const needsDates = (name: string): boolean => {
    if (name === dates) return true;
    if (dependsOnDates.has(name)) return dependsOnDates.get(name)!;
    const r = byName.get(name)!.dependsOn.some(needsDates);
    dependsOnDates.set(name, r);
    return r;
  };
  const wanted = new Set<string>();
  const collect = (name: string) => {
    if (wanted.has(name) || !needsDates(name)) return;
    wanted.add(name);
    byName.get(name)!.dependsOn.forEach(collect);
  };
  collect(target);
  return models.filter((m) => wanted.has(m.name));
}

export interface MaterializeOptions {
  /** Where to create it (default: the current schema, where an older kind of object is replaced). */
  schema?: string;
  /** The kind of object (default: the model's `materialized`), e.g. a table in the private schemas where a run recomputes part of a model. */
  as?: "table" | "view";
  /** The SQL to materialise under the model's name (default: the model's own; a nightly variant's). */
  sql?: string;
  /** The name to create (default: the model's). */
  name?: string;
}

/** Create the model's table (or view). */
export async function materialize(conn: DuckDBConnection, model: Model, options: MaterializeOptions = {}): Promise<void> {
  const { schema } = options;
  const name = options.name ?? model.name;
  const target = schema ? `${schema}.${name}` : name;
  const kind = options.as ?? model.materialized;
  try {
    if (!schema) {
      // A warehouse made by an older version may hold the other kind of object under this name.
      const [found] = (
        await conn.runAndReadAll(
          `select table_type from information_schema.tables
           where table_name = $n and table_schema = 'main' and table_catalog = current_database()`,
          { n: name },
        )
      ).getRowObjectsJson() as Array<{ table_type: string }>;
      if (found && (found.table_type === "VIEW") !== (kind === "view")) {
        await conn.run(`drop ${found.table_type === "VIEW" ? "view" : "table"} ${name}`);
      }
    }
    await conn.run(`create or replace ${kind} ${target} as\n${options.sql ?? model.sql}`);
  } catch (e) {
    const file = options.sql !== undefined && model.nightly.kind === "variant" ? model.nightly.file : model.file;
    throw new Error(`SQL model ${path.relative(projectPath(), file)} failed: ${(e as Error).message}`);
  }
}
