-- one row per lease, as the latest valid export describes it
-- config: kind = baux
-- config: nightly = keyed by num_contrat
with

leases as (
    select * from int_baux_deduplicated
),

jobs as (
    select code, categorie from ref_codes where champ = 'situation_emploi_entree'
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
        -- why: part_emploi_stable counts CDI and FONCTIONNAIRE among known situations
        jobs.categorie = 'STABLE' as emploi_stable_entree,
        leases.nb_occupants,
        leases.beneficiaire_apl,
        leases.loyer_mensuel,
        leases.charges_mensuelles,
        leases.loyer_mensuel + leases.charges_mensuelles as echeance_mensuelle,
    from leases
    left join jobs on jobs.code = leases.situation_emploi_entree
)

select * from final
