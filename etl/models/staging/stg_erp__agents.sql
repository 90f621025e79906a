-- one row per staff row read from an agents export (every version)
-- config: materialized = view
-- config: kind = agents
with

source as (
    select * from raw_agents
),

mapped as (
    select
        fichier,
        date_export,
        ligne,
        fr_text(code_agent) as code_agent,
        role as role_texte,
        profile_code('role', role) as role,
        fr_text(code_secteur) as code_secteur,
    from source
),

parsed as (
    select
        fichier,
        date_export,
        ligne,
        code_agent,
        role,
        code_secteur,
        list_filter([
            row_error(code_agent is null, 'code_agent', 'clé manquante', code_agent),
            row_error(code_category('role', role) is null, 'role', 'rôle inconnu', role_texte),
        ], e -> e is not null) as erreurs,
    from mapped
),

final as (
    select * from parsed
)

select * from final
