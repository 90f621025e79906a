/**
 * The API's OpenAPI 3.1 document (served at /api/openapi.json) and a readable French
 * reference page (/api/docs) generated from it. Written by hand, next to the routes,
 * so that it says what each parameter means to the people who call it.
 */
import { CASE_SORTS, DRILL_FIGURES } from "../warehouse/cases.ts";
import { LEASE_NUMBER } from "../models/leaseNumber.ts";
import { FIGURE_KEYS } from "../figures/definitions.ts";
import { PUBLICATION_ID } from "../publications/store.ts";
import { DUE_WINDOWS, EXAMINATION_FILTERS, OWNER_ROLES, STAGE_CODES } from "../figures/reviewStages.ts";

/** The parameters' schemas that recur: a year, a date, a choice of json or csv. */
const YEAR = { type: "string", pattern: "^\\d{4}$" };
const DATE = { type: "string", format: "date" };
const JSON_OR_CSV = { type: "string", enum: ["json", "csv"] };

const q = (name: string, description: string, schema: object, required = false) => ({ name, in: "query", required, description, schema });
const annee = q(
  "annee",
  "Année (aaaa). La date d'arrêté est le 31/12, ou pour l'année en cours la dernière date d'écriture (recouvrement, admin) ou la dernière fin de mois (direction, communication : fins de mois seulement).",
  YEAR,
  true,
);
const publicationId = {
  name: "id",
  in: "path",
  required: true,
  description: "Identifiant de la publication (année-hexadécimal).",
  schema: { type: "string", pattern: PUBLICATION_ID.source },
};
const secteur = q("secteur", "Code secteur ; absent : tout l'organisme.", { type: "string" });
const errors = {
  "400": { description: "Paramètre invalide : le message nomme le paramètre et dit pourquoi." },
  "401": { description: "Non connecté : se connecter sur /connexion." },
  "403": { description: "Rôle insuffisant pour cette route." },
  "421": { description: "Nom d'hôte inconnu de ce serveur (en-tête Host hors de ALLOWED_HOSTS)." },
  "500": { description: "Erreur inattendue ; le message donne une référence présente dans le journal du serveur." },
};
/** Every POST, PUT, PATCH and DELETE: refused when sent by a page of another origin. */
const originRefused = {
  "403": {
    description: "Rôle insuffisant, ou requête venue d'une page d'une autre origine (en-tête Origin, ou Sec-Fetch-Site sans Origin).",
  },
};

/** A route's responses: its own (code: description), then the errors any route may answer; with `write`, the refusal of other origins too. */
const answers = (own: Record<string, string>, o: { write?: boolean } = {}) => ({
  ...Object.fromEntries(Object.entries(own).map(([code, description]) => [code, { description }])),
  ...errors,
  ...(o.write ? originRefused : {}),
});

export const OPENAPI = {
  openapi: "3.1.0",
  info: {
    title: "Observatoire des impayés – API",
    version: "1.0.0",
    description: "Chiffres, séries, entonnoir contentieux, dossiers de la revue mensuelle, chargements.",
  },
  components: { securitySchemes: { session: { type: "apiKey", in: "cookie", name: "oph_session" } } },
  security: [{ session: [] }],
  paths: {
    "/api/session": {
      post: {
        summary: "Se connecter (identifiant, mot_de_passe en JSON) ; ouvre un cookie de session HttpOnly.",
        security: [],
        responses: {
          "200": { description: "Connecté." },
          "401": { description: "Identifiant ou mot de passe incorrect." },
          "429": {
            description:
              "Trop d'essais manqués depuis ce poste (5 sur ce compte, ou 20 sur tous les comptes en 15 min) : attendre Retry-After secondes. Les échecs venus d'autres postes ne bloquent jamais un compte : ils ralentissent ses réponses de 2 s au plus.",
          },
          "421": errors["421"],
          ...originRefused,
        },
      },
      get: {
        summary: "Qui est connecté : { connecte, identifiant, role, dossiers } (connecte = false sans session).",
        security: [],
        responses: { "200": { description: "L'état de la session." } },
      },
      delete: {
        summary: "Se déconnecter : la session est fermée sur le serveur, l'ancien cookie ne vaut plus rien.",
        responses: { "200": { description: "Session fermée." }, ...originRefused },
      },
    },
    "/api/figures": {
      get: {
        summary:
          "Tous les chiffres officiels d'une année, tels que la page Chiffres clés du site les définit (même JSON que `npm run figures -- --format json`). Quand la date d'arrêté a une publication en vigueur (la dernière de cette date, non retirée), la réponse ajoute un bloc publication : { id, titre, note, publie_le, date_arrete, etat (inchangee, revisee), chiffres (tels que publiés), ecarts (valeur du jour moins valeur publiée, en points pour les taux) }. Rôles : tous.",
        parameters: [
          annee,
          q("au", "Autre date d'arrêté (aaaa-mm-jj) dans l'année ; une fin de mois pour direction et communication.", DATE),
          secteur,
        ],
        responses: answers({ "200": "Les chiffres." }),
      },
    },
    "/api/series": {
      get: {
        summary: "Série mensuelle d'un chiffre (chaque mois arrêté à son dernier jour). Rôles : tous.",
        parameters: [q("indicateur", "Clé du chiffre.", { type: "string", enum: FIGURE_KEYS }, true), secteur],
        responses: answers({ "200": "Les points mensuels." }),
      },
    },
    "/api/funnel": {
      get: {
        summary:
          "Entonnoir contentieux : flux de l'année dans l'ordre de la procédure, cohorte des commandements, ménages à chaque étape. Rôles : tous.",
        parameters: [annee, secteur],
        responses: answers({ "200": "L'entonnoir." }),
      },
    },
    "/api/cases": {
      get: {
        summary:
          "Liste de travail de la revue mensuelle : baux présents et en dette à la dernière date, avec l'état de la procédure (suivie sur tout l'historique : un plan, un jugement accordant des délais ou un protocole suspendent la procédure tant qu'ils sont respectés ; une dette soldée ou sous le seuil la clôt ; sans événement depuis 12 mois elle est dormante, jamais en retard), l'action proposée, sa date d'échéance pour la date de réunion (trêve hivernale comprise), ses motifs, le rôle responsable, l'agent, la priorité (1 haute, 2 moyenne, 3 basse) et le suivi du plan. Une proposition pour la réunion, jamais une décision. Réponse : { date_arrete, date_reunion, suivis, a_examiner, sans_action_requise, total, page, pages, taille, tri, lignes } ; suivis = a_examiner + sans_action_requise pour le secteur et le rôle ; total compte les lignes de tous les filtres ; une page au-delà de la dernière donne la dernière (page dit laquelle). Chaque ligne : num_contrat, code_secteur, libelle_secteur, date_arrete, solde, dette_en_mois, dette_moins_3_mois, dette_3_12_mois, dette_plus_12_mois, dette_evolution_3_mois, etape, etape_libelle, date_etape, derniere_action, date_derniere_action, dernier_paiement, etat, etat_libelle, action, action_libelle, action_due_le, action_statut (en_retard, a_venir), motifs, role_responsable, role_libelle, code_agent, priorite, priorite_libelle, a_examiner, plan ({ date_signature, montant, nb_echeances, mensualite, echeances_dues, montant_du, montant_verse, etat_plan, etat_plan_libelle } ou null). Règles et délais : etl/seeds/review_rules.csv. " +
          "Avec figure (et annee, au, secteur, format ; les autres paramètres sont alors ignorés) : les dossiers derrière un chiffre de type nombre d'une année et d'un périmètre, lus dans les tables que le calcul du chiffre compte, si bien que la liste a exactement le nombre de lignes du chiffre. Réponse : { figure, libelle, annee, date_arrete, secteur, unite, nombre, menages, lignes } ; unite : evenements (une ligne par action ou par entrée dans les lieux de l'année jusqu'à la date d'arrêté ; menages compte les baux distincts), menages (une ligne par bail à la date d'arrêté) ou cohorte (une ligne par bail de la cohorte des commandements de l'année, date : celle de l'étape atteinte) ; nombre = la valeur du chiffre. Chaque ligne : num_contrat, code_secteur, libelle_secteur, date, id_action, code_action, libelle_action, solde (à la date d'arrêté). Exemple : /api/cases?figure=assignations&annee=2024&secteur=COLM. Rôles : recouvrement, admin.",
        parameters: [
          secteur,
          q("role", "Rôle responsable du dossier.", { type: "string", enum: [...OWNER_ROLES] }),
          q("echeance", "avant_reunion : action due au plus tard à la date de réunion ; 30_jours : due dans les 30 jours qui la suivent.", {
            type: "string",
            enum: DUE_WINDOWS,
          }),
          q(
            "date_reunion",
            "Date de la réunion (aaaa-mm-jj), pour la trêve hivernale et chaque échéance ; par défaut aujourd'hui (Paris). Au plus tôt un an avant la date d'arrêté des données, au plus tard un an après aujourd'hui.",
            DATE,
          ),
          q("examen", "a_examiner (par défaut) : dossiers proposés à la discussion ; sans_action : aucune action requise ; tous.", {
            type: "string",
            enum: EXAMINATION_FILTERS,
            default: "a_examiner",
          }),
          q("etape", "Étape actuelle.", { type: "string", enum: STAGE_CODES }),
          q("dette_min", "Solde minimal en euros.", { type: "string" }),
          q("tri", "Ordre ; priorite : priorité puis échéance.", { type: "string", enum: Object.keys(CASE_SORTS), default: "priorite" }),
          q("page", "Page (à partir de 1) ; au-delà de la dernière, la dernière.", { type: "string", default: "1" }),
          q("taille", "Lignes par page (1 à 500).", { type: "string", default: "50" }),
          q("format", "json, ou csv pour Excel (toutes les lignes filtrées, mêmes colonnes, en-têtes en français).", JSON_OR_CSV),
          q("figure", "Chiffre dont on veut la liste des dossiers (un nombre de l'année : actions, ménages, entrants, cohorte).", {
            type: "string",
            enum: Object.keys(DRILL_FIGURES),
          }),
          q(
            "annee",
            "Avec figure, obligatoire : l'année du chiffre (aaaa) ; date d'arrêté le 31/12, ou la dernière date des données pour l'année en cours.",
            YEAR,
          ),
          q("au", "Avec figure : autre date d'arrêté dans l'année (aaaa-mm-jj), une fin de mois ou la dernière date des données.", DATE),
        ],
        responses: answers({ "200": "Une page de dossiers, ou le CSV." }),
      },
    },
    "/api/cases/{num_contrat}": {
      get: {
        summary:
          "Un dossier : bail, revue (la même ligne que la liste de travail : action proposée, échéance, motifs, état, plan), soldes mensuels, écritures, actions et chronologie. Rôles : recouvrement, admin.",
        parameters: [
          { name: "num_contrat", in: "path", required: true, schema: { type: "string", pattern: `^(?:${LEASE_NUMBER.pattern})$` } },
          q("date_reunion", "Date de la réunion (aaaa-mm-jj) ; par défaut aujourd'hui (Paris).", DATE),
        ],
        responses: answers({ "200": "Le dossier.", "404": "Bail inconnu." }),
      },
    },
    "/api/runs": {
      get: {
        summary: "Chargements récents et celui en cours. Rôles : tous.",
        responses: answers({ "200": "Les chargements." }),
      },
      post: {
        summary: "Lancer un chargement maintenant. Rôle : admin.",
        responses: answers({ "202": "Lancé.", "409": "Un chargement est déjà en cours." }, { write: true }),
      },
    },
    "/api/publications": {
      get: {
        summary:
          "Publications (chiffres arrêtés) avec leur état : inchangee, revisee (un chiffre recalculé aujourd'hui diffère), retiree. Rôles : tous.",
        responses: answers({ "200": "Les publications, la plus récente d'abord." }),
      },
      post: {
        summary:
          "Publier les chiffres d'une année, ou d'une date d'arrêté : corps JSON { annee, au?, titre (200 caractères au plus), note? (2 000 au plus) }. Enregistre chaque chiffre officiel pour l'organisme et chaque secteur, les définitions, le chargement et les fichiers d'export (SHA-256). Rôle : admin.",
        responses: answers({ "201": "Publié.", "409": "Un chargement est en cours : réessayez après sa fin." }, { write: true }),
      },
    },
    "/api/publications/{id}": {
      get: {
        summary:
          "Une publication : ses chiffres tels que publiés et sa provenance (chargement, fichiers d'export, définitions). Rôles : tous.",
        parameters: [publicationId, q("format", "json, ou csv pour Excel (bloc de provenance puis les chiffres).", JSON_OR_CSV)],
        responses: answers({ "200": "La publication.", "404": "Publication inconnue." }),
      },
    },
    "/api/publications/{id}/revisions": {
      get: {
        summary:
          "Les révisions d'une publication : pour chaque chiffre qui diffère aujourd'hui, la valeur publiée, la valeur du jour et l'écart (points pour les taux, euros, nombres), expliqués par les lignes d'export changées depuis (par fichier et par nature, avec leur effet). Le détail des lignes (numéros de bail) pour recouvrement et admin seulement. Rôles : tous.",
        parameters: [publicationId],
        responses: answers({
          "200": "Les révisions.",
          "404": "Publication inconnue.",
          "409": "Un fichier de la publication manque dans la couche brute.",
        }),
      },
    },
    "/api/publications/{id}/retrait": {
      post: {
        summary: "Retirer une publication (corps JSON { motif }) : elle reste listée comme retirée, jamais effacée. Rôle : admin.",
        parameters: [publicationId],
        responses: answers(
          { "200": "Retirée.", "404": "Publication inconnue.", "409": "Déjà retirée, ou un chargement est en cours." },
          { write: true },
        ),
      },
    },
    "/health": {
      get: {
        summary:
          "Santé : statut, entrepôt publié, fraîcheur des données, dernier chargement réussi, date du dernier échec ; son message et son identifiant pour un utilisateur connecté seulement.",
        security: [],
        responses: { "200": { description: "En service." }, "503": { description: "Aucun entrepôt publié." } },
      },
    },
  },
} as const;

const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function referencePage(): string {
  const rows: string[] = [];
  for (const [path, ops] of Object.entries(OPENAPI.paths)) {
    for (const [method, op] of Object.entries(
      ops as Record<string, { summary: string; parameters?: Array<{ name: string; description?: string; required?: boolean }> }>,
    )) {
      const params = (op.parameters ?? [])
        .map((p) => `<li><code>${escape(p.name)}</code>${p.required ? " (obligatoire)" : ""} : ${escape(p.description ?? "")}</li>`)
        .join("");
      rows.push(
        `<tr><td><code>${method.toUpperCase()} ${escape(path)}</code></td><td>${escape(op.summary)}${params ? `<ul>${params}</ul>` : ""}</td></tr>`,
      );
    }
  }
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Référence de l'API</title>
<style>body{font:15px system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}td{vertical-align:top;padding:.5rem;border-top:1px solid #ddd}code{white-space:nowrap}
@media (max-width:640px){table,tbody,tr,td{display:block}td{padding:.3rem 0;overflow-wrap:anywhere}tr td:first-child{border-top:1px solid #ddd;padding-top:.6rem}tr td+td{border-top:0}code{white-space:normal;overflow-wrap:anywhere}}</style></head>
<body><h1>Référence de l'API</h1><p>Document OpenAPI : <a href="/api/openapi.json">/api/openapi.json</a>. Connexion : <a href="/connexion">/connexion</a>.</p>
<table>${rows.join("")}</table></body></html>`;
}
