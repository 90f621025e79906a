-- one row per month and sector, plus the whole landlord (code_secteur null): the recovery and
-- social actions of that month alone (a month's flow, not the year to date of FIGURES.md)
-- config: partition_year_of = mois
with

grid as (
    select mois, date_arrete, code_secteur from int_as_of_date_scopes where est_date_mensuelle
),

actions_in_months as (
    select mois, code_secteur, categorie from int_actions_in_months
),

monthly_counts as (
    -- one count per category of action, each its column
    pivot (
        select mois, code_secteur, categorie from actions_in_months
        union all
        -- the whole landlord: every action once more, in no sector
        select mois, null, categorie from actions_in_months
    )
    on categorie in (
        'REMINDER' as relances_mois,
        'HOME_VISIT' as visites_domicile_mois,
        'APPOINTMENT' as rendez_vous_mois,
        'CAF_REPORT' as signalements_caf_mois,
        'FSL' as demandes_fsl_mois,
        'PLAN_SIGNED' as plans_signes_mois,
        'PLAN_BROKEN' as plans_rompus_mois,
        'PLAN_COMPLETED' as plans_soldes_mois
    )
    using count(*)
    group by mois, code_secteur
),

final as (
    select
        grid.mois,
        grid.date_arrete,
        grid.code_secteur,
        -- a month without an action of a kind counts 0 of it
        coalesce(columns(monthly_counts.* exclude (mois, code_secteur)), 0),
    from grid
    left join monthly_counts
        on monthly_counts.mois = grid.mois
        and monthly_counts.code_secteur is not distinct from grid.code_secteur
    order by grid.mois, grid.code_secteur nulls first
)

select * from final
