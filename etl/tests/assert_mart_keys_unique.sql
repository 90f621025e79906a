-- each mart holds one row per key
select 'leases' as mart, num_contrat as cle from leases group by num_contrat having count(*) > 1
union all
select 'ledger_entries', id_ecriture from ledger_entries group by id_ecriture having count(*) > 1
union all
select 'recovery_actions', id_action from recovery_actions group by id_action having count(*) > 1
union all
select 'figures_per_date_and_sector', cast(date_arrete as varchar) || '/' || coalesce(code_secteur, '*')
from figures_per_date_and_sector group by date_arrete, code_secteur having count(*) > 1
