-- one row per lease that ever had a payment order: its first one, and the first of each
-- later litigation step on or after it
with

litigation_actions as (
    select num_contrat, code_secteur, date_action, categorie
    from recovery_actions
    where categorie in ('PAYMENT_ORDER', 'SUMMONS', 'LEASE_TERMINATED', 'POLICE_GRANTED', 'EVICTION')
),

first_orders as (
    select
        num_contrat,
        any_value(code_secteur) as code_secteur,
        min(date_action) as premier_commandement,
    from litigation_actions
    where categorie = 'PAYMENT_ORDER'
    group by num_contrat
),

milestones as (
    select
        first_orders.num_contrat,
        first_orders.code_secteur,
        first_orders.premier_commandement,
        min(a.date_action) filter (where a.categorie = 'SUMMONS') as premiere_assignation,
        min(a.date_action) filter (where a.categorie = 'LEASE_TERMINATED') as premiere_resiliation,
        min(a.date_action) filter (where a.categorie = 'POLICE_GRANTED') as premier_concours,
        min(a.date_action) filter (where a.categorie = 'EVICTION') as premiere_expulsion,
    from first_orders
    -- why: a step counts for the cohort only on or after the lease's first payment order
    left join litigation_actions as a
        on a.num_contrat = first_orders.num_contrat
        and a.date_action >= first_orders.premier_commandement
    group by first_orders.num_contrat, first_orders.code_secteur, first_orders.premier_commandement
),

final as (
    select * from milestones
)

select * from final
