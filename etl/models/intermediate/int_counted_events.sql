-- one row per event a count figure of the year counts: each action of a counted category
-- and each lease entry (a new entrant), with the figure's key, its day, sector and lease.
-- int_sector_days_cumulated (hence figures_per_date_and_sector) counts these rows, and the
-- API's drill-through lists them: a figure and the list behind it come from this one model.
-- config: materialized = view
with

action_figures as (
    -- FIGURES.md, "Actions": the figure each action category counts in
    select * from (values
        ('REMINDER', 'relances'),
        ('HOME_VISIT', 'visites_domicile'),
        ('CAF_REPORT', 'signalements_caf'),
        ('PLAN_SIGNED', 'plans_signes'),
        ('PLAN_BROKEN', 'plans_rompus'),
        ('PAYMENT_ORDER', 'commandements_payer'),
        ('SUMMONS', 'assignations'),
        ('LEASE_TERMINATED', 'resiliations_bail'),
        ('POLICE_REQUESTED', 'demandes_concours'),
        ('POLICE_GRANTED', 'concours_force_publique'),
        ('EVICTION', 'expulsions')
    ) as t(categorie, cle)
),

actions as (
    -- why: the mart holds only the actions that count (no cancelled one)
    select
        action_figures.cle,
        recovery_actions.num_contrat,
        recovery_actions.code_secteur,
        recovery_actions.date_action as date_evenement,
        recovery_actions.id_action,
        recovery_actions.code_action,
        cast(null as boolean) as situation_emploi_connue,
        cast(null as boolean) as emploi_stable,
    from recovery_actions
    inner join action_figures on action_figures.categorie = recovery_actions.categorie
),

entrants as (
    select
        'nouveaux_entrants' as cle,
        num_contrat,
        code_secteur,
        date_entree as date_evenement,
        cast(null as varchar) as id_action,
        cast(null as varchar) as code_action,
        situation_emploi_entree is not null as situation_emploi_connue,
        coalesce(emploi_stable_entree, false) as emploi_stable,
    from leases
),

final as (
    select * from actions
    union all
    select * from entrants
)

select * from final
