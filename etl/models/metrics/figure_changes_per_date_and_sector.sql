-- one row per as-of date D, sector (plus the whole landlord, code_secteur null) and figure:
-- its value at D, its value at the same date one year earlier, and the change between them
-- (in percentage points for rates: the difference of the two fractions). One year earlier
-- is the same month end for a month end (29/02/2024 -> 28/02/2023), else the same day.
-- `fenetres_completes`: both windows are complete (FIGURES.md, "Complete windows"), so the
-- change compares two full twelve-month windows; otherwise it is shown as not comparable.
-- config: partition_year_of = date_arrete
with

windows as (
    select date_arrete, code_secteur, fenetre_complete from figures_per_date_and_sector
),

figures as (
    select
        date_arrete,
        code_secteur,
        columns(* exclude (annee, date_arrete, code_secteur, lignes_quarantaine, fenetre_complete)) :: double,
    from figures_per_date_and_sector
),

long_figures as (
    unpivot figures
    on columns(* exclude (date_arrete, code_secteur))
    into name cle value valeur
),

dated as (
    select
        *,
        case
            when date_arrete = last_day(date_arrete) then last_day(cast(date_arrete - interval 1 year as date))
            else cast(date_arrete - interval 1 year as date)
        end as date_un_an_avant,
    from long_figures
),

final as (
    select
        now.date_arrete,
        now.code_secteur,
        now.cle,
        now.valeur,
        now.date_un_an_avant,
        before.valeur as valeur_un_an_avant,
        -- why: no change is shown when the earlier date was not computed (before the data)
        now.valeur - before.valeur as variation,
        coalesce(window_now.fenetre_complete and window_before.fenetre_complete, false) as fenetres_completes,
    from dated as now
    inner join windows as window_now
        on window_now.date_arrete = now.date_arrete
        and window_now.code_secteur is not distinct from now.code_secteur
    left join windows as window_before
        on window_before.date_arrete = now.date_un_an_avant
        and window_before.code_secteur is not distinct from now.code_secteur
    left join long_figures as before
        on before.date_arrete = now.date_un_an_avant
        and before.code_secteur is not distinct from now.code_secteur
        and before.cle = now.cle
)

select * from final
