-- one row per agents row read, with every reason it cannot be used
with

staged as (
    select * from stg_erp__agents
),

duplicate_checked as (
    select
        *,
        -- why: when a key repeats inside one file, the lowest line wins; the lines above it are quarantined
        sum(case when len(erreurs) = 0 then 1 else 0 end) over (
            partition by fichier, code_agent
            order by ligne
            rows between 1 following and unbounded following
        ) as versions_plus_bas,
    from staged
),

final as (
    select
        * exclude (versions_plus_bas, erreurs),
        list_concat(erreurs, list_filter([
            row_error(
                len(erreurs) = 0 and coalesce(versions_plus_bas, 0) > 0,
                'code_agent', 'clé répétée plus bas dans le même fichier', code_agent
            ),
        ], e -> e is not null)) as erreurs,
    from duplicate_checked
)

select * from final
