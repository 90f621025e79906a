-- one row per action id (cle) whose rows go through the action models again tonight: those of the
-- new files, of the rows set aside that name a lease created tonight, every action of a lease that
-- moved sector, and every action of a staff member whose row changed
-- config: keys_of = actions
-- config: recheck = num_contrat in added_baux
select cle from new_keys
union
-- why: an action's sector is its lease's
select cle from kept where num_contrat in (select num_contrat from moved_leases)
union
-- why: an action's role is its staff member's
select cle from kept where code_agent in (select cle from changed_agents)
