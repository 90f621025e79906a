-- one row per lease with a payment order on or before the latest as-of date D: the procedure
-- opened by its latest order as a sequence of dated events, where later events suspend or close
-- earlier ones: the furthest step reached, the latest plan, judgment granting time (JDP) or
-- social cohesion protocol (PCS) after that step, a plan completed or the debt paid off after it
-- (either closes the procedure), the CCAPEX
-- referral, the latest event, and whether a JDP or PCS is kept (no debt added since)
-- config: as_of = latest
with

actions_to_date as (
    select * from int_review_actions_to_date
),

stages as (
    -- procedural order (etl/seeds/litigation_stages.csv); French labels in etl/seeds/review_labels.csv
    select rang, categorie, etape from litigation_stages
),

latest_orders as (
    select num_contrat, max(date_action) as date_commandement
    from actions_to_date
    where categorie = 'PAYMENT_ORDER'
    group by num_contrat
),

procedure_actions as (
    -- why: a new payment order opens a new procedure; events before it belong to an older one
    select actions_to_date.*, latest_orders.date_commandement
    from actions_to_date
    inner join latest_orders
        on latest_orders.num_contrat = actions_to_date.num_contrat
        and actions_to_date.date_action >= latest_orders.date_commandement
),

furthest_steps as (
    select
        procedure_actions.num_contrat,
        procedure_actions.date_commandement,
        stages.rang,
        stages.etape,
        procedure_actions.date_action as date_etape,
        procedure_actions.date_arrete,
    from procedure_actions
    inner join stages on stages.categorie = procedure_actions.categorie
    qualify row_number() over (partition by procedure_actions.num_contrat order by stages.rang desc, procedure_actions.date_action desc) = 1
),

later_events as (
    select
        furthest_steps.num_contrat,
        -- the latest plan, JDP or PCS on or after the furthest step suspends the procedure while it is kept
        max_by(procedure_actions.categorie, (procedure_actions.date_action, procedure_actions.id_action)) filter (
            where procedure_actions.categorie in ('PLAN_SIGNED', 'PAYMENT_TIME_GRANTED', 'PROTOCOL')
                and procedure_actions.date_action >= furthest_steps.date_etape
        ) as suspension,
        max(procedure_actions.date_action) filter (
            where procedure_actions.categorie in ('PLAN_SIGNED', 'PAYMENT_TIME_GRANTED', 'PROTOCOL')
                and procedure_actions.date_action >= furthest_steps.date_etape
        ) as date_suspension,
        -- a plan completed on or after the furthest step closes the procedure
        max(procedure_actions.date_action) filter (
            where procedure_actions.categorie = 'PLAN_COMPLETED' and procedure_actions.date_action >= furthest_steps.date_etape
        ) as date_plan_solde,
        -- every procedural event counts against dormancy (reminders and visits do not)
        max(procedure_actions.date_action) filter (
            where procedure_actions.categorie in (select categorie from procedure_categories where dormance)
        ) as dernier_evenement,
    from furthest_steps
    inner join procedure_actions on procedure_actions.num_contrat = furthest_steps.num_contrat
    group by furthest_steps.num_contrat
),

referrals as (
    -- why the window: a CCAPEX referral made for this debt, up to the dormancy delay before the order
    select latest_orders.num_contrat, max(actions_to_date.date_action) as date_ccapex
    from latest_orders
    inner join actions_to_date
        on actions_to_date.num_contrat = latest_orders.num_contrat
        and actions_to_date.categorie = 'CCAPEX'
        and actions_to_date.date_action >= cast(latest_orders.date_commandement - review_delay('dormance') as date)
    group by latest_orders.num_contrat
),

with_events as (
    select
        furthest_steps.*,
        later_events.suspension,
        later_events.date_suspension,
        later_events.date_plan_solde,
        later_events.dernier_evenement,
        referrals.date_ccapex,
    from furthest_steps
    inner join later_events on later_events.num_contrat = furthest_steps.num_contrat
    left join referrals on referrals.num_contrat = furthest_steps.num_contrat
),

paid_off as (
    -- a debt paid off (at or under the closing threshold) at an as-of date after the furthest
    -- step closes the procedure, as a plan completed after it does: a debt born later is a new
    -- matter for amicable recovery, and a new payment order opens a new procedure
    select
        with_events.num_contrat,
        min(p.date_arrete) as date_dette_soldee,
        arg_min(p.solde, p.date_arrete) as solde_dette_soldee,
    from with_events
    inner join int_lease_positions as p
        on p.num_contrat = with_events.num_contrat
        and p.date_arrete > with_events.date_etape
        and p.date_arrete <= with_events.date_arrete
    where p.solde <= review_rule('seuil_cloture')
    group by with_events.num_contrat
),

suspension_days as (
    -- why: only a judgment granting time or a protocol is kept by its balance (a plan by its instalments)
    select num_contrat, date_suspension as jour
    from with_events
    where suspension in ('PAYMENT_TIME_GRANTED', 'PROTOCOL')
),

balance_at_suspension as (
    -- the balance on the day of the judgment or protocol (etl/macros.sql)
    select num_contrat, solde as solde_suspension,
    from balance_on_day(suspension_days, int_ledger_days_cumulated)
),

kept_or_not as (
    -- a JDP or PCS is kept while the balance is not above its balance on the day of the
    -- judgment or protocol; broken since the first as-of date after it at which it was above
    select
        balance_at_suspension.num_contrat,
        balance_at_suspension.solde_suspension,
        min(p.date_arrete) filter (where p.solde > balance_at_suspension.solde_suspension) as premier_depassement,
        max_by(p.solde, p.date_arrete) as solde_actuel,
    from balance_at_suspension
    inner join with_events on with_events.num_contrat = balance_at_suspension.num_contrat
    inner join int_lease_positions as p
        on p.num_contrat = balance_at_suspension.num_contrat
        and p.date_arrete > with_events.date_suspension
        and p.date_arrete <= with_events.date_arrete
    group by balance_at_suspension.num_contrat, balance_at_suspension.solde_suspension
),

final as (
    select
        with_events.num_contrat,
        with_events.date_arrete,
        with_events.date_commandement,
        with_events.rang,
        with_events.etape,
        with_events.date_etape,
        with_events.suspension,
        with_events.date_suspension,
        with_events.date_plan_solde,
        paid_off.date_dette_soldee,
        cast(paid_off.solde_dette_soldee as decimal(18, 2)) as solde_dette_soldee,
        -- the day the procedure was closed by a plan completed or a debt paid off, the earlier
        case
            when with_events.date_plan_solde is null then paid_off.date_dette_soldee
            when paid_off.date_dette_soldee is null then with_events.date_plan_solde
            else least(with_events.date_plan_solde, paid_off.date_dette_soldee)
        end as date_cloture,
        with_events.dernier_evenement,
        with_events.date_ccapex,
        cast(kept_or_not.solde_suspension as decimal(18, 2)) as solde_suspension,
        case
            when with_events.suspension not in ('PAYMENT_TIME_GRANTED', 'PROTOCOL') then null
            -- why coalesce: a judgment or protocol of the last days has no as-of date after it yet
            else coalesce(kept_or_not.solde_actuel <= kept_or_not.solde_suspension, true)
        end as suspension_respectee,
        -- the month end since which the balance has been above, when it is above now
        case when kept_or_not.solde_actuel > kept_or_not.solde_suspension then kept_or_not.premier_depassement end as date_non_respect,
    from with_events
    left join kept_or_not on kept_or_not.num_contrat = with_events.num_contrat
    left join paid_off on paid_off.num_contrat = with_events.num_contrat
)

select * from final
