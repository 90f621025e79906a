-- every ledger entry that counts has exactly one of debit, credit non-zero, and neither negative
select id_ecriture, debit, credit
from ledger_entries
where debit < 0 or credit < 0 or (debit > 0) = (credit > 0)
