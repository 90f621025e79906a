import { Hono } from "hono";
import { publicationBlock, publicationsVersion } from "../../publications/figuresBlock.ts";
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
 *
 * When the figures' as-of date has a publication in force (src/publications/figuresBlock.ts:
 * the latest of that date, not withdrawn), the answer gains a `publication` block: its id,
 * title, note and date, the scope's figures exactly as published, and `ecarts`, today's value
 * minus the published one for each figure that differs. Today's figures stay at the top level,
 * as the CLI gives them; without a publication the answer is exactly the CLI's. The
 * publications file's version is part of the cache key: a publication or a withdrawal is seen at once.
 */
export const figuresRoutes = new Hono<AppEnv>().get(
  "/",
  requirePermission("aggregates"),
  validate("query", z.object({ annee: params.year, au: params.isoDate.optional(), secteur: params.sector.optional() })),
  async (c) => {
    const q = c.req.valid("query");
    const finsDeMois = monthEndsOnly(c);
    const publications = await c.var.ctx.warehouse.use(async (wh) => publicationsVersion(wh.path));
    return cachedJson(c, "figures", { ...q, finsDeMois, publications }, async (wh) => {
      const today = await getFigures(wh, { annee: q.annee, au: q.au ?? null, secteur: q.secteur ?? null, monthEndsOnly: finsDeMois });
      const publication = publicationBlock(wh.path, today);
      return publication ? { ...today, publication } : today;
    });
  },
);
