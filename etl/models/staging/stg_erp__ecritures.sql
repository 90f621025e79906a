-- one row per ledger row read from an ecritures export (every version)
-- why joins here: the ERP's codes are renamed through the profile and categorised from the
-- seed ref_codes; hash joins on those small tables cost far less than a lookup per row
with

source as (
    select * from raw_ecritures
),

movement_codes as (
    select code, categorie from ref_codes where champ = 'code_mouvement'
),

payment_modes as (
    select code from ref_codes where champ = 'mode_reglement'
),

profile_codes as (
    select champ, code_erp, code_reference from etl_profile_codes
),

trimmed as (
    select
        fichier,
        date_export,
        ligne,
        fr_text(id_ecriture) as id_ecriture,
        fr_text(num_contrat) as num_contrat,
        fr_text(date_ecriture) as date_ecriture_texte,
        fr_text(periode) as periode_texte,
        fr_text(code_mouvement) as code_mouvement_texte,
        fr_text(libelle) as libelle,
        fr_amount_text(debit) as debit_texte,
        fr_amount_text(credit) as credit_texte,
        fr_text(mode_reglement) as mode_reglement_texte,
    from source
),

mapped as (
    select
        trimmed.*,
        coalesce(pm.code_reference, trimmed.code_mouvement_texte) as code_mouvement,
        coalesce(pr.code_reference, trimmed.mode_reglement_texte) as mode_reglement,
    from trimmed
    left join profile_codes as pm on pm.champ = 'code_mouvement' and pm.code_erp = trimmed.code_mouvement_texte
    left join profile_codes as pr on pr.champ = 'mode_reglement' and pr.code_erp = trimmed.mode_reglement_texte
),

parsed as (
    select
        mapped.*,
        fr_date(date_ecriture_texte) as date_ecriture,
        fr_period(periode_texte) as periode,
        fr_amount_parse(debit_texte) as debit,
        fr_amount_parse(credit_texte) as credit,
        movement_codes.categorie,
        payment_modes.code is not null as mode_connu,
    from mapped
    left join movement_codes on movement_codes.code = mapped.code_mouvement
    left join payment_modes on payment_modes.code = mapped.mode_reglement
),

validated as (
    select
        fichier, date_export, ligne, id_ecriture, num_contrat, date_ecriture, periode, code_mouvement, categorie, libelle,
        debit, credit, mode_reglement,
        list_filter([
            row_error(id_ecriture is null, 'id_ecriture', 'clé manquante', id_ecriture),
            row_error(num_contrat is null, 'num_contrat', 'bail manquant', num_contrat),
            row_error(date_ecriture_texte is null, 'date_ecriture', 'date manquante', date_ecriture_texte),
            row_error(date_ecriture_texte is not null and date_ecriture is null, 'date_ecriture', 'date invalide', date_ecriture_texte),
            row_error(periode_texte is not null and periode is null, 'periode', 'période invalide (mm/aaaa attendu)', periode_texte),
            row_error(categorie is null, 'code_mouvement', 'code mouvement inconnu', code_mouvement_texte),
            row_error(debit is null, 'debit', 'montant invalide', debit_texte),
            row_error(credit is null, 'credit', 'montant invalide', credit_texte),
            row_error(debit < 0, 'debit', 'montant négatif', debit_texte),
            row_error(credit < 0, 'credit', 'montant négatif', credit_texte),
            row_error(debit > 0 and credit > 0, 'credit', 'débit et crédit renseignés tous deux', credit_texte),
            row_error(debit = 0 and credit = 0, 'debit', 'ni débit ni crédit', debit_texte),
            row_error(mode_reglement is not null and not mode_connu, 'mode_reglement', 'mode de règlement inconnu', mode_reglement_texte),
        ], e -> e is not null) as erreurs,
    from parsed
),

final as (
    select * from validated
)

select * from final
