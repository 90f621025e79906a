/**
 * Case-level data for the monthly review: the worklist (mart review_cases) and one
 * case's history. Parameterised queries only; sort orders and filters come from
 * fixed lists, never from request text.
 */
import { queryRows } from "../../warehouse/db.ts";
import type { Warehouse } from "../../warehouse/warehouse.ts";

export const CASE_SORTS = {
  dette_desc: "solde desc, num_contrat",
  dette_asc: "solde asc, num_contrat",
  mois_desc: "dette_en_mois desc nulls last, num_contrat",
  etape_date: "date_etape asc nulls last, num_contrat",
  echeance: "prochaine_etape_des_le asc nulls last, num_contrat",
  contrat: "num_contrat",
} as const;
export type CaseSort = keyof typeof CASE_SORTS;

export interface CaseFilter {
  secteur?: string;
  etape?: string;
  dette_min?: number;
  tri: CaseSort;
  page: number;
  taille: number;
}

const CASE_COLUMNS = `num_contrat, code_secteur, libelle_secteur,
  strftime(date_arrete, '%Y-%m-%d') as date_arrete,
  cast(solde as double) as solde, cast(dette_en_mois as double) as dette_en_mois,
  cast(dette_moins_3_mois as double) as dette_moins_3_mois, cast(dette_3_12_mois as double) as dette_3_12_mois,
  cast(dette_plus_12_mois as double) as dette_plus_12_mois,
  etape, strftime(date_etape, '%Y-%m-%d') as date_etape,
  derniere_action, strftime(date_derniere_action, '%Y-%m-%d') as date_derniere_action,
  strftime(dernier_paiement, '%Y-%m-%d') as dernier_paiement,
  prochaine_etape, motif_prochaine_etape, strftime(prochaine_etape_des_le, '%Y-%m-%d') as prochaine_etape_des_le`;

const WHERE = `where (cast($secteur as varchar) is null or code_secteur = cast($secteur as varchar))
  and (cast($etape as varchar) is null or etape = cast($etape as varchar))
  and (cast($dette_min as double) is null or solde >= cast($dette_min as double))`;

export async function listCases(wh: Warehouse, f: CaseFilter, all = false) {
  const p = { secteur: f.secteur ?? null, etape: f.etape ?? null, dette_min: f.dette_min ?? null };
  const [count] = await queryRows<{ n: number }>(wh.conn, `select cast(count(*) as integer) as n from review_cases ${WHERE}`, p);
  // Sort and paging come from fixed lists and validated integers, never from request text.
  const limit = all ? "" : `limit ${Math.trunc(f.taille)} offset ${Math.trunc((f.page - 1) * f.taille)}`;
  const rows = await queryRows(wh.conn, `select ${CASE_COLUMNS} from review_cases ${WHERE} order by ${CASE_SORTS[f.tri]} ${limit}`, p);
  return { total: count!.n, lignes: rows };
}

export async function getCase(wh: Warehouse, numContrat: string) {
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
  const [worklist] = await queryRows(wh.conn, `select ${CASE_COLUMNS} from review_cases where num_contrat = $n`, { n: numContrat });
  const soldes = await queryRows(
    wh.conn,
    `select strftime(p.date_arrete, '%Y-%m-%d') as date_arrete, cast(p.solde as double) as solde,
            cast(p.dette_moins_3_mois as double) as dette_moins_3_mois, cast(p.dette_3_12_mois as double) as dette_3_12_mois,
            cast(p.dette_plus_12_mois as double) as dette_plus_12_mois
     from int_lease_positions as p
     inner join int_as_of_dates as d on d.date_arrete = p.date_arrete and (d.est_fin_de_mois or d.est_derniere_donnee)
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
       and a.categorie in ('PAYMENT_ORDER', 'SUMMONS', 'HEARING', 'LEASE_TERMINATED', 'PAYMENT_TIME_GRANTED',
                           'ORDER_TO_VACATE', 'POLICE_REQUESTED', 'POLICE_GRANTED', 'EVICTION', 'PLAN_SIGNED',
                           'PLAN_BROKEN', 'PLAN_COMPLETED', 'CCAPEX', 'PROTOCOL', 'AGENCY_HANDOVER')
     order by a.date_action, a.id_action`,
    { n: numContrat },
  );
  return { bail: lease, revue: worklist ?? null, soldes_mensuels: soldes, ecritures, actions, chronologie };
}
