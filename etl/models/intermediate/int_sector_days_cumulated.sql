-- one row per sector and day with a flow, with the sector's running totals up to that day
-- config: partition_year_of = jour
with

ledger_flows as (
    select
        code_secteur,
        date_ecriture as jour,
        sum(case when categorie = 'BILLING' then debit - credit else 0 end) as quittancement,
        sum(case when categorie in ('PAYMENT', 'AID') then credit - debit else 0 end) as encaissements,
    from ledger_entries
    group by code_secteur, date_ecriture
),

action_flows as (
    -- the events of int_counted_events, the rows the drill-through lists: one count per key,
    -- each key its column
    pivot (
        select code_secteur, date_evenement as jour, cle
        from int_counted_events
        -- why: new entrants are counted with their job situation (entrant_flows)
        where cle <> 'nouveaux_entrants'
    )
    on cle in (
        'relances', 'visites_domicile', 'signalements_caf', 'plans_signes', 'plans_rompus',
        'commandements_payer', 'assignations', 'resiliations_bail', 'demandes_concours',
        'concours_force_publique', 'expulsions'
    )
    using count(*)
    group by code_secteur, jour
),

entrant_flows as (
    select
        code_secteur,
        date_evenement as jour,
        count(*) as nouveaux_entrants,
        count(*) filter (where situation_emploi_connue) as nouveaux_entrants_situation_connue,
        count(*) filter (where emploi_stable) as nouveaux_entrants_emploi_stable,
    from int_counted_events
    where cle = 'nouveaux_entrants'
    group by code_secteur, date_evenement
),

days as (
    select code_secteur, jour from ledger_flows
    union
    select code_secteur, jour from action_flows
    union
    select code_secteur, jour from entrant_flows
),

daily as (
    select
        days.code_secteur,
        days.jour,
        -- a day without a flow of a kind counts 0 of it
        coalesce(columns(l.* exclude (code_secteur, jour)), 0),
        coalesce(columns(a.* exclude (code_secteur, jour)), 0),
        coalesce(columns(e.* exclude (code_secteur, jour)), 0),
    from days
    left join ledger_flows as l on l.code_secteur = days.code_secteur and l.jour = days.jour
    left join action_flows as a on a.code_secteur = days.code_secteur and a.jour = days.jour
    left join entrant_flows as e on e.code_secteur = days.code_secteur and e.jour = days.jour
),

final as (
    select
        code_secteur,
        jour,
        sum(columns(* exclude (code_secteur, jour))) over running,
    from daily
    window running as (partition by code_secteur order by jour rows between unbounded preceding and current row)
)

select * from final
