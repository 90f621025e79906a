-- one row per month and sector, plus the whole landlord (code_secteur null): what happens to
-- the debt of departed tenants in that month (handovers to a collection agency, write-offs,
-- money received after the move-out)
-- config: partition_year_of = mois
with

grid as (
    select mois, date_arrete, code_secteur from int_as_of_date_scopes where est_date_mensuelle
),

months as (
    -- why: the whole landlord's row is one per as-of date, so one per month
    select mois from grid where code_secteur is null
),

lease_terms as (
    select num_contrat, date_sortie from leases
),

entries as (
    select num_contrat, code_secteur, date_ecriture, categorie, debit, credit from ledger_entries
),

handovers as (
    select mois, code_secteur from int_actions_in_months where categorie = 'AGENCY_HANDOVER'
),

handovers_per_month as (
    select
        mois,
        code_secteur,
        count(*) as transmissions_recouvrement_mois,
    from handovers
    group by grouping sets ((mois, code_secteur), (mois))
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
        -- a month without a handover, a write-off or a payment after a move-out counts 0 of it
        coalesce(columns(handovers_per_month.* exclude (mois, code_secteur)), 0),
        coalesce(columns(entries_per_month.* exclude (mois, code_secteur)), 0),
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
