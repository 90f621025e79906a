import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { excelCsv, numberCell, textCell } from "../../../reports/components/excelCsv.ts";
import { excelNumber, formatDate, isoDayInParis } from "../../../reports/components/format.ts";
import { DUE_WINDOWS, EXAMINATION_FILTERS, OWNER_ROLES, STAGE_CODES, reviewLabel } from "../../figures/reviewStages.ts";
import {
  CASE_SORTS,
  DRILL_FIGURES,
  getCase,
  listCases,
  listFigureCases,
  worklistDate,
  type CaseSort,
  type DrillFigure,
} from "../../warehouse/cases.ts";
import { COHORT_FIGURES, FIGURES } from "../../figures/definitions.ts";
import { resolveAsOfDate } from "../../warehouse/figures.ts";
import { isComputedAsOfDate } from "../../warehouse/asOfDates.ts";
import type { AppEnv } from "../context.ts";
import type { Warehouse } from "../../warehouse/warehouse.ts";
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

/** Today in Paris, yyyy-mm-dd: the default meeting date. */
export const todayInParis = (now = new Date()): string => isoDayInParis(now);

const isRealDate = (s: string) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

// The meeting date: a real date, resolved to today (Paris) when absent, before the cache key is made.
const meetingDate = params.isoDate
  .refine(isRealDate, "cette date n'existe pas")
  .optional()
  .transform((v) => v ?? todayInParis());

const listQuery = z.object({
  secteur: params.sector.optional(),
  role: z.enum(OWNER_ROLES, { error: `rôle inconnu ; valeurs possibles : ${OWNER_ROLES.join(", ")}` }).optional(),
  etape: z
    .enum(STAGE_CODES as [string, ...string[]], { error: `étape inconnue ; valeurs possibles : ${STAGE_CODES.join(", ")}` })
    .optional(),
  echeance: z
    .enum(DUE_WINDOWS as [string, ...string[]], { error: `échéance inconnue ; valeurs possibles : ${DUE_WINDOWS.join(", ")}` })
    .optional(),
  examen: z
    .enum(EXAMINATION_FILTERS as [string, ...string[]], { error: `valeurs possibles : ${EXAMINATION_FILTERS.join(", ")}` })
    .optional()
    .transform((v) => v ?? "a_examiner"),
  date_reunion: meetingDate,
  dette_min: z
    .string()
    .regex(/^\d{1,9}([.,]\d{1,2})?$/, "un montant positif en euros est attendu, par exemple 500 ou 500,50")
    .transform((s) => Number(s.replace(",", ".")))
    .optional(),
  tri: z
    .enum(SORTS, { error: `tri inconnu ; valeurs possibles : ${SORTS.join(", ")}` })
    .optional()
    .transform((v) => v ?? "priorite"),
  page: int(1, 100000, 1),
  taille: int(1, 500, 50),
  format: z.enum(["json", "csv"], { error: "format inconnu : json ou csv" }).optional(),
});

const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The meeting date must be neither before the data's as-of date minus a year, nor more than a
 * year after today (or the as-of date, when later): a 400 naming the bounds otherwise.
 */
async function checkMeetingDate(wh: Warehouse, date: string): Promise<string | null> {
  const asOf = await worklistDate(wh);
  if (!asOf) return null;
  const earliest = addDays(asOf, -365);
  const today = todayInParis();
  const latest = addDays(asOf > today ? asOf : today, 366);
  if (date < earliest || date > latest) {
    throw new HTTPException(400, {
      message: `Paramètre « date_reunion » invalide : la date de réunion doit être comprise entre le ${formatDate(earliest)} et le ${formatDate(latest)} (données arrêtées au ${formatDate(asOf)}).`,
    });
  }
  return asOf;
}

const euros = (n: number | null) => excelNumber(n, "euros");
const decimal = (n: number | null | undefined) => excelNumber(n, "nombre");

type Row = Record<string, unknown> & { plan: Record<string, unknown> | null; motifs: string[] | null };

const DRILL_KEYS = Object.keys(DRILL_FIGURES) as [DrillFigure, ...DrillFigure[]];

/** The drill-through's parameters (GET /api/cases?figure=…): the figure, its year and scope, as /api/figures takes them. */
const drillQuery = z.object({
  figure: z.enum(DRILL_KEYS, { error: `figure inconnue ou qui n'est pas un nombre ; valeurs possibles : ${DRILL_KEYS.join(", ")}` }),
  annee: params.year,
  au: params.isoDate.optional(),
  secteur: params.sector.optional(),
  format: z.enum(["json", "csv"], { error: "format inconnu : json ou csv" }).optional(),
});

/** The figure's French label: "Assignations", "Cohorte : assignés". */
export function drillLabel(figure: DrillFigure): string {
  const cohort = figure.startsWith("cohorte_") ? COHORT_FIGURES.find((f) => `cohorte_${f.cle}` === figure) : undefined;
  return (cohort ?? FIGURES.find((f) => f.cle === figure))!.libelle;
}

/**
 * The as-of date of the drill-through: the figures' (31/12, or the latest data for the year in
 * progress; `au` when given). Case roles have no month-end rule; the date must be one the ETL
 * computed figures for (a month end or the latest data), so that the list is the figure's.
 */
async function drillDate(wh: Warehouse, q: { annee: number; au?: string }): Promise<string> {
  const date = await resolveAsOfDate(wh, { annee: q.annee, au: q.au ?? null, secteur: null, monthEndsOnly: false });
  if (!(await isComputedAsOfDate(wh, date))) {
    throw new HTTPException(400, {
      message: `Paramètre « au » invalide : la liste des dossiers n'est donnée qu'aux fins de mois et à la date des dernières données ; le ${formatDate(date)} n'en est pas une.`,
    });
  }
  return date;
}

async function drillThrough(wh: Warehouse, q: z.infer<typeof drillQuery>) {
  if (q.secteur) await checkSector(wh, q.secteur);
  const date = await drillDate(wh, q);
  const lignes = await listFigureCases(wh, q.figure, date, q.secteur ?? null);
  return {
    figure: q.figure,
    libelle: drillLabel(q.figure),
    annee: q.annee,
    date_arrete: date,
    secteur: q.secteur ?? null,
    // what each row is: an event (an action, an entry) or a household (a lease)
    unite: DRILL_FIGURES[q.figure],
    // the figure's value: one row per event or lease it counts
    nombre: lignes.length,
    menages: new Set(lignes.map((l) => l.num_contrat)).size,
    lignes,
  };
}

/**
 * GET /api/cases (the worklist), GET /api/cases?figure=… (the drill-through: the cases behind
 * a count figure), GET /api/cases/:num_contrat (one case).
 */
export const casesRoutes = new Hono<AppEnv>()
  .use(requirePermission("cases"))
  .get("/", async (c, next) => {
    // With `figure`, the drill-through; without it, the worklist below, whose contract is unchanged.
    if (c.req.query("figure") === undefined) return next();
    const parsed = drillQuery.safeParse(c.req.query());
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new HTTPException(400, { message: `Paramètre « ${issue.path.join(".") || "(requête)"} » invalide : ${issue.message}` });
    }
    const q = parsed.data;
    if (q.format === "csv") {
      const result = await c.var.ctx.warehouse.use((wh) => drillThrough(wh, q));
      const csv = excelCsv([
        [
          "Chiffre",
          "Date d'arrêté",
          "Contrat",
          "Secteur",
          "Date",
          "Identifiant de l'action",
          "Code",
          "Libellé",
          "Solde à la date d'arrêté (€)",
        ].map(textCell),
        ...result.lignes.map((r) => [
          textCell(result.libelle),
          textCell(formatDate(result.date_arrete)),
          textCell(r.num_contrat),
          textCell(r.libelle_secteur ?? r.code_secteur),
          textCell(r.date ? formatDate(r.date) : ""),
          textCell(r.id_action ?? ""),
          textCell(r.code_action ?? ""),
          textCell(r.libelle_action ?? ""),
          numberCell(euros(r.solde)),
        ]),
      ]);
      return c.body(csv, 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="dossiers-${q.figure}-${q.annee}${q.secteur ? `-${q.secteur}` : ""}.csv"`,
      });
    }
    return cachedJson(c, "cases-figure", q, (wh) => drillThrough(wh, q));
  })
  .get("/", validate("query", listQuery), async (c) => {
    const q = c.req.valid("query");
    if (q.format === "csv") {
      const result = await c.var.ctx.warehouse.use(async (wh) => {
        if (q.secteur) await checkSector(wh, q.secteur);
        await checkMeetingDate(wh, q.date_reunion);
        return listCases(wh, q, true);
      });
      const rows = result.lignes as Row[];
      const csv = excelCsv([
        [
          "Contrat",
          "Secteur",
          "Solde (€)",
          "Dette en mois",
          "Moins de 3 mois (€)",
          "3 à 12 mois (€)",
          "Plus de 12 mois (€)",
          "Évolution sur 3 mois (€)",
          "Étape",
          "Date de l'étape",
          "Dernière action",
          "Date de la dernière action",
          "Dernier paiement",
          "État",
          "Action proposée",
          "Due le",
          "Statut",
          "Motifs",
          "Rôle",
          "Agent",
          "Priorité",
          "À examiner",
          "Plan signé le",
          "Mensualité du plan (€)",
          "Échéances dues",
          "Montant dû au plan (€)",
          "Versé au-delà du loyer (€)",
          "État du plan",
        ].map(textCell),
        ...rows.map((r) => [
          textCell(r.num_contrat as string),
          textCell(r.libelle_secteur as string),
          numberCell(euros(r.solde as number)),
          numberCell(decimal(r.dette_en_mois as number | null)),
          numberCell(euros(r.dette_moins_3_mois as number)),
          numberCell(euros(r.dette_3_12_mois as number)),
          numberCell(euros(r.dette_plus_12_mois as number)),
          numberCell(euros(r.dette_evolution_3_mois as number)),
          textCell((r.etape_libelle as string) ?? ""),
          textCell(formatDate(r.date_etape as string)),
          textCell((r.derniere_action as string) ?? ""),
          textCell(formatDate(r.date_derniere_action as string)),
          textCell(formatDate(r.dernier_paiement as string)),
          textCell((r.etat_libelle as string) ?? ""),
          textCell((r.action_libelle as string) ?? ""),
          textCell(r.action_due_le ? formatDate(r.action_due_le as string) : ""),
          textCell(reviewLabel("statut", r.action_statut as string | null)),
          textCell((r.motifs ?? []).join(" | ")),
          textCell((r.role_libelle as string) ?? ""),
          textCell((r.code_agent as string) ?? ""),
          textCell((r.priorite_libelle as string) ?? ""),
          textCell(r.a_examiner ? "Oui" : "Non"),
          textCell(r.plan ? formatDate(r.plan.date_signature as string) : ""),
          numberCell(r.plan ? euros(r.plan.mensualite as number | null) : ""),
          numberCell(r.plan ? decimal(r.plan.echeances_dues as number) : ""),
          numberCell(r.plan ? euros(r.plan.montant_du as number | null) : ""),
          numberCell(r.plan ? euros(r.plan.montant_verse as number) : ""),
          textCell(r.plan ? ((r.plan.etat_plan_libelle as string) ?? "") : ""),
        ]),
      ]);
      return c.body(csv, 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="revue-mensuelle${q.secteur ? `-${q.secteur}` : ""}.csv"`,
      });
    }
    return cachedJson(c, "cases", q, async (wh) => {
      if (q.secteur) await checkSector(wh, q.secteur);
      const asOf = await checkMeetingDate(wh, q.date_reunion);
      const result = await listCases(wh, q);
      return {
        date_arrete: asOf,
        date_reunion: q.date_reunion,
        suivis: result.suivis,
        a_examiner: result.a_examiner,
        sans_action_requise: result.sans_action_requise,
        total: result.total,
        page: result.page,
        pages: result.pages,
        taille: q.taille,
        tri: q.tri,
        lignes: result.lignes,
      };
    });
  })
  .get(
    "/:num_contrat",
    validate("param", z.object({ num_contrat: params.leaseNumber })),
    validate("query", z.object({ date_reunion: meetingDate })),
    async (c) => {
      const { num_contrat } = c.req.valid("param");
      const { date_reunion } = c.req.valid("query");
      return cachedJson(
        c,
        "case",
        { num_contrat, date_reunion },
        async (wh) => {
          await checkMeetingDate(wh, date_reunion);
          const found = await getCase(wh, num_contrat, date_reunion);
          if (!found) return null;
          return found;
        },
        `Bail « ${num_contrat} » introuvable dans l'entrepôt publié.`,
      );
    },
  );
