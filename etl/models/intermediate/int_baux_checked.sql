-- one row per baux row read, with every reason it cannot be used
-- config: materialized = view
-- config: kind = baux
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
            -- why: the API and the review page open a case by its number; one that breaks the
            -- rule of src/etl/exportSchema.ts (LEASE_NUMBER) could be loaded but never opened.
            -- Its ledger and action rows then fall into quarantine as "bail inconnu".
            row_error(
                staged.num_contrat is not null and not lease_number_ok(staged.num_contrat),
                'num_contrat',
                'numéro de bail non conforme (attendu : ' || lease_number_description() || ') : corrigez-le dans l''ERP',
                staged.num_contrat
            ),
            row_error(
                staged.code_secteur is not null and sectors.code_secteur is null,
                'code_secteur', 'secteur inconnu', staged.code_secteur
            ),
        ], e -> e is not null)) as erreurs,
    from staged
    left join sectors on sectors.code_secteur = staged.code_secteur
),

repeated_keys as (
    -- why: when a key repeats inside one file, its lowest line wins; the lines above it are quarantined
    select fichier, num_contrat, max(ligne) as derniere_ligne
    from reference_checked
    where len(erreurs) = 0
    group by fichier, num_contrat
    having count(*) > 1
),

duplicate_checked as (
    select
        reference_checked.*,
        repeated_keys.derniere_ligne,
    from reference_checked
    left join repeated_keys
        on repeated_keys.fichier = reference_checked.fichier
        and repeated_keys.num_contrat = reference_checked.num_contrat
),

final as (
    select
        * exclude (derniere_ligne, erreurs),
        list_concat(erreurs, list_filter([
            row_error(
                len(erreurs) = 0 and derniere_ligne > ligne,
                'num_contrat', 'clé répétée plus bas dans le même fichier', num_contrat
            ),
        ], e -> e is not null)) as erreurs,
    from duplicate_checked
)

select * from final
