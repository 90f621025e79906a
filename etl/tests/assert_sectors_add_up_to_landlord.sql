-- every additive figure of the whole landlord is the sum of its sectors
with

by_sector as (
    select
        date_arrete,
        sum(quittancement) as quittancement,
        sum(encaissements) as encaissements,
        sum(dette_presents) as dette_presents,
        sum(dette_partis) as dette_partis,
        sum(menages_presents) as menages_presents,
        sum(menages_en_dette) as menages_en_dette,
        sum(relances) as relances,
        sum(expulsions) as expulsions,
        sum(cohorte_effectif) as cohorte_effectif,
    from figures_per_date_and_sector
    where code_secteur is not null
    group by date_arrete
),

landlord as (
    select * from figures_per_date_and_sector where code_secteur is null
)

select landlord.date_arrete
from landlord
inner join by_sector on by_sector.date_arrete = landlord.date_arrete
where landlord.quittancement <> by_sector.quittancement
    or landlord.encaissements <> by_sector.encaissements
    or landlord.dette_presents <> by_sector.dette_presents
    or landlord.dette_partis <> by_sector.dette_partis
    or landlord.menages_presents <> by_sector.menages_presents
    or landlord.menages_en_dette <> by_sector.menages_en_dette
    or landlord.relances <> by_sector.relances
    or landlord.expulsions <> by_sector.expulsions
    or landlord.cohorte_effectif <> by_sector.cohorte_effectif
