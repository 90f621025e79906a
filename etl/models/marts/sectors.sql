-- one row per sector
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
