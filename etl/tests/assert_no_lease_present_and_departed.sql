-- no lease is counted both present and departed at the same date
select num_contrat, date_arrete
from int_lease_positions
where est_present and est_parti
