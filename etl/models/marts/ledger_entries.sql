-- one row per tenant-ledger entry (latest valid version)
-- config: kind = ecritures
-- config: nightly = keyed by id_ecriture
-- config: sorted_by = num_contrat, date_ecriture, id_ecriture
-- config: parts = num_contrat
-- config: parts_inputs = int_ecritures_deduplicated
-- config: parts_counted_in = int_ecritures_checked
-- config: partition_year_of = date_ecriture
with

entries as (
    select * from int_ecritures_deduplicated
),

lease_sectors as (
    select num_contrat, code_secteur from leases
),

final as (
    select
        entries.id_ecriture,
        entries.num_contrat,
        lease_sectors.code_secteur,
        entries.date_ecriture,
        entries.periode,
        entries.code_mouvement,
        entries.categorie,
        entries.libelle,
        entries.debit,
        entries.credit,
        entries.mode_reglement,
    from entries
    inner join lease_sectors on lease_sectors.num_contrat = entries.num_contrat
    -- why the order: a lease's rows lie together, so reading one lease (a case in the API) skips
    -- the rest of the table, and the table compresses better
    order by entries.num_contrat, entries.date_ecriture, entries.id_ecriture
)

select * from final
