-- one row per action row read from an actions export (every version; commentaire is never loaded)
with

source as (
    select * from raw_actions
),

mapped as (
    select
        *,
        profile_code('code_action', code_action) as action_code,
        profile_code('booleen', annulee) as annulee_code,
    from source
),

parsed as (
    select
        fichier,
        date_export,
        ligne,
        fr_text(id_action) as id_action,
        fr_text(num_contrat) as num_contrat,
        fr_date(date_action) as date_action,
        action_code as code_action,
        code_category('code_action', action_code) as categorie,
        fr_text(code_agent) as code_agent,
        -- why: montant is empty for everything but plans; empty stays null, not 0
        case when fr_text(montant) is not null then fr_amount(montant) end as montant,
        fr_int(nb_echeances) as nb_echeances,
        fr_bool(annulee_code) as annulee,
        list_filter([
            row_error(fr_text(id_action) is null, 'id_action', 'clé manquante', id_action),
            row_error(fr_text(num_contrat) is null, 'num_contrat', 'bail manquant', num_contrat),
            row_error(fr_text(date_action) is null, 'date_action', 'date manquante', date_action),
            row_error(not fr_date_ok(date_action), 'date_action', 'date invalide', date_action),
            row_error(code_category('code_action', action_code) is null, 'code_action', 'code action inconnu', code_action),
            row_error(not fr_amount_ok(montant), 'montant', 'montant invalide', montant),
            row_error(fr_amount(montant) < 0, 'montant', 'montant négatif', montant),
            row_error(not fr_int_ok(nb_echeances), 'nb_echeances', 'entier invalide', nb_echeances),
            row_error(not fr_bool_ok(annulee_code), 'annulee', 'booléen invalide (O ou N attendu)', annulee),
        ], e -> e is not null) as erreurs,
    from mapped
),

final as (
    select * from parsed
)

select * from final
