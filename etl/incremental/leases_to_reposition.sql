-- one row per lease whose positions at the as-of dates kept from the previous run are computed
-- again tonight, with the first date they may change at (depuis): a lease whose own row changed
-- (at every date), a lease whose entries changed (from its first changed posting day)
-- config: after = ecritures
-- config: redoes = per_as_of_date
with

changed_terms as (
    select cle as num_contrat, date '0001-01-01' as depuis from changed_baux
),

changed_entries as (
    select num_contrat, depuis from changed_leases
),

final as (
    select num_contrat, min(depuis) as depuis
    from (select * from changed_terms union all select * from changed_entries)
    group by num_contrat
)

select * from final
