import { Hono } from "hono";
import { getFigures } from "../../warehouse/figures.ts";
import type { AppEnv } from "../context.ts";
import { requirePermission } from "../auth.ts";
import { monthEndsOnly } from "../asOfRule.ts";
import { params, validate, z } from "../validation.ts";
import { cachedJson } from "../cachedJson.ts";

/**
 * GET /api/figures?annee&au&secteur: the same JSON as `npm run figures -- --format json`.
 * Roles without case access get month ends only (src/api/asOfRule.ts): the rule is part of
 * the cache key, since the default D of a year in progress depends on it.
 */
export const figuresRoutes = new Hono<AppEnv>().get(
  "/",
  requirePermission("aggregates"),
  validate("query", z.object({ annee: params.year, au: params.isoDate.optional(), secteur: params.sector.optional() })),
  async (c) => {
    const q = c.req.valid("query");
    const finsDeMois = monthEndsOnly(c);
    return cachedJson(c, "figures", { ...q, finsDeMois }, (wh) =>
      getFigures(wh, { annee: q.annee, au: q.au ?? null, secteur: q.secteur ?? null, monthEndsOnly: finsDeMois }),
    );
  },
);
