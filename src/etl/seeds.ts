/**
 * The seeds of etl/seeds: every `<name>.csv` becomes the table `<name>`, read the same way
 * (`;` separators, a header row naming the columns, nothing guessed but the type: a column
 * whose every value is a whole number without a leading zero is an INTEGER, one whose every
 * value is true or false a BOOLEAN, any other column text). A new seed file loads with no code change; its name must be a plain SQL name.
 */
import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { queryRows, sqlLiteral } from "../duckdb/db.ts";
import { ConfigError } from "../errors.ts";
import { projectPath } from "../paths.ts";

export const SEEDS_DIR = projectPath("etl", "seeds");

const NAME = /^[a-z_][a-z0-9_]*$/;

export interface Seed {
  /** The table's name: the file's, without .csv. */
  name: string;
  file: string;
}

/** The seed files, by name. */
export function listSeeds(dir = SEEDS_DIR): Seed[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".csv"))
    .sort()
    .map((f) => {
      const name = f.slice(0, -4);
      if (!NAME.test(name)) {
        throw new ConfigError(
          `etl/seeds/${f} : nom de fichier invalide, il devient le nom d'une table (lettres minuscules, chiffres et _).`,
        );
      }
      return { name, file: path.join(dir, f) };
    });
}

/** The column names of a seed's header row. */
function seedColumns(seed: Seed): string[] {
  const header = fs
    .readFileSync(seed.file, "utf8")
    .split(/\r?\n/, 1)[0]!
    .replace(/^\uFEFF/, "");
  const columns = header.split(";").map((c) => c.trim());
  const bad = columns.find((c) => !NAME.test(c));
  if (bad !== undefined) {
    throw new ConfigError(
      `etl/seeds/${path.basename(seed.file)} : colonne « ${bad} » invalide dans la ligne d'en-tête (séparateur ; et noms en minuscules attendus).`,
    );
  }
  return columns;
}

/** Load every seed as a table in the current schema. */
export async function loadSeeds(conn: DuckDBConnection, dir = SEEDS_DIR): Promise<void> {
  for (const seed of listSeeds(dir)) {
    const columns = seedColumns(seed);
    const spec = columns.map((c) => `'${c}': 'VARCHAR'`).join(", ");
    await conn.run(
      `create or replace table ${seed.name} as select * from read_csv(${sqlLiteral(seed.file)},
        delim = ';', header = true, auto_detect = false, columns = {${spec}})`,
    );
    // why: a count, a delay or an order is a number in every seed; a code with a leading zero stays text;
    // a flag (true/false) is a boolean the models filter on
    const typed = (pattern: string) =>
      columns
        .map((c) => `count(${c}) > 0 and count(${c}) = count(*) filter (where regexp_full_match(${c}, '${pattern}')) as ${c}`)
        .join(", ");
    const [integers] = await queryRows<Record<string, boolean>>(conn, `select ${typed("0|-?[1-9][0-9]{0,8}")} from ${seed.name}`);
    const [booleans] = await queryRows<Record<string, boolean>>(conn, `select ${typed("true|false")} from ${seed.name}`);
    for (const c of columns) {
      if (integers![c]) await conn.run(`alter table ${seed.name} alter column ${c} type integer`);
      else if (booleans![c]) await conn.run(`alter table ${seed.name} alter column ${c} type boolean`);
    }
  }
}
