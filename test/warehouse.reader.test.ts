/**
 * The one read module (src/warehouse): every SQL statement that reads the published warehouse is
 * there, and it reads marts, metrics and the ETL's tables, never an intermediate, staging or raw
 * model. The API, the CLI, the site's loaders and the publications call its functions.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadModels } from "../src/models/models.ts";
import { projectPath } from "../src/paths.ts";

/** The folders whose code reads the warehouse only through src/warehouse. */
const CALLERS = ["src/api", "src/cli", "src/server", "src/site", "src/publications"];

/**
 * Files that keep SQL of their own, and why (said again in src/publications/revisions.ts): a
 * publication's revisions and its check rebuild the export rows of the publication's files from
 * the raw layer, with the ETL's staging, check and deduplication models, in a private schema or
 * a scratch warehouse. That is lineage, not figures, and those rows are no mart's.
 */
const LINEAGE = ["src/publications/rawFiles.ts", "src/publications/revisions.ts", "src/publications/verify.ts"];

const tsFiles = (dir: string): string[] =>
  fs
    .readdirSync(projectPath(dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));

const withoutComments = (code: string) => code.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/[^\n]*/g, "$1");

/** What in `code` runs SQL or holds a query's text: the calls and SQL found, empty when none. */
export function sqlIn(code: string): string[] {
  const found: string[] = [];
  const text = withoutComments(code);
  for (const m of text.matchAll(/\b(queryRows|runAndReadAll|runAndRead|streamAndReadAll|streamAndRead)\s*[<(]|\.run\s*\(/g))
    found.push(m[0]);
  for (const m of text.matchAll(/`[^`]*?\bselect\b[^`]*?\bfrom\b[^`]*`/gi)) found.push(m[0].slice(0, 60));
  return found;
}

/** The staging, intermediate and raw tables (int_*, stg_*, raw_*) that `code` names outside its comments. */
export function nonMartReadsIn(code: string): string[] {
  return [...new Set([...withoutComments(code).matchAll(/\b(?:int|stg|raw)_[a-z0-9_]+/g)].map((m) => m[0]))];
}

/** "file : what was found" for each of `files` in which `find` finds something. */
const findIn = (files: string[], find: (code: string) => string[]) =>
  files
    .map((f) => [f, find(fs.readFileSync(projectPath(f), "utf8"))] as const)
    .filter(([, found]) => found.length > 0)
    .map(([f, found]) => `${f} : ${found.join(" | ")}`);

describe("the read module", () => {
  it("finds a query and a read of an intermediate model where there is one (the checks below can fail)", () => {
    const code = "const rows = await queryRows(wh.conn, `select 1 from int_as_of_dates where x`);\n// select a from int_b\n";
    expect(sqlIn(code)).toEqual(["queryRows(", "`select 1 from int_as_of_dates where x`"]);
    expect(nonMartReadsIn(code)).toEqual(["int_as_of_dates"]);
    expect(sqlIn("await conn.run(`set search_path = 'wh.main'`);")).toEqual([".run("]);
    expect(sqlIn("const sorts = { contrat: 'num_contrat' }; // a select from nowhere")).toEqual([]);
  });

  it("holds every SQL statement of the API, the CLI, the server, the site's loaders and the publications", () => {
    const offenders = findIn(
      CALLERS.flatMap(tsFiles).filter((f) => !LINEAGE.includes(f)),
      sqlIn,
    );
    expect(offenders, "SQL hors de src/warehouse : déplacez la requête dans un module de src/warehouse").toEqual([]);
  });

  it("reads marts, metrics and the ETL's tables, never a staging, intermediate or raw model", () => {
    // the prefixes name every model that is no mart or metric
    const notMarts = loadModels().filter((m) => m.layer === "staging" || m.layer === "intermediate");
    expect(notMarts.filter((m) => !/^(int|stg)_/.test(m.name)).map((m) => m.name)).toEqual([]);
    const offenders = findIn(tsFiles("src/warehouse"), nonMartReadsIn);
    expect(offenders, "lecture d'un modèle intermédiaire : ajoutez un mart dans etl/models/marts").toEqual([]);
  });

  it("does not import the ETL", () => {
    const offenders = tsFiles("src/warehouse").filter((f) => /from\s+["']\.\.\/etl\//.test(fs.readFileSync(projectPath(f), "utf8")));
    expect(offenders).toEqual([]);
  });
});
