-- one row per lease and as-of date D (leases that have started by D): its balance and its debt
-- by age, the columns the readers ask for (a case's balances month by month in the API, the
-- balance beside each row of a figure's drill-through); the other columns stay in the model.
-- config: materialized = view
with

positions as (
    select * from int_lease_positions
),

final as (
    select
        num_contrat,
        code_secteur,
        date_arrete,
        solde,
        dette_moins_3_mois,
        dette_3_12_mois,
        dette_plus_12_mois,
    from positions
)

select * from final
