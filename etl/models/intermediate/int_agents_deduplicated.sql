-- one row per code_agent: its latest valid version
-- config: kind = agents
-- config: nightly = keyed by code_agent
with

checked as (
    select * from int_agents_checked
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
        partition by code_agent
        order by date_export desc, fichier desc, ligne desc
    ) = 1
),

final as (
    select * exclude (erreurs) from latest
)

select * from final
