-- one row per ecritures row read, with every reason it cannot be used
with

staged as (
    select * from stg_erp__ecritures
),

leases as (
    select num_contrat from int_baux_deduplicated
),

reference_checked as (
    select
        staged.* exclude (erreurs),
        list_concat(staged.erreurs, list_filter([
            row_error(
                staged.num_contrat is not null and leases.num_contrat is null,
                'num_contrat', 'bail inconnu', staged.num_contrat
            ),
        ], e -> e is not null)) as erreurs,
    from staged
    left join leases on leases.num_contrat = staged.num_contrat
),

duplicate_checked as (
    select
        *,
        -- why: when a key repeats inside one file, the lowest line wins; the lines above it are quarantined
        sum(case when len(erreurs) = 0 then 1 else 0 end) over (
            partition by fichier, id_ecriture
            order by ligne
            rows between 1 following and unbounded following
        ) as versions_plus_bas,
    from reference_checked
),

final as (
    select
        * exclude (versions_plus_bas, erreurs),
        list_concat(erreurs, list_filter([
            row_error(
                len(erreurs) = 0 and coalesce(versions_plus_bas, 0) > 0,
                'id_ecriture', 'clé répétée plus bas dans le même fichier', id_ecriture
            ),
        ], e -> e is not null)) as erreurs,
    from duplicate_checked
)

select * from final
