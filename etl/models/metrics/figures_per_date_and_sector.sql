-- one row per as-of date D and sector, plus one row per D for the whole landlord
-- (code_secteur null): every figure of etl/models/metrics/FIGURES.md, computed here and nowhere else
with

grid as (
    select date_arrete, annee, code_secteur from int_as_of_date_scopes
),

positions as (
    select * from int_lease_positions
),

running_totals as (
    select * from int_sector_days_cumulated
),

cohort_members as (
    select * from int_cohort_members
),

data_start as (
    -- the earliest posting date loaded, any lease, any category (FIGURES.md, "Complete windows")
    select min(date_ecriture) as premier_jour from ledger_entries
),

households as (
    select
        date_arrete,
        code_secteur,
        coalesce(sum(dette) filter (where est_present), 0) as dette_presents,
        coalesce(sum(dette) filter (where est_parti), 0) as dette_partis,
        coalesce(sum(dette_moins_3_mois) filter (where est_present), 0) as dette_moins_3_mois,
        coalesce(sum(dette_3_12_mois) filter (where est_present), 0) as dette_3_12_mois,
        coalesce(sum(dette_plus_12_mois) filter (where est_present), 0) as dette_plus_12_mois,
    from positions
    group by grouping sets ((date_arrete, code_secteur), (date_arrete))
),

household_counts as (
    -- the leases of int_counted_households, the rows the drill-through lists
    select
        date_arrete,
        code_secteur,
        count(*) filter (where cle = 'menages_presents') as menages_presents,
        count(*) filter (where cle = 'menages_en_dette') as menages_en_dette,
        count(*) filter (where cle = 'menages_dette_3_mois') as menages_dette_3_mois,
    from int_counted_households
    group by grouping sets ((date_arrete, code_secteur), (date_arrete))
),

sector_grid as (
    select
        date_arrete,
        code_secteur,
        -- W(D) = (D - 1 year, D]; the calendar year of D = (31/12 of the year before, D]
        cast(date_arrete - interval 1 year as date) as fin_fenetre_precedente,
        make_date(annee - 1, 12, 31) as fin_annee_precedente,
    from grid
    -- why: running totals are kept per sector; the whole landlord's flows are their sum (flows)
    where code_secteur is not null
),

totals_at_date as (
    select sector_grid.*, t.* exclude (code_secteur, jour)
    from sector_grid
    asof left join running_totals as t
        on t.code_secteur = sector_grid.code_secteur and t.jour <= sector_grid.date_arrete
),

totals_before_window as (
    select
        sector_grid.date_arrete,
        sector_grid.code_secteur,
        t.quittancement,
        t.encaissements,
    from sector_grid
    asof left join running_totals as t
        on t.code_secteur = sector_grid.code_secteur and t.jour <= sector_grid.fin_fenetre_precedente
),

totals_before_year as (
    select sector_grid.date_arrete, sector_grid.code_secteur, t.* exclude (code_secteur, jour)
    from sector_grid
    asof left join running_totals as t
        on t.code_secteur = sector_grid.code_secteur and t.jour <= sector_grid.fin_annee_precedente
),

sector_flows as (
    -- euros over W(D), counts over the calendar year of D; in the order of the figures' columns
    select
        d.date_arrete,
        d.code_secteur,
        coalesce(d.quittancement, 0) - coalesce(w.quittancement, 0) as quittancement,
        coalesce(d.encaissements, 0) - coalesce(w.encaissements, 0) as encaissements,
        coalesce(d.nouveaux_entrants, 0) - coalesce(y.nouveaux_entrants, 0) as nouveaux_entrants,
        coalesce(d.nouveaux_entrants_situation_connue, 0)
            - coalesce(y.nouveaux_entrants_situation_connue, 0) as nouveaux_entrants_situation_connue,
        coalesce(d.nouveaux_entrants_emploi_stable, 0)
            - coalesce(y.nouveaux_entrants_emploi_stable, 0) as nouveaux_entrants_emploi_stable,
        coalesce(d.relances, 0) - coalesce(y.relances, 0) as relances,
        coalesce(d.visites_domicile, 0) - coalesce(y.visites_domicile, 0) as visites_domicile,
        coalesce(d.signalements_caf, 0) - coalesce(y.signalements_caf, 0) as signalements_caf,
        coalesce(d.plans_signes, 0) - coalesce(y.plans_signes, 0) as plans_signes,
        coalesce(d.plans_rompus, 0) - coalesce(y.plans_rompus, 0) as plans_rompus,
        coalesce(d.commandements_payer, 0) - coalesce(y.commandements_payer, 0) as commandements_payer,
        coalesce(d.assignations, 0) - coalesce(y.assignations, 0) as assignations,
        coalesce(d.resiliations_bail, 0) - coalesce(y.resiliations_bail, 0) as resiliations_bail,
        coalesce(d.demandes_concours, 0) - coalesce(y.demandes_concours, 0) as demandes_concours,
        coalesce(d.concours_force_publique, 0) - coalesce(y.concours_force_publique, 0) as concours_force_publique,
        coalesce(d.expulsions, 0) - coalesce(y.expulsions, 0) as expulsions,
    from totals_at_date as d
    inner join totals_before_window as w on w.date_arrete = d.date_arrete and w.code_secteur = d.code_secteur
    inner join totals_before_year as y on y.date_arrete = d.date_arrete and y.code_secteur = d.code_secteur
),

flows as (
    select * from sector_flows
    union all
    -- whole landlord: every lease has exactly one sector, so flows add up
    select
        date_arrete,
        null as code_secteur,
        sum(columns(* exclude (date_arrete, code_secteur))),
    from sector_flows
    group by date_arrete
),

cohorts as (
    -- the cohort of year Y: leases whose first payment order ever falls in Y, followed up to D
    -- (one row per lease in int_cohort_members, the rows the drill-through lists)
    select
        date_arrete,
        code_secteur,
        count(*) as cohorte_effectif,
        count(*) filter (where est_assigne) as cohorte_assignes,
        count(*) filter (where est_resilie) as cohorte_resilies,
        count(*) filter (where est_concours) as cohorte_concours,
        count(*) filter (where est_expulse) as cohorte_expulses,
        median(premiere_assignation - premier_commandement)
            filter (where est_assigne) as cohorte_jours_median_assignation,
    from cohort_members
    group by grouping sets ((date_arrete, code_secteur), (date_arrete))
),

quarantine_size as (
    select count(*) as lignes_quarantaine from quarantine
),

combined as (
    select
        grid.annee,
        grid.date_arrete,
        grid.code_secteur,
        quarantine_size.lignes_quarantaine,
        -- W(D) is complete when the data starts on or before its first day, (D - 1 year) + 1 day;
        -- the same for every scope: a sector without entries yet is not missing history
        coalesce(
            data_start.premier_jour <= cast(grid.date_arrete - interval 1 year + interval 1 day as date),
            false
        ) as fenetre_complete,
        -- a scope and date with nothing to count count 0 (the median has nothing to stand for 0)
        coalesce(flows.quittancement, 0) as quittancement,
        coalesce(flows.encaissements, 0) as encaissements,
        coalesce(columns(households.* exclude (date_arrete, code_secteur)), 0),
        coalesce(columns(household_counts.* exclude (date_arrete, code_secteur)), 0),
        coalesce(columns(flows.* exclude (date_arrete, code_secteur, quittancement, encaissements)), 0),
        coalesce(columns(cohorts.* exclude (date_arrete, code_secteur, cohorte_jours_median_assignation)), 0),
        cohorts.cohorte_jours_median_assignation,
    from grid
    cross join quarantine_size
    cross join data_start
    -- why not distinct: the whole landlord's scope is a null code_secteur, which = never matches
    left join households
        on (households.date_arrete, households.code_secteur) is not distinct from (grid.date_arrete, grid.code_secteur)
    left join household_counts
        on (household_counts.date_arrete, household_counts.code_secteur) is not distinct from (grid.date_arrete, grid.code_secteur)
    left join flows
        on (flows.date_arrete, flows.code_secteur) is not distinct from (grid.date_arrete, grid.code_secteur)
    left join cohorts
        on (cohorts.date_arrete, cohorts.code_secteur) is not distinct from (grid.date_arrete, grid.code_secteur)
),

final as (
    select
        *,
        -- a rate whose denominator is zero is null, never 0
        cast(dette_presents / nullif(quittancement, 0) as double) as taux_impayes,
        cast((dette_presents + dette_partis) / nullif(quittancement, 0) as double) as taux_impayes_global,
        cast(encaissements / nullif(quittancement, 0) as double) as taux_recouvrement,
        cast(nouveaux_entrants_emploi_stable / nullif(nouveaux_entrants_situation_connue, 0) as double)
            as part_emploi_stable,
    from combined
)

select * from final
