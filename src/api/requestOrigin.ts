/**
 * Where a request comes from: the Host it was sent to, and (for a request that changes
 * state) the Origin of the page that sent it.
 *
 * - Host: only the configured names are answered (421 otherwise), so a page of another
 *   name whose DNS answer was rebound to this server (DNS rebinding) gets nothing, not even
 *   a session: the browser sends that other name in Host.
 * - Origin: every POST, PUT, PATCH and DELETE, whatever its content type (JSON posts
 *   included, which hono's csrf() let through), must come from a page of this very host.
 *   Without an Origin header, only a request that no browser marked as cross-site is
 *   accepted: curl and scripts send neither Origin nor Sec-Fetch-Site.
 */
import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./context.ts";

/** The names a local server answers to when the configuration names no other. */
export const DEFAULT_ALLOWED_HOSTS = ["localhost", "127.0.0.1", "::1"] as const;

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** A host name as compared: lower case, no brackets around an IPv6 address, no final dot. */
export function normaliseHostName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/\.$/, "");
}

/** The name and port of a Host header value; null when it is not one. */
export function parseHost(value: string): { name: string; port: string | null } | null {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  return m ? { name: normaliseHostName(m[1]!), port: m[2] ?? null } : null;
}

/** The Host the request was sent to (app.request() in tests has none: its URL's host). */
function requestHost(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string {
  return c.req.header("host") ?? new URL(c.req.url).host;
}

const shown = (s: string) => (s.length > 100 ? `${s.slice(0, 100)}…` : s);

/** 421 for a Host that is not one of this server's names, before anything else runs. */
export function checkHost(allowedHosts: readonly string[]): MiddlewareHandler<AppEnv> {
  const allowed = new Set(allowedHosts.map(normaliseHostName));
  return async (c, next) => {
    const host = requestHost(c);
    const parsed = parseHost(host);
    if (!parsed || !allowed.has(parsed.name)) {
      throw new HTTPException(421, {
        message: `Nom d'hôte « ${shown(host)} » inconnu de ce serveur : ouvrez l'Observatoire par son adresse habituelle. S'il doit répondre à ce nom, l'administrateur l'ajoute à ALLOWED_HOSTS.`,
      });
    }
    await next();
  };
}

/** 403 for a state-changing request sent by a page of another origin. */
export const checkOrigin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!STATE_CHANGING.has(c.req.method)) return next();
  const origin = c.req.header("origin");
  if (origin === undefined) {
    // No Origin: a browser that still says where the request comes from must say "same-origin".
    const site = c.req.header("sec-fetch-site");
    if (site !== undefined && site !== "same-origin") {
      throw new HTTPException(403, {
        message: `Requête refusée : le navigateur l'indique venue d'une autre origine que ce site (Sec-Fetch-Site : ${shown(site)}). Faites-la depuis une page de l'Observatoire.`,
      });
    }
    return next();
  }
  if (!sameOrigin(origin, requestHost(c), c.var.ctx.allowedHosts ?? DEFAULT_ALLOWED_HOSTS)) {
    throw new HTTPException(403, {
      message: `Requête refusée : elle vient d'une page d'une autre origine (« ${shown(origin)} ») que ce site. Faites-la depuis une page de l'Observatoire.`,
    });
  }
  await next();
};

/** Whether an Origin header names this very host (name and port) and an allowed name. */
export function sameOrigin(origin: string, host: string, allowedHosts: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(origin); // "null" (sandboxed frames, file:) does not parse: refused
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  const h = parseHost(host);
  if (!h) return false;
  const name = normaliseHostName(url.hostname);
  if (!allowedHosts.map(normaliseHostName).includes(name) || name !== h.name) return false;
  // A Host without a port is the default port of the scheme the page used (the Origin's).
  const defaultPort = url.protocol === "https:" ? "443" : "80";
  return (url.port || defaultPort) === (h.port ?? defaultPort);
}
