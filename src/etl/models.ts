/**
 * The ETL's side of the SQL models: the macros they call. Discovery, headers and
 * materialisation are shared with the reader in src/models/models.ts (re-exported here for
 * the ETL's modules).
 */
import { projectPath } from "../paths.ts";
import type { DuckDBConnection } from "@duckdb/node-api";
import { readSql } from "../models/models.ts";
import { LEASE_NUMBER } from "../models/leaseNumber.ts";

export { asOfChain, LAYERS, loadModels, materialize, modelWithRole, readSql, type Model } from "../models/models.ts";

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
