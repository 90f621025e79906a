-- one row per counted action dated in a month that has an as-of date, on or before that date:
-- the month's flow the monthly indicators count (that month alone, not the year to date)
-- config: materialized = view
with

actions as (
    select code_secteur, date_action, categorie, role_agent from recovery_actions
),

months as (
    -- why: the whole landlord's row is one per as-of date, so one per month
    select mois, date_arrete from int_as_of_date_scopes where est_date_mensuelle and code_secteur is null
),

final as (
    select
        months.mois,
        months.date_arrete,
        actions.code_secteur,
        actions.categorie,
        actions.role_agent,
    from actions
    -- why: the month in progress stops at the latest posting date, like the monthly figures
    inner join months
        on months.mois = cast(date_trunc('month', actions.date_action) as date)
        and actions.date_action <= months.date_arrete
)

select * from final
