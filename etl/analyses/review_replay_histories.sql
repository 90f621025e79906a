-- one row per kind of history the monthly review's rules are written for (issue 11): how many
-- households the replay met in it, at one month end at least of the range replayed
-- (replay_cases), or, for the events themselves, by the last month end replayed.
-- Not a model: an analysis the replay command runs on the published warehouse.
with

cases as (
    select * from replay_cases
),

last_month_end as (
    select max(mois) as mois from cases
),

actions_to_date as (
    select a.num_contrat, a.categorie, a.date_action
    from recovery_actions as a
    inner join last_month_end on a.date_action <= last_month_end.mois
),

event_histories as (
    select 'plan_apres_commandement' as histoire, 'Plan signé après un commandement de payer' as libelle,
        count(distinct plans.num_contrat) as menages
    from actions_to_date as plans
    inner join actions_to_date as orders
        on orders.num_contrat = plans.num_contrat and orders.categorie = 'PAYMENT_ORDER' and plans.date_action > orders.date_action
    where plans.categorie = 'PLAN_SIGNED'
    union all
    select 'protocole_apres_resiliation', 'Protocole de cohésion sociale après la résiliation du bail', count(distinct pcs.num_contrat)
    from actions_to_date as pcs
    inner join actions_to_date as terminations
        on terminations.num_contrat = pcs.num_contrat and terminations.categorie = 'LEASE_TERMINATED' and pcs.date_action > terminations.date_action
    where pcs.categorie = 'PROTOCOL'
    union all
    select 'jdp', 'Jugement accordant des délais de paiement', count(distinct num_contrat)
    from actions_to_date where categorie = 'PAYMENT_TIME_GRANTED'
),

state_histories as (
    select 'suspendue_plan' as histoire, 'Procédure suspendue par un plan honoré' as libelle,
        count(distinct num_contrat) filter (where etat = 'suspendue_plan') as menages
    from cases
    union all
    select 'suspendue_jdp', 'Délais de paiement (JDP) respectés', count(distinct num_contrat) filter (where etat = 'suspendue_jdp') from cases
    union all
    select 'suspendue_protocole', 'Protocole de cohésion sociale respecté', count(distinct num_contrat) filter (where etat = 'suspendue_protocole') from cases
    union all
    select 'plan_rompu_de_fait', 'Plan rompu de fait (sans rupture enregistrée)', count(distinct num_contrat) filter (where etat_plan = 'rompu_de_fait') from cases
    union all
    select 'close', 'Procédure close (dette soldée ou sous le seuil)', count(distinct num_contrat) filter (where etat = 'close') from cases
    union all
    select 'dormante', 'Procédure dormante', count(distinct num_contrat) filter (where etat = 'dormante') from cases
    union all
    select 'apl_interrompue', 'APL interrompue (tiers payant)', count(distinct num_contrat) filter (where apl_interrompue) from cases
    union all
    select 'paiements_interrompus', 'Paiements interrompus', count(distinct num_contrat) filter (where paiements_interrompus) from cases
    union all
    select 'premiere_dette', 'Première dette d''un ménage à jour', count(distinct num_contrat) filter (where premiere_dette) from cases
),

final as (
    select * from event_histories
    union all
    select * from state_histories
)

select * from final
