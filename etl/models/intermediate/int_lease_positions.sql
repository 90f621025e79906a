-- one row per lease and as-of date D (leases that have started by D): balance, debt by age, presence
-- config: sorted_by = num_contrat, date_arrete
-- config: parts = num_contrat
-- config: parts_inputs = leases, int_ledger_days_cumulated
-- config: parts_counted_in = ledger_entries
-- config: nightly = per_as_of_date
-- config: partition_year_of = date_arrete
with

dates as (
    select date_arrete from int_as_of_dates
),

lease_terms as (
    select num_contrat, code_secteur, date_entree, date_sortie, echeance_mensuelle from leases
),

running_totals as (
    -- why: only the leases asked for (all of them in a run; a few when a nightly run or an
    -- ad-hoc date recomputes some): the as-of join below sorts what it is given
    select * from int_ledger_days_cumulated
    where num_contrat in (select num_contrat from lease_terms)
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

probes as (
    -- three look-ups per lease and date, answered by one as-of join: the running totals
    -- at D, at D - 91 days and at D - 366 days
    select num_contrat, date_arrete, 0 as sonde, date_arrete as jour_limite from grid
    union all
    select num_contrat, date_arrete, 90, limite_90_jours from grid
    union all
    select num_contrat, date_arrete, 365, limite_365_jours from grid
),

looked_up as (
    select
        probes.num_contrat,
        probes.date_arrete,
        probes.sonde,
        coalesce(t.solde_cumule, 0) as solde_cumule,
        coalesce(t.debits_cumules, 0) as debits_cumules,
    from probes
    asof left join running_totals as t
        on t.num_contrat = probes.num_contrat and t.jour <= probes.jour_limite
),

totals as (
    select
        num_contrat,
        date_arrete,
        max(solde_cumule) filter (where sonde = 0) as solde,
        max(debits_cumules) filter (where sonde = 0) as debits_cumules,
        max(debits_cumules) filter (where sonde = 90) as debits_avant_90_jours,
        max(debits_cumules) filter (where sonde = 365) as debits_avant_365_jours,
    from looked_up
    group by num_contrat, date_arrete
),

before_365_days as (
    select grid.*, totals.* exclude (num_contrat, date_arrete)
    from grid
    inner join totals on totals.num_contrat = grid.num_contrat and totals.date_arrete = grid.date_arrete
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
        -- why decimal(18, 2): see int_ledger_days_cumulated (64-bit decimals, summed by every figure)
        cast(solde as decimal(18, 2)) as solde,
        cast(dette as decimal(18, 2)) as dette,
        cast(couvert_90_jours as decimal(18, 2)) as dette_moins_3_mois,
        cast(couvert_365_jours - couvert_90_jours as decimal(18, 2)) as dette_3_12_mois,
        cast(dette - couvert_365_jours as decimal(18, 2)) as dette_plus_12_mois,
        -- why: "3 months of debt" needs a debt; a lease with no rent would otherwise count at 0
        est_present and solde > 0 and solde >= 3 * echeance_mensuelle as est_dette_3_mois,
    from positioned
    -- why the order: a lease's rows lie together, so reading one lease (a case in the API) skips
    -- the rest of the table, and the table compresses better
    order by num_contrat, date_arrete
)

select * from final
