-- one row per month and sector, plus the whole landlord (code_secteur null): what happens to
-- the debt of departed tenants in that month (handovers to a collection agency, write-offs,
-- money received after the move-out)
-- config: partition_year_of = mois
with

month_dates as (
    select date_arrete from int_as_of_dates where est_fin_de_mois or est_derniere_donnee
),

sector_codes as (
    select code_secteur from sectors
),

lease_terms as (
    select num_contrat, date_sortie from leases
),

entries as (
    select num_contrat, code_secteur, date_ecriture, categorie, debit, credit from ledger_entries
),

handovers as (
    select code_secteur, date_action from recovery_actions where categorie = 'AGENCY_HANDOVER'
),

months as (
    select
        cast(date_trunc('month', date_arrete) as date) as mois,
        date_arrete,
    from month_dates
),

grid as (
    select months.mois, months.date_arrete, scope.code_secteur
    from months
    cross join (select code_secteur from sector_codes union all select null) as scope
),

handovers_per_month as (
    select
        months.mois,
        handovers.code_secteur,
        count(*) as transmissions_recouvrement_mois,
    from handovers
    inner join months
        on months.mois = cast(date_trunc('month', handovers.date_action) as date)
        and handovers.date_action <= months.date_arrete
    group by grouping sets ((months.mois, handovers.code_secteur), (months.mois))
),

entries_per_month as (
    select
        months.mois,
        entries.code_secteur,
        coalesce(sum(entries.credit - entries.debit) filter (where entries.categorie = 'WRITE_OFF'), 0)
            as admissions_non_valeur_mois,
        -- why: the same movements as encaissements (payments, rejected payments, housing benefit),
        -- posted after the lease's move-out date
        coalesce(sum(entries.credit - entries.debit) filter (
            where entries.categorie in ('PAYMENT', 'AID') and entries.date_ecriture > lease_terms.date_sortie
        ), 0) as encaissements_apres_depart_mois,
    from entries
    inner join lease_terms on lease_terms.num_contrat = entries.num_contrat
    inner join months on months.mois = cast(date_trunc('month', entries.date_ecriture) as date)
    group by grouping sets ((months.mois, entries.code_secteur), (months.mois))
),

final as (
    select
        grid.mois,
        grid.date_arrete,
        grid.code_secteur,
        coalesce(handovers_per_month.transmissions_recouvrement_mois, 0) as transmissions_recouvrement_mois,
        coalesce(entries_per_month.admissions_non_valeur_mois, 0) as admissions_non_valeur_mois,
        coalesce(entries_per_month.encaissements_apres_depart_mois, 0) as encaissements_apres_depart_mois,
    from grid
    left join handovers_per_month
        on handovers_per_month.mois = grid.mois
        and handovers_per_month.code_secteur is not distinct from grid.code_secteur
    left join entries_per_month
        on entries_per_month.mois = grid.mois
        and entries_per_month.code_secteur is not distinct from grid.code_secteur
    order by grid.mois, grid.code_secteur nulls first
)

select * from final
