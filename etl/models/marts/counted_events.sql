-- one row per event a count figure of the year counts (an action of a counted category, a lease
-- entry), with the figure's key, its day, sector and lease: the rows the figures count
-- (int_counted_events), as the API's drill-through lists them.
-- config: materialized = view
with

events as (
    select * from int_counted_events
),

final as (
    select
        cle,
        num_contrat,
        code_secteur,
        date_evenement,
        id_action,
        code_action,
    from events
)

select * from final
