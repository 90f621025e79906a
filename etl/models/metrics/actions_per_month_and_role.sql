-- one row per month and staff role (whole landlord): the actions staff of that role recorded
-- in the month, and the staff of that role in the latest staff export
-- config: partition_year_of = mois
with

months as (
    -- why: roles are counted for the whole landlord, whose row is one per month
    select mois, date_arrete from int_as_of_date_scopes where est_date_mensuelle and code_secteur is null
),

actions_in_months as (
    select mois, role_agent from int_actions_in_months
),

staff_members as (
    select code_agent, role from staff
),

roles as (
    select code as role from ref_codes where champ = 'role'
    -- why: an action with no staff code, or a code missing from the staff export, has no role
    union all
    select 'NON_ATTRIBUE'
),

grid as (
    select months.mois, months.date_arrete, roles.role
    from months
    cross join roles
),

monthly_counts as (
    select
        mois,
        coalesce(role_agent, 'NON_ATTRIBUE') as role,
        count(*) as actions_mois,
    from actions_in_months
    group by all
),

staff_per_role as (
    select role, count(*) as agents from staff_members group by role
),

final as (
    select
        grid.mois,
        grid.date_arrete,
        grid.role,
        coalesce(monthly_counts.actions_mois, 0) as actions_mois,
        -- no staff stands behind unassigned actions: null, not 0
        case when grid.role <> 'NON_ATTRIBUE' then coalesce(staff_per_role.agents, 0) end as agents,
        cast(coalesce(monthly_counts.actions_mois, 0) / nullif(staff_per_role.agents, 0) as double)
            as actions_par_agent_mois,
    from grid
    left join monthly_counts on monthly_counts.mois = grid.mois and monthly_counts.role = grid.role
    left join staff_per_role on staff_per_role.role = grid.role
    order by grid.mois, grid.role
)

select * from final
