-- one row per as-of date D the warehouse computes figures for: every month end up to the latest
-- data, and the latest posting date itself; with its year and whether it is a month end, the
-- latest data or its year's D. What the readers (src/warehouse) ask of the dates: which D exist.
-- config: materialized = view
with

as_of_dates as (
    select * from int_as_of_dates
),

final as (
    select
        date_arrete,
        annee,
        est_fin_de_mois,
        est_derniere_donnee,
        est_date_annuelle,
    from as_of_dates
)

select * from final
