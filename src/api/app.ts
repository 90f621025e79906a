/**
 * The HTTP application: the drill-down API, the sign-in page and (when a site folder
 * is given) the static site, on one Hono app. Built here, started by src/server/main.ts;
 * tests call app.request() and open no port.
 */
import crypto from "node:crypto";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { AppError, QueryError, RunLockedError } from "../errors.ts";
import { loadSession } from "./auth.ts";
import { policyHeader } from "./contentSecurityPolicy.ts";
import type { AppContext, AppEnv } from "./context.ts";
import { OPENAPI, referencePage } from "./openapi.ts";
import { casesRoutes } from "./routes/cases.ts";
import { figuresRoutes } from "./routes/figures.ts";
import { funnelRoutes } from "./routes/funnel.ts";
import { publicationsRoutes } from "./routes/publications.ts";
import { healthRoutes } from "./routes/health.ts";
import { runsRoutes } from "./routes/runs.ts";
import { seriesRoutes } from "./routes/series.ts";
import { sessionRoutes } from "./routes/session.ts";
import { signInPageRoutes } from "./routes/signInPage.ts";
import { DEFAULT_ALLOWED_HOSTS, checkHost, checkOrigin } from "./requestOrigin.ts";
import { serveSite } from "./staticSite.ts";

/**
 * Headers that only a document obeys: its policy, who may frame it, its browsing context group,
 * old browsers' filters. Every response keeps nosniff (a script runs only with its type), the
 * resource policy and the referrer policy (a style sheet's own requests follow it); pages, SVG
 * files (a document when opened), the API and the sign-in page keep them all.
 */
const DOCUMENT_ONLY_HEADERS = [
  "Content-Security-Policy",
  "Cross-Origin-Opener-Policy",
  "Origin-Agent-Cluster",
  "X-Frame-Options",
  "X-XSS-Protection",
  "X-Download-Options",
  "X-DNS-Prefetch-Control",
  "X-Permitted-Cross-Domain-Policies",
];
/** The site files that are no document: scripts, style sheets, data, fonts, raster images. */
const SUBRESOURCE_TYPE = /^(text\/javascript|application\/javascript|text\/css|application\/json|font\/|image\/(png|jpeg|webp|gif))/;

export function createApp(ctx: AppContext) {
  const log = ctx.log ?? ((line: string) => process.stderr.write(line + "\n"));
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    c.set("ctx", ctx);
    c.set("requestId", crypto.randomBytes(6).toString("hex"));
    await next();
  });
  // A script, style sheet, data file or font of the site is no document: it goes without the
  // headers only a document obeys (a cold page load sends some 16 KB less, issue 14).
  app.use(async (c, next) => {
    await next();
    if (!c.var.staticFile || !SUBRESOURCE_TYPE.test(c.res.headers.get("Content-Type") ?? "")) return;
    for (const header of DOCUMENT_ONLY_HEADERS) c.res.headers.delete(header);
  });
  // Every answer but a site file depends on the session or on live state (API JSON and CSV,
  // errors included, /connexion, /health): no browser or proxy may keep it, and a cache that
  // still does must key it by the cookie.
  app.use(async (c, next) => {
    await next();
    if (c.var.staticFile) return;
    c.res.headers.set("Cache-Control", "no-store");
    const vary = c.res.headers.get("Vary");
    if (!vary || !/(^|,)\s*cookie\s*(,|$)/i.test(vary)) c.res.headers.set("Vary", vary ? `${vary}, Cookie` : "Cookie");
  });
  app.use(
    secureHeaders({
      // Set below (src/api/contentSecurityPolicy.ts), per page for the site's pages.
      contentSecurityPolicy: undefined,
      crossOriginEmbedderPolicy: false,
      // Not "no-referrer" (hono's default): under it a browser sends `Origin: null` with a form
      // post, which the Origin check (src/api/requestOrigin.ts) must refuse. "same-origin" gives
      // this server its own origin and still tells no other site anything.
      referrerPolicy: "same-origin",
      // HSTS over plain HTTP means nothing and would pin a name to HTTPS that does not serve it.
      strictTransportSecurity: ctx.secureCookies ? "max-age=15552000; includeSubDomains" : false,
    }),
  );
  // Pages load nothing from outside this server (intranet, tenants' data); scripts run from files only.
  const defaultPolicy = policyHeader();
  app.use(async (c, next) => {
    await next();
    if (!c.res.headers.has("Content-Security-Policy")) c.res.headers.set("Content-Security-Policy", defaultPolicy);
  });
  // Before anything else runs: a request for another name (DNS rebinding) gets nothing.
  app.use(checkHost(ctx.allowedHosts ?? DEFAULT_ALLOWED_HOSTS));
  app.use(
    bodyLimit({
      maxSize: 16 * 1024,
      onError: () => {
        throw new HTTPException(413, { message: "Requête trop volumineuse (16 Kio au plus)." });
      },
    }),
  );
  app.use(checkOrigin);
  app.use(loadSession);

  app.route("/api/session", sessionRoutes);
  app.route("/api/figures", figuresRoutes);
  app.route("/api/series", seriesRoutes);
  app.route("/api/funnel", funnelRoutes);
  app.route("/api/cases", casesRoutes);
  app.route("/api/runs", runsRoutes);
  app.route("/api/publications", publicationsRoutes);
  app.route("/health", healthRoutes);
  app.route("/connexion", signInPageRoutes);
  app.get("/api/openapi.json", (c) => c.json(OPENAPI));
  app.get("/api/docs", (c) => c.html(referencePage()));
  app.all("/api/*", () => {
    throw new HTTPException(404, { message: "Route inconnue : voir la référence sur /api/docs." });
  });
  const site = ctx.siteDir ? serveSite(ctx.siteDir) : null;
  if (site) app.get("*", site.files);

  // A browser asking for an unknown page gets the site's own 404 page; a program gets JSON.
  app.notFound(async (c) => {
    const wantsPage = c.req.method === "GET" && (c.req.header("Accept") ?? "").includes("text/html");
    return (wantsPage && site ? await site.notFoundPage(c) : null) ?? c.json({ erreur: "Page introuvable." }, 404);
  });
  app.onError((err, c) => {
    if (err instanceof HTTPException) {
      const message = err.message || "Requête refusée.";
      const headers = Object.fromEntries([...(err.res?.headers ?? [])].filter(([k]) => k.toLowerCase() === "retry-after"));
      return c.json({ erreur: message }, err.status, headers);
    }
    if (err instanceof QueryError) return c.json({ erreur: err.message }, 400);
    if (err instanceof RunLockedError) return c.json({ erreur: err.message }, 409);
    const id = c.var.requestId ?? crypto.randomBytes(6).toString("hex");
    log(`[api] erreur ${id} sur ${c.req.method} ${c.req.path} : ${err instanceof AppError ? err.message : (err.stack ?? err.message)}`);
    return c.json(
      { erreur: `Erreur interne (référence ${id}). Réessayez ; si elle persiste, transmettez cette référence à l'administrateur.` },
      500,
    );
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
