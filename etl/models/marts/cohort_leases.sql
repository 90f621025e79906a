-- one row per as-of date D and lease in the litigation cohort of D's year (int_cohort_members:
-- the rows cohorte_commandements counts), with the later steps reached by D and the first day of
-- each step, as the API's drill-through lists them.
-- config: materialized = view
with

members as (
    select * from int_cohort_members
),

milestones as (
    select * from int_litigation_milestones
),

final as (
    select
        members.date_arrete,
        members.num_contrat,
        members.code_secteur,
        members.premier_commandement,
        milestones.premiere_assignation,
        milestones.premiere_resiliation,
        milestones.premier_concours,
        milestones.premiere_expulsion,
        members.est_assigne,
        members.est_resilie,
        members.est_concours,
        members.est_expulse,
    from members
    inner join milestones on milestones.num_contrat = members.num_contrat
)

select * from final
