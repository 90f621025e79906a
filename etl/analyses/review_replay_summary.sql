-- one row per year of the month ends replayed, and one for the whole range (annee null): the
-- cases followed, proposed for discussion and set apart, on average per month end, the share of
-- the followed case-months set apart (the caseload cut), and the shares of the set-apart (resp.
-- proposed) case-months that got worse within the horizon.
-- Not a model: an analysis the replay command runs on review_replay_outcomes.sql's rows
-- (replay_outcomes, kept by src/warehouse/reviewReplay.ts).
with

outcomes as (
    select * from replay_outcomes
),

periods as (
    -- why twice: each month end counts in its year and in the whole range
    select cast(year(mois) as integer) as annee, * from outcomes
    union all
    select cast(null as integer) as annee, * from outcomes
),

totals as (
    select
        annee,
        count(distinct mois) as fins_de_mois,
        coalesce(sum(dossiers) filter (where not a_examiner), 0) as mis_de_cote,
        coalesce(sum(dossiers) filter (where a_examiner), 0) as proposes,
        coalesce(sum(aggraves) filter (where not a_examiner), 0) as mis_de_cote_aggraves,
        coalesce(sum(etape_contentieuse) filter (where not a_examiner), 0) as mis_de_cote_etape_contentieuse,
        coalesce(sum(hausse_forte) filter (where not a_examiner), 0) as mis_de_cote_hausse_forte,
        coalesce(sum(dette_en_baisse) filter (where not a_examiner), 0) as mis_de_cote_dette_en_baisse,
        coalesce(sum(aggraves) filter (where a_examiner), 0) as proposes_aggraves,
    from periods
    group by annee
),

final as (
    select
        annee,
        cast(fins_de_mois as integer) as fins_de_mois,
        cast(mis_de_cote + proposes as double) / fins_de_mois as suivis_moyen,
        cast(proposes as double) / fins_de_mois as a_examiner_moyen,
        cast(mis_de_cote as double) / fins_de_mois as mis_de_cote_moyen,
        -- why coalesce: a share of no case-month is 0, not undefined
        coalesce(cast(mis_de_cote as double) / nullif(mis_de_cote + proposes, 0), 0) as part_mis_de_cote,
        coalesce(cast(mis_de_cote_aggraves as double) / nullif(mis_de_cote, 0), 0) as mis_de_cote_aggraves,
        coalesce(cast(mis_de_cote_etape_contentieuse as double) / nullif(mis_de_cote, 0), 0) as mis_de_cote_etape_contentieuse,
        coalesce(cast(mis_de_cote_hausse_forte as double) / nullif(mis_de_cote, 0), 0) as mis_de_cote_hausse_forte,
        coalesce(cast(mis_de_cote_dette_en_baisse as double) / nullif(mis_de_cote, 0), 0) as mis_de_cote_dette_en_baisse,
        coalesce(cast(proposes_aggraves as double) / nullif(proposes, 0), 0) as proposes_aggraves,
    from totals
    order by annee nulls last
)

select * from final
