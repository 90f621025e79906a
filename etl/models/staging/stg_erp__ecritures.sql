-- one row per ledger row read from an ecritures export (every version)
with

source as (
    select * from raw_ecritures
),

mapped as (
    select
        *,
        profile_code('code_mouvement', code_mouvement) as mouvement_code,
        profile_code('mode_reglement', mode_reglement) as mode_code,
    from source
),

parsed as (
    select
        fichier,
        date_export,
        ligne,
        fr_text(id_ecriture) as id_ecriture,
        fr_text(num_contrat) as num_contrat,
        fr_date(date_ecriture) as date_ecriture,
        fr_period(periode) as periode,
        mouvement_code as code_mouvement,
        code_category('code_mouvement', mouvement_code) as categorie,
        fr_text(libelle) as libelle,
        fr_amount(debit) as debit,
        fr_amount(credit) as credit,
        mode_code as mode_reglement,
        list_filter([
            row_error(fr_text(id_ecriture) is null, 'id_ecriture', 'clé manquante', id_ecriture),
            row_error(fr_text(num_contrat) is null, 'num_contrat', 'bail manquant', num_contrat),
            row_error(fr_text(date_ecriture) is null, 'date_ecriture', 'date manquante', date_ecriture),
            row_error(not fr_date_ok(date_ecriture), 'date_ecriture', 'date invalide', date_ecriture),
            row_error(not fr_period_ok(periode), 'periode', 'période invalide (mm/aaaa attendu)', periode),
            row_error(
                code_category('code_mouvement', mouvement_code) is null,
                'code_mouvement', 'code mouvement inconnu', code_mouvement
            ),
            row_error(not fr_amount_ok(debit), 'debit', 'montant invalide', debit),
            row_error(not fr_amount_ok(credit), 'credit', 'montant invalide', credit),
            row_error(fr_amount(debit) < 0, 'debit', 'montant négatif', debit),
            row_error(fr_amount(credit) < 0, 'credit', 'montant négatif', credit),
            row_error(fr_amount(debit) > 0 and fr_amount(credit) > 0, 'credit', 'débit et crédit renseignés tous deux', credit),
            row_error(fr_amount(debit) = 0 and fr_amount(credit) = 0, 'debit', 'ni débit ni crédit', debit),
            row_error(
                mode_code is not null and code_category('mode_reglement', mode_code) is null,
                'mode_reglement', 'mode de règlement inconnu', mode_reglement
            ),
        ], e -> e is not null) as erreurs,
    from mapped
),

final as (
    select * from parsed
)

select * from final
