import { Hono } from "hono";
import { FIGURES } from "../../figures/definitions.ts";
import { figureSeries } from "../../warehouse/monthlyMarts.ts";
import type { AppEnv } from "../context.ts";
import { checkSector, requirePermission } from "../auth.ts";
import { monthEndsOnly } from "../asOfRule.ts";
import { params, validate, z } from "../validation.ts";
import { cachedJson } from "../cachedJson.ts";

const KEYS = FIGURES.map((f) => f.cle) as [string, ...string[]];

/**
 * GET /api/series?indicateur&secteur: the monthly series of one figure (mart figures_per_month_and_sector).
 * Each point carries `fenetre_complete` (etl/models/metrics/FIGURES.md): a month whose twelve-month window starts
 * before the data is not comparable with the others.
 */
export const seriesRoutes = new Hono<AppEnv>().get(
  "/",
  requirePermission("aggregates"),
  validate(
    "query",
    z.object({
      indicateur: z.enum(KEYS, { error: `indicateur inconnu ; valeurs possibles : ${KEYS.join(", ")}` }),
      secteur: params.sector.optional(),
    }),
  ),
  async (c) => {
    const q = c.req.valid("query");
    // The figure comes from the fixed list of figures, never from the request text.
    const def = FIGURES.find((f) => f.cle === q.indicateur)!;
    // The mart's last point is the month in progress up to the latest posting date, which moves
    // by a day each night: roles without case access stop at the latest month end (asOfRule.ts).
    const finsDeMois = monthEndsOnly(c);
    return cachedJson(c, "series", { ...q, finsDeMois }, async (wh) => {
      if (q.secteur) await checkSector(wh, q.secteur);
      const points = await figureSeries(wh, { figure: def, secteur: q.secteur ?? null, monthEndsOnly: finsDeMois });
      return {
        indicateur: def.cle,
        libelle: def.libelle,
        unite: def.unite,
        definition: def.definition,
        secteur: q.secteur ?? null,
        points,
      };
    });
  },
);
