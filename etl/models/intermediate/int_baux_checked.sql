-- one row per baux row read, with every reason it cannot be used
with

staged as (
    select * from stg_erp__baux
),

sectors as (
    select code_secteur from int_secteurs_deduplicated
),

reference_checked as (
    select
        staged.* exclude (erreurs),
        list_concat(staged.erreurs, list_filter([
            row_error(
                staged.code_secteur is not null and sectors.code_secteur is null,
                'code_secteur', 'secteur inconnu', staged.code_secteur
            ),
        ], e -> e is not null)) as erreurs,
    from staged
    left join sectors on sectors.code_secteur = staged.code_secteur
),

duplicate_checked as (
    select
        *,
        -- why: when a key repeats inside one file, the lowest line wins; the lines above it are quarantined
        sum(case when len(erreurs) = 0 then 1 else 0 end) over (
            partition by fichier, num_contrat
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
                'num_contrat', 'clé répétée plus bas dans le même fichier', num_contrat
            ),
        ], e -> e is not null)) as erreurs,
    from duplicate_checked
)

select * from final
