import { Hono } from "hono";
import { dataBounds } from "../../warehouse/dataBounds.ts";
import { lastSuccessfulRunEnd } from "../../warehouse/runs.ts";
import type { AppEnv } from "../context.ts";

/**
 * GET /health: liveness, the last successful run, data freshness, the last failure if later.
 * Anyone may ask (monitoring has no account), so the public answer holds the status and
 * dates only; the failure's run and message (which name an export file, its line and
 * column) are for signed-in users.
 */
export const healthRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const { runs, warehouse } = c.var.ctx;
  const status = runs.status();
  type Freshness = { dernier_jour: string | null; dernier_chargement_reussi: string | null };
  let donnees: Freshness | null = null;
  try {
    // A published warehouse never changes: its freshness is read once per file.
    donnees = JSON.parse(
      await warehouse.json("fraicheur", async (wh) => {
        // the latest posting date (the data's bound) and the end of the latest successful run
        return { dernier_jour: (await dataBounds(wh)).dernier_jour, dernier_chargement_reussi: await lastSuccessfulRunEnd(wh) };
      }),
    ) as Freshness;
  } catch {
    donnees = null;
  }
  const lastFailure = status.derniers.find((r) => r.statut === "échec");
  const lastSuccess = status.derniers.find((r) => r.statut === "succès");
  const failingNow = lastFailure && (!lastSuccess || lastFailure.fin > lastSuccess.fin);
  return c.json(
    {
      statut: donnees ? (failingNow ? "dégradé" : "ok") : "sans_donnees",
      entrepot_publie: donnees !== null,
      donnees_jusqu_au: donnees?.dernier_jour ?? null,
      dernier_chargement_reussi: donnees?.dernier_chargement_reussi ?? null,
      dernier_echec: !failingNow
        ? null
        : c.var.session
          ? { run_id: lastFailure.run_id, fin: lastFailure.fin, message: lastFailure.message }
          : { fin: lastFailure.fin },
      chargement_en_cours: status.en_cours !== null,
    },
    donnees ? 200 : 503,
  );
});
