-- one row per year and sector, plus the whole landlord (code_secteur null): the figures at the
-- year's as-of date (31/12, or the latest posting date for the year in progress)
with

figures as (
    select * from figures_per_date_and_sector
),

year_dates as (
    select date_arrete from int_as_of_dates where est_date_annuelle
),

final as (
    select figures.*
    from figures
    inner join year_dates on year_dates.date_arrete = figures.date_arrete
)

select * from final
