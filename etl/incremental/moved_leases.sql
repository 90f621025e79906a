-- one row per lease whose sector changed tonight (a lease added, removed or moved): its entries
-- and actions go through their models again, as their sector is read from the lease
-- config: after = baux
with

leases_then as (
    select num_contrat, code_secteur from leases_before
),

leases_now as (
    select num_contrat, code_secteur from leases_after
),

final as (
    select coalesce(leases_now.num_contrat, leases_then.num_contrat) as num_contrat
    from leases_then
    full join leases_now on leases_now.num_contrat = leases_then.num_contrat
    where leases_now.code_secteur is distinct from leases_then.code_secteur
)

select * from final
