-- one row per id_ecriture: its latest valid version
-- config: materialized = view
with

checked as (
    select * from int_ecritures_checked
),

valid as (
    -- why: a row with any reason in quarantine counts nowhere; an older valid version of its key stands
    select * from checked where len(erreurs) = 0
),

repeated_keys as (
    -- why: most keys have one version; only the few repeated ones need sorting (a sort of every
    -- row by key was the costliest step of a run)
    select id_ecriture from valid group by id_ecriture having count(*) > 1
),

latest as (
    select * from valid where id_ecriture not in (select id_ecriture from repeated_keys)
    union all
    -- why: the ERP re-exports corrected rows; the file with the latest export date wins
    select *
    from valid
    where id_ecriture in (select id_ecriture from repeated_keys)
    qualify row_number() over (
        partition by id_ecriture
        order by date_export desc, fichier desc, ligne desc
    ) = 1
),

final as (
    select * exclude (erreurs) from latest
)

select * from final
