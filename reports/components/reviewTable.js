// The monthly review's list in meeting mode: one row per case with what the meeting needs to
// decide (case, priority, sector, debt, state, proposed action and its due date), narrow enough
// for 1280 px without sideways scroll (cells wrap; everything else is on the case card).
// Receives its rows (from /api/cases); never fetches.
//
// It is an input (Framework's Generators.input): its value is the selected row, or null, and it
// dispatches "input" when a case is opened. A case opens with a click anywhere on its row, with
// its radio button, or with Enter or Space on the focused row; ↑/↓ move the focus between rows.
// next() and previous() open the following or preceding case (the page binds them to its
// « Dossier suivant / précédent » buttons and to the keys j and k).
import {html} from "htl";
import {formatDate, formatDecimal, formatValue} from "./format.js";

/** ReviewTable(rows, {labels}): labels = Labels(libelles-revue.json), for the due-date status. */
export function ReviewTable(rows, {labels, caption = "Dossiers de la revue"} = {}) {
  const trs = rows.map((r, i) => {
    const radio = html`<input type="radio" name="revue-dossier" tabindex="-1" aria-label=${`Ouvrir le dossier ${r.num_contrat}`}>`;
    // The click on the radio reaches the row, which opens the case: its own events must not
    // reach the page as a second, stale "input".
    radio.addEventListener("input", (event) => event.stopPropagation());
    // One tab stop for the whole list (the row last focused); ↑/↓ move between rows.
    const tr = html`<tr tabindex=${i === 0 ? "0" : "-1"} data-contrat=${r.num_contrat} data-priorite=${r.priorite ?? ""}>
      <td class="revue-choix">${radio}</td>
      <td class="revue-contrat">${r.num_contrat}</td>
      <td class="revue-priorite"><span class=${`priorite priorite-${r.priorite ?? "aucune"}`}>${r.priorite_libelle ?? "—"}</span></td>
      <td class="revue-secteur">${r.libelle_secteur ?? "—"}</td>
      <td class="revue-dette num">${formatValue(r.solde, "euros")}${r.dette_en_mois == null ? "" : html`<br><small>${formatDecimal(r.dette_en_mois)} mois de loyer</small>`}</td>
      <td class="revue-etat">${r.etat_libelle ?? "—"}</td>
      <td class="revue-action">${r.action_libelle ? html`<strong data-champ="action">${r.action_libelle}</strong>` : html`<span class="muet">${labels.of("examen", "sans_action")}</span>`}${r.role_libelle ? html`<br><small>${r.role_libelle}</small>` : ""}</td>
      <td class="revue-echeance" data-champ="echeance">${r.action_due_le ? formatDate(r.action_due_le) : "—"}${r.action_statut ? html`<br><small class=${`statut-${r.action_statut}`}>${labels.of("statut", r.action_statut)}</small>` : ""}</td>
    </tr>`;
    tr.addEventListener("click", (event) => {
      if (event.target.closest("a")) return;
      select(i);
    });
    return tr;
  });

  const tbody = html`<tbody>${trs}</tbody>`;
  tbody.addEventListener("focusin", (event) => {
    const row = event.target.closest("tr");
    if (trs.includes(row)) for (const tr of trs) tr.tabIndex = tr === row ? 0 : -1;
  });
  tbody.addEventListener("keydown", (event) => {
    const i = trs.indexOf(event.target.closest("tr"));
    if (i < 0) return;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      select(i);
    } else if (event.key === "ArrowDown" && i + 1 < trs.length) {
      event.preventDefault();
      trs[i + 1].focus();
    } else if (event.key === "ArrowUp" && i > 0) {
      event.preventDefault();
      trs[i - 1].focus();
    }
  });

  const root = html`<div class="revue-liste">
    <table class="revue-table">
      <caption class="sr-only">${caption}</caption>
      <colgroup><col class="c-choix"><col class="c-contrat"><col class="c-priorite"><col class="c-secteur"><col class="c-dette"><col class="c-etat"><col class="c-action"><col class="c-echeance"></colgroup>
      <thead><tr>
        <th scope="col"><span class="sr-only">Ouvrir</span></th>
        <th scope="col">Contrat</th>
        <th scope="col">Priorité</th>
        <th scope="col">Secteur</th>
        <th scope="col" class="num">Dette</th>
        <th scope="col">État</th>
        <th scope="col">Action proposée</th>
        <th scope="col">Échéance</th>
      </tr></thead>
      ${tbody}
    </table>
  </div>`;

  let current = -1;
  function select(i) {
    if (i < 0 || i >= trs.length) return;
    current = i;
    trs.forEach((tr, j) => {
      if (j === i) tr.setAttribute("aria-current", "true");
      else tr.removeAttribute("aria-current");
      tr.tabIndex = j === i ? 0 : -1;
      tr.querySelector("input").checked = j === i;
    });
    root.value = rows[i];
    root.dispatchEvent(new Event("input", {bubbles: true}));
  }
  root.value = null;
  root.select = select;
  root.next = () => select(current < 0 ? 0 : current + 1);
  root.previous = () => select(current < 0 ? 0 : current - 1);
  root.position = () => ({index: current, count: trs.length});
  root.focusRow = (i) => trs[i]?.focus();
  return root;
}
