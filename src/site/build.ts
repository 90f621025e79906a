/**
 * Build the static site (Observable Framework, pages in reports/) from the published
 * warehouse, with no network:
 *
 * 1. Clear the data-loader cache: Framework's build reuses any cached loader output, even
 *    one made from another warehouse, so every build reruns every loader.
 * 2. Prime Framework's npm version cache. Its client bundle lazily maps libraries a page
 *    may use without importing them (`d3`, `Plot`, `html`…) to `npm:` imports, and
 *    resolving their versions asks registry.npmjs.org. The pages import every library
 *    from node_modules instead, so these lazy imports are never loaded; recording a
 *    version for each (the installed one, else a placeholder) keeps the build offline.
 * 3. Run `observable build` (loaders run with tsx, logging to stderr; a failing loader
 *    fails the build with its message naming the mart).
 * 4. Check and finish the output: `lang="fr"`, French text for Framework's few English
 *    labels, no reference to another server, at most 500 KB of data per page, and only the
 *    d3 modules the pages use (src/site/pruneModules.ts).
 * 5. Make it readable by its owner only (src/ownerOnly.ts): the build runs under the owner-only
 *    umask, but Framework copies some files with their source's mode (0644).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { AppError, RunLockedError } from "../errors.ts";
import { acquireRunLock, type RunLock } from "../etl/runLock.ts";
import { ownerOnlyUmask, tightenTree } from "../ownerOnly.ts";
import { projectPath } from "../paths.ts";
import { warehousePath } from "./loaders.ts";
import { pruneD3Index } from "./pruneModules.ts";

export class SiteBuildError extends AppError {}

export const SITE_ROOT = projectPath("reports");
export const DEFAULT_SITE_OUTPUT = projectPath("dist");
/** The most data a page may download (the loaders' JSON files it registers). */
export const MAX_PAGE_DATA_BYTES = 500 * 1024;

const FRAMEWORK_DIR = projectPath("node_modules", "@observablehq", "framework");
const CACHE_DIR = path.join(SITE_ROOT, ".observablehq", "cache");
const PLACEHOLDER_VERSION = "0.0.0-hors-ligne";
/** Loader outputs are cached inside reports/: two builds at once would mix their data. */
const LOCK_NAME = "build.lock";

export interface BuildOptions {
  /** Warehouse file; default $WAREHOUSE_DB, else data/warehouse.duckdb. */
  warehouse?: string;
  /** Output folder; default $SITE_OUTPUT, else dist/. */
  output?: string;
  /** Progress lines; default stderr. */
  log?: (line: string) => void;
  /** How long to wait for another build of the site to finish; default 10 minutes. */
  lockTimeoutMs?: number;
}

export interface PageWeight {
  /** The page's path in the output, e.g. "chiffres-cles.html". */
  page: string;
  dataBytes: number;
  files: { name: string; size: number }[];
}

export interface BuildResult {
  output: string;
  warehouse: string;
  pages: PageWeight[];
}

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

/** Remove everything cached except the node_modules bundles (_node: keyed by package version) and the lock. */
function clearLoaderCache(): void {
  if (!fs.existsSync(CACHE_DIR)) return;
  for (const entry of fs.readdirSync(CACHE_DIR)) {
    if (entry !== "_node" && entry !== LOCK_NAME) fs.rmSync(path.join(CACHE_DIR, entry), { recursive: true, force: true });
  }
}

function installedVersion(name: string): string | null {
  const pkg = projectPath("node_modules", ...name.split("/"), "package.json");
  if (!fs.existsSync(pkg)) return null;
  return (JSON.parse(fs.readFileSync(pkg, "utf8")) as { version?: string }).version ?? null;
}

/** Package names that Framework's client code refers to as `npm:` imports. */
export function clientNpmPackages(): string[] {
  const names = new Set<string>();
  for (const file of walk(path.join(FRAMEWORK_DIR, "dist", "client"))) {
    if (!file.endsWith(".js")) continue;
    for (const m of fs.readFileSync(file, "utf8").matchAll(/["'`]npm:((?:@[\w.-]+\/)?[\w.-]+)/g)) names.add(m[1]!);
  }
  return [...names].sort();
}

function primeNpmVersionCache(): void {
  for (const name of clientNpmPackages()) {
    const dir = path.join(CACHE_DIR, "_npm", `${name}@${installedVersion(name) ?? PLACEHOLDER_VERSION}`);
    fs.mkdirSync(dir, { recursive: true });
  }
}

function runFramework(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  const bin = path.join(FRAMEWORK_DIR, "dist", "bin", "observable.js");
  return new Promise((resolve, reject) => {
    // Framework's progress (stdout) and the loaders' logs (stderr) are passed to `log`, line by line.
    const child = spawn(process.execPath, [bin, "build"], { cwd: projectPath(), env, stdio: ["ignore", "pipe", "pipe"] });
    const failures: string[] = [];
    const forward = (prefix: string) => {
      let pending = "";
      return (chunk: string) => {
        const lines = (pending + chunk).split("\n");
        pending = lines.pop() ?? "";
        for (const raw of lines) {
          const line = raw.replace(/\x1b\[[0-9;]*m/g, "");
          if (!line.trim()) continue;
          if (line.includes("ÉCHEC du chargeur")) failures.push(line.replace(/^\[site\] /, ""));
          log(`${prefix}${line}`);
        }
      };
    };
    child.stdout.setEncoding("utf8").on("data", forward("[observable] "));
    child.stderr.setEncoding("utf8").on("data", forward(""));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve();
      else if (failures.length > 0) reject(new SiteBuildError(`la construction du site a échoué : ${failures.join(" ; ")}`));
      else reject(new SiteBuildError(`la construction du site a échoué (observable build, code ${code}) : voir les messages ci-dessus.`));
    });
  });
}

/**
 * Framework 1.13 writes `<html>` without a language, and a few labels in English. Its page
 * template also fails WCAG 2.1 AA in three places the configuration cannot reach (issue 14):
 * the viewport forbids zooming (`maximum-scale=1`), the sidebar's close button is a <label>
 * directly inside an <ol>, and there is no skip link. Each is patched here, in the output.
 */
function frenchify(html: string): string {
  return html
    .replace(/<html>/, '<html lang="fr">')
    .replace('title="Toggle sidebar"', 'title="Afficher ou masquer le menu"')
    .replace(/(<meta name="viewport" content="[^"]*?),\s*maximum-scale=[\d.]+/, "$1")
    .replace(/<ol>(\s*)(<label id="observablehq-sidebar-close"[^>]*><\/label>)/, "$2$1<ol>")
    .replace(/<body>/, '<body>\n<a class="lien-evitement" href="#observablehq-main">Aller au contenu</a>');
}

/** A reference that would make the browser load something from another server. */
const EXTERNAL_REFERENCE =
  /(?:\b(?:src|href)\s*=\s*["']?(?:https?:)?\/\/)|(?:@import\s+(?:url\()?["']?(?:https?:)?\/\/)|(?:\bimport\s*\(\s*["'](?:https?:)?\/\/)|(?:\bfrom\s*["'](?:https?:)?\/\/)/i;

function registeredFiles(html: string): { name: string; size: number }[] {
  const files: { name: string; size: number }[] = [];
  for (const m of html.matchAll(/registerFile\(("(?:[^"\\]|\\.)*"),\s*(\{.*?\})\);/g)) {
    const info = JSON.parse(m[2]!) as { size?: number };
    files.push({ name: JSON.parse(m[1]!) as string, size: info.size ?? 0 });
  }
  return files;
}

function finishOutput(output: string): PageWeight[] {
  const problems: string[] = [];
  const pages: PageWeight[] = [];
  for (const file of walk(output)) {
    const rel = path.relative(output, file);
    if (!/\.(html|js|css)$/.test(file)) continue;
    let text = fs.readFileSync(file, "utf8");
    if (file.endsWith(".html")) {
      text = frenchify(text);
      fs.writeFileSync(file, text);
      const files = registeredFiles(text);
      const dataBytes = files.reduce((s, f) => s + f.size, 0);
      pages.push({ page: rel, dataBytes, files });
      if (dataBytes > MAX_PAGE_DATA_BYTES) {
        problems.push(
          `${rel} télécharge ${(dataBytes / 1024).toFixed(0)} Ko de données (plus de ${MAX_PAGE_DATA_BYTES / 1024} Ko) : ${files.map((f) => `${f.name} ${(f.size / 1024).toFixed(0)} Ko`).join(", ")}`,
        );
      }
    }
    // Framework's own scripts mention URLs in messages and comments; only loads count.
    const hit = EXTERNAL_REFERENCE.exec(file.endsWith(".html") ? text : text.replace(/\/\*[\s\S]*?\*\//g, ""));
    if (hit && !rel.startsWith(`_observablehq${path.sep}`) && !rel.startsWith(`_node${path.sep}`)) {
      problems.push(`${rel} charge une ressource d'un autre serveur : « ${hit[0]} »`);
    }
    if (file.endsWith(".html") && /fonts\.googleapis|cdn\.jsdelivr|registry\.npmjs/.test(text)) {
      problems.push(`${rel} fait référence à un serveur externe (polices ou CDN).`);
    }
  }
  if (problems.length > 0) throw new SiteBuildError(`site refusé :\n- ${problems.join("\n- ")}`);
  return pages.sort((a, b) => a.page.localeCompare(b.page));
}

/** One build at a time (the loader cache is shared): wait for a running one to finish. */
async function acquireBuildLock(timeoutMs: number, log: (line: string) => void): Promise<RunLock> {
  const lockPath = path.join(CACHE_DIR, LOCK_NAME);
  const deadline = Date.now() + timeoutMs;
  for (let waiting = false; ; waiting = true) {
    try {
      return acquireRunLock(lockPath);
    } catch (e) {
      if (!(e instanceof RunLockedError)) throw e;
      if (Date.now() >= deadline) {
        throw new SiteBuildError(
          `une autre construction du site est en cours depuis plus de ${Math.round(timeoutMs / 1000)} s (verrou reports/.observablehq/cache/${LOCK_NAME}) : réessayez après sa fin.`,
        );
      }
      if (!waiting) log("[site] une autre construction du site est en cours : attente de sa fin…");
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * Framework clears only an output inside the working directory. Elsewhere (a test's temporary
 * folder), clear it here, but only when it is empty or holds a previous build of the site.
 */
function clearOutput(output: string): void {
  if (!fs.existsSync(output)) return;
  const entries = fs.readdirSync(output);
  if (entries.length === 0) return;
  if (!entries.includes("_observablehq")) {
    throw new SiteBuildError(
      `le dossier de sortie ${output} n'est pas vide et ne contient pas un site construit : choisissez-en un autre.`,
    );
  }
  fs.rmSync(output, { recursive: true, force: true });
}

export async function buildSite(options: BuildOptions = {}): Promise<BuildResult> {
  // Framework and the loaders run as child processes: they inherit the owner-only umask.
  ownerOnlyUmask();
  const log = options.log ?? ((line: string) => process.stderr.write(line + "\n"));
  const warehouse = options.warehouse ? path.resolve(options.warehouse) : warehousePath();
  const output = path.resolve(options.output ?? (process.env.SITE_OUTPUT || DEFAULT_SITE_OUTPUT));
  if (!fs.existsSync(warehouse)) {
    throw new SiteBuildError(
      `entrepôt ${warehouse} introuvable : lancez d'abord un chargement (npm run etl), ou indiquez-le avec WAREHOUSE_DB.`,
    );
  }
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const lock = await acquireBuildLock(options.lockTimeoutMs ?? 10 * 60_000, log);
  try {
    const t0 = performance.now();
    log(`[site] construction depuis ${warehouse} vers ${output}`);
    clearLoaderCache();
    primeNpmVersionCache();
    clearOutput(output);
    const binDir = projectPath("node_modules", ".bin");
    await runFramework(
      {
        ...process.env,
        WAREHOUSE_DB: warehouse,
        SITE_OUTPUT: output,
        OBSERVABLE_TELEMETRY_DISABLE: "1",
        // Framework runs the .ts loaders with the `tsx` command.
        PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`,
      },
      log,
    );
    const pages = finishOutput(output);
    const pruned = pruneD3Index(output);
    log(
      pruned.skipped
        ? `[site] modules d3 : tous gardés (${pruned.skipped})`
        : `[site] modules d3 inutilisés retirés : ${pruned.dropped.length ? pruned.dropped.join(", ") : "aucun"}`,
    );
    tightenTree(output);
    for (const p of pages) log(`[site] ${p.page} : ${(p.dataBytes / 1024).toFixed(1)} Ko de données`);
    log(`[site] ${pages.length} page(s) construite(s) dans ${output} en ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return { output, warehouse, pages };
  } finally {
    lock.release();
  }
}
