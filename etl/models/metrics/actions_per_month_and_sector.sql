-- one row per month and sector, plus the whole landlord (code_secteur null): the recovery and
-- social actions of that month alone (a month's flow, not the year to date of FIGURES.md)
-- config: partition_year_of = mois
with

month_dates as (
    select date_arrete from int_as_of_dates where est_fin_de_mois or est_derniere_donnee
),

sector_codes as (
    select code_secteur from sectors
),

actions as (
    select code_secteur, date_action, categorie from recovery_actions
),

months as (
    select
        cast(date_trunc('month', date_arrete) as date) as mois,
        date_arrete,
    from month_dates
),

grid as (
    select months.mois, months.date_arrete, scope.code_secteur
    from months
    cross join (select code_secteur from sector_codes union all select null) as scope
),

actions_in_months as (
    select
        months.mois,
        actions.code_secteur,
        actions.categorie,
    from actions
    -- why: the month in progress stops at the latest posting date, like the monthly figures
    inner join months
        on months.mois = cast(date_trunc('month', actions.date_action) as date)
        and actions.date_action <= months.date_arrete
),

monthly_counts as (
    select
        mois,
        code_secteur,
        count(*) filter (where categorie = 'REMINDER') as relances_mois,
        count(*) filter (where categorie = 'HOME_VISIT') as visites_domicile_mois,
        count(*) filter (where categorie = 'APPOINTMENT') as rendez_vous_mois,
        count(*) filter (where categorie = 'CAF_REPORT') as signalements_caf_mois,
        count(*) filter (where categorie = 'FSL') as demandes_fsl_mois,
        count(*) filter (where categorie = 'PLAN_SIGNED') as plans_signes_mois,
        count(*) filter (where categorie = 'PLAN_BROKEN') as plans_rompus_mois,
        count(*) filter (where categorie = 'PLAN_COMPLETED') as plans_soldes_mois,
    from actions_in_months
    group by grouping sets ((mois, code_secteur), (mois))
),

final as (
    select
        grid.mois,
        grid.date_arrete,
        grid.code_secteur,
        coalesce(monthly_counts.relances_mois, 0) as relances_mois,
        coalesce(monthly_counts.visites_domicile_mois, 0) as visites_domicile_mois,
        coalesce(monthly_counts.rendez_vous_mois, 0) as rendez_vous_mois,
        coalesce(monthly_counts.signalements_caf_mois, 0) as signalements_caf_mois,
        coalesce(monthly_counts.demandes_fsl_mois, 0) as demandes_fsl_mois,
        coalesce(monthly_counts.plans_signes_mois, 0) as plans_signes_mois,
        coalesce(monthly_counts.plans_rompus_mois, 0) as plans_rompus_mois,
        coalesce(monthly_counts.plans_soldes_mois, 0) as plans_soldes_mois,
    from grid
    left join monthly_counts
        on monthly_counts.mois = grid.mois
        and monthly_counts.code_secteur is not distinct from grid.code_secteur
    order by grid.mois, grid.code_secteur nulls first
)

select * from final
