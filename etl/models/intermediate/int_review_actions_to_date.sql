-- one row per recovery action dated on or before the latest as-of date D: the actions the
-- monthly review's models read (int_review_plans, int_review_procedures), so that the review
-- replay, which recomputes this model at each month end, sees only what was known then. Each
-- row carries D (date_arrete), so that the models reading it take D from the actions they read
-- config: as_of = latest
-- config: materialized = view
with

latest_date as (
    select date_arrete from int_as_of_dates where est_derniere_donnee
),

actions_to_date as (
    select a.*, latest_date.date_arrete
    from recovery_actions as a
    inner join latest_date on a.date_action <= latest_date.date_arrete
),

final as (
    select * from actions_to_date
)

select * from final
