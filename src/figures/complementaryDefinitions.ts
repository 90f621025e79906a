/**
 * The French label and definition of the complementary indicators the site shows beside
 * the figures of etl/models/metrics/FIGURES.md. They are NOT figures of FIGURES.md (every definition
 * says so): monthly flows and stock counts the dashboard pages need, each computed in one
 * SQL model of etl/models/metrics/ (named in `modele`) and nowhere else.
 */
import type { FigureDefinition } from "./definitions.ts";

export interface ComplementaryDefinition extends FigureDefinition {
  /** The metrics model that computes it (etl/models/metrics/<modele>.sql). */
  modele: string;
  /** Its column in that model, when it differs from `cle`. */
  colonne?: string;
}

const NOT_IN_FIGURES = "Indicateur complémentaire, hors de la liste officielle des chiffres (voir la page Chiffres clés).";
const MONTH = "dans le mois civil (jusqu'à la dernière date d'écriture pour le mois en cours), actions annulées exclues";

function def(
  modele: string,
  cle: string,
  libelle: string,
  libelle_court: string,
  unite: FigureDefinition["unite"],
  definition: string,
): ComplementaryDefinition {
  return { modele, cle, libelle, libelle_court, unite, definition: `${NOT_IN_FIGURES} ${definition}` };
}

const ACTIONS = "actions_per_month_and_sector";
const ROLES = "actions_per_month_and_role";
const DEPARTED = "departed_tenants_per_month_and_sector";
const STAGES = "litigation_stages_per_year_and_sector";

export const COMPLEMENTARY_FIGURES: readonly ComplementaryDefinition[] = [
  def(
    ACTIONS,
    "relances_mois",
    "Relances du mois",
    "relances dans le mois",
    "nombre",
    `Lettres de relance, relances en recommandé, SMS, appels et mises en demeure ${MONTH}.`,
  ),
  def(
    ACTIONS,
    "visites_domicile_mois",
    "Visites à domicile du mois",
    "visites à domicile dans le mois",
    "nombre",
    `Visites à domicile par une conseillère sociale ${MONTH}.`,
  ),
  def(
    ACTIONS,
    "rendez_vous_mois",
    "Rendez-vous en agence du mois",
    "rendez-vous en agence dans le mois",
    "nombre",
    `Rendez-vous en agence ${MONTH}.`,
  ),
  def(
    ACTIONS,
    "signalements_caf_mois",
    "Signalements à la CAF du mois",
    "signalements à la CAF dans le mois",
    "nombre",
    `Signalements d'impayé à la CAF ${MONTH}.`,
  ),
  def(
    ACTIONS,
    "demandes_fsl_mois",
    "Demandes au FSL du mois",
    "demandes au FSL dans le mois",
    "nombre",
    `Demandes d'aide au Fonds de solidarité pour le logement (FSL) ${MONTH}.`,
  ),
  def(
    ACTIONS,
    "plans_signes_mois",
    "Plans d'apurement signés du mois",
    "plans d'apurement signés dans le mois",
    "nombre",
    `Plans d'apurement signés ${MONTH}. La somme des mois d'une année donne le chiffre « Plans d'apurement signés » de l'année.`,
  ),
  def(
    ACTIONS,
    "plans_rompus_mois",
    "Plans d'apurement rompus du mois",
    "plans d'apurement rompus dans le mois",
    "nombre",
    `Plans d'apurement rompus ${MONTH}.`,
  ),
  def(
    ACTIONS,
    "plans_soldes_mois",
    "Plans d'apurement soldés du mois",
    "plans d'apurement soldés dans le mois",
    "nombre",
    `Plans d'apurement menés à leur terme (soldés) ${MONTH}.`,
  ),

  def(
    ROLES,
    "actions_mois",
    "Actions du mois par fonction",
    "actions dans le mois",
    "nombre",
    `Toutes les actions de recouvrement et d'accompagnement ${MONTH}, comptées selon la fonction de l'agent qui les a saisies (CESF, amiable, contentieux, autre) ; « non attribuée » quand l'action n'a pas d'agent ou un agent absent de l'export des agents.`,
  ),
  def(
    ROLES,
    "agents",
    "Agents de la fonction",
    "agents",
    "nombre",
    "Nombre d'agents de cette fonction dans le dernier export des agents (effectif actuel, pas l'historique).",
  ),
  def(
    ROLES,
    "actions_par_agent_mois",
    "Actions par agent dans le mois",
    "actions par agent dans le mois",
    "nombre",
    "Actions du mois de la fonction divisées par le nombre d'agents actuel de cette fonction. Vide quand la fonction n'a aucun agent.",
  ),

  def(
    DEPARTED,
    "transmissions_recouvrement_mois",
    "Transmissions à une société de recouvrement",
    "dossiers transmis à une société de recouvrement",
    "nombre",
    `Dettes de locataires partis transmises à une société de recouvrement (code SRE) ${MONTH}.`,
  ),
  def(
    DEPARTED,
    "admissions_non_valeur_mois",
    "Admissions en non-valeur",
    "admis en non-valeur",
    "euros",
    "Somme (crédit − débit) des écritures d'admission en non-valeur (ANV) passées dans le mois : dette abandonnée comptablement.",
  ),
  def(
    DEPARTED,
    "encaissements_apres_depart_mois",
    "Encaissements après départ",
    "encaissés après le départ",
    "euros",
    "Somme (crédit − débit) des règlements, rejets de paiement et APL passés dans le mois sur des baux dont la date de sortie est antérieure à la date de l'écriture.",
  ),

  {
    ...def(
      STAGES,
      "menages_etape_contentieux",
      "Ménages à chaque étape du contentieux",
      "ménages à cette étape",
      "nombre",
      "À la date d'arrêté, ménages présents et en dette (solde positif) qui ont reçu au moins un commandement de payer jusqu'à cette date, classés selon l'étape la plus avancée atteinte depuis leur dernier commandement de payer : commandement, assignation, résiliation du bail, commandement de quitter les lieux, demande de concours de la force publique, concours accordé. Chaque ménage compte à une seule étape.",
    ),
    colonne: "menages",
  },
];
