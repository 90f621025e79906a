-- one row per lease and posting day from each changed lease's first changed day on, with the
-- lease's running totals up to that day: the nightly run's part of int_ledger_days_cumulated
-- (same columns and values as the model; test/incremental.test.ts checks it against a full run)
-- config: replaces = num_contrat, jour
with

changed_leases as (
    -- filled by the nightly run (src/etl/incremental.ts): each lease whose entries changed, and the earliest
    -- posting date among its removed, changed or new entries
    select num_contrat, depuis from etl_dirty_contracts
),

totals_before as (
    -- why: the running totals kept from the previous run, up to the day before the change
    select
        changed_leases.num_contrat,
        coalesce(max_by(t.solde_cumule, t.jour), 0) as solde_avant,
        coalesce(max_by(t.debits_cumules, t.jour), 0) as debits_avant,
    from changed_leases
    left join int_ledger_days_cumulated as t
        on t.num_contrat = changed_leases.num_contrat
        and t.jour < changed_leases.depuis
    group by changed_leases.num_contrat
),

entries as (
    select e.num_contrat, e.date_ecriture, e.debit, e.credit
    from ledger_entries as e
    inner join changed_leases
        on changed_leases.num_contrat = e.num_contrat
        and e.date_ecriture >= changed_leases.depuis
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
        daily.num_contrat,
        daily.jour,
        cast(totals_before.solde_avant + sum(daily.solde_jour) over running as decimal(18, 2)) as solde_cumule,
        cast(totals_before.debits_avant + sum(daily.debits_jour) over running as decimal(18, 2)) as debits_cumules,
    from daily
    inner join totals_before on totals_before.num_contrat = daily.num_contrat
    window running as (partition by daily.num_contrat order by daily.jour rows between unbounded preceding and current row)
)

select * from final
