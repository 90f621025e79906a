/**
 * Owner-only files. Everything the product writes under data/ (the warehouse and its WAL, the
 * copies aside, the raw layer's folders and Parquet, the run journal and lock, the site builds,
 * the benchmark's output, the demo's exports, the users file) holds the landlord's data: it is
 * readable by the account that runs the product only (folders 0700, files 0600).
 *
 * DuckDB and Observable Framework create their files themselves, with the process umask: every
 * entry point sets it to 0o077 first thing (`ownerOnlyUmask`), and so do runEtl and buildSite,
 * so that a library caller gets it too. What an older version created under the default umask
 * (0644/0755) is tightened at start-up (`tightenTree`).
 */
import fs from "node:fs";
import path from "node:path";

/** Group and others get nothing. */
export const OWNER_ONLY_UMASK = 0o077;
/** The bits that must never be set on what the product creates. */
const GROUP_OTHER = 0o077;

/**
 * Set the process umask to 0o077 (keeping any stricter bits already set). Child processes
 * (Framework's build, the loaders) inherit it. In a worker thread, where Node cannot change
 * the umask, nothing happens: the callers also chmod what they create themselves.
 */
export function ownerOnlyUmask(): void {
  try {
    const current = process.umask();
    if ((current & OWNER_ONLY_UMASK) !== OWNER_ONLY_UMASK) process.umask(current | OWNER_ONLY_UMASK);
  } catch {
    // ERR_WORKER_UNSUPPORTED_OPERATION: see above.
  }
}

/**
 * Remove group and other bits (chmod go-rwx) from `root` and everything under it, never
 * following a symbolic link (a link's own mode means nothing on Linux). A missing root is
 * fine. Returns how many entries were changed.
 */
export function tightenTree(root: string): number {
  let changed = 0;
  const visit = (p: string) => {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return; // gone meanwhile (a run's temporary file)
    }
    if (st.isSymbolicLink()) return;
    if (st.mode & GROUP_OTHER) {
      fs.chmodSync(p, st.mode & 0o7700);
      changed++;
    }
    if (st.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name));
  };
  visit(root);
  return changed;
}

/** Entries (not following links) under `root` that group or others may read, write or enter. */
export function openToOthers(root: string): string[] {
  const found: string[] = [];
  const visit = (p: string) => {
    const st = fs.lstatSync(p);
    if (st.isSymbolicLink()) return;
    if (st.mode & GROUP_OTHER) found.push(`${path.relative(root, p) || "."} (${(st.mode & 0o777).toString(8)})`);
    if (st.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name));
  };
  visit(root);
  return found;
}

/**
 * At start-up of `npm run serve`, `npm start` and `npm run etl`: the umask, then the data an
 * older version left readable by others. `dataDir` is the product's own data/ folder (tightened
 * whole); the warehouse's files (`<db>`, `<db>.raw/`, `<db>.runs.jsonl`…) and the other paths
 * are tightened wherever they live. An exports folder outside data/ is the ERP's drop folder:
 * its rights are left to whoever set it up.
 */
export function tightenInstallation(o: { dataDir: string; dbPath?: string; paths?: string[]; log?: (line: string) => void }): number {
  ownerOnlyUmask();
  let changed = tightenTree(o.dataDir);
  if (o.dbPath) {
    const dir = path.dirname(o.dbPath);
    const base = path.basename(o.dbPath);
    if (fs.existsSync(dir)) {
      for (const name of fs.readdirSync(dir)) {
        if (name === base || name.startsWith(`${base}.`)) changed += tightenTree(path.join(dir, name));
      }
    }
  }
  for (const p of o.paths ?? []) changed += tightenTree(p);
  if (changed > 0)
    o.log?.(`[droits] ${changed} fichier(s) ou dossier(s) de données rendus lisibles par leur seul propriétaire (chmod go-rwx)`);
  return changed;
}
