-- one row per recovery or social action that counts (latest valid version, not cancelled)
-- config: kind = actions
-- config: nightly = keyed by id_action
-- config: partition_year_of = date_action
with

actions as (
    select * from int_actions_deduplicated
),

lease_sectors as (
    select num_contrat, code_secteur from leases
),

staff_roles as (
    select code_agent, role from staff
),

final as (
    select
        actions.id_action,
        actions.num_contrat,
        lease_sectors.code_secteur,
        actions.date_action,
        actions.code_action,
        actions.categorie,
        actions.code_agent,
        staff_roles.role as role_agent,
        actions.montant,
        actions.nb_echeances,
    from actions
    inner join lease_sectors on lease_sectors.num_contrat = actions.num_contrat
    left join staff_roles on staff_roles.code_agent = actions.code_agent
    -- why: an action cancelled in the ERP (annulee = O) counts nowhere
    where not actions.annulee
    -- why the order: a lease's rows lie together, so reading one lease (a case in the API) skips
    -- the rest of the table, and the table compresses better
    order by actions.num_contrat, actions.date_action, actions.id_action
)

select * from final
