-- one row per as-of date D and scope a figure is given for: each sector, and the whole landlord
-- (code_secteur null); with D's year, and D's month for the monthly indicators
-- config: partition_year_of = date_arrete
with

dates as (
    select date_arrete, annee, est_fin_de_mois, est_derniere_donnee, est_date_annuelle from int_as_of_dates
),

sector_codes as (
    select code_secteur from sectors
),

scopes as (
    select code_secteur from sector_codes
    union all
    -- the whole landlord
    select null
),

final as (
    select
        dates.date_arrete,
        dates.annee,
        cast(date_trunc('month', dates.date_arrete) as date) as mois,
        -- D of a month: its last day, or the latest posting date for the month in progress
        dates.est_fin_de_mois or dates.est_derniere_donnee as est_date_mensuelle,
        dates.est_date_annuelle,
        scopes.code_secteur,
    from dates
    cross join scopes
)

select * from final
