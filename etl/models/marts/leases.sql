-- one row per lease, as the latest valid export describes it
-- config: kind = baux
-- config: nightly = keyed by num_contrat
with

leases as (
    select * from int_baux_deduplicated
),

final as (
    select
        leases.num_contrat,
        leases.num_logement,
        leases.code_secteur,
        leases.commune,
        leases.date_entree,
        leases.date_sortie,
        leases.motif_sortie,
        leases.situation_emploi_entree,
        -- why: part_emploi_stable counts CDI and FONCTIONNAIRE among known situations (category
        -- STABLE in the seed ref_codes; null for no situation)
        code_category('situation_emploi_entree', leases.situation_emploi_entree) = 'STABLE' as emploi_stable_entree,
        leases.nb_occupants,
        leases.beneficiaire_apl,
        leases.loyer_mensuel,
        leases.charges_mensuelles,
        leases.loyer_mensuel + leases.charges_mensuelles as echeance_mensuelle,
    from leases
)

select * from final
