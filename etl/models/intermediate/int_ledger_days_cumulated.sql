-- one row per lease and posting day, with the lease's running totals up to that day
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
        sum(solde_jour) over running as solde_cumule,
        sum(debits_jour) over running as debits_cumules,
    from daily
    window running as (partition by num_contrat order by jour rows between unbounded preceding and current row)
)

select * from final
