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
    const [header, ...lines] = fs.readFileSync(file, "utf8").split(/\r?\n/).filter((l) => l.trim());
    const columns = header!.split(";");
    rows = lines.map((line, i) => {
      const values = line.split(";");
      // why: a quoted `;` would need a real CSV parser; the seeds are kept simple instead
      if (values.length !== columns.length) throw new Error(`${file}, ligne ${i + 2} : ${values.length} champs au lieu de ${columns.length}`);
      return Object.fromEntries(columns.map((c, j) => [c, values[j]!]));
    });
    cache.set(name, rows);
  }
  return rows as Record<K, string>[];
}

/** A seed's boolean column as DuckDB's read_csv reads it (true/false). */
export const seedFlag = (value: string): boolean => value === "true";
