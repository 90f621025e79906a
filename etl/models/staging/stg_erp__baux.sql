-- one row per lease row read from a baux export (every version)
-- config: materialized = view
-- config: kind = baux
with

source as (
    select * from raw_baux
),

mapped as (
    select
        *,
        profile_code('motif_sortie', motif_sortie) as motif_sortie_code,
        profile_code('situation_emploi_entree', situation_emploi_entree) as situation_code,
        profile_code('booleen', beneficiaire_apl) as beneficiaire_apl_code,
    from source
),

parsed as (
    select
        fichier,
        date_export,
        ligne,
        fr_text(num_contrat) as num_contrat,
        fr_text(num_logement) as num_logement,
        fr_text(code_secteur) as code_secteur,
        fr_text(commune) as commune,
        fr_date(date_entree) as date_entree,
        fr_date(date_sortie) as date_sortie,
        motif_sortie_code as motif_sortie,
        situation_code as situation_emploi_entree,
        fr_int(nb_occupants) as nb_occupants,
        fr_bool(beneficiaire_apl_code) as beneficiaire_apl,
        fr_amount(loyer_mensuel) as loyer_mensuel,
        fr_amount(charges_mensuelles) as charges_mensuelles,
        list_filter([
            row_error(fr_text(num_contrat) is null, 'num_contrat', 'clé manquante', num_contrat),
            row_error(fr_text(code_secteur) is null, 'code_secteur', 'secteur manquant', code_secteur),
            row_error(fr_text(date_entree) is null, 'date_entree', 'date d''entrée manquante', date_entree),
            row_error(not fr_date_ok(date_entree), 'date_entree', 'date invalide', date_entree),
            row_error(not fr_date_ok(date_sortie), 'date_sortie', 'date invalide', date_sortie),
            row_error(
                fr_date(date_sortie) < fr_date(date_entree),
                'date_sortie', 'date de sortie antérieure à la date d''entrée', date_sortie
            ),
            row_error(
                motif_sortie_code is not null and code_category('motif_sortie', motif_sortie_code) is null,
                'motif_sortie', 'motif de sortie inconnu', motif_sortie
            ),
            row_error(
                situation_code is not null and code_category('situation_emploi_entree', situation_code) is null,
                'situation_emploi_entree', 'situation d''emploi inconnue', situation_emploi_entree
            ),
            row_error(not fr_int_ok(nb_occupants), 'nb_occupants', 'entier invalide', nb_occupants),
            row_error(not fr_bool_ok(beneficiaire_apl_code), 'beneficiaire_apl', 'booléen invalide (O ou N attendu)', beneficiaire_apl),
            row_error(not fr_amount_ok(loyer_mensuel), 'loyer_mensuel', 'montant invalide', loyer_mensuel),
            row_error(fr_amount(loyer_mensuel) < 0, 'loyer_mensuel', 'montant négatif', loyer_mensuel),
            row_error(not fr_amount_ok(charges_mensuelles), 'charges_mensuelles', 'montant invalide', charges_mensuelles),
            row_error(fr_amount(charges_mensuelles) < 0, 'charges_mensuelles', 'montant négatif', charges_mensuelles),
        ], e -> e is not null) as erreurs,
    from mapped
),

final as (
    select * from parsed
)

select * from final
