import { Hono } from "hono";
import { FUNNEL_FLOWS, LITIGATION_STAGES } from "../../figures/seeds.ts";
import { getFigures } from "../../warehouse/figures.ts";
import { litigationStagesAt } from "../../warehouse/litigationStages.ts";
import type { AppEnv } from "../context.ts";
import { requirePermission } from "../auth.ts";
import { monthEndsOnly } from "../asOfRule.ts";
import { params, validate, z } from "../validation.ts";
import { cachedJson } from "../cachedJson.ts";

/**
 * GET /api/funnel?annee&secteur: yearly flows in procedural order, the cohort, households at
 * each stage, all at the year's D. For a year in progress and a role without case access, D
 * is the latest month end (src/api/asOfRule.ts), where the stages are computed if the mart
 * does not hold them.
 */
export const funnelRoutes = new Hono<AppEnv>().get(
  "/",
  requirePermission("aggregates"),
  validate("query", z.object({ annee: params.year, secteur: params.sector.optional() })),
  async (c) => {
    const q = c.req.valid("query");
    const finsDeMois = monthEndsOnly(c);
    return cachedJson(c, "funnel", { ...q, finsDeMois }, async (wh) => {
      const f = await getFigures(wh, { annee: q.annee, secteur: q.secteur ?? null, monthEndsOnly: finsDeMois });
      const stages = (await litigationStagesAt(wh, f.date_arrete)).filter((s) => s.secteur === (q.secteur ?? null));
      return {
        annee: f.annee,
        date_arrete: f.date_arrete,
        donnees_jusqu_au: f.donnees_jusqu_au,
        secteur: f.secteur,
        flux: FUNNEL_FLOWS.map(({ cle }) => ({ indicateur: cle, valeur: f[cle] })),
        avertissement:
          "Les flux annuels ne sont pas des taux de conversion : une assignation de l'année peut suivre un commandement de l'année précédente. La cohorte suit les mêmes baux d'étape en étape.",
        cohorte_commandements: f.cohorte_commandements,
        menages_par_etape: stages.map((s) => ({
          etape: s.etape,
          menages: s.menages,
          libelle: LITIGATION_STAGES.find((l) => l.etape === s.etape)?.libelle ?? s.etape,
        })),
      };
    });
  },
);
