-- one row per row of an export file that is in quarantine and counts in no figure
-- config: role = rows_set_aside
with

quarantined as (
    select * from int_rows_quarantined
),

final as (
    select
        type_fichier,
        fichier,
        ligne,
        cle,
        colonne,
        motif,
        valeur,
        nb_motifs,
    from quarantined
    order by fichier, ligne
)

select * from final
