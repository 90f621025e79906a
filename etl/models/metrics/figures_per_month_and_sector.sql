-- one row per month and sector, plus the whole landlord (code_secteur null): the monthly
-- trend, each month at D = its last day (the latest posting date for the month in progress)
-- config: partition_year_of = mois
with

figures as (
    select * from figures_per_date_and_sector
),

month_dates as (
    select date_arrete from int_as_of_dates where est_fin_de_mois or est_derniere_donnee
),

final as (
    select
        cast(date_trunc('month', figures.date_arrete) as date) as mois,
        figures.*,
    from figures
    inner join month_dates on month_dates.date_arrete = figures.date_arrete
)

select * from final
