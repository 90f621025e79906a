-- one row per as-of date D and lease in the litigation cohort of D's year (its first payment
-- order ever falls in that year, on or before D), with the later steps reached by D.
-- figures_per_date_and_sector counts these rows (cohorte_commandements) and the API's
-- drill-through lists them: a cohort figure and the list behind it come from this one model.
with

dates as (
    select date_arrete, annee from int_as_of_dates
),

milestones as (
    select * from int_litigation_milestones
),

members as (
    select
        dates.date_arrete,
        milestones.num_contrat,
        milestones.code_secteur,
        milestones.premier_commandement,
        milestones.premiere_assignation,
        coalesce(milestones.premiere_assignation <= dates.date_arrete, false) as est_assigne,
        coalesce(milestones.premiere_resiliation <= dates.date_arrete, false) as est_resilie,
        coalesce(milestones.premier_concours <= dates.date_arrete, false) as est_concours,
        coalesce(milestones.premiere_expulsion <= dates.date_arrete, false) as est_expulse,
    from dates
    -- why: only actions up to D exist at D, so a first order after D is not yet in the cohort
    inner join milestones
        on year(milestones.premier_commandement) = dates.annee
        and milestones.premier_commandement <= dates.date_arrete
),

final as (
    select * from members
)

select * from final
