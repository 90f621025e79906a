-- one row per as-of date D, household count figure and lease it counts at D (menages_presents,
-- menages_en_dette, menages_dette_3_mois): the rows the figures count (int_counted_households),
-- as the API's drill-through lists them.
-- config: materialized = view
with

households as (
    select * from int_counted_households
),

final as (
    select
        date_arrete,
        cle,
        num_contrat,
        code_secteur,
        solde,
    from households
)

select * from final
