/**
 * Serves the built static site from the folder of its current build. The folder is
 * read at each request, so a new build swaps in at once, without a restart. Clean
 * URLs as Observable Framework writes them: /secteurs -> secteurs.html.
 */
import fs from "node:fs";
import path from "node:path";
import type { MiddlewareHandler } from "hono";
import { PagePolicies } from "./contentSecurityPolicy.ts";
import type { AppEnv } from "./context.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".parquet": "application/octet-stream",
  ".arrow": "application/vnd.apache.arrow.file",
};

/**
 * The file a URL path names inside the build, or null. `root` is the build folder's real
 * path. A file is served only when its real path is exactly the path asked for under that
 * root: no symbolic link at any level below the root is followed, inside the build or out
 * of it (a link in a build once served /etc/passwd and the demo passwords).
 */
async function resolveFile(root: string, urlPath: string): Promise<{ file: string; stat: fs.Stats } | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  const candidates = decoded.endsWith("/") ? [`${decoded}index.html`] : [decoded, `${decoded}.html`, `${decoded}/index.html`];
  for (const candidate of candidates) {
    const full = path.resolve(root, `.${path.posix.normalize(candidate)}`);
    if (!full.startsWith(root + path.sep)) return null; // outside the site
    try {
      const stat = await fs.promises.lstat(full);
      if (!stat.isFile()) continue; // a link (lstat does not follow it) or a folder: try the next form
      if ((await fs.promises.realpath(full)) !== full) return null; // a link among the folders above it
      return { file: full, stat };
    } catch {
      // try the next form
    }
  }
  return null;
}

export function serveSite(siteDir: () => string | null): MiddlewareHandler<AppEnv> {
  const policies = new PagePolicies();
  return async (c, next) => {
    const dir = siteDir();
    // The site folder is itself a link to the current build (src/server/runController.ts): resolved once per request.
    const root = dir ? await fs.promises.realpath(dir).catch(() => null) : null;
    const found = root ? await resolveFile(root, c.req.path) : null;
    if (!found) return next();
    // O_NOFOLLOW: a file swapped for a link since the check above is refused, not followed.
    let body: Buffer<ArrayBuffer>;
    try {
      const handle = await fs.promises.open(found.file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
      try {
        body = (await handle.readFile()) as Buffer<ArrayBuffer>; // a plain file read, never shared memory
      } finally {
        await handle.close();
      }
    } catch {
      return next();
    }
    const ext = path.extname(found.file);
    const type = TYPES[ext] ?? "application/octet-stream";
    // Site files hold aggregates only and are the same for every visitor, signed in or not
    // (the monthly review reads cases through the API): they may be cached, unlike API answers.
    c.set("staticFile", true);
    // Framework's hashed assets never change; pages and data do at each nightly run.
    const immutable = c.req.path.startsWith("/_");
    const headers: Record<string, string> = {
      "Content-Type": type,
      "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
    };
    // A page gets a policy that allows exactly its own inline scripts (their hashes).
    if (ext === ".html") headers["Content-Security-Policy"] = policies.policyFor(found.file, found.stat, () => body.toString("utf8"));
    return c.body(body, 200, headers);
  };
}
