-- one row per month end M replayed, side of the cut (proposed for discussion, set apart) and case
-- state:
-- the cases of the monthly review's worklist at M (replay_cases, filled by
-- src/warehouse/reviewReplay.ts from the review models recomputed at M) and what became of them
-- within the horizon H = the month end $horizon months after M. A case got worse when a further
-- litigation step was taken after M up to H, or when its debt at H is up by at least the rule
-- hausse_forte's months of rent and charges (etl/seeds/review_rules.csv).
-- Not a model: an analysis the replay command runs on the published warehouse.
with

cases as (
    select * from replay_cases
),

horizons as (
    select distinct mois, last_day(cast(mois + to_months(cast($horizon as integer)) as date)) as horizon
    from cases
),

litigation_categories as (
    -- the procedural steps of the litigation funnel, payment order to police assistance and eviction
    select categorie from litigation_stages
    union all
    -- why: the eviction ends the funnel; no household in place stands at it, so the stages seed stops before it
    select 'EVICTION'
),

cases_with_horizon as (
    select cases.*, horizons.horizon, leases.echeance_mensuelle
    from cases
    inner join horizons on horizons.mois = cases.mois
    inner join leases on leases.num_contrat = cases.num_contrat
),

further_steps as (
    select cases_with_horizon.mois, cases_with_horizon.num_contrat, count(*) as nb_etapes
    from cases_with_horizon
    inner join recovery_actions as a
        on a.num_contrat = cases_with_horizon.num_contrat
        -- why strictly after M: a step taken on M is in the state the review saw
        and a.date_action > cases_with_horizon.mois
        and a.date_action <= cases_with_horizon.horizon
    where a.categorie in (select categorie from litigation_categories)
    group by cases_with_horizon.mois, cases_with_horizon.num_contrat
),

balances_at_horizon as (
    -- the balance at H; a household that left keeps its last position (its debt stays owed)
    select cases_with_horizon.mois, cases_with_horizon.num_contrat, p.solde as solde_horizon
    from cases_with_horizon
    asof left join int_lease_positions as p
        on p.num_contrat = cases_with_horizon.num_contrat and p.date_arrete <= cases_with_horizon.horizon
),

outcomes as (
    select
        cases_with_horizon.mois,
        cases_with_horizon.a_examiner,
        cases_with_horizon.etat,
        coalesce(further_steps.nb_etapes, 0) > 0 as etape_contentieuse,
        balances_at_horizon.solde_horizon > cases_with_horizon.solde as dette_en_hausse,
        balances_at_horizon.solde_horizon < cases_with_horizon.solde as dette_en_baisse,
        balances_at_horizon.solde_horizon - cases_with_horizon.solde
            >= review_rule('hausse_forte') * cases_with_horizon.echeance_mensuelle as hausse_forte,
    from cases_with_horizon
    inner join balances_at_horizon
        on balances_at_horizon.mois = cases_with_horizon.mois and balances_at_horizon.num_contrat = cases_with_horizon.num_contrat
    left join further_steps
        on further_steps.mois = cases_with_horizon.mois and further_steps.num_contrat = cases_with_horizon.num_contrat
),

final as (
    select
        outcomes.mois,
        horizons.horizon,
        outcomes.a_examiner,
        outcomes.etat,
        state_labels.libelle as etat_libelle,
        count(*) as dossiers,
        count(*) filter (where outcomes.etape_contentieuse or outcomes.hausse_forte) as aggraves,
        count(*) filter (where outcomes.etape_contentieuse) as etape_contentieuse,
        count(*) filter (where outcomes.hausse_forte) as hausse_forte,
        count(*) filter (where outcomes.dette_en_hausse) as dette_en_hausse,
        count(*) filter (where outcomes.dette_en_baisse) as dette_en_baisse,
    from outcomes
    inner join horizons on horizons.mois = outcomes.mois
    left join review_labels as state_labels on state_labels.champ = 'etat' and state_labels.code = outcomes.etat
    group by outcomes.mois, horizons.horizon, outcomes.a_examiner, outcomes.etat, state_labels.libelle
    order by outcomes.mois, outcomes.a_examiner desc, outcomes.etat
)

select * from final
