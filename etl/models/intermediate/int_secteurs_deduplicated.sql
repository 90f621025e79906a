-- one row per code_secteur: its latest valid version
-- config: kind = secteurs
-- config: nightly = keyed by code_secteur
with

checked as (
    select * from int_secteurs_checked
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
        partition by code_secteur
        order by date_export desc, fichier desc, ligne desc
    ) = 1
),

final as (
    select * exclude (erreurs) from latest
)

select * from final
