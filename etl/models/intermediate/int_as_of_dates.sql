-- one row per as-of date D the warehouse computes figures for: every month end up to the
-- latest data, and the latest posting date itself (D of a year still in progress)
with

bounds as (
    select
        min(date_ecriture) as premier_jour,
        max(date_ecriture) as dernier_jour,
    from ledger_entries
),

month_ends as (
    select
        cast(month_start + interval 1 month - interval 1 day as date) as date_arrete,
    from bounds,
        range(
            cast(date_trunc('month', premier_jour) as timestamp),
            cast(dernier_jour as timestamp) + interval 1 day,
            interval 1 month
        ) as months(month_start)
),

candidates as (
    -- why: the current month's end lies beyond the data; the latest posting date stands in for it
    select date_arrete from month_ends, bounds where date_arrete <= dernier_jour
    union
    select dernier_jour from bounds where dernier_jour is not null
),

final as (
    select
        candidates.date_arrete,
        year(candidates.date_arrete) as annee,
        candidates.date_arrete = last_day(candidates.date_arrete) as est_fin_de_mois,
        candidates.date_arrete = bounds.dernier_jour as est_derniere_donnee,
        -- D of a year: 31/12, or the latest posting date for the year in progress
        (month(candidates.date_arrete) = 12 and day(candidates.date_arrete) = 31)
            or candidates.date_arrete = bounds.dernier_jour as est_date_annuelle,
    from candidates, bounds
    order by candidates.date_arrete
)

select * from final
