-- one row per ecritures row read, with every reason it cannot be used
-- config: materialized = view
-- config: kind = ecritures
-- config: per_file = ecritures
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
        -- why the case: the list is rebuilt only for the rows that get a reason (nearly none)
        case
            when staged.num_contrat is not null and leases.num_contrat is null
            then list_concat(staged.erreurs, [row_error(true, 'num_contrat', 'bail inconnu', staged.num_contrat)])
            else staged.erreurs
        end as erreurs,
    from staged
    left join leases on leases.num_contrat = staged.num_contrat
),

repeated_keys as (
    -- why: when a key repeats inside one file, its lowest line wins; the lines above it are quarantined
    select fichier, id_ecriture, max(ligne) as derniere_ligne
    from reference_checked
    where len(erreurs) = 0
    group by fichier, id_ecriture
    having count(*) > 1
),

duplicate_checked as (
    select
        reference_checked.*,
        repeated_keys.derniere_ligne,
    from reference_checked
    left join repeated_keys
        on repeated_keys.fichier = reference_checked.fichier
        and repeated_keys.id_ecriture = reference_checked.id_ecriture
),

final as (
    select
        * exclude (derniere_ligne, erreurs),
        case
            when len(erreurs) = 0 and derniere_ligne > ligne
            then [row_error(true, 'id_ecriture', 'clé répétée plus bas dans le même fichier', id_ecriture)]
            else erreurs
        end as erreurs,
    from duplicate_checked
)

select * from final
