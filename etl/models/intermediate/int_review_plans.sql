-- one row per lease with a repayment plan signed on or before the latest as-of date D: its
-- latest plan and how it is kept. The instalment is montant / nb_echeances; instalment k falls
-- due k months after the signature. What the household paid toward the plan is what it paid
-- beyond its current rent since the signature: its payments and the housing benefit credited
-- on or after the signature day, minus the rent and charges billed on or after it (net of
-- credits), floored at 0 (fees and write-offs count neither way). A plan whose last instalment
-- fell due more than the rule plan_echu's months before D, neither broken nor completed, is over
-- (« échu »): it suspends nothing any more.
-- config: as_of = latest
with

actions_to_date as (
    select * from int_review_actions_to_date
),

latest_plans as (
    select
        num_contrat,
        id_action,
        date_action as date_signature,
        montant,
        nb_echeances,
        date_arrete,
    from actions_to_date
    where categorie = 'PLAN_SIGNED'
    -- why: a new plan replaces the previous one; the same day, the larger id is the later one
    qualify row_number() over (partition by num_contrat order by date_action desc, id_action desc) = 1
),

plan_ends as (
    select
        latest_plans.num_contrat,
        min(actions_to_date.date_action) filter (where actions_to_date.categorie = 'PLAN_BROKEN') as date_rupture,
        min(actions_to_date.date_action) filter (where actions_to_date.categorie = 'PLAN_COMPLETED') as date_fin,
    from latest_plans
    inner join actions_to_date
        on actions_to_date.num_contrat = latest_plans.num_contrat
        -- why >=: a break or completion recorded the day of the signature is this plan's
        and actions_to_date.date_action >= latest_plans.date_signature
        and actions_to_date.categorie in ('PLAN_BROKEN', 'PLAN_COMPLETED')
    group by latest_plans.num_contrat
),

paid_beyond_rent as (
    select
        latest_plans.num_contrat,
        sum(
            case
                when e.categorie in ('PAYMENT', 'AID') then e.credit - e.debit
                when e.categorie = 'BILLING' then e.credit - e.debit
                else 0
            end
        ) as verse_net,
    from latest_plans
    inner join ledger_entries as e
        on e.num_contrat = latest_plans.num_contrat
        -- why >=: the rent billed on the signature day is current rent, and so is a payment that day
        and e.date_ecriture >= latest_plans.date_signature
        and e.date_ecriture <= latest_plans.date_arrete
    group by latest_plans.num_contrat
),

instalments as (
    select
        latest_plans.*,
        plan_ends.date_rupture,
        plan_ends.date_fin,
        cast(greatest(coalesce(paid_beyond_rent.verse_net, 0), 0) as decimal(18, 2)) as montant_verse,
        round(latest_plans.montant / nullif(latest_plans.nb_echeances, 0), 2) as mensualite,
        -- whole months from the signature to D
        date_diff('month', latest_plans.date_signature, latest_plans.date_arrete)
            - case
                when cast(latest_plans.date_signature + to_months(date_diff('month', latest_plans.date_signature, latest_plans.date_arrete)) as date)
                    > latest_plans.date_arrete then 1
                else 0
            end as mois_ecoules,
    from latest_plans
    left join plan_ends on plan_ends.num_contrat = latest_plans.num_contrat
    left join paid_beyond_rent on paid_beyond_rent.num_contrat = latest_plans.num_contrat
),

kept as (
    select
        *,
        cast(least(coalesce(nb_echeances, 0), mois_ecoules) as integer) as echeances_dues,
        cast(least(montant, mensualite * least(coalesce(nb_echeances, 0), mois_ecoules)) as decimal(18, 2)) as montant_du,
        -- the instalments the payments cover, the first one they do not
        cast(floor(montant_verse / nullif(mensualite, 0)) as integer) as echeances_couvertes,
        -- the plan's term (its last instalment) and the day it is over if not paid by then
        cast(date_signature + to_months(nb_echeances) as date) as date_derniere_echeance,
        cast(date_signature + to_months(nb_echeances) + review_delay('plan_echu') as date) as date_echu,
    from instalments
),

plan_states as (
    select
        num_contrat,
        id_action,
        date_signature,
        montant,
        nb_echeances,
        mensualite,
        echeances_dues,
        montant_du,
        montant_verse,
        date_rupture,
        date_fin,
        date_derniere_echeance,
        date_echu,
        case
            when date_rupture is not null then 'rompu'
            when date_fin is not null or montant_verse >= montant then 'termine'
            when mensualite is null then 'honore'
            -- why before the arrears: a plan long past its term is no longer a live plan, however
            -- far behind it is; the case falls back to the rules on today's debt
            when date_echu < date_arrete then 'echu'
            when montant_du - montant_verse >= review_rule('plan_rompu_de_fait') * mensualite then 'rompu_de_fait'
            when montant_du - montant_verse >= review_rule('plan_en_retard') * mensualite then 'en_retard'
            else 'honore'
        end as etat_plan,
        -- the day the first unpaid instalment fell due, and the day the arrears reached the
        -- rule's number of instalments (the plan broken in fact)
        cast(date_signature + to_months(echeances_couvertes + review_rule('plan_en_retard')) as date) as date_retard,
        cast(date_signature + to_months(echeances_couvertes + review_rule('plan_rompu_de_fait')) as date) as date_rupture_de_fait,
    from kept
),

final as (
    select
        *,
        -- the day the plan stopped holding back the recovery: its recorded break, the day it broke
        -- in fact, the day it was over, its recorded completion; null while it is honoured or late
        case etat_plan
            when 'rompu' then date_rupture
            when 'rompu_de_fait' then date_rupture_de_fait
            when 'echu' then date_echu
            when 'termine' then date_fin
        end as date_fin_effet,
    from plan_states
)

select * from final
