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
    -- the events of int_counted_events, the rows the drill-through lists
    select
        code_secteur,
        date_evenement as jour,
        count(*) filter (where cle = 'relances') as relances,
        count(*) filter (where cle = 'visites_domicile') as visites_domicile,
        count(*) filter (where cle = 'signalements_caf') as signalements_caf,
        count(*) filter (where cle = 'plans_signes') as plans_signes,
        count(*) filter (where cle = 'plans_rompus') as plans_rompus,
        count(*) filter (where cle = 'commandements_payer') as commandements_payer,
        count(*) filter (where cle = 'assignations') as assignations,
        count(*) filter (where cle = 'resiliations_bail') as resiliations_bail,
        count(*) filter (where cle = 'demandes_concours') as demandes_concours,
        count(*) filter (where cle = 'concours_force_publique') as concours_force_publique,
        count(*) filter (where cle = 'expulsions') as expulsions,
    from int_counted_events
    where cle <> 'nouveaux_entrants'
    group by code_secteur, date_evenement
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
        coalesce(l.quittancement, 0) as quittancement,
        coalesce(l.encaissements, 0) as encaissements,
        coalesce(a.relances, 0) as relances,
        coalesce(a.visites_domicile, 0) as visites_domicile,
        coalesce(a.signalements_caf, 0) as signalements_caf,
        coalesce(a.plans_signes, 0) as plans_signes,
        coalesce(a.plans_rompus, 0) as plans_rompus,
        coalesce(a.commandements_payer, 0) as commandements_payer,
        coalesce(a.assignations, 0) as assignations,
        coalesce(a.resiliations_bail, 0) as resiliations_bail,
        coalesce(a.demandes_concours, 0) as demandes_concours,
        coalesce(a.concours_force_publique, 0) as concours_force_publique,
        coalesce(a.expulsions, 0) as expulsions,
        coalesce(e.nouveaux_entrants, 0) as nouveaux_entrants,
        coalesce(e.nouveaux_entrants_situation_connue, 0) as nouveaux_entrants_situation_connue,
        coalesce(e.nouveaux_entrants_emploi_stable, 0) as nouveaux_entrants_emploi_stable,
    from days
    left join ledger_flows as l on l.code_secteur = days.code_secteur and l.jour = days.jour
    left join action_flows as a on a.code_secteur = days.code_secteur and a.jour = days.jour
    left join entrant_flows as e on e.code_secteur = days.code_secteur and e.jour = days.jour
),

final as (
    select
        code_secteur,
        jour,
        sum(quittancement) over running as quittancement,
        sum(encaissements) over running as encaissements,
        sum(relances) over running as relances,
        sum(visites_domicile) over running as visites_domicile,
        sum(signalements_caf) over running as signalements_caf,
        sum(plans_signes) over running as plans_signes,
        sum(plans_rompus) over running as plans_rompus,
        sum(commandements_payer) over running as commandements_payer,
        sum(assignations) over running as assignations,
        sum(resiliations_bail) over running as resiliations_bail,
        sum(demandes_concours) over running as demandes_concours,
        sum(concours_force_publique) over running as concours_force_publique,
        sum(expulsions) over running as expulsions,
        sum(nouveaux_entrants) over running as nouveaux_entrants,
        sum(nouveaux_entrants_situation_connue) over running as nouveaux_entrants_situation_connue,
        sum(nouveaux_entrants_emploi_stable) over running as nouveaux_entrants_emploi_stable,
    from daily
    window running as (partition by code_secteur order by jour rows between unbounded preceding and current row)
)

select * from final
