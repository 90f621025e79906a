-- one row per lease present and owing at the latest as-of date D (the households the monthly
-- review follows): its debt trajectory, its payments and its housing benefit, by the rules of
-- etl/seeds/review_rules.csv
-- config: as_of = latest
with

latest_date as (
    select date_arrete from int_as_of_dates where est_derniere_donnee
),

lease_terms as (
    select num_contrat, echeance_mensuelle, beneficiaire_apl from leases
),

current_debtors as (
    select
        p.num_contrat,
        p.code_secteur,
        p.date_arrete,
        p.solde,
        p.dette_moins_3_mois,
        p.dette_3_12_mois,
        p.dette_plus_12_mois,
        lease_terms.echeance_mensuelle,
        lease_terms.beneficiaire_apl,
        cast(p.date_arrete - review_delay('evolution_dette') as date) as date_evolution,
    from int_lease_positions as p
    inner join latest_date on latest_date.date_arrete = p.date_arrete
    inner join lease_terms on lease_terms.num_contrat = p.num_contrat
    -- why: the review follows households still in the dwelling that owe
    where p.est_present and p.solde > 0
),

evolution_days as (
    select num_contrat, date_evolution as jour from current_debtors
),

balance_before as (
    -- the balance at the start of the evolution window (etl/macros.sql)
    select num_contrat, solde as solde_avant,
    from balance_on_day(evolution_days, int_ledger_days_cumulated)
),

entries_to_date as (
    select e.num_contrat, e.date_ecriture, e.categorie, e.debit, e.credit
    from ledger_entries as e
    inner join latest_date on e.date_ecriture <= latest_date.date_arrete
    where e.num_contrat in (select num_contrat from current_debtors)
),

payments_and_aid as (
    select
        entries_to_date.num_contrat,
        -- the tenant's own payments (REG credits), not a rejected payment's reversal
        max(entries_to_date.date_ecriture) filter (where entries_to_date.categorie = 'PAYMENT' and entries_to_date.credit > 0) as dernier_paiement,
        max(entries_to_date.date_ecriture) filter (where entries_to_date.categorie = 'AID' and entries_to_date.credit > 0) as derniere_apl,
        -- the housing benefit of a month: its credits over the evolution window, per month
        coalesce(sum(entries_to_date.credit - entries_to_date.debit) filter (
            where entries_to_date.categorie = 'AID' and entries_to_date.date_ecriture > current_debtors.date_evolution
        ), 0) / review_rule('evolution_dette') as apl_mensuelle,
    from entries_to_date
    inner join current_debtors on current_debtors.num_contrat = entries_to_date.num_contrat
    group by entries_to_date.num_contrat
),

terms_with_aid as (
    select
        current_debtors.*,
        payments_and_aid.dernier_paiement,
        payments_and_aid.derniere_apl,
        coalesce(payments_and_aid.apl_mensuelle, 0) as apl_mensuelle,
        -- the CAF's threshold is in rent and charges net of the housing benefit paid to the landlord
        case
            when current_debtors.beneficiaire_apl then greatest(current_debtors.echeance_mensuelle - coalesce(payments_and_aid.apl_mensuelle, 0), 0)
            else current_debtors.echeance_mensuelle
        end as echeance_nette,
    from current_debtors
    left join payments_and_aid on payments_and_aid.num_contrat = current_debtors.num_contrat
),

history as (
    -- the balance at every as-of date (month ends and D) of the lease
    select
        p.num_contrat,
        p.date_arrete,
        p.solde,
        terms_with_aid.echeance_mensuelle,
        terms_with_aid.echeance_nette,
    from int_lease_positions as p
    inner join terms_with_aid on terms_with_aid.num_contrat = p.num_contrat and p.date_arrete <= terms_with_aid.date_arrete
),

last_below as (
    -- the latest as-of date at which the balance was under each threshold
    select
        num_contrat,
        max(date_arrete) filter (where solde <= 0) as dernier_a_jour,
        max(date_arrete) filter (where solde < review_rule('commandement_payer_seuil') * echeance_mensuelle) as dernier_sous_seuil_commandement,
        max(date_arrete) filter (where solde < review_rule('signalement_caf_seuil') * echeance_nette) as dernier_sous_seuil_caf,
        max(date_arrete) filter (where solde < review_rule('accompagnement_social_seuil') * echeance_mensuelle) as dernier_sous_seuil_social,
    from history
    group by num_contrat
),

streak_starts as (
    -- since when the balance has stayed at or above each threshold: the first as-of date after
    -- the latest one under it (the lease's first as-of date when it never was under it); the
    -- day within that month is found in crossing_days
    select
        history.num_contrat,
        min(history.date_arrete) filter (where history.date_arrete > coalesce(last_below.dernier_a_jour, date '0001-01-01')) as dette_depuis,
        min(history.date_arrete) filter (where history.date_arrete > coalesce(last_below.dernier_sous_seuil_commandement, date '0001-01-01')) as seuil_commandement_depuis,
        min(history.date_arrete) filter (where history.date_arrete > coalesce(last_below.dernier_sous_seuil_caf, date '0001-01-01')) as seuil_caf_depuis,
        min(history.date_arrete) filter (where history.date_arrete > coalesce(last_below.dernier_sous_seuil_social, date '0001-01-01')) as seuil_social_depuis,
    from history
    inner join last_below on last_below.num_contrat = history.num_contrat
    group by history.num_contrat
),

crossing_days as (
    -- the day the balance reached each threshold for the current streak: the first posting day,
    -- after the latest as-of date at which it was under it, on which the balance was at or above
    -- it (month ends tell whether it stayed above; the day says when it got there, so a report
    -- made that month counts, and the delays run from the day the threshold was reached)
    select
        d.num_contrat,
        min(d.jour) filter (
            where d.jour > coalesce(last_below.dernier_sous_seuil_commandement, date '0001-01-01')
                and d.solde_cumule >= review_rule('commandement_payer_seuil') * terms_with_aid.echeance_mensuelle
        ) as jour_seuil_commandement,
        min(d.jour) filter (
            where d.jour > coalesce(last_below.dernier_sous_seuil_caf, date '0001-01-01')
                and d.solde_cumule >= review_rule('signalement_caf_seuil') * terms_with_aid.echeance_nette
        ) as jour_seuil_caf,
        min(d.jour) filter (
            where d.jour > coalesce(last_below.dernier_sous_seuil_social, date '0001-01-01')
                and d.solde_cumule >= review_rule('accompagnement_social_seuil') * terms_with_aid.echeance_mensuelle
        ) as jour_seuil_social,
    from int_ledger_days_cumulated as d
    inner join terms_with_aid on terms_with_aid.num_contrat = d.num_contrat and d.jour <= terms_with_aid.date_arrete
    inner join last_below on last_below.num_contrat = d.num_contrat
    group by d.num_contrat
),

before_the_debt as (
    -- the largest balance over the months before the current debt began
    select
        history.num_contrat,
        max(history.solde) as solde_max_avant_dette,
    from history
    inner join streak_starts on streak_starts.num_contrat = history.num_contrat
    where history.date_arrete < streak_starts.dette_depuis
        and history.date_arrete >= cast(streak_starts.dette_depuis - review_delay('premiere_dette') as date)
    group by history.num_contrat
),

final as (
    select
        terms_with_aid.num_contrat,
        terms_with_aid.code_secteur,
        terms_with_aid.date_arrete,
        terms_with_aid.solde,
        terms_with_aid.dette_moins_3_mois,
        terms_with_aid.dette_3_12_mois,
        terms_with_aid.dette_plus_12_mois,
        terms_with_aid.echeance_mensuelle,
        terms_with_aid.echeance_nette,
        terms_with_aid.beneficiaire_apl,
        round(terms_with_aid.solde / nullif(terms_with_aid.echeance_mensuelle, 0), 1) as dette_en_mois,
        cast(terms_with_aid.solde - balance_before.solde_avant as decimal(18, 2)) as dette_evolution_3_mois,
        terms_with_aid.dernier_paiement,
        terms_with_aid.derniere_apl,
        streak_starts.dette_depuis,
        -- why coalesce: the month end when no posting day is found (a balance moved by no entry)
        coalesce(crossing_days.jour_seuil_commandement, streak_starts.seuil_commandement_depuis) as seuil_commandement_depuis,
        coalesce(crossing_days.jour_seuil_caf, streak_starts.seuil_caf_depuis) as seuil_caf_depuis,
        coalesce(crossing_days.jour_seuil_social, streak_starts.seuil_social_depuis) as seuil_social_depuis,
        -- first debt: up to date at every as-of date of the 12 months before a debt born within the evolution window
        streak_starts.dette_depuis > terms_with_aid.date_evolution
            and coalesce(before_the_debt.solde_max_avant_dette, 0) <= 0 as premiere_dette,
        -- payments stopped: no payment of the household within the rule's months
        terms_with_aid.dernier_paiement is null
            or terms_with_aid.dernier_paiement <= cast(terms_with_aid.date_arrete - review_delay('paiements_interrompus') as date) as paiements_interrompus,
        -- housing benefit stopped: a tiers-payant lease whose benefit was paid once, and not within the rule's months
        terms_with_aid.beneficiaire_apl
            and terms_with_aid.derniere_apl is not null
            and terms_with_aid.derniere_apl <= cast(terms_with_aid.date_arrete - review_delay('apl_interrompue') as date) as apl_interrompue,
        -- a steep rise: the debt grew by at least the rule's months of rent over the evolution window
        terms_with_aid.solde - balance_before.solde_avant >= review_rule('hausse_forte') * terms_with_aid.echeance_mensuelle as hausse_forte,
    from terms_with_aid
    inner join balance_before on balance_before.num_contrat = terms_with_aid.num_contrat
    inner join streak_starts on streak_starts.num_contrat = terms_with_aid.num_contrat
    left join before_the_debt on before_the_debt.num_contrat = terms_with_aid.num_contrat
    left join crossing_days on crossing_days.num_contrat = terms_with_aid.num_contrat
)

select * from final
