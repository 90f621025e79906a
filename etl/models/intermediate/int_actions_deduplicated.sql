-- one row per id_action: its latest valid version
with

checked as (
    select * from int_actions_checked
),

valid as (
    -- why: a row with any reason in quarantine counts nowhere; an older valid version of its key stands
    select * from checked where len(erreurs) = 0
),

latest as (
    -- why: the ERP re-exports corrected rows; the file with the latest export date wins
    select *
    from valid
    qualify row_number() over (
        partition by id_action
        order by date_export desc, fichier desc, ligne desc
    ) = 1
),

final as (
    select * exclude (erreurs) from latest
)

select * from final
