-- one row per year's as-of date D, sector (plus the whole landlord, code_secteur null) and
-- litigation stage: the households present and in debt at D, counted at the furthest step
-- reached since their latest payment order on or before D (int_lease_litigation_stages)
with

year_scopes as (
    select date_arrete, annee, code_secteur from int_as_of_date_scopes where est_date_annuelle
),

lease_stages as (
    select num_contrat, code_secteur, date_arrete, rang from int_lease_litigation_stages
),

stages as (
    -- every stage (etl/seeds/litigation_stages.csv), so that a stage no household has reached
    -- still gets its row (0); French labels in etl/seeds/review_labels.csv (champ etape)
    select rang, etape from litigation_stages
),

stage_counts as (
    select
        lease_stages.date_arrete,
        lease_stages.code_secteur,
        lease_stages.rang,
        count(*) as menages,
    from lease_stages
    -- why: the years' as-of dates only, through the whole landlord's row (one per date)
    inner join year_scopes
        on year_scopes.date_arrete = lease_stages.date_arrete
        and year_scopes.code_secteur is null
    group by grouping sets (
        (lease_stages.date_arrete, lease_stages.code_secteur, lease_stages.rang),
        (lease_stages.date_arrete, lease_stages.rang)
    )
),

grid as (
    select year_scopes.date_arrete, year_scopes.annee, year_scopes.code_secteur, stages.rang, stages.etape
    from year_scopes
    cross join stages
),

final as (
    select
        grid.annee,
        grid.date_arrete,
        grid.code_secteur,
        grid.rang,
        grid.etape,
        coalesce(stage_counts.menages, 0) as menages,
    from grid
    left join stage_counts
        on stage_counts.date_arrete = grid.date_arrete
        and stage_counts.code_secteur is not distinct from grid.code_secteur
        and stage_counts.rang = grid.rang
    order by grid.date_arrete, grid.code_secteur nulls first, grid.rang
)

select * from final
