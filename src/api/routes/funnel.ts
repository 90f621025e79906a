import { Hono } from "hono";
import { LITIGATION_STAGES } from "../../figures/complementaryDefinitions.ts";
import { queryRows } from "../../warehouse/db.ts";
import { getFigures } from "../../warehouse/figures.ts";
import type { AppEnv } from "../context.ts";
import { requirePermission } from "../auth.ts";
import { params, validate, z } from "../validation.ts";
import { cachedJson } from "../cachedJson.ts";

const FLOWS = ["relances", "plans_signes", "commandements_payer", "assignations", "resiliations_bail", "concours_force_publique", "expulsions"];

/** GET /api/funnel?annee&secteur: yearly flows in procedural order, the cohort, households at each stage. */
export const funnelRoutes = new Hono<AppEnv>().get(
  "/",
  requirePermission("aggregates"),
  validate("query", z.object({ annee: params.year, secteur: params.sector.optional() })),
  async (c) => {
    const q = c.req.valid("query");
    return cachedJson(c, "funnel", q, async (wh) => {
      const f = await getFigures(wh, { annee: q.annee, secteur: q.secteur ?? null });
      const stages = await queryRows<{ etape: string; menages: number }>(
        wh.conn,
        `select etape, cast(menages as integer) as menages from litigation_stages_per_year_and_sector
         where date_arrete = cast($d as date) and code_secteur is not distinct from cast($s as varchar) order by rang`,
        { d: f.date_arrete, s: q.secteur ?? null },
      );
      return {
        annee: f.annee,
        date_arrete: f.date_arrete,
        secteur: f.secteur,
        flux: FLOWS.map((k) => ({ indicateur: k, valeur: f[k] })),
        avertissement: "Les flux annuels ne sont pas des taux de conversion : une assignation de l'année peut suivre un commandement de l'année précédente. La cohorte suit les mêmes baux d'étape en étape.",
        cohorte_commandements: f.cohorte_commandements,
        menages_par_etape: stages.map((s) => ({
          ...s,
          libelle: LITIGATION_STAGES.find((l) => l.etape === s.etape)?.libelle ?? s.etape,
        })),
      };
    });
  },
);
