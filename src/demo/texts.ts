// Labels and staff comments written in the exports. Comments are free text as staff type
// it (with `;`, quotes and line breaks now and then) but never hold a person's name.
// Every character here exists in Windows-1252 (checked by the tests).

import type { Rng } from "./rng.ts";

export const MONTH_NAMES = [
  "janvier",
  "février",
  "mars",
  "avril",
  "mai",
  "juin",
  "juillet",
  "août",
  "septembre",
  "octobre",
  "novembre",
  "décembre",
] as const;

export const MODES = ["PRELEVEMENT", "VIREMENT", "CHEQUE", "ESPECES", "CB", "TIP"] as const;
export type Mode = (typeof MODES)[number];

export const PAYMENT_LABELS: Record<Mode, readonly string[]> = {
  PRELEVEMENT: ["Prélèvement loyer", "Prélèvement automatique échéance"],
  VIREMENT: ["Virement reçu", "Virement bancaire locataire"],
  CHEQUE: ["Chèque reçu en agence", "Règlement par chèque"],
  ESPECES: ["Espèces – caisse agence", "Versement espèces guichet"],
  CB: ["Paiement CB en ligne", "Carte bancaire – espace locataire"],
  TIP: ["TIP reçu", "Titre interbancaire de paiement"],
};

/** Why a household falls behind: the reasons a landlord's staff actually record. */
export const HARDSHIP_REASONS = ["EMPLOI", "SEPARATION", "SANTE", "LITIGE", "ENERGIE", "BUDGET"] as const;
export type Hardship = (typeof HARDSHIP_REASONS)[number];

const REASON_NOTES: Record<Hardship, readonly string[]> = {
  EMPLOI: [
    "Perte d’emploi du titulaire du bail (fin de CDD)",
    "Licenciement économique ; inscrit à France Travail, attend ses droits",
    "Fin de mission d’intérim, plus de revenus depuis 2 mois",
    "Chômage partiel puis perte d’emploi – dossier ARE en cours",
  ],
  SEPARATION: [
    "Séparation du couple ; le conjoint a quitté le logement",
    "Divorce en cours, un seul revenu dans le ménage",
    "Départ du co-titulaire – demande de mise à jour du bail",
  ],
  SANTE: [
    "Arrêt maladie prolongé, indemnités journalières en retard",
    "Hospitalisation du titulaire ; famille jointe par téléphone",
    "Problème de santé – dossier MDPH en cours",
  ],
  LITIGE: [
    "Conteste le montant des charges – humidité dans le séjour",
    "Refuse de payer tant que la chaudière n’est pas réparée",
    "Litige sur l’état du logement : moisissures, demande d’intervention technique",
    "Cœur du différend : infiltration depuis la toiture, travaux promis non faits",
  ],
  ENERGIE: [
    "Hausse des charges de chauffage ; la régularisation n’a pas pu être payée",
    "Facture d’énergie en forte hausse – budget du ménage déséquilibré",
    "Régularisation de charges 2022 très élevée, demande d’étalement",
  ],
  BUDGET: [
    "Surendettement : dossier Banque de France déposé",
    "Crédits à la consommation ; reste à vivre insuffisant",
    "Budget serré, retard de paiement récurrent",
  ],
};

const ACTION_NOTES: Record<string, readonly string[]> = {
  RL1: ["Relance automatique – 1er niveau", "Courrier simple envoyé", "Lettre de rappel ; pas de retour"],
  RL2: ["Relance recommandée avec AR", "2e relance ; pli avisé non réclamé", "Recommandé envoyé, AR signé"],
  SMS: ["SMS de rappel envoyé", "SMS : échéance impayée", "SMS rappel solde débiteur"],
  TEL: [
    "Appel : s’engage à régulariser avant le 15",
    "Messagerie ; rappel demandé",
    "Locataire injoignable",
    "Joint par téléphone, promet un virement cette semaine",
  ],
  MED: ["Mise en demeure envoyée en recommandé (AR)", "Mise en demeure – dernier avis avant procédure"],
  VAD: [
    "Visite à domicile : ménage coopératif, logement bien tenu",
    "VAD effectuée\r\nDossier FSL à constituer",
    "Visite : situation préoccupante ; orientation vers le CCAS",
    "Absent lors de la visite – avis de passage déposé",
    "VAD : diagnostic social et financier réalisé",
  ],
  RDV: ["RDV en agence : point sur la dette", "Rendez-vous honoré ; budget revu avec le ménage", "RDV non honoré"],
  CAF: ["Signalement impayé à la CAF (maintien de l’APL)", "Déclaration d’impayé CAF – plan à transmettre"],
  FSL: ["Demande FSL maintien déposée", "Dossier FSL transmis au Département", "FSL : aide accordée, versement attendu"],
  PAS: [
    "Plan d’apurement signé en agence",
    "Échéancier accepté « sous réserve » de l’accord CAF",
    "Plan signé : versement en plus du loyer courant",
  ],
  PAR: ["Plan rompu : échéances non respectées", "Rupture du plan – 2 échéances impayées ; relance"],
  PAD: ["Plan soldé, dette apurée", "Apurement terminé – félicitations adressées au ménage"],
  CCA: ["Saisine de la CCAPEX", "Dossier présenté en commission CCAPEX"],
  CDP: ["Commandement de payer délivré par le commissaire de justice", "CDP signifié ; délai de 6 semaines"],
  ASS: ["Assignation devant le juge des contentieux de la protection", "Assignation délivrée ; notification préfecture"],
  AUD: ["Audience au tribunal de proximité", "Audience : renvoi demandé par l’avocat du locataire ; retenue"],
  JRB: ["Jugement : résiliation du bail et expulsion ordonnée", "Résiliation prononcée, indemnité d’occupation fixée"],
  JDP: ["Jugement : délais de paiement accordés, bail maintenu", "Délais de paiement 24 mois – clause suspendue"],
  CQL: ["Commandement de quitter les lieux signifié", "CQL délivré ; délai de 2 mois"],
  DCF: ["Réquisition de la force publique adressée au préfet", "Demande de concours transmise à la sous-préfecture"],
  CFP: ["Concours de la force publique accordé", "Accord du préfet pour le concours de la force publique"],
  EXP: ["Expulsion réalisée – reprise des lieux", "Expulsion effectuée, inventaire des meubles dressé"],
  PCS: ["Protocole de cohésion sociale signé – nouveau bail", "Protocole Borloo signé ; reprise du paiement"],
  SRE: ["Dette transmise au cabinet de recouvrement", "Dossier confié à la société de recouvrement"],
};

const CANCEL_NOTES = [
  "Saisie en double – action annulée",
  "Erreur de dossier ; annulée",
  "Annulé : paiement reçu le jour même",
  "Action saisie sur le mauvais contrat",
];

/** A staff comment for an action; `reason` adds the hardship behind the debt at the start of an episode. */
export function actionNote(rng: Rng, code: string, reason?: Hardship): string {
  const base = rng.pick(ACTION_NOTES[code] ?? ["Suivi du dossier"]);
  if (reason !== undefined) {
    const why = rng.pick(REASON_NOTES[reason]);
    // Some staff type a new line, others a semicolon, one quotes the tenant.
    const r = rng.next();
    if (r < 0.15) return `${base}\r\n${why}`;
    if (r < 0.25) return `${base} – le locataire indique "${why.charAt(0).toLowerCase()}${why.slice(1)}"`;
    return `${base} ; ${why}`;
  }
  return base;
}

export function cancelNote(rng: Rng): string {
  return rng.pick(CANCEL_NOTES);
}

/** Amount in a comment, e.g. `50 €`. */
export function euros(cents: number): string {
  return `${Math.round(cents / 100)} €`;
}
