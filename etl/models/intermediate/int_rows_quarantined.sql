-- one row per row read that counts nowhere, with its first reason (file, line, column)
-- config: materialized = view
with

row_level as (
    select 'secteurs' as type_fichier, fichier, ligne, code_secteur as cle, erreurs from int_secteurs_checked
    union all
    select 'agents', fichier, ligne, code_agent, erreurs from int_agents_checked
    union all
    select 'baux', fichier, ligne, num_contrat, erreurs from int_baux_checked
    union all
    select 'ecritures', fichier, ligne, id_ecriture, erreurs from int_ecritures_checked
    union all
    select 'actions', fichier, ligne, id_action, erreurs from int_actions_checked
),

row_level_bad as (
    select
        type_fichier,
        fichier,
        ligne,
        cle,
        erreurs[1].colonne as colonne,
        erreurs[1].motif as motif,
        erreurs[1].valeur as valeur,
        len(erreurs) as nb_motifs,
    from row_level
    where len(erreurs) > 0
),

structural as (
    -- why: records the CSV reader could not split into the header's columns never reach the raw tables
    select
        type_fichier,
        fichier,
        ligne,
        null::varchar as cle,
        colonne,
        motif,
        valeur,
        1 as nb_motifs,
    from raw_rejects
),

final as (
    select * from row_level_bad
    union all
    select * from structural
)

select * from final
