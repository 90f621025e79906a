-- one row per ledger entry id (cle) whose rows go through the ledger models again tonight: those
-- of the new files, of the rows set aside that name a lease created tonight, and every entry of a
-- lease that moved sector
-- config: keys_of = ecritures
-- config: recheck = num_contrat in added_baux
select cle from new_keys
union
-- why: an entry's sector is its lease's
select cle from kept where num_contrat in (select num_contrat from moved_leases)
