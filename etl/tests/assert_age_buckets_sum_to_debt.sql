-- the three age buckets add up to the debt of present tenants, for every date and sector
select date_arrete, code_secteur, dette_presents, dette_moins_3_mois, dette_3_12_mois, dette_plus_12_mois
from figures_per_date_and_sector
where dette_moins_3_mois + dette_3_12_mois + dette_plus_12_mois <> dette_presents
    or dette_moins_3_mois < 0
    or dette_3_12_mois < 0
    or dette_plus_12_mois < 0
