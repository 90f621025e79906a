import { Hono } from "hono";
import { excelCsv, numberCell, textCell } from "../../csv/excelCsv.ts";
import { formatDate } from "../../figures/format.ts";
import { NEXT_STEPS, REVIEW_STAGES, STAGE_CODES } from "../../figures/reviewStages.ts";
import { CASE_SORTS, getCase, listCases, type CaseSort } from "../data/cases.ts";
import type { AppEnv } from "../context.ts";
import { checkSector, requirePermission } from "../auth.ts";
import { params, validate, z } from "../validation.ts";
import { cachedJson } from "../cachedJson.ts";

const SORTS = Object.keys(CASE_SORTS) as [CaseSort, ...CaseSort[]];
const int = (min: number, max: number, dflt: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/, "un nombre entier est attendu")
    .transform(Number)
    .refine((n) => n >= min && n <= max, `entre ${min} et ${max}`)
    .optional()
    .transform((v) => v ?? dflt);

const listQuery = z.object({
  secteur: params.sector.optional(),
  etape: z.enum(STAGE_CODES as [string, ...string[]], { error: `étape inconnue ; valeurs possibles : ${STAGE_CODES.join(", ")}` }).optional(),
  dette_min: z
    .string()
    .regex(/^\d{1,9}([.,]\d{1,2})?$/, "un montant positif en euros est attendu, par exemple 500 ou 500,50")
    .transform((s) => Number(s.replace(",", ".")))
    .optional(),
  tri: z.enum(SORTS, { error: `tri inconnu ; valeurs possibles : ${SORTS.join(", ")}` }).optional().transform((v) => v ?? "dette_desc"),
  page: int(1, 100000, 1),
  taille: int(1, 500, 50),
  format: z.enum(["json", "csv"], { error: "format inconnu : json ou csv" }).optional(),
});

const euros = (n: number | null) => (n === null ? "" : n.toFixed(2).replace(".", ","));
const stageLabel = (e: string | null) => REVIEW_STAGES.find((s) => s.etape === e)?.libelle ?? e ?? "";

/** GET /api/cases (the worklist), GET /api/cases/:num_contrat (one case). */
export const casesRoutes = new Hono<AppEnv>()
  .use(requirePermission("cases"))
  .get("/", validate("query", listQuery), async (c) => {
    const q = c.req.valid("query");
    if (q.format === "csv") {
      const result = await c.var.ctx.warehouse.use(async (wh) => {
        if (q.secteur) await checkSector(wh, q.secteur);
        return listCases(wh, q, true);
      });
      const rows = result.lignes as Array<Record<string, string | number | null>>;
      const csv = excelCsv([
        ["Contrat", "Secteur", "Solde (€)", "Dette en mois", "Moins de 3 mois (€)", "3 à 12 mois (€)", "Plus de 12 mois (€)",
          "Étape", "Date de l'étape", "Dernière action", "Date de la dernière action", "Dernier paiement", "Prochaine étape", "Motif", "À partir du"].map(textCell),
        ...rows.map((r) => [
          textCell(r.num_contrat as string), textCell(r.libelle_secteur as string),
          numberCell(euros(r.solde as number)), numberCell(r.dette_en_mois === null ? "" : String(r.dette_en_mois).replace(".", ",")),
          numberCell(euros(r.dette_moins_3_mois as number)), numberCell(euros(r.dette_3_12_mois as number)), numberCell(euros(r.dette_plus_12_mois as number)),
          textCell(stageLabel(r.etape as string)), textCell(formatDate(r.date_etape as string)), textCell(r.derniere_action as string),
          textCell(formatDate(r.date_derniere_action as string)), textCell(formatDate(r.dernier_paiement as string)),
          textCell(NEXT_STEPS[r.prochaine_etape as string] ?? ""), textCell(r.motif_prochaine_etape as string), textCell(formatDate(r.prochaine_etape_des_le as string)),
        ]),
      ]);
      return c.body(csv, 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="revue-mensuelle${q.secteur ? `-${q.secteur}` : ""}.csv"`,
      });
    }
    return cachedJson(c, "cases", q, async (wh) => {
      if (q.secteur) await checkSector(wh, q.secteur);
      const result = await listCases(wh, q);
      const lignes = (result.lignes as Array<Record<string, unknown>>).map((r) => ({
        ...r,
        etape_libelle: stageLabel(r.etape as string),
        prochaine_etape_libelle: NEXT_STEPS[r.prochaine_etape as string] ?? null,
      }));
      return { page: q.page, taille: q.taille, tri: q.tri, total: result.total, lignes };
    });
  })
  .get("/:num_contrat", validate("param", z.object({ num_contrat: params.leaseNumber })), async (c) => {
    const { num_contrat } = c.req.valid("param");
    return cachedJson(
      c,
      "case",
      { num_contrat },
      async (wh) => {
        const found = await getCase(wh, num_contrat);
        if (!found) return null;
        const revue = found.revue && {
          ...found.revue,
          etape_libelle: stageLabel(found.revue.etape as string),
          prochaine_etape_libelle: NEXT_STEPS[found.revue.prochaine_etape as string] ?? null,
        };
        return { ...found, revue };
      },
      `Bail « ${num_contrat} » introuvable dans l'entrepôt publié.`,
    );
  });
