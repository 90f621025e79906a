/**
 * Serves the built static site from the folder of its current build. The folder is
 * read at each request, so a new build swaps in at once, without a restart. Clean
 * URLs as Observable Framework writes them: /secteurs -> secteurs.html.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import type { Context, MiddlewareHandler } from "hono";
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

/** Text files worth compressing (images and Parquet are compressed already). */
const COMPRESSIBLE = new Set([".html", ".js", ".css", ".json", ".csv", ".svg", ".txt", ".arrow"]);

/**
 * A file's compressed bodies, made once per version of the file (size, modification time):
 * Brotli for the browsers that take it, gzip otherwise. Keyed by the file's path inside the
 * build, so that the night's new build (a new folder) replaces the old one's entries instead of
 * adding to them: the cache holds one build's files at most.
 */
class CompressedFiles {
  private readonly cache = new Map<string, { version: string; br?: Buffer; gzip?: Buffer }>();

  get(sitePath: string, stat: fs.Stats, body: Buffer, encoding: "br" | "gzip"): Buffer {
    const version = `${stat.size}:${stat.mtimeMs}`;
    let entry = this.cache.get(sitePath);
    if (!entry || entry.version !== version) {
      entry = { version };
      this.cache.set(sitePath, entry);
    }
    if (encoding === "br") {
      entry.br ??= zlib.brotliCompressSync(body, {
        // the highest quality: made once per file version, and the site's libraries are its weight
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length },
      });
      return entry.br;
    }
    entry.gzip ??= zlib.gzipSync(body, { level: 9 });
    return entry.gzip;
  }
}

/** The encoding to answer with, from the request's Accept-Encoding (q=0 refuses one). */
function chooseEncoding(acceptEncoding: string | undefined): "br" | "gzip" | null {
  const accepted = new Set(
    (acceptEncoding ?? "")
      .split(",")
      .map((part) => part.trim().split(";"))
      .filter(([, q]) => !q || !/^\s*q\s*=\s*0(\.0*)?\s*$/.test(q))
      .map(([name]) => name!.trim().toLowerCase()),
  );
  if (accepted.has("br")) return "br";
  if (accepted.has("gzip")) return "gzip";
  return null;
}

/** Read a file without following a link (O_NOFOLLOW: a file swapped for a link since it was checked is refused). */
async function readFileNoFollow(file: string): Promise<Buffer<ArrayBuffer> | null> {
  try {
    const handle = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      return (await handle.readFile()) as Buffer<ArrayBuffer>; // a plain file read, never shared memory
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

export interface SiteServer {
  /** The middleware serving the build's files. */
  files: MiddlewareHandler<AppEnv>;
  /** The site's own 404 page for a browser's unknown URL (null when the build has none). */
  notFoundPage(c: Context<AppEnv>): Promise<Response | null>;
}

export function serveSite(siteDir: () => string | null): SiteServer {
  const policies = new PagePolicies();
  const compressed = new CompressedFiles();

  const respond = async (c: Context<AppEnv>, urlPath: string, status: 200 | 404): Promise<Response | null> => {
    const dir = siteDir();
    // The site folder is itself a link to the current build (src/server/runController.ts): resolved once per request.
    const root = dir ? await fs.promises.realpath(dir).catch(() => null) : null;
    const found = root ? await resolveFile(root, urlPath) : null;
    if (!found) return null;
    const body = await readFileNoFollow(found.file);
    if (!body) return null;
    const ext = path.extname(found.file);
    const type = TYPES[ext] ?? "application/octet-stream";
    // Site files hold aggregates only and are the same for every visitor, signed in or not
    // (the monthly review reads cases through the API): they may be cached, unlike API answers.
    c.set("staticFile", true);
    // Framework's hashed assets never change; pages and data do at each nightly run.
    const immutable = c.req.path.startsWith("/_");
    const headers: Record<string, string> = {
      "Content-Type": type,
      "Cache-Control": status === 404 ? "no-cache" : immutable ? "public, max-age=31536000, immutable" : "no-cache",
    };
    // A page gets a policy that allows exactly its own inline scripts (their hashes).
    if (ext === ".html") headers["Content-Security-Policy"] = policies.policyFor(found.file, found.stat, () => body.toString("utf8"));
    if (!COMPRESSIBLE.has(ext) || body.length < 1024) return c.body(body, status, headers);
    headers.Vary = "Accept-Encoding";
    const encoding = chooseEncoding(c.req.header("Accept-Encoding"));
    if (!encoding) return c.body(body, status, headers);
    headers["Content-Encoding"] = encoding;
    return c.body(new Uint8Array(compressed.get(path.relative(root!, found.file), found.stat, body, encoding)), status, headers);
  };

  return {
    files: async (c, next) => (await respond(c, c.req.path, 200)) ?? next(),
    notFoundPage: (c) => respond(c, "/404", 404),
  };
}
