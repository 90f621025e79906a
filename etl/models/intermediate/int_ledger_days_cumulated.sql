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

daily as (
    select
        num_contrat,
        date_ecriture as jour,
        sum(debit - credit) as solde_jour,
        sum(debit) as debits_jour,
    from entries
    group by num_contrat, date_ecriture
),

final as (
    select
        num_contrat,
        jour,
        -- why decimal(18, 2): a lease's totals stay far below 10^16 euros, and 64-bit decimals are
        -- read and summed many times faster than the 128-bit ones sum() returns
        cast(sum(solde_jour) over running as decimal(18, 2)) as solde_cumule,
        cast(sum(debits_jour) over running as decimal(18, 2)) as debits_cumules,
    from daily
    window running as (partition by num_contrat order by jour rows between unbounded preceding and current row)
    -- why the order: a lease's rows lie together, so reading one lease (a case in the API) skips
    -- the rest of the table, and the table compresses better
    order by num_contrat, jour
)

select * from final
