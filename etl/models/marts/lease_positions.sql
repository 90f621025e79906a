-- one row per lease and as-of date D (leases that have started by D): balance, debt by age,
-- presence. A case's balances month by month (the API) and the balance beside each row of a
-- figure's drill-through read it.
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
        est_present,
        est_parti,
        solde,
        dette,
        dette_moins_3_mois,
        dette_3_12_mois,
        dette_plus_12_mois,
        est_dette_3_mois,
    from positions
)

select * from final
