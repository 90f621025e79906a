-- one row per action row read from an actions export (every version; commentaire is never loaded)
-- config: materialized = view
-- why joins here: the ERP's codes are renamed through the profile and categorised from the
-- seed ref_codes; hash joins on those small tables cost far less than a lookup per row
-- config: kind = actions
with

source as (
    select * from raw_actions
),

action_codes as (
    select code, categorie from ref_codes where champ = 'code_action'
),

profile_codes as (
    select champ, code_erp, code_reference from etl_profile_codes
),

trimmed as (
    select
        fichier,
        date_export,
        ligne,
        fr_text(id_action) as id_action,
        fr_text(num_contrat) as num_contrat,
        fr_text(date_action) as date_action_texte,
        fr_text(code_action) as code_action_texte,
        fr_text(code_agent) as code_agent,
        fr_amount_text(montant) as montant_texte,
        fr_text(nb_echeances) as nb_echeances_texte,
        fr_text(annulee) as annulee_texte,
    from source
),

mapped as (
    select
        trimmed.*,
        coalesce(pa.code_reference, trimmed.code_action_texte) as code_action,
        coalesce(pb.code_reference, trimmed.annulee_texte) as annulee_code,
    from trimmed
    left join profile_codes as pa on pa.champ = 'code_action' and pa.code_erp = trimmed.code_action_texte
    left join profile_codes as pb on pb.champ = 'booleen' and pb.code_erp = trimmed.annulee_texte
),

parsed as (
    select
        mapped.*,
        fr_date(date_action_texte) as date_action,
        action_codes.categorie,
        -- why: montant is empty for everything but plans; empty stays null, not 0
        case when montant_texte <> '' then fr_amount_parse(montant_texte) end as montant,
        fr_int(nb_echeances_texte) as nb_echeances,
        fr_bool(annulee_code) as annulee,
    from mapped
    left join action_codes on action_codes.code = mapped.code_action
),

checks as (
    -- one flag per reason a row cannot be used, in the order the quarantine reports them
    select
        parsed.*,
        id_action is null as sans_cle,
        num_contrat is null as sans_bail,
        date_action_texte is null as sans_date,
        date_action_texte is not null and date_action is null as date_invalide,
        categorie is null as code_inconnu,
        montant_texte <> '' and montant is null as montant_invalide,
        montant < 0 as montant_negatif,
        nb_echeances_texte is not null and nb_echeances is null as echeances_invalides,
        annulee is null as annulee_invalide,
    from parsed
),

validated as (
    select
        fichier,
        date_export,
        ligne,
        id_action,
        num_contrat,
        date_action,
        code_action,
        categorie,
        code_agent,
        montant,
        nb_echeances,
        annulee,
        -- why the case: nearly every row is valid, and building the list of reasons for each one
        -- costs more than the parsing; every flag of checks is in both the condition and the list
        case
            when sans_cle or sans_bail or sans_date or date_invalide or code_inconnu or montant_invalide
                or montant_negatif or echeances_invalides or annulee_invalide
            then list_filter([
                row_error(sans_cle, 'id_action', 'clé manquante', id_action),
                row_error(sans_bail, 'num_contrat', 'bail manquant', num_contrat),
                row_error(sans_date, 'date_action', 'date manquante', date_action_texte),
                row_error(date_invalide, 'date_action', 'date invalide', date_action_texte),
                row_error(code_inconnu, 'code_action', 'code action inconnu', code_action_texte),
                row_error(montant_invalide, 'montant', 'montant invalide', montant_texte),
                row_error(montant_negatif, 'montant', 'montant négatif', montant_texte),
                row_error(echeances_invalides, 'nb_echeances', 'entier invalide', nb_echeances_texte),
                row_error(annulee_invalide, 'annulee', 'booléen invalide (O ou N attendu)', annulee_texte),
            ], e -> e is not null)
            else []
        end as erreurs,
    from checks
),

final as (
    select * from validated
)

select * from final
