/**
 * The HTTP application: the drill-down API, the sign-in page and (when a site folder
 * is given) the static site, on one Hono app. Built here, started by src/server/main.ts;
 * tests call app.request() and open no port.
 */
import crypto from "node:crypto";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { AppError, QueryError, RunLockedError } from "../errors.ts";
import { loadSession } from "./auth.ts";
import type { AppContext, AppEnv } from "./context.ts";
import { OPENAPI, referencePage } from "./openapi.ts";
import { casesRoutes } from "./routes/cases.ts";
import { figuresRoutes } from "./routes/figures.ts";
import { funnelRoutes } from "./routes/funnel.ts";
import { healthRoutes } from "./routes/health.ts";
import { runsRoutes } from "./routes/runs.ts";
import { seriesRoutes } from "./routes/series.ts";
import { sessionRoutes } from "./routes/session.ts";
import { signInPageRoutes } from "./routes/signInPage.ts";
import { serveSite } from "./staticSite.ts";

export function createApp(ctx: AppContext) {
  const log = ctx.log ?? ((line: string) => process.stderr.write(line + "\n"));
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    c.set("ctx", ctx);
    c.set("requestId", crypto.randomBytes(6).toString("hex"));
    await next();
  });
  app.use(
    secureHeaders({
      // Pages load nothing from outside this server (intranet, tenants' data).
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:"],
        fontSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use(
    bodyLimit({
      maxSize: 16 * 1024,
      onError: () => {
        throw new HTTPException(413, { message: "Requête trop volumineuse (16 Kio au plus)." });
      },
    }),
  );
  app.use(csrf());
  app.use(loadSession);

  app.route("/api/session", sessionRoutes);
  app.route("/api/figures", figuresRoutes);
  app.route("/api/series", seriesRoutes);
  app.route("/api/funnel", funnelRoutes);
  app.route("/api/cases", casesRoutes);
  app.route("/api/runs", runsRoutes);
  app.route("/health", healthRoutes);
  app.route("/connexion", signInPageRoutes);
  app.get("/api/openapi.json", (c) => c.json(OPENAPI));
  app.get("/api/docs", (c) => c.html(referencePage()));
  app.all("/api/*", () => {
    throw new HTTPException(404, { message: "Route inconnue : voir la référence sur /api/docs." });
  });
  if (ctx.siteDir) app.get("*", serveSite(ctx.siteDir));

  app.notFound((c) => c.json({ erreur: "Page introuvable." }, 404));
  app.onError((err, c) => {
    if (err instanceof HTTPException) {
      // hono's csrf() throws a bare 403: say why in French.
      const message = err.message || (err.status === 403 ? "Requête refusée : elle ne vient pas d'une page de ce site (protection contre les requêtes d'origine étrangère)." : "Requête refusée.");
      const headers = Object.fromEntries([...(err.res?.headers ?? [])].filter(([k]) => k.toLowerCase() === "retry-after"));
      return c.json({ erreur: message }, err.status, headers);
    }
    if (err instanceof QueryError) return c.json({ erreur: err.message }, 400);
    if (err instanceof RunLockedError) return c.json({ erreur: err.message }, 409);
    const id = c.var.requestId ?? crypto.randomBytes(6).toString("hex");
    log(`[api] erreur ${id} sur ${c.req.method} ${c.req.path} : ${err instanceof AppError ? err.message : (err.stack ?? err.message)}`);
    return c.json({ erreur: `Erreur interne (référence ${id}). Réessayez ; si elle persiste, transmettez cette référence à l'administrateur.` }, 500);
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
