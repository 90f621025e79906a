-- one row per lease whose ledger entries changed tonight (removed, added or changed), with the
-- earliest posting date among them (depuis): the running totals are computed again from there
-- config: after = ecritures
with

removed_or_changed as (
    select num_contrat, date_ecriture
    from (select * from ledger_entries_before except select * from ledger_entries_after)
),

added_or_changed as (
    select num_contrat, date_ecriture
    from (select * from ledger_entries_after except select * from ledger_entries_before)
),

final as (
    select num_contrat, min(date_ecriture) as depuis
    from (select * from removed_or_changed union all select * from added_or_changed)
    group by num_contrat
)

select * from final
