-- one row per id_action: its latest valid version
-- config: materialized = view
with

checked as (
    select * from int_actions_checked
),

valid as (
    -- why: a row with any reason in quarantine counts nowhere; an older valid version of its key stands
    select * from checked where len(erreurs) = 0
),

repeated_keys as (
    -- why: most keys have one version; only the few repeated ones need sorting (a sort of every
    -- row by key was the costliest step of a run)
    select id_action from valid group by id_action having count(*) > 1
),

latest as (
    select * from valid where id_action not in (select id_action from repeated_keys)
    union all
    -- why: the ERP re-exports corrected rows; the file with the latest export date wins
    select *
    from valid
    where id_action in (select id_action from repeated_keys)
    qualify row_number() over (
        partition by id_action
        order by date_export desc, fichier desc, ligne desc
    ) = 1
),

final as (
    select * exclude (erreurs) from latest
)

select * from final
