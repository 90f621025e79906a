-- one row per as-of date D, household count figure and lease it counts at D (menages_presents,
-- menages_en_dette, menages_dette_3_mois). figures_per_date_and_sector counts these rows and the
-- API's drill-through lists them: a figure and the list behind it come from this one model.
-- config: materialized = view
with

positions as (
    select date_arrete, num_contrat, code_secteur, solde, est_present, est_dette_3_mois
    from int_lease_positions
),

final as (
    select date_arrete, 'menages_presents' as cle, num_contrat, code_secteur, solde
    from positions where est_present
    union all
    -- why: a credit balance is no debt (FIGURES.md, "Households")
    select date_arrete, 'menages_en_dette' as cle, num_contrat, code_secteur, solde
    from positions where est_present and solde > 0
    union all
    select date_arrete, 'menages_dette_3_mois' as cle, num_contrat, code_secteur, solde
    from positions where est_dette_3_mois
)

select * from final
