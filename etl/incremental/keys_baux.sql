-- one row per lease number (cle) whose rows go through the lease models again tonight: those of
-- the new files, and of the rows set aside that name a sector created tonight
-- config: keys_of = baux
-- config: recheck = code_secteur in added_secteurs
select cle from new_keys
