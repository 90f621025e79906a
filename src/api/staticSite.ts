/**
 * Serves the built static site from the folder of its current build. The folder is
 * read at each request, so a new build swaps in at once, without a restart. Clean
 * URLs as Observable Framework writes them: /secteurs -> secteurs.html.
 */
import fs from "node:fs";
import path from "node:path";
import type { MiddlewareHandler } from "hono";
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

function resolveFile(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  const base = path.resolve(root);
  const candidates = decoded.endsWith("/") ? [`${decoded}index.html`] : [decoded, `${decoded}.html`, `${decoded}/index.html`];
  for (const candidate of candidates) {
    const full = path.resolve(base, `.${path.posix.normalize(candidate)}`);
    if (full !== base && !full.startsWith(base + path.sep)) return null; // outside the site
    try {
      if (fs.statSync(full).isFile()) return full;
    } catch {
      // try the next form
    }
  }
  return null;
}

export function serveSite(siteDir: () => string | null): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const root = siteDir();
    const file = root ? resolveFile(root, c.req.path) : null;
    if (!file) return next();
    const body = await fs.promises.readFile(file);
    const type = TYPES[path.extname(file)] ?? "application/octet-stream";
    // Framework's hashed assets never change; pages and data do at each nightly run.
    const immutable = c.req.path.startsWith("/_");
    return c.body(body, 200, {
      "Content-Type": type,
      "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
    });
  };
}
