-- one row per lease and as-of date D where the household is present, owes, and has had a
-- payment order on or before D: the furthest litigation step reached since its latest
-- payment order, and the date of that step
-- config: partition_year_of = date_arrete
with

positions as (
    select num_contrat, code_secteur, date_arrete
    from int_lease_positions
    -- why: a household is "in procedure" at D while it is still present and still owes
    where est_present and solde > 0
),

litigation_actions as (
    select num_contrat, date_action, categorie from recovery_actions
),

stages as (
    -- procedural order; French labels in etl/seeds/review_labels.csv (champ etape)
    select rang, categorie, etape from litigation_stages
),

latest_orders as (
    select
        positions.num_contrat,
        positions.code_secteur,
        positions.date_arrete,
        max(litigation_actions.date_action) as dernier_commandement,
    from positions
    inner join litigation_actions
        on litigation_actions.num_contrat = positions.num_contrat
        and litigation_actions.categorie = 'PAYMENT_ORDER'
        and litigation_actions.date_action <= positions.date_arrete
    group by positions.num_contrat, positions.code_secteur, positions.date_arrete
),

steps_since_order as (
    select
        latest_orders.*,
        stages.rang,
        stages.etape,
        litigation_actions.date_action,
    from latest_orders
    -- why: a new payment order opens a new procedure; steps before it belong to an older one
    inner join litigation_actions
        on litigation_actions.num_contrat = latest_orders.num_contrat
        and litigation_actions.date_action >= latest_orders.dernier_commandement
        and litigation_actions.date_action <= latest_orders.date_arrete
    inner join stages on stages.categorie = litigation_actions.categorie
),

furthest_steps as (
    select *
    from steps_since_order
    qualify row_number() over (
        partition by num_contrat, date_arrete
        order by rang desc, date_action desc
    ) = 1
),

final as (
    select
        num_contrat,
        code_secteur,
        date_arrete,
        dernier_commandement,
        rang,
        etape,
        date_action as date_etape,
    from furthest_steps
)

select * from final
