-- one row per sector
-- config: kind = secteurs
-- config: nightly = keyed by code_secteur
with

sectors as (
    select * from int_secteurs_deduplicated
),

final as (
    select
        code_secteur,
        coalesce(libelle_secteur, code_secteur) as libelle_secteur,
        agence,
    from sectors
    order by code_secteur
)

select * from final
