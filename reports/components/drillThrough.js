// The drill-through (issue 14, item 7): for a role with case access, each count figure of a year
// and scope opens the list of the cases behind it (page « Dossiers », which reads
// GET /api/cases?figure=…). The static site holds no case data; the list comes from the API
// after sign-in, and a role without case access sees the figure, never the link.
import {html} from "htl";
import {formatValue} from "./format.js";

/** The count figures the API lists (src/warehouse/cases.ts, DRILL_FIGURES; test/drill.test.ts checks both agree). */
export const DRILL_FIGURES = [
  "relances",
  "visites_domicile",
  "signalements_caf",
  "plans_signes",
  "plans_rompus",
  "commandements_payer",
  "assignations",
  "resiliations_bail",
  "demandes_concours",
  "concours_force_publique",
  "expulsions",
  "nouveaux_entrants",
  "menages_presents",
  "menages_en_dette",
  "menages_dette_3_mois",
  "cohorte_effectif",
  "cohorte_assignes",
  "cohorte_resilies",
  "cohorte_concours",
  "cohorte_expulses"
];

/** The cohort's keys as the pages write them (inside cohorte_commandements): effectif, assignes… */
const COHORT_KEYS = new Set(DRILL_FIGURES.filter((k) => k.startsWith("cohorte_")).map((k) => k.slice("cohorte_".length)));

/** The API's key for a page's key: "assignes" is the cohort's "cohorte_assignes". */
export function drillKey(key) {
  if (COHORT_KEYS.has(key)) return `cohorte_${key}`;
  return DRILL_FIGURES.includes(key) ? key : null;
}

/** Whether the signed-in role reads cases (GET /api/session says so in `dossiers`). */
export const readsCases = (session) => Boolean(session?.connecte && session?.dossiers);

/**
 * The address of the list behind a figure. `prefix` is the way to the site's root from the
 * page ("" at the root, "../" from a sector page); `au`, the page's as-of date, so that the
 * list is the one of the figure shown (the site gives month ends); `publication`, the id of the
 * publication whose figure the page showed (Chiffres clés), so that the list can say when that
 * figure is not today's (the API is never sent it).
 */
export function drillHref(figure, {annee, secteur = null, au = null, publication = null, prefix = ""}) {
  const q = new URLSearchParams({figure, annee: String(annee)});
  if (au) q.set("au", au);
  if (secteur) q.set("secteur", secteur);
  if (publication) q.set("publication", publication);
  return `${prefix}dossiers.html?${q}`;
}

/**
 * Makes each count figure in `root` (an element with data-figure) a link to its list; returns
 * `root`. Only for a role that reads cases: for any other it returns `root` unchanged.
 */
export function linkCounts(root, session, options) {
  if (!readsCases(session) || !root) return root;
  for (const node of root.querySelectorAll("[data-figure]")) {
    const figure = drillKey(node.dataset.figure);
    if (!figure || node.querySelector("a")) continue;
    const link = html`<a class="lien-dossiers" href=${drillHref(figure, options)} data-dossiers=${figure}></a>`;
    link.title = "Voir les dossiers derrière ce chiffre";
    link.append(...node.childNodes);
    node.append(link);
  }
  return root;
}

/**
 * DrillLinks(record, definitions, {keys, annee, secteur, au, prefix, session}): under a chart of
 * counts, the list of its figures, each a link to the cases behind it. Nothing for a role
 * without case access. `definitions`: the rows of definitions.json's figures.
 */
export function DrillLinks(record, definitions, {keys, session, ...options}) {
  // nothing to show: an empty string, which a page prints as nothing (htl's empty html`` is
  // null, which Framework prints as « null » in the Markdown)
  if (!readsCases(session) || !record) return "";
  const value = (key) => (key.startsWith("cohorte_") ? record.cohorte_commandements?.[key.slice("cohorte_".length)] : record[key]);
  const def = (key) =>
    definitions.find((d) =>
      key.startsWith("cohorte_")
        ? d.groupe === "cohorte_commandements" && `cohorte_${d.cle}` === key
        : d.cle === key && d.groupe !== "cohorte_commandements"
    );
  return html`<div class="dossiers-liens no-print">
    <h3>Les dossiers derrière ces chiffres</h3>
    <ul>${keys.map((key) => {
      const d = def(key);
      return html`<li><a href=${drillHref(key, options)} data-dossiers=${key}>${d?.libelle ?? key} : ${formatValue(value(key) ?? null, "nombre")}</a></li>`;
    })}</ul>
  </div>`;
}
