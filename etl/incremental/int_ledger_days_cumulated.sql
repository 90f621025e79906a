-- one row per lease and posting day from each changed lease's first changed day on, with the
-- lease's running totals up to that day: the nightly run's part of int_ledger_days_cumulated
-- (same columns and values as the model, whose computation it shares: ledger_running_totals in
-- etl/macros.sql; test/incremental.test.ts checks it against a full run)
-- config: replaces = num_contrat, jour
with

leases_to_redo as (
    -- each lease whose entries changed tonight, and the earliest posting date among its removed,
    -- changed or new entries (etl/incremental/changed_leases.sql)
    select num_contrat, depuis from changed_leases
),

totals_before as (
    -- why: the running totals kept from the previous run, up to the day before the change
    select
        leases_to_redo.num_contrat,
        coalesce(max_by(t.solde_cumule, t.jour), 0) as solde_avant,
        coalesce(max_by(t.debits_cumules, t.jour), 0) as debits_avant,
    from leases_to_redo
    left join int_ledger_days_cumulated as t
        on t.num_contrat = leases_to_redo.num_contrat
        and t.jour < leases_to_redo.depuis
    group by leases_to_redo.num_contrat
),

entries_since_change as (
    select e.num_contrat, e.date_ecriture, e.debit, e.credit
    from ledger_entries as e
    inner join leases_to_redo
        on leases_to_redo.num_contrat = e.num_contrat
        and e.date_ecriture >= leases_to_redo.depuis
),

totals_since_change as (
    select * from ledger_running_totals(entries_since_change)
),

final as (
    select
        totals_since_change.num_contrat,
        totals_since_change.jour,
        cast(totals_before.solde_avant + totals_since_change.solde_cumule as decimal(18, 2)) as solde_cumule,
        cast(totals_before.debits_avant + totals_since_change.debits_cumules as decimal(18, 2)) as debits_cumules,
    from totals_since_change
    inner join totals_before on totals_before.num_contrat = totals_since_change.num_contrat
)

select * from final
