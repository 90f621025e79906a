-- one row per as-of date D the warehouse computes figures for: every month end up to the
-- latest data, and the latest posting date itself (D of a year still in progress); for an
-- ad-hoc as-of date (src/models/adHocAsOf.ts), that date alone
-- config: role = calendar
with

ad_hoc as (
    -- why: null on a run; the ad-hoc path sets it to compute one date the run did not keep
    select cast(getvariable('date_arrete_ad_hoc') as date) as date_arrete
),

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

run_dates as (
    -- why: the current month's end lies beyond the data; the latest posting date stands in for it
    select date_arrete from month_ends, bounds where date_arrete <= dernier_jour
    union
    select dernier_jour from bounds where dernier_jour is not null
),

candidates as (
    -- why: an ad-hoc date replaces the run's dates
    select date_arrete from run_dates where (select date_arrete from ad_hoc) is null
    union
    select date_arrete from ad_hoc where date_arrete is not null
),

final as (
    select
        candidates.date_arrete,
        year(candidates.date_arrete) as annee,
        candidates.date_arrete = last_day(candidates.date_arrete) as est_fin_de_mois,
        candidates.date_arrete = bounds.dernier_jour as est_derniere_donnee,
        -- D of a year: 31/12, the latest posting date for the year in progress, or the date asked for
        (month(candidates.date_arrete) = 12 and day(candidates.date_arrete) = 31)
            or candidates.date_arrete = bounds.dernier_jour
            or candidates.date_arrete is not distinct from ad_hoc.date_arrete as est_date_annuelle,
    from candidates, bounds, ad_hoc
    order by candidates.date_arrete
)

select * from final
