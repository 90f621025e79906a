/**
 * What the nightly run (incremental.ts) knows of the models and of its own rules, read from
 * their headers: no model, kind's column or rule is named in TypeScript.
 *
 * - The models' headers (src/models/models.ts) give each kind's chain (`kind = <kind>`), its
 *   kept tables (`nightly = keyed by <key>`), the rows set aside (`role = rows_set_aside`), the
 *   as-of dates (`role = calendar`), the variants and the models per as-of date.
 * - The rules of etl/incremental say which keys go through the models again tonight, one file
 *   per kind (`keys_of = <kind>`), and which relations the rules and the later steps read once a
 *   kind's rows are refreshed (`after = <kind>`): see etl/README.md, "Nightly increment".
 *
 * The kinds' order follows from what their rules read: a kind goes after the kinds whose
 * relations (`added_<kind>`, `changed_<kind>`, or a rule file `after = <kind>`) its rule reads.
 */
import fs from "node:fs";
import path from "node:path";
import { mentions, ModelConfigError, NIGHTLY_DIR, readHeader } from "../models/models.ts";
import { KINDS, type Kind } from "./exportSchema.ts";
import { loadModels, modelWithRole, readSql, type Model } from "./models.ts";

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

/**
 * `etl/incremental/keys_<kind>.sql` (`keys_of = <kind>, …`): the keys (column `cle`) of a kind that
 * go through its models again tonight. It reads, bound for its kind: `new_keys` (the keys of
 * tonight's files and of the rows checked again), `kept` (the kind's mart, its key as `cle`),
 * `set_aside` (its rows set aside), `every_row` (every raw row, its key as `cle`), the warehouse,
 * and tonight's relations.
 */
export interface KeyRule {
  kind: Kind;
  file: string;
  sql: string;
  /** `rerun = every_row`: every raw row of the kind goes through again (a few rows); otherwise the rows of the keys (`keys`). */
  rerun: "keys" | "every_row";
  /** `recheck = <column> in <relation>`: the rows set aside whose column is among the relation's keys (`cle`) are read again (`rows_to_check`). */
  recheck: { column: string; relation: string } | null;
}

/** A rule file with `after = <kind>`: a relation computed once that kind's rows are refreshed. */
export interface RelationRule {
  name: string;
  file: string;
  sql: string;
  after: Kind;
  /** `redoes = per_as_of_date`: the keys (first column) the models per as-of date recompute at the dates kept, from `depuis` on. */
  redoesPerAsOfDate: boolean;
}

/** The kinds refreshed together, in order, and what is computed after them. */
export interface Phase {
  kinds: Kind[];
  /** `added_<kind>`, `changed_<kind>` of these kinds that a rule reads. */
  generic: Array<{ name: string; kind: Kind; what: "added" | "changed" }>;
  /** Rule files `after = <kind>` of these kinds, in dependency order. */
  relations: RelationRule[];
}

/** What the nightly run needs to know of the models and its rules, read from their headers. */
export interface NightlyPlan {
  models: Model[];
  chains: Record<Kind, Chain>;
  /** The mart of rows set aside (role = rows_set_aside) and the views between it and the row checks. */
  setAsideModels: Model[];
  /** The as-of dates (role = calendar). */
  dates: Model;
  /** Models refreshed from a variant of etl/incremental (`nightly = etl/incremental/<file>.sql`). */
  variants: Model[];
  /** Models refreshed at the new as-of dates and for each changed lease (`nightly = per_as_of_date`). */
  perAsOfDate: Model[];
  /** Every model the steps above refresh; the others are rebuilt in full. */
  partly: Set<string>;
  keyRules: Record<Kind, KeyRule>;
  phases: Phase[];
  /** The relation (`redoes = per_as_of_date`) of the keys the models per as-of date recompute at the dates kept. */
  perAsOfDateRedo: RelationRule | null;
  /** For each variant, the relation (`after = <kind>`) of the keys it recomputes, with `depuis`: the one it reads. */
  variantKeys: Map<string, RelationRule>;
}

/** The nightly plan of `models`; fails, naming the file, when a header is missing or contradicts another. */
export function nightlyPlan(models: Model[] = loadModels(), rulesDir = NIGHTLY_DIR): NightlyPlan {
  const byName = new Map(models.map((m) => [m.name, m]));
  const setAside = modelWithRole("rows_set_aside", models);
  const dates = modelWithRole("calendar", models);
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
  const { keyRules, phases } = readRules(rulesDir);
  const relations = phases.flatMap((p) => p.relations);
  const redo = relations.filter((r) => r.redoesPerAsOfDate);
  if (redo.length > 1) throw new ModelConfigError(redo[1]!.file, `« redoes = per_as_of_date » est déjà dit par ${redo[0]!.name}.`);
  if (perAsOfDate.length && !redo.length) throw new Error(`No rule of ${rulesDir} says \`-- config: redoes = per_as_of_date\`.`);
  const bad = perAsOfDate.find((m) => m.parts === null);
  if (bad) throw new ModelConfigError(bad.file, `« nightly = per_as_of_date » demande « parts = <clé> » (la clé des baux recalculés).`);
  const variantKeys = new Map<string, RelationRule>();
  for (const m of variants) {
    if (m.nightly.kind !== "variant") continue;
    const sql = m.nightly.sql;
    const read = relations.filter((r) => mentions(sql, r.name));
    if (read.length !== 1) {
      throw new ModelConfigError(
        m.nightly.file,
        `une variante lit une et une seule règle « after » (les clés à recalculer et leur « depuis ») : ${read.map((r) => r.name).join(", ") || "aucune"}.`,
      );
    }
    variantKeys.set(m.name, read[0]!);
  }
  return {
    models,
    chains,
    setAsideModels,
    dates,
    variants,
    perAsOfDate,
    partly,
    keyRules,
    phases,
    perAsOfDateRedo: redo[0] ?? null,
    variantKeys,
  };
}

const RULE_KEYS = ["keys_of", "rerun", "recheck", "after", "redoes", "replaces"] as const;

/** The rule files of `dir` (every .sql file but the models' variants), checked, and the order of the kinds. */
function readRules(dir: string): { keyRules: Record<Kind, KeyRule>; phases: Phase[] } {
  const isKind = (k: string | undefined): k is Kind => (KINDS as readonly string[]).includes(k ?? "");
  const keyRules: Partial<Record<Kind, KeyRule>> = {};
  const relations: RelationRule[] = [];
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .map((f) => path.join(dir, f))
    .sort();
  for (const file of files) {
    const sql = readSql(file);
    const h = readHeader(file, sql, RULE_KEYS);
    // why: a model's nightly variant (`replaces = …`) is read with its model (src/models/models.ts)
    if (h.has("replaces")) continue;
    const keysOf = h.get("keys_of");
    const after = h.get("after");
    if ((keysOf === undefined) === (after === undefined)) {
      throw new ModelConfigError(file, `l'en-tête doit dire « -- config: keys_of = <type> » ou « -- config: after = <type> », et un seul.`);
    }
    const kinds = (keysOf ?? after)!.split(",").map((k) => k.trim());
    const notKind = kinds.find((k) => !isKind(k));
    if (notKind !== undefined) throw new ModelConfigError(file, `type de fichier « ${notKind} » inconnu : attendu ${KINDS.join(", ")}.`);
    if (after !== undefined && kinds.length > 1) throw new ModelConfigError(file, `« after » attend un seul type de fichier.`);
    const redoes = h.get("redoes");
    if (redoes !== undefined && (after === undefined || redoes !== "per_as_of_date")) {
      throw new ModelConfigError(file, `« redoes » ne va qu'avec « after », et vaut per_as_of_date.`);
    }
    if (after !== undefined) {
      relations.push({ name: path.basename(file, ".sql"), file, sql, after: kinds[0] as Kind, redoesPerAsOfDate: redoes !== undefined });
      continue;
    }
    const taken = (kinds as Kind[]).find((k) => keyRules[k]);
    if (taken) throw new ModelConfigError(file, `les clés de « ${taken} » sont déjà dites par ${path.basename(keyRules[taken]!.file)}.`);
    const rerun = h.get("rerun") ?? "keys";
    if (rerun !== "keys" && rerun !== "every_row") {
      throw new ModelConfigError(file, `valeur « ${rerun} » invalide pour « rerun » : attendu keys ou every_row.`);
    }
    const recheck = h.get("recheck");
    const parsed = recheck === undefined ? null : /^([a-z_][a-z0-9_]*) in ([a-z_][a-z0-9_]*)$/.exec(recheck);
    if (parsed === null && recheck !== undefined) {
      throw new ModelConfigError(file, `« recheck = ${recheck} » illisible : attendu « recheck = <colonne> in <relation> ».`);
    }
    for (const kind of kinds as Kind[]) {
      keyRules[kind] = { kind, file, sql, rerun, recheck: parsed ? { column: parsed[1]!, relation: parsed[2]! } : null };
    }
  }
  for (const kind of KINDS) {
    if (!keyRules[kind]) throw new Error(`No rule of ${dir} says \`-- config: keys_of = ${kind}\`: the nightly run needs one per kind.`);
  }

  // Every relation a rule may read, with the kind it follows.
  const generic = KINDS.flatMap((kind) => (["added", "changed"] as const).map((what) => ({ name: `${what}_${kind}`, kind, what })));
  const relationKind = new Map<string, Kind>([
    ...generic.map((g) => [g.name, g.kind] as const),
    ...relations.map((r) => [r.name, r.after] as const),
  ]);
  const reads = (sql: string, extra: string[] = []) => [...relationKind.keys()].filter((n) => extra.includes(n) || mentions(sql, n));
  const unknown = Object.values(keyRules).find((r) => r.recheck && !relationKind.has(r.recheck.relation));
  if (unknown)
    throw new ModelConfigError(
      unknown.file,
      `« ${unknown.recheck!.relation} » n'est ni added_<type>, ni changed_<type>, ni une règle « after ».`,
    );

  // A kind goes after the kinds of the relations its rule reads (directly or through a relation file).
  const kindsRead = (name: string, seen = new Set<string>()): Kind[] => {
    if (seen.has(name)) return [];
    seen.add(name);
    const relation = relations.find((r) => r.name === name);
    return [relationKind.get(name)!, ...(relation ? reads(relation.sql).flatMap((n) => kindsRead(n, seen)) : [])];
  };
  const phaseOf = new Map<Kind, number>();
  const place = (kind: Kind, trail: Kind[]): number => {
    if (phaseOf.has(kind)) return phaseOf.get(kind)!;
    if (trail.includes(kind)) throw new Error(`The nightly rules read each other in a cycle: ${[...trail, kind].join(" -> ")}.`);
    const rule = keyRules[kind]!;
    const before = reads(rule.sql, rule.recheck ? [rule.recheck.relation] : []).flatMap((n) => kindsRead(n));
    const phase = before.length ? 1 + Math.max(...before.map((k) => place(k, [...trail, kind]))) : 0;
    phaseOf.set(kind, phase);
    return phase;
  };
  KINDS.forEach((k) => place(k, []));
  for (const r of relations) {
    const late = reads(r.sql)
      .flatMap((n) => kindsRead(n))
      .find((k) => phaseOf.get(k)! > phaseOf.get(r.after)!);
    if (late)
      throw new ModelConfigError(r.file, `lit une relation de « ${late} », rafraîchi après « ${r.after} » : dites « after = ${late} ».`);
  }

  const needed = new Set([
    ...Object.values(keyRules).flatMap((r) => reads(r.sql, r.recheck ? [r.recheck.relation] : [])),
    ...relations.flatMap((r) => reads(r.sql)),
  ]);
  const phases: Phase[] = [];
  for (let i = 0; i <= Math.max(...phaseOf.values()); i++) {
    const kinds = KINDS.filter((k) => phaseOf.get(k) === i);
    // Relation files in an order where each comes after those it reads.
    const pending = relations.filter((r) => kinds.includes(r.after));
    const ordered: RelationRule[] = [];
    while (pending.length) {
      const next = pending.findIndex((r) => !pending.some((o) => o !== r && mentions(r.sql, o.name)));
      if (next < 0) throw new ModelConfigError(pending[0]!.file, `les règles « after » se lisent l'une l'autre en cycle.`);
      ordered.push(...pending.splice(next, 1));
    }
    phases.push({ kinds, generic: generic.filter((g) => kinds.includes(g.kind) && needed.has(g.name)), relations: ordered });
  }
  return { keyRules: keyRules as Record<Kind, KeyRule>, phases };
}
