/**
 * French labels of the worklist's stages and next steps (mart review_cases). The
 * litigation stages are those of the funnel (complementaryDefinitions.ts); the review
 * adds the amicable stages before them.
 */
import { LITIGATION_STAGES } from "./complementaryDefinitions.ts";

export const REVIEW_STAGES: readonly { etape: string; libelle: string }[] = [
  { etape: "sans_action", libelle: "En dette, sans relance depuis un an" },
  { etape: "relance", libelle: "Relancé dans l'année" },
  { etape: "plan_apurement", libelle: "Plan d'apurement en cours" },
  ...LITIGATION_STAGES,
];

export const NEXT_STEPS: Record<string, string> = {
  relance: "Relancer",
  signalement_caf: "Signaler l'impayé à la CAF",
  commandement_payer: "Faire délivrer un commandement de payer",
  constat_rupture_plan: "Constater la rupture du plan ou relancer",
  assignation: "Assigner",
  commandement_quitter_lieux: "Faire délivrer un commandement de quitter les lieux",
  demande_concours: "Demander le concours de la force publique",
  relance_prefecture: "Relancer la préfecture",
  expulsion: "Exécuter l'expulsion",
  expulsion_suspendue: "Attendre la fin de la trêve hivernale",
};

export const STAGE_CODES = REVIEW_STAGES.map((s) => s.etape);
