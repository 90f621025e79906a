// The « dossier de séance » the monthly review prints: the cases to examine, grouped by
// sector (one A4 section per sector, a page break between sectors), each with its proposed
// action, due date, owner and reasons. Receives its rows (every page of /api/cases for the
// filters chosen); never fetches.
import {html} from "htl";
import {formatDate, formatDecimal, formatInteger, formatValue} from "./format.js";

/** MeetingFile(rows, {labels, dateReunion, dateArrete}). Rows keep the API's order within a sector. */
export function MeetingFile(rows, {labels, dateReunion, dateArrete}) {
  const bySector = new Map();
  for (const r of rows) {
    const key = r.code_secteur ?? "";
    if (!bySector.has(key)) bySector.set(key, {libelle: r.libelle_secteur ?? "Sans secteur", lignes: []});
    bySector.get(key).lignes.push(r);
  }
  const sectors = [...bySector.values()].sort((a, b) => a.libelle.localeCompare(b.libelle, "fr"));
  return html`<section class="dossier-seance" aria-label="Dossier de séance">
    ${sectors.length === 0 ? html`<p>Aucun dossier à examiner pour ces filtres.</p>` : ""}
    ${sectors.map(
      (s) => html`<section class="dossier-secteur" data-secteur=${s.libelle}>
        <h2>Dossier de séance · ${s.libelle}</h2>
        <p class="lecture">Réunion du ${formatDate(dateReunion)} ; données au ${formatDate(dateArrete)}. ${formatInteger(s.lignes.length)} dossier${s.lignes.length > 1 ? "s" : ""} à examiner, par priorité puis échéance. Des propositions pour la réunion, jamais des décisions.</p>
        <table class="seance-table">
          <thead><tr>
            <th scope="col">Contrat</th><th scope="col">Priorité</th><th scope="col" class="num">Dette</th><th scope="col">État</th>
            <th scope="col">Action proposée</th><th scope="col">Échéance</th><th scope="col">Motifs</th><th scope="col">Décision</th>
          </tr></thead>
          <tbody>${s.lignes.map(
            (r) => html`<tr>
              <td>${r.num_contrat}</td>
              <td>${r.priorite_libelle ?? "—"}</td>
              <td class="num">${formatValue(r.solde, "euros")}${r.dette_en_mois == null ? "" : html`<br>${formatDecimal(r.dette_en_mois)} mois`}</td>
              <td>${r.etat_libelle ?? "—"}</td>
              <td>${r.action_libelle ?? labels.of("examen", "sans_action")}${r.role_libelle ? html`<br><small>${r.role_libelle}</small>` : ""}</td>
              <td>${formatDate(r.action_due_le)}${r.action_statut ? html`<br><small>${labels.of("statut", r.action_statut)}</small>` : ""}</td>
              <td>${r.motifs?.length ? html`<ul>${r.motifs.map((m) => html`<li>${m}</li>`)}</ul>` : "—"}</td>
              <td class="decision"></td>
            </tr>`
          )}</tbody>
        </table>
      </section>`
    )}
  </section>`;
}
