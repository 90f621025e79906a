-- one row per agents row read, with every reason it cannot be used
-- config: materialized = view
-- config: kind = agents
with

staged as (
    select * from stg_erp__agents
),

repeated_keys as (
    -- why: when a key repeats inside one file, its lowest line wins; the lines above it are quarantined
    select fichier, code_agent, max(ligne) as derniere_ligne
    from staged
    where len(erreurs) = 0
    group by fichier, code_agent
    having count(*) > 1
),

duplicate_checked as (
    select
        staged.*,
        repeated_keys.derniere_ligne,
    from staged
    left join repeated_keys
        on repeated_keys.fichier = staged.fichier
        and repeated_keys.code_agent = staged.code_agent
),

final as (
    select
        * exclude (derniere_ligne, erreurs),
        list_concat(erreurs, list_filter([
            row_error(
                len(erreurs) = 0 and derniere_ligne > ligne,
                'code_agent', 'clé répétée plus bas dans le même fichier', code_agent
            ),
        ], e -> e is not null)) as erreurs,
    from duplicate_checked
)

select * from final
