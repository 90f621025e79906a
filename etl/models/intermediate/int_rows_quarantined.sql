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
    -- why no valeur: the decoder keeps no text of such a record (it holds commentaire, personal data),
    -- only the kept columns' values when the record split into the header's fields; the key is one
    select
        type_fichier,
        fichier,
        ligne,
        fr_text(json_extract_string(
            valeurs_chargees,
            case type_fichier
                when 'secteurs' then '$.code_secteur'
                when 'agents' then '$.code_agent'
                when 'baux' then '$.num_contrat'
                when 'ecritures' then '$.id_ecriture'
                when 'actions' then '$.id_action'
            end
        )) as cle,
        colonne,
        motif,
        null::varchar as valeur,
        1 as nb_motifs,
    from raw_rejects
),

final as (
    select * from row_level_bad
    union all
    select * from structural
)

select * from final
