-- one row per staff member (a code and a role, never a name)
with

agents as (
    select * from int_agents_deduplicated
),

final as (
    select
        code_agent,
        role,
        code_secteur,
    from agents
    order by code_agent
)

select * from final
