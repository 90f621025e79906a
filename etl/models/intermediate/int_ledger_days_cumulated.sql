-- one row per lease and posting day, with the lease's running totals up to that day
-- config: sorted_by = num_contrat, jour
-- config: parts = num_contrat
-- config: parts_inputs = ledger_entries
-- config: parts_counted_in = ledger_entries
-- config: nightly = etl/incremental/int_ledger_days_cumulated.sql
-- config: partition_year_of = jour
with

entries as (
    select num_contrat, date_ecriture, debit, credit from ledger_entries
),

running_totals as (
    -- the sums per day and their running totals (etl/macros.sql, shared with the nightly variant)
    select * from ledger_running_totals(entries)
),

final as (
    select num_contrat, jour, solde_cumule, debits_cumules,
    from running_totals
    -- why the order: a lease's rows lie together, so reading one lease (a case in the API) skips
    -- the rest of the table, and the table compresses better
    order by num_contrat, jour
)

select * from final
