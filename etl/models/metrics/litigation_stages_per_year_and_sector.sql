-- one row per year's as-of date D, sector (plus the whole landlord, code_secteur null) and
-- litigation stage: the households present and in debt at D, counted at the furthest step
-- reached since their latest payment order on or before D (int_lease_litigation_stages)
with

year_dates as (
    select date_arrete, annee from int_as_of_dates where est_date_annuelle
),

sector_codes as (
    select code_secteur from sectors
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
    inner join year_dates on year_dates.date_arrete = lease_stages.date_arrete
    group by grouping sets (
        (lease_stages.date_arrete, lease_stages.code_secteur, lease_stages.rang),
        (lease_stages.date_arrete, lease_stages.rang)
    )
),

grid as (
    select year_dates.date_arrete, year_dates.annee, scope.code_secteur, stages.rang, stages.etape
    from year_dates
    cross join (select code_secteur from sector_codes union all select null) as scope
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
