-- one row per lease on the monthly review worklist: present at the latest as-of date D and
-- in debt or in a litigation procedure, with its stage, last action, last payment and the
-- next procedural step that is due, with the reason
with

latest_date as (
    select date_arrete from int_as_of_dates where est_derniere_donnee
),

positions as (
    select p.*
    from int_lease_positions as p
    inner join latest_date on latest_date.date_arrete = p.date_arrete
),

litigation as (
    select s.*
    from int_lease_litigation_stages as s
    inner join latest_date on latest_date.date_arrete = s.date_arrete
),

lease_terms as (
    select num_contrat, echeance_mensuelle, beneficiaire_apl from leases
),

sector_names as (
    select code_secteur, libelle_secteur from sectors
),

actions_to_date as (
    select a.*
    from recovery_actions as a
    inner join latest_date on a.date_action <= latest_date.date_arrete
),

last_actions as (
    select
        num_contrat,
        -- why: two actions on the same day: the larger id_action is the later one (a stable answer)
        max_by(code_action, (date_action, id_action)) as derniere_action,
        max(date_action) as date_derniere_action,
        max(date_action) filter (where categorie = 'REMINDER') as derniere_relance,
        max(date_action) filter (where categorie = 'CAF_REPORT') as dernier_signalement_caf,
        max(date_action) filter (where categorie = 'PLAN_SIGNED') as dernier_plan_signe,
        max(date_action) filter (where categorie in ('PLAN_BROKEN', 'PLAN_COMPLETED')) as derniere_fin_de_plan,
    from actions_to_date
    group by num_contrat
),

last_payments as (
    select e.num_contrat, max(e.date_ecriture) as dernier_paiement
    from ledger_entries as e
    inner join latest_date on e.date_ecriture <= latest_date.date_arrete
    where e.code_mouvement = 'REG' and e.credit > 0
    group by e.num_contrat
),

worklist as (
    select
        positions.num_contrat,
        positions.code_secteur,
        sector_names.libelle_secteur,
        positions.date_arrete,
        positions.solde,
        positions.dette_moins_3_mois,
        positions.dette_3_12_mois,
        positions.dette_plus_12_mois,
        lease_terms.echeance_mensuelle,
        round(positions.solde / nullif(lease_terms.echeance_mensuelle, 0), 1) as dette_en_mois,
        lease_terms.beneficiaire_apl,
        litigation.rang as rang_contentieux,
        litigation.etape as etape_contentieux,
        litigation.date_etape as date_etape_contentieux,
        last_actions.derniere_action,
        last_actions.date_derniere_action,
        last_actions.derniere_relance,
        last_actions.dernier_signalement_caf,
        last_actions.dernier_plan_signe,
        -- a plan is running when the latest plan signed is not followed by a break or completion
        last_actions.dernier_plan_signe is not null
            and (last_actions.derniere_fin_de_plan is null or last_actions.derniere_fin_de_plan < last_actions.dernier_plan_signe)
            as plan_en_cours,
        last_payments.dernier_paiement,
    from positions
    inner join lease_terms on lease_terms.num_contrat = positions.num_contrat
    left join sector_names on sector_names.code_secteur = positions.code_secteur
    left join litigation on litigation.num_contrat = positions.num_contrat
    left join last_actions on last_actions.num_contrat = positions.num_contrat
    left join last_payments on last_payments.num_contrat = positions.num_contrat
    -- why: the review follows households still in the dwelling that owe or are in procedure
    where positions.est_present and (positions.solde > 0 or litigation.num_contrat is not null)
),

staged as (
    select
        *,
        case
            when etape_contentieux is not null then etape_contentieux
            when plan_en_cours then 'plan_apurement'
            when derniere_relance is not null and derniere_relance > date_arrete - 365 then 'relance'
            else 'sans_action'
        end as etape,
        case
            when etape_contentieux is not null then date_etape_contentieux
            when plan_en_cours then dernier_plan_signe
            when derniere_relance is not null and derniere_relance > date_arrete - 365 then derniere_relance
        end as date_etape,
        -- the winter truce runs from 1 November to 31 March: no eviction then
        month(date_arrete) >= 11 or month(date_arrete) <= 3 as treve_hivernale,
    from worklist
),

next_steps as (
    select
        *,
        case
            when etape = 'concours_accorde' and treve_hivernale then 'expulsion_suspendue'
            when etape = 'concours_accorde' then 'expulsion'
            when etape = 'demande_concours' and date_arrete - date_etape > 60 then 'relance_prefecture'
            when etape = 'commandement_quitter_lieux' and date_arrete - date_etape > 60 then 'demande_concours'
            when etape = 'resiliation_bail' then 'commandement_quitter_lieux'
            when etape = 'commandement_payer' and date_arrete - date_etape > 42 then 'assignation'
            when etape = 'plan_apurement' and (dernier_paiement is null or date_arrete - dernier_paiement > 60) then 'constat_rupture_plan'
            when etape in ('relance', 'sans_action') and solde >= 3 * echeance_mensuelle then 'commandement_payer'
            when etape in ('relance', 'sans_action') and beneficiaire_apl and solde >= 2 * echeance_mensuelle
                and (dernier_signalement_caf is null or dernier_signalement_caf < date_arrete - 365) then 'signalement_caf'
            when etape = 'sans_action' then 'relance'
        end as prochaine_etape,
    from staged
),

final as (
    select
        num_contrat,
        code_secteur,
        libelle_secteur,
        date_arrete,
        solde,
        dette_en_mois,
        dette_moins_3_mois,
        dette_3_12_mois,
        dette_plus_12_mois,
        etape,
        date_etape,
        derniere_action,
        date_derniere_action,
        dernier_paiement,
        prochaine_etape,
        case prochaine_etape
            when 'expulsion_suspendue' then 'Concours accordé mais trêve hivernale jusqu''au 31/03 : expulsion suspendue'
            when 'expulsion' then 'Concours de la force publique accordé : l''expulsion peut être exécutée'
            when 'relance_prefecture' then 'Demande de concours sans réponse depuis plus de deux mois'
            when 'demande_concours' then 'Commandement de quitter les lieux délivré il y a plus de deux mois'
            when 'commandement_quitter_lieux' then 'Bail résilié par jugement : commandement de quitter les lieux à délivrer'
            when 'assignation' then 'Commandement de payer délivré il y a plus de six semaines, sans assignation'
            when 'constat_rupture_plan' then 'Plan d''apurement en cours sans paiement depuis plus de deux mois'
            when 'commandement_payer' then 'Dette d''au moins trois mois de loyer et charges, sans procédure'
            when 'signalement_caf' then 'Bénéficiaire de l''APL en dette de deux mois ou plus, sans signalement à la CAF depuis un an'
            when 'relance' then 'Dette sans aucune relance depuis un an'
        end as motif_prochaine_etape,
        case when prochaine_etape is not null then case prochaine_etape
            when 'expulsion_suspendue' then make_date(year(date_arrete) + case when month(date_arrete) >= 11 then 1 else 0 end, 4, 1)
            when 'relance_prefecture' then date_etape + 61
            when 'demande_concours' then date_etape + 61
            when 'assignation' then date_etape + 43
            when 'constat_rupture_plan' then coalesce(dernier_paiement, date_etape) + 61
            when 'commandement_quitter_lieux' then date_etape
            else date_arrete
        end end as prochaine_etape_des_le,
    from next_steps
)

select * from final
