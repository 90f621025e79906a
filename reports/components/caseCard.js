// One case of the monthly review (from /api/cases/:num_contrat), in the order the meeting
// reads it: the proposed action, its due date and its reasons first; then the plan follow-up;
// then the history (balance chart, procedure timeline, actions, ledger). Plain tables, so that
// every row prints. Receives its data and its chart; never fetches.
import {html} from "htl";
import {formatDate, formatDecimal, formatInteger, formatValue} from "./format.js";

const euros = (v) => formatValue(v, "euros");
const signedEuros = (v) => (v == null ? "—" : `${v > 0 ? "+" : ""}${euros(v)}`);

/** The proposed action, its due date and status, its owner and priority, and the reasons. */
export function ProposedAction(r, {labels}) {
  if (!r) return html`<p class="avertissement">Ce bail n'est pas sur la liste de travail de la revue à la date des données.</p>`;
  return html`<div class="action-proposee" data-priorite=${r.priorite ?? ""}>
    <p class="action-titre">${
      r.action_libelle
        ? html`Action proposée : <strong data-champ="action">${r.action_libelle}</strong>${
            r.action_due_le ? html`, due le <strong data-champ="echeance">${formatDate(r.action_due_le)}</strong>` : ""
          }${r.action_statut ? html` <span class=${`statut statut-${r.action_statut}`}>${labels.of("statut", r.action_statut)}</span>` : ""}`
        : html`<strong data-champ="action">${labels.of("examen", "sans_action")}</strong>`
    }</p>
    <p class="action-qui">${r.priorite_libelle ? html`Priorité <strong class=${`priorite priorite-${r.priorite}`}>${r.priorite_libelle.toLocaleLowerCase("fr-FR")}</strong> · ` : ""}État : <strong data-champ="etat">${r.etat_libelle ?? "—"}</strong>${
      r.role_libelle
        ? html` · Responsable : <strong data-champ="role">${r.role_libelle}</strong>${r.code_agent ? ` (agent ${r.code_agent})` : ""}`
        : ""
    }</p>
    ${r.motifs?.length ? html`<ul class="motifs" data-champ="motifs">${r.motifs.map((m) => html`<li>${m}</li>`)}</ul>` : ""}
    <p class="lecture">Une proposition pour la réunion, jamais une décision : l'équipe décide au vu du dossier.</p>
  </div>`;
}

/** The repayment plan's follow-up, or nothing without a plan. */
export function PlanFollowUp(plan, {labels}) {
  if (!plan) return html`<p class="lecture">Aucun plan d'apurement en cours ou récent.</p>`;
  const cells = [
    ["Signé le", formatDate(plan.date_signature)],
    ["Montant du plan", euros(plan.montant)],
    ["Échéances", plan.nb_echeances == null ? "—" : String(plan.nb_echeances)],
    ["Mensualité", euros(plan.mensualite)],
    ["Échéances dues à ce jour", plan.echeances_dues == null ? "—" : String(plan.echeances_dues)],
    ["Montant dû à ce jour", euros(plan.montant_du)],
    ["Versé au-delà du loyer courant", euros(plan.montant_verse)],
    ["État du plan", plan.etat_plan_libelle ?? labels.of("etat_plan", plan.etat_plan)]
  ];
  return html`<table class="fiche" data-champ="plan"><tbody>${cells.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${v}</td></tr>`)}</tbody></table>`;
}

/** A plain table with a French caption when empty (never "No results."). */
function simpleTable(rows, columns, empty) {
  if (!rows.length) return html`<p class="lecture">${empty}</p>`;
  return html`<table class="revue-historique">
    <thead><tr>${columns.map((c) => html`<th scope="col" class=${c.num ? "num" : ""}>${c.label}</th>`)}</tr></thead>
    <tbody>${rows.map((row) => html`<tr>${columns.map((c) => html`<td class=${c.num ? "num" : ""}>${c.value(row)}</td>`)}</tr>`)}</tbody>
  </table>`;
}

/**
 * CaseCard(dossier, {labels, chart, navigation}): chart = the balance chart node (the page
 * makes it with resize()), navigation = the « Dossier précédent / suivant » buttons.
 */
export function CaseCard(dossier, {labels, chart, navigation = ""}) {
  const b = dossier.bail;
  const r = dossier.revue;
  return html`<div class="card dossier" tabindex="-1" data-dossier=${b.num_contrat} aria-label=${`Dossier ${b.num_contrat}`}>
    <div class="dossier-entete">
      <h2>Dossier ${b.num_contrat}</h2>
      ${navigation}
    </div>
    ${ProposedAction(r, {labels})}
    <p class="lecture">${b.libelle_secteur ?? "—"}${b.commune ? `, ${b.commune}` : ""} ; entré le ${formatDate(b.date_entree)}. Loyer ${euros(b.loyer_mensuel)} et charges ${euros(b.charges_mensuelles)} par mois.
      Solde au ${formatDate(r?.date_arrete)} : <strong data-champ="solde">${euros(r?.solde)}</strong>${r?.dette_en_mois == null ? "" : ` (${formatDecimal(r.dette_en_mois)} mois de loyer)`} ; sur 3 mois : ${signedEuros(r?.dette_evolution_3_mois)}.
      Dernier paiement : ${formatDate(r?.dernier_paiement)}.</p>
    <h3>Suivi du plan d'apurement</h3>
    ${PlanFollowUp(r?.plan ?? null, {labels})}
    <h3>Historique</h3>
    <h4>Solde en fin de mois</h4>
    ${chart}
    <h4>Chronologie de la procédure</h4>
    ${
      dossier.chronologie.length
        ? html`<ol class="chronologie">${dossier.chronologie.map((e) => html`<li>${formatDate(e.date)} : ${e.libelle ?? labels.of("code_action", e.code_action)}</li>`)}</ol>`
        : html`<p class="lecture">Aucune étape de procédure.</p>`
    }
    <h4>Actions</h4>
    ${simpleTable(
      [...dossier.actions].reverse(),
      [
        {label: "Date", value: (a) => formatDate(a.date_action)},
        {label: "Action", value: (a) => a.libelle ?? labels.of("code_action", a.code_action)},
        {label: "Fonction", value: (a) => labels.of("role", a.role_agent)},
        {label: "Montant", num: true, value: (a) => (a.montant == null ? "" : euros(a.montant))}
      ],
      "Aucune action enregistrée."
    )}
    <details class="ecritures">
      <summary>Écritures du compte (${formatInteger(dossier.ecritures.length)}), les plus récentes d'abord</summary>
      ${simpleTable(
        [...dossier.ecritures].reverse(),
        [
          {label: "Date", value: (e) => formatDate(e.date_ecriture)},
          {label: "Libellé", value: (e) => e.libelle ?? labels.of("code_mouvement", e.code_mouvement)},
          {label: "Débit", num: true, value: (e) => (e.debit ? euros(e.debit) : "")},
          {label: "Crédit", num: true, value: (e) => (e.credit ? euros(e.credit) : "")},
          {label: "Mode", value: (e) => (e.mode_reglement ? labels.of("mode_reglement", e.mode_reglement) : "")}
        ],
        "Aucune écriture."
      )}
    </details>
  </div>`;
}
