/**
 * Only the d3 modules a page uses (issue 14, item 5). Plot imports the names it needs from
 * "d3", and Framework serves d3's index, which re-exports all thirty d3 modules: every page
 * downloaded d3-geo, d3-force, d3-chord, d3-brush… that nothing draws with. After the build,
 * the index keeps only the modules that export a name some file imports from it, and the
 * pages stop preloading the modules nothing imports any more.
 *
 * Safe by construction: a file that imports the whole index (`import * as`, a dynamic import)
 * stops the pruning; a name imported from the index that no kept module exports fails the
 * build; and the browser tests load every page.
 */
import fs from "node:fs";
import path from "node:path";

export interface PruneResult {
  /** The d3 modules the index no longer re-exports (folder names, e.g. "d3-geo@3.1.2"). */
  dropped: string[];
  /** Why nothing was pruned, when nothing was. */
  skipped?: string;
}

const IMPORT_NAMED = /import\s*\{([^}]*)\}\s*from\s*["']([^"']+)["']/g;
const IMPORT_ALL = /(?:import\s*\*\s*as\s+[\w$]+\s*from|export\s*\*\s*from|import\s*\(\s*)\s*["']([^"']+)["']/g;
const STATIC_IMPORT = /(?:import|export)\s*(?:[\w$*{}\s,]*?\s*from\s*)?["']([^"']+\.js)["']/g;
const EXPORT_LIST = /export\s*\{([^}]*)\}/g;

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (/\.(js|html)$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** `a as b, c` -> the names as the exporting side knows them: ["a", "c"] for an import list. */
const sourceNames = (list: string) =>
  list
    .split(",")
    .map((s) =>
      s
        .trim()
        .split(/\s+as\s+/)[0]!
        .trim(),
    )
    .filter(Boolean);

/** `a as b, c` -> the exported names: ["b", "c"]. */
const exportedNames = (list: string) =>
  list
    .split(",")
    .map((s) =>
      s
        .trim()
        .split(/\s+as\s+/)
        .at(-1)!
        .trim(),
    )
    .filter(Boolean);

const resolveFrom = (file: string, spec: string) => (spec.startsWith(".") ? path.resolve(path.dirname(file), spec) : null);

export function pruneD3Index(output: string): PruneResult {
  const nodeDir = path.join(output, "_node");
  const d3Dir = fs.existsSync(nodeDir) ? fs.readdirSync(nodeDir).find((d) => /^d3@/.test(d)) : undefined;
  if (!d3Dir) return { dropped: [], skipped: "pas de d3 dans le site" };
  const indexName = fs.readdirSync(path.join(nodeDir, d3Dir)).find((f) => /^index\..*\.js$/.test(f));
  if (!indexName) return { dropped: [], skipped: "index de d3 introuvable" };
  const index = path.join(nodeDir, d3Dir, indexName);
  const files = walk(output);

  // The names every file imports from the index.
  const needed = new Set<string>();
  for (const file of files) {
    if (file === index) continue;
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(IMPORT_ALL)) {
      if (resolveFrom(file, m[1]!) === index) {
        return { dropped: [], skipped: `${path.relative(output, file)} importe tout d3` };
      }
    }
    for (const m of text.matchAll(IMPORT_NAMED)) {
      if (resolveFrom(file, m[2]!) === index) for (const n of sourceNames(m[1]!)) needed.add(n);
    }
  }

  // The index: `export*from"../d3-x@v/index.h.js";` per module, then its version.
  const indexText = fs.readFileSync(index, "utf8");
  const reExports = [...indexText.matchAll(/export\s*\*\s*from\s*["']([^"']+)["'];?/g)];
  const kept: string[] = [];
  const dropped: string[] = [];
  const provided = new Set<string>(["version"]);
  for (const m of reExports) {
    const target = resolveFrom(index, m[1]!)!;
    const text = fs.readFileSync(target, "utf8");
    // why keep a module that re-exports another: its names cannot be listed from its own text
    const names = [...text.matchAll(EXPORT_LIST)].flatMap((e) => exportedNames(e[1]!));
    if (/export\s*\*\s*from/.test(text) || names.some((n) => needed.has(n))) {
      kept.push(m[0]);
      names.forEach((n) => provided.add(n));
    } else {
      dropped.push(target);
    }
  }
  const missing = [...needed].filter((n) => !provided.has(n));
  if (missing.length > 0) {
    throw new Error(`d3 index pruning: ${missing.join(", ")} imported from d3 but exported by no kept module`);
  }
  if (dropped.length === 0) return { dropped: [] };
  const rest = indexText.replace(/export\s*\*\s*from\s*["'][^"']+["'];?/g, "");
  fs.writeFileSync(index, kept.join("") + rest);

  // A dropped module may still be imported directly by a kept one (d3-scale imports d3-array…).
  const stillImported = new Set<string>();
  const droppedSet = new Set(dropped);
  const importsOf = (file: string) =>
    [...fs.readFileSync(file, "utf8").matchAll(STATIC_IMPORT)].map((m) => resolveFrom(file, m[1]!)).filter((f): f is string => f !== null);
  const queue = files.filter((f) => !droppedSet.has(f));
  while (queue.length > 0) {
    for (const target of importsOf(queue.pop()!)) {
      if (droppedSet.has(target) && !stillImported.has(target)) {
        stillImported.add(target);
        queue.push(target);
      }
    }
  }
  const unused = dropped.filter((f) => !stillImported.has(f));
  const unusedHrefs = new Set(unused.map((f) => path.relative(output, f).split(path.sep).join("/")));
  for (const file of files.filter((f) => f.endsWith(".html"))) {
    const html = fs.readFileSync(file, "utf8");
    const pruned = html.replace(/<link rel="modulepreload" href="([^"]+)">\n?/g, (link, href: string) => {
      const target = path
        .relative(output, path.resolve(path.dirname(file), href))
        .split(path.sep)
        .join("/");
      return unusedHrefs.has(target) ? "" : link;
    });
    if (pruned !== html) fs.writeFileSync(file, pruned);
  }
  return { dropped: unused.map((f) => path.basename(path.dirname(f))).sort() };
}
