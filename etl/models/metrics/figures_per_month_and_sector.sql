-- one row per month and sector, plus the whole landlord (code_secteur null): the monthly
-- trend, each month at D = its last day (the latest posting date for the month in progress)
-- config: partition_year_of = mois
with

figures as (
    select * from figures_per_date_and_sector
),

month_scopes as (
    select mois, date_arrete, code_secteur from int_as_of_date_scopes where est_date_mensuelle
),

final as (
    select
        month_scopes.mois,
        figures.*,
    from figures
    inner join month_scopes
        on (month_scopes.date_arrete, month_scopes.code_secteur) is not distinct from (figures.date_arrete, figures.code_secteur)
)

select * from final
