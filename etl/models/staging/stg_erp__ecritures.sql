-- one row per ledger row read from an ecritures export (every version)
-- config: materialized = view
-- why joins here: the ERP's codes are renamed through the profile and categorised from the
-- seed ref_codes; hash joins on those small tables cost far less than a lookup per row
-- config: kind = ecritures
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

checks as (
    -- one flag per reason a row cannot be used, in the order the quarantine reports them
    select
        parsed.*,
        id_ecriture is null as sans_cle,
        num_contrat is null as sans_bail,
        date_ecriture_texte is null as sans_date,
        date_ecriture_texte is not null and date_ecriture is null as date_invalide,
        periode_texte is not null and periode is null as periode_invalide,
        categorie is null as code_inconnu,
        debit is null as debit_invalide,
        credit is null as credit_invalide,
        debit < 0 as debit_negatif,
        credit < 0 as credit_negatif,
        debit > 0 and credit > 0 as debit_et_credit,
        debit = 0 and credit = 0 as ni_debit_ni_credit,
        mode_reglement is not null and not mode_connu as mode_inconnu,
    from parsed
),

validated as (
    select
        fichier, date_export, ligne, id_ecriture, num_contrat, date_ecriture, periode, code_mouvement, categorie, libelle,
        debit, credit, mode_reglement,
        -- why the case: nearly every row is valid, and building the list of reasons for each one
        -- was a third of the parsing; every flag of checks is in both the condition and the list
        case
            when sans_cle or sans_bail or sans_date or date_invalide or periode_invalide or code_inconnu
                or debit_invalide or credit_invalide or debit_negatif or credit_negatif or debit_et_credit
                or ni_debit_ni_credit or mode_inconnu
            then list_filter([
                row_error(sans_cle, 'id_ecriture', 'clé manquante', id_ecriture),
                row_error(sans_bail, 'num_contrat', 'bail manquant', num_contrat),
                row_error(sans_date, 'date_ecriture', 'date manquante', date_ecriture_texte),
                row_error(date_invalide, 'date_ecriture', 'date invalide', date_ecriture_texte),
                row_error(periode_invalide, 'periode', 'période invalide (mm/aaaa attendu)', periode_texte),
                row_error(code_inconnu, 'code_mouvement', 'code mouvement inconnu', code_mouvement_texte),
                row_error(debit_invalide, 'debit', 'montant invalide', debit_texte),
                row_error(credit_invalide, 'credit', 'montant invalide', credit_texte),
                row_error(debit_negatif, 'debit', 'montant négatif', debit_texte),
                row_error(credit_negatif, 'credit', 'montant négatif', credit_texte),
                row_error(debit_et_credit, 'credit', 'débit et crédit renseignés tous deux', credit_texte),
                row_error(ni_debit_ni_credit, 'debit', 'ni débit ni crédit', debit_texte),
                row_error(mode_inconnu, 'mode_reglement', 'mode de règlement inconnu', mode_reglement_texte),
            ], e -> e is not null)
            else []
        end as erreurs,
    from checks
),

final as (
    select * from validated
)

select * from final
