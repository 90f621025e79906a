-- for every file: rows read = rows in the raw layer + rows the CSV reader rejected (nothing lost)
with

raw_rows as (
    select fichier, count(*) as n from raw_secteurs group by fichier
    union all select fichier, count(*) from raw_agents group by fichier
    union all select fichier, count(*) from raw_baux group by fichier
    union all select fichier, count(*) from raw_ecritures group by fichier
    union all select fichier, count(*) from raw_actions group by fichier
    union all select fichier, count(*) from raw_rejects group by fichier
),

per_file as (
    select fichier, sum(n) as n from raw_rows group by fichier
)

select etl_files.fichier, etl_files.lignes_lues, coalesce(per_file.n, 0) as lignes_stockees
from etl_files
left join per_file on per_file.fichier = etl_files.fichier
where etl_files.lignes_lues <> coalesce(per_file.n, 0)
