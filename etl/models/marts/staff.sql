-- one row per staff member (a code and a role, never a name)
-- config: kind = agents
-- config: nightly = keyed by code_agent
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
