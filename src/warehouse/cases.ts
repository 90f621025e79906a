/**
 * Case-level data for the monthly review: the worklist (mart review_cases) and one
 * case's history. Parameterised queries only; sort orders and filters come from
 * fixed lists, never from request text. The meeting date reaches the SQL as a parameter
 * and goes through one macro (review_action_due in etl/macros.sql: the winter truce) for
 * every due date, its status and the due-date filters.
 */
import { reviewCodes } from "../figures/reviewStages.ts";
import { dataBounds } from "./dataBounds.ts";
import { queryRows } from "../duckdb/db.ts";
import type { Warehouse } from "./warehouse.ts";

/** The SQL order of each sort of the worklist; the list of sorts is the seed's. */
const SORT_ORDERS: Record<string, string> = {
  priorite: "priorite asc, action_due_le asc nulls last, num_contrat",
  dette_desc: "solde desc, num_contrat",
  dette_asc: "solde asc, num_contrat",
  mois_desc: "dette_en_mois desc nulls last, num_contrat",
  etape_date: "date_etape asc nulls last, num_contrat",
  echeance: "action_due_le asc nulls last, num_contrat",
  contrat: "num_contrat",
};

/**
 * The worklist's sorts, in the order the page lists them: the codes of etl/seeds/review_labels.csv
 * (champ tri, with their French labels), each with its SQL order. A sort added to the seed
 * without its order here stops the server at start-up.
 */
export const CASE_SORTS: Readonly<Record<string, string>> = Object.fromEntries(
  reviewCodes("tri").map((code) => {
    const order = SORT_ORDERS[code];
    if (!order) throw new Error(`etl/seeds/review_labels.csv : le tri « ${code} » n'a pas d'ordre SQL dans src/warehouse/cases.ts`);
    return [code, order];
  }),
);
export type CaseSort = string;

export interface CaseFilter {
  secteur?: string;
  role?: string;
  etape?: string;
  dette_min?: number;
  echeance?: string;
  examen: string;
  date_reunion: string;
  tri: CaseSort;
  page: number;
  taille: number;
}

/** The worklist with the meeting's due dates and statuses ($date_reunion: the meeting). */
const WORKLIST = `(
  select
    *,
    review_action_due(action, action_due_base, cast($date_reunion as date)) as action_due_le,
    review_action_status(action, action_due_base, cast($date_reunion as date)) as action_statut
  from review_cases
) as w`;

const CASE_COLUMNS = `num_contrat, code_secteur, libelle_secteur,
  strftime(date_arrete, '%Y-%m-%d') as date_arrete,
  cast(solde as double) as solde, cast(dette_en_mois as double) as dette_en_mois,
  cast(dette_moins_3_mois as double) as dette_moins_3_mois, cast(dette_3_12_mois as double) as dette_3_12_mois,
  cast(dette_plus_12_mois as double) as dette_plus_12_mois,
  etape, (select l.libelle from review_labels as l where l.champ = 'etape' and l.code = w.etape) as etape_libelle,
  strftime(date_etape, '%Y-%m-%d') as date_etape,
  derniere_action, strftime(date_derniere_action, '%Y-%m-%d') as date_derniere_action,
  strftime(dernier_paiement, '%Y-%m-%d') as dernier_paiement,
  etat, etat_libelle, action, action_libelle,
  strftime(action_due_le, '%Y-%m-%d') as action_due_le, action_statut, motifs,
  role_responsable, role_libelle, code_agent, priorite, priorite_libelle, a_examiner,
  cast(dette_evolution_3_mois as double) as dette_evolution_3_mois,
  case when plan_date_signature is not null then {
    'date_signature': strftime(plan_date_signature, '%Y-%m-%d'),
    'montant': cast(plan_montant as double),
    'nb_echeances': plan_nb_echeances,
    'mensualite': cast(plan_mensualite as double),
    'echeances_dues': plan_echeances_dues,
    'montant_du': cast(plan_montant_du as double),
    'montant_verse': cast(plan_montant_verse as double),
    'etat_plan': etat_plan,
    'etat_plan_libelle': etat_plan_libelle
  } end as plan`;

/** The followed cases of a sector and role (what suivis counts). */
const FOLLOWED = `(cast($secteur as varchar) is null or code_secteur = cast($secteur as varchar))
  and (cast($role as varchar) is null or role_responsable = cast($role as varchar))`;

/** Every other filter (what total counts, with FOLLOWED). */
const SELECTED = `(cast($etape as varchar) is null or etape = cast($etape as varchar))
  and (cast($dette_min as double) is null or solde >= cast($dette_min as double))
  and (cast($examen as varchar) = 'tous'
       or (cast($examen as varchar) = 'a_examiner' and a_examiner)
       or (cast($examen as varchar) = 'sans_action' and not a_examiner))
  and (cast($echeance as varchar) is null
       or (cast($echeance as varchar) = 'avant_reunion' and action_due_le <= cast($date_reunion as date))
       or (cast($echeance as varchar) = '30_jours' and action_due_le > cast($date_reunion as date)
           and action_due_le <= cast($date_reunion as date) + 30))`;

export type CaseCounts = {
  suivis: number;
  a_examiner: number;
  sans_action_requise: number;
  total: number;
};

/** The as-of date of the worklist (the latest data), yyyy-mm-dd. */
export async function worklistDate(wh: Warehouse): Promise<string | null> {
  return (await dataBounds(wh)).dernier_jour;
}

export async function listCases(wh: Warehouse, f: CaseFilter, all = false) {
  const p = {
    secteur: f.secteur ?? null,
    role: f.role ?? null,
    etape: f.etape ?? null,
    dette_min: f.dette_min ?? null,
    examen: f.examen,
    echeance: f.echeance ?? null,
    date_reunion: f.date_reunion,
  };
  const [counts] = await queryRows<CaseCounts>(
    wh.conn,
    `select cast(count(*) as integer) as suivis,
            cast(count(*) filter (where a_examiner) as integer) as a_examiner,
            cast(count(*) filter (where not a_examiner) as integer) as sans_action_requise,
            cast(count(*) filter (where ${SELECTED}) as integer) as total
     from ${WORKLIST} where ${FOLLOWED}`,
    p,
  );
  const pages = Math.max(1, Math.ceil(counts!.total / f.taille));
  // A page beyond the last gives the last one (and says so), never an empty page.
  const page = Math.min(f.page, pages);
  // Sort and paging come from fixed lists and validated integers, never from request text.
  const limit = all ? "" : `limit ${Math.trunc(f.taille)} offset ${Math.trunc((page - 1) * f.taille)}`;
  const rows = await queryRows(
    wh.conn,
    `select ${CASE_COLUMNS} from ${WORKLIST} where ${FOLLOWED} and ${SELECTED} order by ${CASE_SORTS[f.tri]} ${limit}`,
    p,
  );
  return { ...counts!, page, pages, lignes: rows };
}

export async function getCase(wh: Warehouse, numContrat: string, dateReunion: string) {
  const [lease] = await queryRows(
    wh.conn,
    `select l.num_contrat, l.num_logement, l.code_secteur, s.libelle_secteur, l.commune,
            strftime(l.date_entree, '%Y-%m-%d') as date_entree, strftime(l.date_sortie, '%Y-%m-%d') as date_sortie,
            l.motif_sortie, l.beneficiaire_apl, l.nb_occupants,
            cast(l.loyer_mensuel as double) as loyer_mensuel, cast(l.charges_mensuelles as double) as charges_mensuelles
     from leases as l left join sectors as s on s.code_secteur = l.code_secteur
     where l.num_contrat = $n`,
    { n: numContrat },
  );
  if (!lease) return null;
  const [worklist] = await queryRows(wh.conn, `select ${CASE_COLUMNS} from ${WORKLIST} where num_contrat = $n`, {
    n: numContrat,
    date_reunion: dateReunion,
  });
  const soldes = await queryRows(
    wh.conn,
    `select strftime(p.date_arrete, '%Y-%m-%d') as date_arrete, cast(p.solde as double) as solde,
            cast(p.dette_moins_3_mois as double) as dette_moins_3_mois, cast(p.dette_3_12_mois as double) as dette_3_12_mois,
            cast(p.dette_plus_12_mois as double) as dette_plus_12_mois
     from lease_positions as p
     inner join as_of_dates as d on d.date_arrete = p.date_arrete and (d.est_fin_de_mois or d.est_derniere_donnee)
     where p.num_contrat = $n order by p.date_arrete`,
    { n: numContrat },
  );
  const ecritures = await queryRows(
    wh.conn,
    `select id_ecriture, strftime(date_ecriture, '%Y-%m-%d') as date_ecriture, strftime(periode, '%Y-%m') as periode,
            code_mouvement, categorie, libelle, cast(debit as double) as debit, cast(credit as double) as credit, mode_reglement
     from ledger_entries where num_contrat = $n order by date_ecriture, id_ecriture`,
    { n: numContrat },
  );
  const actions = await queryRows(
    wh.conn,
    `select a.id_action, strftime(a.date_action, '%Y-%m-%d') as date_action, a.code_action, a.categorie,
            r.libelle, a.role_agent, cast(a.montant as double) as montant, a.nb_echeances
     from recovery_actions as a
     left join ref_codes as r on r.champ = 'code_action' and r.code = a.code_action
     where a.num_contrat = $n order by a.date_action, a.id_action`,
    { n: numContrat },
  );
  const chronologie = await queryRows(
    wh.conn,
    `select strftime(a.date_action, '%Y-%m-%d') as date, a.code_action, r.libelle
     from recovery_actions as a
     left join ref_codes as r on r.champ = 'code_action' and r.code = a.code_action
     where a.num_contrat = $n
       and a.categorie in (select categorie from procedure_categories where chronologie)
     order by a.date_action, a.id_action`,
    { n: numContrat },
  );
  return { bail: lease, revue: worklist ?? null, soldes_mensuels: soldes, ecritures, actions, chronologie };
}

/**
 * The drill-through: the rows a count figure of a year and scope counts, read from the marts
 * over the models figures_per_date_and_sector counts (never a second implementation):
 * - `evenements`: counted_events, the actions and lease entries of D's calendar year up to D
 *   (FIGURES.md, "Actions" and `nouveaux_entrants`): one row per event;
 * - `menages`: counted_households at D: one row per lease;
 * - `cohorte`: cohort_leases at D (the cohort of D's year), with the step reached: one row per lease.
 */
export const DRILL_FIGURES = {
  relances: "evenements",
  visites_domicile: "evenements",
  signalements_caf: "evenements",
  plans_signes: "evenements",
  plans_rompus: "evenements",
  commandements_payer: "evenements",
  assignations: "evenements",
  resiliations_bail: "evenements",
  demandes_concours: "evenements",
  concours_force_publique: "evenements",
  expulsions: "evenements",
  nouveaux_entrants: "evenements",
  menages_presents: "menages",
  menages_en_dette: "menages",
  menages_dette_3_mois: "menages",
  cohorte_effectif: "cohorte",
  cohorte_assignes: "cohorte",
  cohorte_resilies: "cohorte",
  cohorte_concours: "cohorte",
  cohorte_expulses: "cohorte",
} as const;
export type DrillFigure = keyof typeof DRILL_FIGURES;

/** The cohort figure's flag in cohort_leases, and the date its row shows (the step reached). */
const COHORT_STEPS: Record<string, { flag: string; date: string }> = {
  cohorte_effectif: { flag: "true", date: "c.premier_commandement" },
  cohorte_assignes: { flag: "c.est_assigne", date: "c.premiere_assignation" },
  cohorte_resilies: { flag: "c.est_resilie", date: "c.premiere_resiliation" },
  cohorte_concours: { flag: "c.est_concours", date: "c.premier_concours" },
  cohorte_expulses: { flag: "c.est_expulse", date: "c.premiere_expulsion" },
};

export type DrillRow = {
  num_contrat: string;
  code_secteur: string;
  libelle_secteur: string | null;
  /** The event's day (events), the step's first day (cohort), null for a household at D. */
  date: string | null;
  id_action: string | null;
  code_action: string | null;
  libelle_action: string | null;
  /** The lease's balance at D (null for a lease not started by D: never the case here). */
  solde: number | null;
};

/**
 * The rows behind `figure` at the as-of date `date` (a materialised one) for a sector or the
 * whole landlord (secteur null). Every SQL fragment below comes from the fixed lists above.
 */
export async function listFigureCases(wh: Warehouse, figure: DrillFigure, date: string, secteur: string | null): Promise<DrillRow[]> {
  const kind = DRILL_FIGURES[figure];
  const scope = `(cast($s as varchar) is null or x.code_secteur = cast($s as varchar))`;
  let counted: string;
  if (kind === "evenements") {
    // D's calendar year up to D: the running totals at D minus those at the 31/12 before (FIGURES.md)
    counted = `select num_contrat, code_secteur, date_evenement as jour, id_action, code_action
      from counted_events
      where cle = $f and date_evenement > make_date(year(cast($d as date)) - 1, 12, 31) and date_evenement <= cast($d as date)`;
  } else if (kind === "menages") {
    counted = `select num_contrat, code_secteur, cast(null as date) as jour, cast(null as varchar) as id_action, cast(null as varchar) as code_action
      from counted_households where cle = $f and date_arrete = cast($d as date)`;
  } else {
    const step = COHORT_STEPS[figure]!;
    counted = `select c.num_contrat, c.code_secteur, ${step.date} as jour, cast(null as varchar) as id_action, cast(null as varchar) as code_action
      from cohort_leases as c
      where c.date_arrete = cast($d as date) and ${step.flag} and $f = $f`;
  }
  return queryRows<DrillRow>(
    wh.conn,
    `select x.num_contrat, x.code_secteur, s.libelle_secteur, strftime(x.jour, '%Y-%m-%d') as date,
            x.id_action, x.code_action, r.libelle as libelle_action, cast(p.solde as double) as solde
     from (${counted}) as x
     left join sectors as s on s.code_secteur = x.code_secteur
     left join ref_codes as r on r.champ = 'code_action' and r.code = x.code_action
     left join lease_positions as p on p.num_contrat = x.num_contrat and p.date_arrete = cast($d as date)
     where ${scope}
     order by x.jour nulls last, x.num_contrat, x.id_action`,
    { f: figure, d: date, s: secteur },
  );
}
