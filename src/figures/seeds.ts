/**
 * Reads the lists of etl/seeds/*.csv (`;` separated, a header row, no quoting) for the
 * TypeScript side: the same files the ETL loads as tables (the file name is the table name)
 * and the SQL models read. A list lives in its seed only; the API and the site's loaders
 * take it from here and never keep a copy.
 */
import fs from "node:fs";
import { projectPath } from "../paths.ts";

const cache = new Map<string, Record<string, string>[]>();

/** Every row of etl/seeds/<name>.csv, as records keyed by the header, in the file's order. */
export function seedRows<K extends string>(name: string): Record<K, string>[] {
  let rows = cache.get(name);
  if (!rows) {
    const file = projectPath("etl", "seeds", `${name}.csv`);
    const [header, ...lines] = fs
      .readFileSync(file, "utf8")
      .split(/\r?\n/)
      .filter((l) => l.trim());
    const columns = header!.split(";");
    rows = lines.map((line, i) => {
      const values = line.split(";");
      // why: a quoted `;` would need a real CSV parser; the seeds are kept simple instead
      if (values.length !== columns.length)
        throw new Error(`${file}, ligne ${i + 2} : ${values.length} champs au lieu de ${columns.length}`);
      return Object.fromEntries(columns.map((c, j) => [c, values[j]!]));
    });
    cache.set(name, rows);
  }
  return rows as Record<K, string>[];
}

/** A seed's boolean column as DuckDB's read_csv reads it (true/false). */
export const seedFlag = (value: string): boolean => value === "true";

/** The French label of a code of etl/seeds/review_labels.csv (champ;code;libelle), or undefined. */
const reviewLabelOf = (champ: string, code: string): string | undefined =>
  seedRows<"champ" | "code" | "libelle">("review_labels").find((l) => l.champ === champ && l.code === code)?.libelle;

export interface LitigationStage {
  rang: number;
  /** The action category that reaches the stage (ref_codes.csv, code_action). */
  categorie: string;
  etape: string;
  /** Its French label: the review's label of the stage (review_labels.csv, champ etape). */
  libelle: string;
}

/** The litigation stages in procedural order (etl/seeds/litigation_stages.csv). */
export const LITIGATION_STAGES: readonly LitigationStage[] = seedRows<"rang" | "categorie" | "etape">("litigation_stages").map((s) => ({
  rang: Number(s.rang),
  categorie: s.categorie,
  etape: s.etape,
  libelle: reviewLabelOf("etape", s.etape) ?? s.etape,
}));

export interface FunnelFlow {
  /** A yearly figure of definitions.ts (its label and definition are there). */
  cle: string;
  /** The chart it is drawn on: relances outnumber evictions a thousandfold. */
  echelle: "amiable" | "contentieux";
}

/** The yearly flows of the litigation funnel in procedural order (etl/seeds/funnel_flows.csv). */
export const FUNNEL_FLOWS: readonly FunnelFlow[] = seedRows<"rang" | "cle" | "echelle">("funnel_flows").map((f) => ({
  cle: f.cle,
  echelle: f.echelle as FunnelFlow["echelle"],
}));

/** Staff roles (codes of the agents export, singular labels in ref_codes.csv) and actions without one (etl/seeds/roles.csv). */
const ROLE_ROWS = seedRows<"code" | "libelle_pluriel" | "responsable_dossiers">("roles");

/** The French plural name of each role (« Chargées de contentieux »), and of actions without one. */
export const ROLE_LABELS: Readonly<Record<string, string>> = Object.fromEntries(ROLE_ROWS.map((r) => [r.code, r.libelle_pluriel]));

/** The roles that own a case in the monthly review (the API's `role` filter). */
export const OWNER_ROLES = ROLE_ROWS.filter((r) => seedFlag(r.responsable_dossiers)).map((r) => r.code) as [string, ...string[]];
