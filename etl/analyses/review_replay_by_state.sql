-- one row per case state met by the replay, over the whole range: its case-months, the share
-- of them set apart, and the shares of the set-apart (resp. proposed) ones that got worse within
-- the horizon; the state with the most case-months first.
-- Not a model: an analysis the replay command runs on review_replay_outcomes.sql's rows
-- (replay_outcomes, kept by src/warehouse/reviewReplay.ts).
with

outcomes as (
    select * from replay_outcomes
),

totals as (
    select
        etat,
        etat_libelle,
        coalesce(sum(dossiers) filter (where not a_examiner), 0) as mis_de_cote,
        coalesce(sum(dossiers) filter (where a_examiner), 0) as proposes,
        coalesce(sum(aggraves) filter (where not a_examiner), 0) as mis_de_cote_aggraves,
        coalesce(sum(aggraves) filter (where a_examiner), 0) as proposes_aggraves,
        -- why: states with as many case-months keep the order they are first met in (month end,
        -- proposed before set apart, state)
        min(strftime(mois, '%Y-%m-%d') || if(a_examiner, '0', '1') || etat) as premiere_rencontre,
    from outcomes
    group by etat, etat_libelle
),

final as (
    select
        etat,
        etat_libelle,
        cast(mis_de_cote + proposes as integer) as dossiers,
        -- why coalesce: a share of no case-month is 0, not undefined
        coalesce(cast(mis_de_cote as double) / nullif(mis_de_cote + proposes, 0), 0) as part_mis_de_cote,
        coalesce(cast(mis_de_cote_aggraves as double) / nullif(mis_de_cote, 0), 0) as mis_de_cote_aggraves,
        coalesce(cast(proposes_aggraves as double) / nullif(proposes, 0), 0) as proposes_aggraves,
    from totals
    order by dossiers desc, premiere_rencontre
)

select * from final
