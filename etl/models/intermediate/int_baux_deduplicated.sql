-- one row per num_contrat: its latest valid version
-- config: kind = baux
-- config: nightly = keyed by num_contrat
with

checked as (
    select * from int_baux_checked
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
        partition by num_contrat
        order by date_export desc, fichier desc, ligne desc
    ) = 1
),

final as (
    select * exclude (erreurs) from latest
)

select * from final
