-- one row per lease and as-of date D (leases that have started by D): balance, debt by age, presence
with

dates as (
    select date_arrete from int_as_of_dates
),

lease_terms as (
    select num_contrat, code_secteur, date_entree, date_sortie, echeance_mensuelle from leases
),

running_totals as (
    select * from int_ledger_days_cumulated
),

grid as (
    select
        lease_terms.*,
        dates.date_arrete,
        -- an entry is 0-90 days old at D when posted after D - 91, 91-365 when after D - 366
        dates.date_arrete - 91 as limite_90_jours,
        dates.date_arrete - 366 as limite_365_jours,
    from lease_terms
    inner join dates on lease_terms.date_entree <= dates.date_arrete
),

at_as_of_date as (
    select
        grid.*,
        coalesce(t.solde_cumule, 0) as solde,
        coalesce(t.debits_cumules, 0) as debits_cumules,
    from grid
    asof left join running_totals as t
        on t.num_contrat = grid.num_contrat and t.jour <= grid.date_arrete
),

before_90_days as (
    select
        at_as_of_date.*,
        coalesce(t.debits_cumules, 0) as debits_avant_90_jours,
    from at_as_of_date
    asof left join running_totals as t
        on t.num_contrat = at_as_of_date.num_contrat and t.jour <= at_as_of_date.limite_90_jours
),

before_365_days as (
    select
        before_90_days.*,
        coalesce(t.debits_cumules, 0) as debits_avant_365_jours,
    from before_90_days
    asof left join running_totals as t
        on t.num_contrat = before_90_days.num_contrat and t.jour <= before_90_days.limite_365_jours
),

positioned as (
    select
        num_contrat,
        code_secteur,
        date_arrete,
        date_sortie is null or date_sortie > date_arrete as est_present,
        coalesce(date_sortie <= date_arrete, false) as est_parti,
        echeance_mensuelle,
        solde,
        greatest(solde, 0) as dette,
        -- debt walked from the newest debit back: the newest debits cover it first
        least(greatest(solde, 0), debits_cumules - debits_avant_90_jours) as couvert_90_jours,
        least(greatest(solde, 0), debits_cumules - debits_avant_365_jours) as couvert_365_jours,
    from before_365_days
),

final as (
    select
        num_contrat,
        code_secteur,
        date_arrete,
        est_present,
        est_parti,
        solde,
        dette,
        couvert_90_jours as dette_moins_3_mois,
        couvert_365_jours - couvert_90_jours as dette_3_12_mois,
        dette - couvert_365_jours as dette_plus_12_mois,
        -- why: "3 months of debt" needs a debt; a lease with no rent would otherwise count at 0
        est_present and solde > 0 and solde >= 3 * echeance_mensuelle as est_dette_3_mois,
    from positioned
)

select * from final
