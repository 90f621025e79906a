-- one row per lease on the monthly review worklist: present and owing at the latest as-of date
-- D, with its stage, its procedure state (int_review_procedures, int_review_plans), the action
-- proposed with the date the procedure allows it and its reasons, the role that owns it, a
-- priority with its reasons, and whether the meeting needs to discuss it. Every delay and
-- threshold comes from etl/seeds/review_rules.csv, every label from etl/seeds/review_labels.csv.
-- The due date is the procedure's; the API moves an eviction past the winter truce for the
-- meeting date (macro review_action_due). A proposal for the meeting, never a decision.
-- config: as_of = latest
with

trajectories as (
    select * from int_review_trajectories
),

procedures as (
    select * from int_review_procedures
),

plans as (
    select * from int_review_plans
),

lease_actions as (
    select a.*
    from recovery_actions as a
    inner join trajectories on trajectories.num_contrat = a.num_contrat and a.date_action <= trajectories.date_arrete
),

sector_names as (
    select code_secteur, libelle_secteur from sectors
),

labels as (
    select champ, code, libelle from review_labels
),

role_labels as (
    select code, libelle from ref_codes where champ = 'role'
),

rule_roles as (
    select action, role_responsable from review_rules where action is not null
),

last_actions as (
    select
        num_contrat,
        -- why: two actions on the same day: the larger id_action is the later one (a stable answer)
        max_by(code_action, (date_action, id_action)) as derniere_action,
        max(date_action) as date_derniere_action,
        max(date_action) filter (where categorie = 'REMINDER') as derniere_relance,
        -- the latest contact with the household about its debt: a reminder, an appointment, a
        -- home visit, a plan signed (what the amicable reminder rule counts from; a plan recorded
        -- as broken is no contact, it reopens the reminder through plan_date_fin_effet)
        max(date_action) filter (
            where categorie in ('REMINDER', 'APPOINTMENT', 'HOME_VISIT', 'PLAN_SIGNED')
        ) as dernier_contact,
        max(date_action) filter (where categorie = 'CAF_REPORT') as dernier_signalement_caf,
        max(date_action) filter (where categorie in ('HOME_VISIT', 'APPOINTMENT', 'FSL')) as dernier_contact_social,
    from lease_actions
    group by num_contrat
),

cases as (
    select
        trajectories.*,
        sector_names.libelle_secteur,
        last_actions.derniere_action,
        last_actions.date_derniere_action,
        last_actions.derniere_relance,
        last_actions.dernier_contact,
        last_actions.dernier_signalement_caf,
        last_actions.dernier_contact_social,
        procedures.date_commandement,
        procedures.rang,
        procedures.etape as etape_contentieux,
        procedures.date_etape as date_etape_contentieux,
        procedures.suspension,
        procedures.date_suspension,
        procedures.date_plan_solde,
        procedures.date_dette_soldee,
        procedures.solde_dette_soldee,
        procedures.date_cloture,
        procedures.dernier_evenement,
        procedures.date_ccapex,
        procedures.solde_suspension,
        procedures.suspension_respectee,
        procedures.date_non_respect,
        plans.date_signature as plan_date_signature,
        plans.montant as plan_montant,
        plans.nb_echeances as plan_nb_echeances,
        plans.mensualite as plan_mensualite,
        plans.echeances_dues as plan_echeances_dues,
        plans.montant_du as plan_montant_du,
        plans.montant_verse as plan_montant_verse,
        plans.etat_plan,
        plans.date_retard as plan_date_retard,
        plans.date_rupture_de_fait as plan_date_rupture_de_fait,
        plans.date_rupture as plan_date_rupture,
        plans.date_derniere_echeance as plan_date_derniere_echeance,
        plans.date_echu as plan_date_echu,
        plans.date_fin_effet as plan_date_fin_effet,
        -- the plan that suspends the procedure: the latest plan, signed on or after its furthest step
        procedures.suspension = 'PLAN_SIGNED' and plans.date_signature = procedures.date_suspension as plan_suspend,
        -- a plan of the amicable phase: signed after the latest payment order, or with none
        plans.date_signature is not null
            and (procedures.date_commandement is null or plans.date_signature > procedures.date_cloture) as plan_amiable,
    from trajectories
    left join sector_names on sector_names.code_secteur = trajectories.code_secteur
    left join last_actions on last_actions.num_contrat = trajectories.num_contrat
    left join procedures on procedures.num_contrat = trajectories.num_contrat
    left join plans on plans.num_contrat = trajectories.num_contrat
),

resumptions as (
    -- a procedure resumes when what suspended it is no longer kept: since that day
    select
        *,
        case
            when plan_suspend and etat_plan = 'rompu' then plan_date_rupture
            when plan_suspend and etat_plan = 'rompu_de_fait' then plan_date_rupture_de_fait
            when plan_suspend and etat_plan = 'echu' then plan_date_echu
            when suspension in ('PAYMENT_TIME_GRANTED', 'PROTOCOL') and not suspension_respectee then date_non_respect
        end as reprise_depuis,
    from cases
),

states as (
    -- the state machine: later events suspend or close earlier ones
    select
        *,
        case
            when date_commandement is not null and solde <= review_rule('seuil_cloture') then 'close'
            when date_commandement is null then 'amiable'
            -- a plan completed after the furthest step, or the debt paid off after it, closes the procedure
            when date_cloture is not null then 'amiable'
            when plan_suspend and etat_plan = 'termine' then 'amiable'
            when plan_suspend and etat_plan in ('honore', 'en_retard') then 'suspendue_plan'
            when suspension = 'PAYMENT_TIME_GRANTED' and suspension_respectee then 'suspendue_jdp'
            when suspension = 'PROTOCOL' and suspension_respectee then 'suspendue_protocole'
            -- why greatest: a suspension broken lately wakes the procedure up, whatever its last action
            when greatest(dernier_evenement, coalesce(reprise_depuis, dernier_evenement)) < cast(date_arrete - review_delay('dormance') as date) then 'dormante'
            else 'procedure_active'
        end as etat,
    from resumptions
),

litigation_steps as (
    -- the next step of an active procedure, from its furthest step, and the date the law allows it
    select
        *,
        case
            when etat <> 'procedure_active' then null
            -- why: a judgment granting time, or a protocol, not kept: the lease's termination takes effect
            when suspension in ('PAYMENT_TIME_GRANTED', 'PROTOCOL') and rang <= 3 then 'commandement_quitter_lieux'
            when rang = 1 and date_ccapex is null then 'saisir_ccapex'
            when rang = 1 then 'assigner'
            when rang = 2 then 'suivre_audience'
            when rang = 3 then 'commandement_quitter_lieux'
            when rang = 4 then 'demander_concours'
            when rang = 5 then 'relancer_prefecture'
            when rang = 6 then 'executer_expulsion'
        end as action_contentieuse,
        cast(date_commandement + review_delay('commandement_payer_assignation') as date) as fin_delai_commandement,
        cast(date_ccapex + review_delay('ccapex_avant_assignation') as date) as fin_delai_ccapex,
    from states
),

amicable_steps as (
    -- the next step of a household without an active procedure (first rule that applies)
    select
        *,
        case
            when etat <> 'amiable' or solde <= review_rule('seuil_cloture') then null
            when apl_interrompue then 'verifier_apl'
            when plan_amiable and etat_plan = 'honore' then null
            when plan_amiable and etat_plan = 'en_retard' then 'relancer_plan'
            when plan_amiable and etat_plan = 'rompu_de_fait' then 'constater_rupture_plan'
            when beneficiaire_apl and solde >= review_rule('signalement_caf_seuil') * echeance_nette
                and (dernier_signalement_caf is null or dernier_signalement_caf < seuil_caf_depuis) then 'signaler_caf'
            when solde >= review_rule('commandement_payer_seuil') * echeance_mensuelle then 'commandement_payer'
            when solde >= review_rule('accompagnement_social_seuil') * echeance_mensuelle
                and (dernier_contact_social is null or dernier_contact_social < seuil_social_depuis) then 'proposer_accompagnement'
            when dernier_contact is null or dernier_contact < cast(date_arrete - review_delay('relance_amiable') as date) then 'relancer'
        end as action_amiable,
    from litigation_steps
),

actions as (
    select
        *,
        case
            when etat = 'dormante' then 'reexaminer_dossier'
            when etat = 'suspendue_plan' and etat_plan = 'en_retard' then 'relancer_plan'
            else coalesce(action_contentieuse, action_amiable)
        end as action,
    from amicable_steps
),

due_dates as (
    -- the day the rule allows the action, counted from the event that opened its step
    select
        *,
        case action
            when 'saisir_ccapex' then date_commandement
            when 'assigner' then greatest(fin_delai_commandement, fin_delai_ccapex)
            when 'suivre_audience' then cast(date_etape_contentieux + review_delay('assignation_prefet_audience') as date)
            when 'commandement_quitter_lieux' then date_etape_contentieux
            when 'demander_concours' then cast(date_etape_contentieux + review_delay('commandement_quitter_concours') as date)
            when 'relancer_prefecture' then cast(date_etape_contentieux + review_delay('concours_sans_reponse') as date)
            when 'executer_expulsion' then date_etape_contentieux
            when 'relancer_plan' then plan_date_retard
            when 'constater_rupture_plan' then plan_date_rupture_de_fait
            when 'verifier_apl' then cast(derniere_apl + review_delay('apl_interrompue') as date)
            -- an amicable step held back by a plan opens again the day the plan stopped holding
            -- it back (plan_date_fin_effet), when that is later than the threshold crossing
            when 'signaler_caf' then cast(greatest(seuil_caf_depuis, plan_date_fin_effet) + review_delay('signalement_caf') as date)
            when 'commandement_payer' then greatest(seuil_commandement_depuis, plan_date_fin_effet)
            when 'proposer_accompagnement' then greatest(seuil_social_depuis, plan_date_fin_effet)
            when 'relancer' then greatest(dette_depuis, cast(dernier_contact + review_delay('relance_amiable') as date), plan_date_fin_effet)
            -- reexaminer_dossier: a dormant procedure has no due date, it is never overdue
        end as action_due_regle,
    from actions
),

resumed_due_dates as (
    -- the day the procedure allows the action (before the winter truce, which depends on the
    -- meeting): a step of a procedure that resumes after a suspension is due from the resumption
    -- (the plan broken, broken in fact or over, the judgment or protocol not kept), never from
    -- the event before the suspension
    select
        *,
        case
            when action_contentieuse is not null then greatest(action_due_regle, reprise_depuis)
            else action_due_regle
        end as action_due_propre,
    from due_dates
),

dormant_steps as (
    -- an amicable step due for more than the dormancy delay on a case with no action at all
    -- since that delay: dormant, to re-examine, with no due date (never « en retard depuis »)
    select
        * exclude (action),
        action as action_etape,
        case
            when etat = 'amiable' and action_due_propre < cast(date_arrete - review_delay('dormance') as date)
                and date_derniere_action < cast(date_arrete - review_delay('dormance') as date) then 'reexaminer_dossier'
            else action
        end as action,
        case
            when etat = 'amiable' and action_due_propre < cast(date_arrete - review_delay('dormance') as date)
                and date_derniere_action < cast(date_arrete - review_delay('dormance') as date) then null
            else action_due_propre
        end as action_due_base,
    from resumed_due_dates
),

reasons as (
    select
        *,
        case
            when action = 'saisir_ccapex' then
                'Commandement de payer du ' || fr_date_text(date_commandement) || ' sans saisine de la CCAPEX : la saisir d''abord, aucune assignation avant '
                || review_delay_text('ccapex_avant_assignation') || ' après la saisine (loi du 6 juillet 1989, art. 24, II)'
            when action = 'assigner' and fin_delai_ccapex > fin_delai_commandement then
                'Commandement de payer du ' || fr_date_text(date_commandement) || ' sans assignation : CCAPEX saisie le ' || fr_date_text(date_ccapex)
                || ', assignation possible ' || review_delay_text('ccapex_avant_assignation') || ' après, le ' || fr_date_text(fin_delai_ccapex)
                || ' (loi du 6 juillet 1989, art. 24, II)'
            when action = 'assigner' then
                'Commandement de payer du ' || fr_date_text(date_commandement) || ' sans assignation : le délai de '
                || review_delay_text('commandement_payer_assignation')
                || case when fin_delai_commandement <= date_arrete then ' est écoulé depuis le ' else ' prend fin le ' end
                || fr_date_text(fin_delai_commandement) || ' (loi du 6 juillet 1989, art. 24, I)'
            when action = 'suivre_audience' then
                'Assignation du ' || fr_date_text(date_etape_contentieux) || ' notifiée au préfet : audience au plus tôt '
                || review_delay_text('assignation_prefet_audience') || ' après, le ' || fr_date_text(action_due_regle) || ' (loi du 6 juillet 1989, art. 24, III)'
            when action = 'commandement_quitter_lieux' and suspension = 'PAYMENT_TIME_GRANTED' then
                'Délais de paiement accordés par jugement du ' || fr_date_text(date_suspension) || ' non respectés depuis le ' || fr_date_text(reprise_depuis)
                || ' (dette de ' || fr_euros_text(solde) || ' contre ' || fr_euros_text(solde_suspension) || ' au jugement) : la résiliation reprend effet'
            when action = 'commandement_quitter_lieux' and suspension = 'PROTOCOL' then
                'Protocole de cohésion sociale du ' || fr_date_text(date_suspension) || ' non respecté depuis le ' || fr_date_text(reprise_depuis)
                || ' (dette de ' || fr_euros_text(solde) || ' contre ' || fr_euros_text(solde_suspension) || ' au protocole) : la procédure d''expulsion reprend'
            when action = 'commandement_quitter_lieux' then
                'Bail résilié par jugement du ' || fr_date_text(date_etape_contentieux) || ' : commandement de quitter les lieux à faire délivrer (CPCE, art. L411-1)'
            when action = 'demander_concours' then
                'Commandement de quitter les lieux du ' || fr_date_text(date_etape_contentieux) || ' : expulsion possible après le délai de '
                || review_delay_text('commandement_quitter_concours') || ', le ' || fr_date_text(action_due_regle) || ' (CPCE, art. L412-1)'
            when action = 'relancer_prefecture' then
                'Demande de concours du ' || fr_date_text(date_etape_contentieux) || ' sans réponse après ' || review_delay_text('concours_sans_reponse')
                || ', le ' || fr_date_text(action_due_regle) || ' (règle de l''organisme)'
            when action = 'executer_expulsion' then
                'Concours de la force publique accordé le ' || fr_date_text(date_etape_contentieux)
                || ' : expulsion possible hors trêve hivernale, du 1er novembre au 31 mars (CPCE, art. L412-6)'
            when action = 'reexaminer_dossier' and etat = 'amiable' then
                'Aucune action depuis le ' || fr_date_text(date_derniere_action) || ' alors que l''étape « '
                || (select l.libelle from review_labels as l where l.champ = 'action' and l.code = action_etape)
                || ' » est due depuis le ' || fr_date_text(action_due_propre) || ', plus de ' || review_delay_text('dormance')
                || ' : dossier dormant, à réexaminer (jamais en retard)'
            when action = 'reexaminer_dossier' then
                'Aucun événement de procédure depuis le ' || fr_date_text(dernier_evenement) || ' (dernière étape : '
                || (select l.libelle from review_labels as l where l.champ = 'etape' and l.code = etape_contentieux)
                || ' le ' || fr_date_text(date_etape_contentieux) || ') : procédure dormante depuis plus de ' || review_delay_text('dormance')
                || ', à réexaminer (jamais en retard)'
            when action = 'relancer_plan' then
                'Plan d''apurement du ' || fr_date_text(plan_date_signature) || ' en retard : ' || fr_euros_text(plan_montant_verse)
                || ' versés au-delà du loyer courant pour ' || fr_euros_text(plan_montant_du) || ' dus (' || plan_echeances_dues
                || ' échéance(s) de ' || fr_euros_text(plan_mensualite) || ')'
            when action = 'constater_rupture_plan' then
                'Plan d''apurement du ' || fr_date_text(plan_date_signature) || ' rompu de fait le ' || fr_date_text(plan_date_rupture_de_fait)
                || ' (' || review_delay_text('plan_rompu_de_fait') || ' impayées), sans rupture enregistrée : ' || fr_euros_text(plan_montant_verse)
                || ' versés au-delà du loyer courant pour ' || fr_euros_text(plan_montant_du) || ' dus'
            when action = 'verifier_apl' then
                'Bail en tiers payant sans versement d''APL depuis le ' || fr_date_text(derniere_apl) || ' (plus de '
                || review_delay_text('apl_interrompue') || ') : droits à vérifier avec le ménage et la CAF'
            when action = 'signaler_caf' then
                'APL en tiers payant : dette d''au moins 2 mois de loyer et charges nets de l''APL (' || fr_euros_text(review_rule('signalement_caf_seuil') * echeance_nette)
                || ') depuis le ' || fr_date_text(seuil_caf_depuis) || ', à signaler à la CAF dans les ' || review_delay_text('signalement_caf')
                || ' (CCH, art. R824-1 et R824-4)'
            when action = 'commandement_payer' then
                'Dette de ' || fr_euros_text(solde) || ' (' || replace(cast(dette_en_mois as varchar), '.', ',') || ' mois de loyer et charges) sans procédure, d''au moins '
                || review_delay_text('commandement_payer_seuil') || ' depuis le ' || fr_date_text(seuil_commandement_depuis) || ' (règle de l''organisme)'
            when action = 'proposer_accompagnement' then
                'Dette d''au moins ' || review_delay_text('accompagnement_social_seuil') || ' depuis le ' || fr_date_text(seuil_social_depuis)
                || ' sans visite, rendez-vous ni demande au FSL : accompagnement par la CESF'
            when action = 'relancer' then
                'Dette de ' || fr_euros_text(solde) || ' depuis le ' || fr_date_text(dette_depuis)
                || coalesce(' ; dernier contact (relance, rendez-vous, visite, plan signé) le ' || fr_date_text(dernier_contact), ' ; aucun contact')
            when etat = 'close' then
                'Dette de ' || fr_euros_text(solde) || ' au plus égale au seuil de ' || fr_euros_text(review_rule('seuil_cloture')) || ' : procédure close'
            when etat = 'suspendue_plan' then
                'Plan d''apurement du ' || fr_date_text(plan_date_signature) || ' signé après le commandement de payer du ' || fr_date_text(date_commandement)
                || ' et honoré : ' || fr_euros_text(plan_montant_verse) || ' versés au-delà du loyer courant pour ' || fr_euros_text(plan_montant_du) || ' dus'
            when etat = 'suspendue_jdp' then
                'Délais de paiement accordés par jugement du ' || fr_date_text(date_suspension) || ' et respectés : dette de ' || fr_euros_text(solde)
                || ', ' || fr_euros_text(solde_suspension) || ' au jugement'
            when etat = 'suspendue_protocole' then
                'Protocole de cohésion sociale du ' || fr_date_text(date_suspension) || ' respecté : dette de ' || fr_euros_text(solde)
                || ', ' || fr_euros_text(solde_suspension) || ' au protocole'
            when plan_amiable and etat_plan = 'honore' then
                'Plan d''apurement du ' || fr_date_text(plan_date_signature) || ' honoré : ' || fr_euros_text(plan_montant_verse)
                || ' versés au-delà du loyer courant pour ' || fr_euros_text(plan_montant_du) || ' dus'
            else
                'Dette de ' || fr_euros_text(solde) || coalesce(', dernier contact le ' || fr_date_text(dernier_contact), '') || ' : aucune action requise'
        end as motif_principal,
        case when date_cloture is not null and etat = 'amiable' then
            'Procédure ouverte par le commandement de payer du ' || fr_date_text(date_commandement) || ' close '
            || case
                when date_cloture = date_plan_solde then 'par le plan soldé du ' || fr_date_text(date_plan_solde)
                else 'le ' || fr_date_text(date_dette_soldee) || ', dette de ' || fr_euros_text(solde_dette_soldee) || ' au plus égale au seuil de '
                    || fr_euros_text(review_rule('seuil_cloture')) || ' : la dette née depuis relève du recouvrement amiable'
            end
        end as motif_cloture,
        case
            when reprise_depuis is not null and suspension = 'PLAN_SIGNED' and etat = 'procedure_active' then
                'Plan d''apurement du ' || fr_date_text(plan_date_signature) || ' '
                || case etat_plan
                    when 'rompu' then 'rompu le ' || fr_date_text(plan_date_rupture)
                    when 'rompu_de_fait' then 'rompu de fait le ' || fr_date_text(plan_date_rupture_de_fait)
                    else 'échu le ' || fr_date_text(plan_date_echu) || ', ' || review_delay_text('plan_echu') || ' après sa dernière échéance du '
                        || fr_date_text(plan_date_derniere_echeance) || ', sans être soldé'
                end
                || ' : la procédure reprend ce jour-là, son étape suivante n''est pas due avant'
            when etat_plan = 'echu' then
                'Plan d''apurement du ' || fr_date_text(plan_date_signature) || ' échu le ' || fr_date_text(plan_date_echu) || ', '
                || review_delay_text('plan_echu') || ' après sa dernière échéance du ' || fr_date_text(plan_date_derniere_echeance) || ' : '
                || fr_euros_text(plan_montant_verse) || ' versés au-delà du loyer courant pour ' || fr_euros_text(plan_montant)
                || ', il ne suspend plus rien et le dossier suit les règles sur la dette du jour'
        end as motif_plan,
        case when apl_interrompue and action is distinct from 'verifier_apl' then
            'Plus de versement d''APL depuis le ' || fr_date_text(derniere_apl) || ' (tiers payant)'
        end as motif_apl,
        case when paiements_interrompus then
            coalesce('Aucun règlement du ménage depuis le ' || fr_date_text(dernier_paiement), 'Aucun règlement du ménage enregistré')
            || ' (plus de ' || review_delay_text('paiements_interrompus') || ')'
        end as motif_paiements,
        case when hausse_forte then
            'Dette en hausse de ' || fr_euros_text(dette_evolution_3_mois) || ' en ' || review_delay_text('evolution_dette')
            || ' (au moins ' || review_delay_text('hausse_forte') || ')'
        end as motif_hausse,
        case when premiere_dette then
            'Première dette d''un ménage à jour les ' || review_delay_text('premiere_dette') || ' précédents, née le ' || fr_date_text(dette_depuis)
        end as motif_premiere_dette,
    from dormant_steps
),

priorities as (
    -- readable rules, not a score: 1 = haute, 2 = moyenne, 3 = basse
    select
        *,
        case
            when etat = 'close' then 3
            -- why not dormant: a suspension broken more than the dormancy delay ago is no urgency by itself
            when apl_interrompue or paiements_interrompus or hausse_forte or (reprise_depuis is not null and etat <> 'dormante')
                or (plan_amiable and etat_plan = 'rompu_de_fait') then 1
            when premiere_dette or dette_en_mois >= review_rule('commandement_payer_seuil') or etat = 'procedure_active'
                or etat_plan = 'en_retard' and (plan_amiable or plan_suspend) then 2
            else 3
        end as priorite,
    from reasons
),

examined as (
    select
        priorities.*,
        -- set apart ("Aucune action requise"): nothing to do (procedure closed, suspended and
        -- kept, plan honoured), or a debt under a month of rent and falling without urgency
        priorities.action is not null
            and not (priorities.etat = 'amiable' and priorities.dette_en_mois < 1 and priorities.dette_evolution_3_mois < 0 and priorities.priorite > 1) as a_examiner,
        -- the role of the rule that proposes the action; without one, litigation while a procedure
        -- runs or is suspended by a judgment or protocol, amicable recovery otherwise
        coalesce(
            rule_roles.role_responsable,
            case when priorities.etat in ('procedure_active', 'dormante', 'suspendue_jdp', 'suspendue_protocole') then 'CONTENTIEUX' else 'AMIABLE' end
        ) as role_responsable,
    from priorities
    -- why action_etape: a dormant amicable case stays with the role of the step that was due
    left join rule_roles on rule_roles.action = priorities.action_etape
),

agents as (
    -- the agent of the latest action of the owner role on the lease
    select
        examined.num_contrat,
        max_by(lease_actions.code_agent, (lease_actions.date_action, lease_actions.id_action)) as code_agent,
    from examined
    inner join lease_actions
        on lease_actions.num_contrat = examined.num_contrat
        and lease_actions.role_agent = examined.role_responsable
        and lease_actions.code_agent is not null
    group by examined.num_contrat
),

final as (
    select
        examined.num_contrat,
        examined.code_secteur,
        examined.libelle_secteur,
        examined.date_arrete,
        examined.solde,
        examined.dette_en_mois,
        examined.dette_moins_3_mois,
        examined.dette_3_12_mois,
        examined.dette_plus_12_mois,
        examined.dette_evolution_3_mois,
        case
            when examined.etape_contentieux is not null then examined.etape_contentieux
            when examined.plan_date_signature is not null and examined.etat_plan in ('honore', 'en_retard', 'rompu_de_fait') then 'plan_apurement'
            when examined.derniere_relance > examined.date_arrete - 365 then 'relance'
            else 'sans_action'
        end as etape,
        case
            when examined.etape_contentieux is not null then examined.date_etape_contentieux
            when examined.plan_date_signature is not null and examined.etat_plan in ('honore', 'en_retard', 'rompu_de_fait') then examined.plan_date_signature
            when examined.derniere_relance > examined.date_arrete - 365 then examined.derniere_relance
        end as date_etape,
        examined.derniere_action,
        examined.date_derniere_action,
        examined.dernier_paiement,
        examined.etat,
        etat_labels.libelle as etat_libelle,
        examined.action,
        action_labels.libelle as action_libelle,
        examined.action_due_base,
        list_filter(
            [examined.motif_principal, examined.motif_plan, examined.motif_cloture, examined.motif_apl, examined.motif_paiements, examined.motif_hausse, examined.motif_premiere_dette],
            m -> m is not null
        ) as motifs,
        examined.role_responsable,
        role_labels.libelle as role_libelle,
        agents.code_agent,
        examined.priorite,
        priority_labels.libelle as priorite_libelle,
        examined.a_examiner,
        -- the trajectory's flags behind the priority (also what the review replay counts)
        examined.apl_interrompue,
        examined.paiements_interrompus,
        examined.premiere_dette,
        examined.plan_date_signature,
        examined.plan_montant,
        examined.plan_nb_echeances,
        examined.plan_mensualite,
        examined.plan_echeances_dues,
        examined.plan_montant_du,
        examined.plan_montant_verse,
        examined.etat_plan,
        plan_labels.libelle as etat_plan_libelle,
    from examined
    left join agents on agents.num_contrat = examined.num_contrat
    left join labels as etat_labels on etat_labels.champ = 'etat' and etat_labels.code = examined.etat
    left join labels as action_labels on action_labels.champ = 'action' and action_labels.code = examined.action
    left join labels as priority_labels on priority_labels.champ = 'priorite' and priority_labels.code = cast(examined.priorite as varchar)
    left join labels as plan_labels on plan_labels.champ = 'etat_plan' and plan_labels.code = examined.etat_plan
    left join role_labels on role_labels.code = examined.role_responsable
    order by examined.num_contrat
)

select * from final
