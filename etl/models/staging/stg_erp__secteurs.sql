-- one row per sector row read from a secteurs export (every version)
-- config: materialized = view
-- config: kind = secteurs
with

source as (
    select * from raw_secteurs
),

parsed as (
    select
        fichier,
        date_export,
        ligne,
        fr_text(code_secteur) as code_secteur,
        fr_text(libelle_secteur) as libelle_secteur,
        fr_text(agence) as agence,
        list_filter([
            row_error(fr_text(code_secteur) is null, 'code_secteur', 'clé manquante', code_secteur),
        ], e -> e is not null) as erreurs,
    from source
),

final as (
    select * from parsed
)

select * from final
