-- one row per sector or staff code (cle) whose rows go through the kind's models again tonight:
-- every code the warehouse keeps, sets aside or reads (a few rows: every file is read again)
-- config: keys_of = secteurs, agents
-- config: rerun = every_row
select cle from kept
union
select cle from set_aside
union
select cle from every_row
