// Publications on the site (publications.json, src/publications/siteData.ts): the French label
// of each state (one place), the publication in force for a year, the figures as published with
// today's value beside the revised ones, the admin's form, and one card per publication.
// Presentation only: every value, gap and explanation arrives computed by the warehouse and the
// ETL's code; nothing here computes a figure.
import {html} from "htl";
import {apiJson} from "./apiJson.js";
import {formatDate, formatDateTime, formatParisDay, formatValue} from "./format.js";
import {withCsv} from "./tableCsv.js";

/** The French label of each publication state. */
export const PUBLICATION_STATES = {inchangee: "inchangée", revisee: "révisée", retiree: "retirée"};

/** Why a publication made today is not on this page yet (the site is static, rebuilt each night). */
export const NEXT_BUILD_SENTENCE =
  "Une publication faite depuis le site ou l'API apparaît ici après la prochaine construction nocturne du site.";

/**
 * The publication in force for a year's as-of date: the latest one of that year and date that is
 * not withdrawn (publications.json lists the newest first), or null.
 */
export function publicationInForce(publications, annee, dateArrete) {
  return publications.find((p) => p.etat !== "retiree" && p.annee === annee && p.date_arrete === dateArrete) ?? null;
}

/** The figures of one scope (null: the whole landlord) as published, or null when the publication lacks it. */
export function publishedRecord(publication, secteur) {
  if (secteur == null) return publication.chiffres.ensemble;
  return publication.chiffres.secteurs.find((r) => r.secteur === secteur) ?? null;
}

/** The gaps (today − published) of one scope, as the ETL's code computed them. */
export const gapsOf = (publication, secteur) => publication.ecarts.filter((g) => g.secteur === (secteur ?? null));

const styleText = `
.publication-bandeau { border-left: 4px solid #0072B2; background: #f2f6fa; padding: 0.5rem 0.8rem; margin: 0.5rem 0 1rem; max-width: none; }
.publication-bandeau p { margin: 0.2rem 0; max-width: none; }
.publication-bandeau .publication-titre { font-size: 1.05rem; }
span.publication-recalcul { display: block; white-space: normal; font-weight: 400; font-size: 0.8rem; color: #8a3b00; }
.publication-formulaire { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.6rem 0.9rem; margin: 1rem 0; max-width: 640px; }
.publication-formulaire h2 { margin: 0 0 0.3rem; font-size: 1.05rem; }
.publication-formulaire label { display: block; margin: 0.4rem 0; font-size: 0.9rem; }
.publication-formulaire input, .publication-formulaire textarea { display: block; width: 100%; box-sizing: border-box; font: inherit; margin-top: 0.15rem; }
.publication-formulaire [role="status"] { margin: 0.4rem 0 0; max-width: none; }
.publication-formulaire .publication-ok { border-left: 4px solid #009E73; background: #eefaf5; padding: 0.4rem 0.7rem; }
.publication-carte { margin: 1rem 0; max-width: none; }
.publication-carte h2 { margin-top: 0; }
.publication-carte p { max-width: none; }
.publication-etat { display: inline-block; font-size: 0.8rem; font-weight: 600; padding: 0.05rem 0.5rem; border-radius: 999px; vertical-align: middle; border: 1px solid currentColor; }
.publication-etat-inchangee { color: #00704f; }
.publication-etat-revisee { color: #8a3b00; }
.publication-etat-retiree { color: #595959; }
.publication-defile { overflow-x: auto; max-width: 100%; }
table.publication-table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 0.85rem; max-width: none; }
table.publication-table th, table.publication-table td { padding: 0.2rem 0.5rem; border-bottom: 1px solid #e5e5e5; text-align: left; vertical-align: top; }
table.publication-table td.nombre, table.publication-table th.nombre { text-align: right; white-space: nowrap; }
@media print {
  /* On paper the as-of paragraph names the publication (Chiffres clés): one A4 sheet. */
  .publication-formulaire, .publication-bandeau { display: none; }
  span.publication-recalcul { display: inline; font-size: 6pt; margin-left: 1mm; }
}
`;

/**
 * The styles of these components, put in the page's head once by the first component drawn (not
 * in a cell: an empty cell's margins would push Chiffres clés past one A4 sheet).
 */
function ensureStyle() {
  if (document.getElementById("publication-styles")) return;
  const style = document.createElement("style");
  style.id = "publication-styles";
  style.textContent = styleText;
  document.head.append(style);
}

/** « Publié le 15/03/2025 — Rapport d'activité 2024 » and what the figures below are. */
export function PublicationBanner(publication, secteur) {
  ensureStyle();
  const gaps = gapsOf(publication, secteur);
  return html`<div class="publication-bandeau" data-publication=${publication.id}>
    <p class="publication-titre"><strong data-publie-le>Publié le ${formatParisDay(publication.publie_le)} — ${publication.titre}</strong></p>
    ${publication.note ? html`<p data-note>${publication.note}</p>` : ""}
    <p class="lecture">Chaque chiffre ci-dessous est celui de la publication (par ${publication.publie_par}, à partir du chargement ${publication.chargement?.run_id ?? "—"}).
    ${
      gaps.length
        ? html`${gaps.length === 1 ? "Un chiffre est recalculé différemment" : `${gaps.length} chiffres sont recalculés différemment`} aujourd'hui, avec les exports reçus depuis : la valeur d'aujourd'hui est donnée à côté.`
        : "Recalculés aujourd'hui, ils sont identiques."
    }
    <a href="./publications#publication-${publication.id}">Voir la publication${gaps.length ? " et l'explication des écarts" : ""}</a>.</p>
  </div>`;
}

/**
 * Beside each figure of a KeyFiguresTable that today's data revise: « recalculé aujourd'hui :
 * 12 450 (+1) ». The copy button keeps the published phrase.
 */
export function markRecalculated(table, gaps) {
  ensureStyle();
  for (const g of gaps) {
    const cell = table.querySelector(`td.phrase[data-figure="${g.cle}"]`);
    if (cell)
      cell.append(
        html`<span class="publication-recalcul" data-recalcul=${g.cle}>recalculé aujourd'hui : ${g.actuel_texte} (${g.ecart_texte})</span>`
      );
  }
  return table;
}

/**
 * The admin's form « Arrêter les chiffres »: POSTs {annee, au, titre, note} to /api/publications
 * (au: the as-of date shown, a month end for a year in progress) and shows the result, or the
 * API's French message.
 */
export function PublicationForm({annee, au, fetchImpl = globalThis.fetch}) {
  ensureStyle();
  const status = html`<p role="status" data-resultat-publication></p>`;
  const button = html`<button type="submit" class="download-button">Arrêter les chiffres</button>`;
  const form = html`<form class="publication-formulaire no-print" data-formulaire-publication>
    <h2>Arrêter les chiffres</h2>
    <p class="lecture">Publier les chiffres de ${annee} arrêtés au ${formatDate(au)}, pour tout le bailleur et chaque secteur : ils sont conservés tels quels, avec les fichiers d'export dont ils viennent. ${NEXT_BUILD_SENTENCE}</p>
    <label>Titre <input name="titre" type="text" maxlength="200" placeholder=${`Rapport d'activité ${annee}`} autocomplete="off"></label>
    <label>Note (facultative) <textarea name="note" rows="2" maxlength="2000"></textarea></label>
    ${button}
    ${status}
  </form>`;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const note = form.elements.note.value.trim();
    const body = JSON.stringify({annee, au, titre: form.elements.titre.value, note: note || null});
    button.disabled = true;
    status.className = "";
    status.textContent = "Publication en cours…";
    const post = (url, init) => fetchImpl(url, {...init, method: "POST", headers: {"Content-Type": "application/json"}, body});
    const answer = await apiJson("/api/publications", {fetchImpl: post});
    button.disabled = false;
    if (answer.donnees) {
      const p = answer.donnees;
      status.className = "publication-ok";
      status.replaceChildren(
        html`Chiffres arrêtés : publication <strong data-publication-creee=${p.id}>${p.id}</strong> « ${p.titre} », au ${formatDate(p.date_arrete)}, le ${formatDateTime(p.publie_le)}. ${NEXT_BUILD_SENTENCE}`
      );
      form.elements.titre.value = "";
      form.elements.note.value = "";
    } else {
      status.className = "avertissement";
      status.textContent = `La publication a échoué : ${answer.erreur}`;
    }
  });
  return form;
}

/** The value of one figure in a record (cohort figures sit in cohorte_commandements). */
const valueOf = (record, d) =>
  d.groupe === "cohorte_commandements" ? (record?.cohorte_commandements?.[d.cle] ?? null) : (record?.[d.cle] ?? null);

/** A publication's figures as published: one row per figure, one column per scope (landlord, then sectors). */
function PublishedFiguresTable(publication, definitions, sectorName) {
  const scopes = [publication.chiffres.ensemble, ...publication.chiffres.secteurs];
  const table = html`<table class="publication-table" data-chiffres-publies>
    <thead><tr><th scope="col">Indicateur</th>${scopes.map((r) => html`<th scope="col" class="nombre">${sectorName(r.secteur)}</th>`)}</tr></thead>
    <tbody>${definitions.map(
      (d) =>
        html`<tr data-cle=${d.cle}><th scope="row" title=${d.definition}>${d.libelle}</th>${scopes.map(
          (r) => html`<td class="nombre" data-secteur=${r.secteur ?? "ensemble"}>${formatValue(valueOf(r, d), d.unite)}</td>`
        )}</tr>`
    )}</tbody>
  </table>`;
  return withCsv(table, {
    filename: `publication-${publication.id}-chiffres.csv`,
    box: html`<div class="publication-defile">${table}</div>`
  });
}

/** The gaps of a revised publication: published, today, difference (points, euros, counts). */
function GapsTable(publication, sectorName) {
  const table = html`<table class="publication-table" data-ecarts>
    <thead><tr><th scope="col">Portée</th><th scope="col">Indicateur</th><th scope="col" class="nombre">Publié</th><th scope="col" class="nombre">Aujourd'hui</th><th scope="col" class="nombre">Écart</th></tr></thead>
    <tbody>${publication.ecarts.map(
      (g) => html`<tr data-cle=${g.cle} data-secteur=${g.secteur ?? "ensemble"}>
        <td>${sectorName(g.secteur)}</td><th scope="row">${g.libelle}</th>
        <td class="nombre">${g.publie_texte}</td><td class="nombre">${g.actuel_texte}</td><td class="nombre" data-ecart>${g.ecart_texte}</td>
      </tr>`
    )}</tbody>
  </table>`;
  return withCsv(table, {filename: `publication-${publication.id}-ecarts.csv`, box: html`<div class="publication-defile">${table}</div>`});
}

/** One publication: state, title, note, as-of date, who published it and when, its source, figures, gaps and their explanations. */
export function PublicationCard(publication, {definitions, sectorName, open = false}) {
  ensureStyle();
  const p = publication;
  const run = p.chargement;
  return html`<section class="card publication-carte" id=${`publication-${p.id}`} data-publication=${p.id} data-etat=${p.etat}>
    <h2><span class=${`publication-etat publication-etat-${p.etat}`} data-etat-libelle>${PUBLICATION_STATES[p.etat] ?? p.etat}</span> <span data-titre>${p.titre}</span></h2>
    ${p.note ? html`<p data-note>${p.note}</p>` : ""}
    <p data-provenance>Chiffres de ${p.annee} arrêtés au <strong data-date-arrete>${formatDate(p.date_arrete)}</strong> ; <span data-publie>publié le ${formatDateTime(p.publie_le)} par <strong>${p.publie_par}</strong></span>. Source : chargement <span data-chargement>${run?.run_id ?? "—"}</span>${run?.fin ? ` du ${formatDateTime(run.fin)}` : ""}, <span data-fichiers>${p.fichiers} fichier${p.fichiers > 1 ? "s" : ""} d'export</span>. Identifiant : <code>${p.id}</code>.</p>
    ${
      p.retrait
        ? html`<p class="avertissement" data-retrait>Retirée le ${formatDateTime(p.retrait.retire_le)} : ${p.retrait.motif}. Ses chiffres restent consultables ; ce ne sont plus des chiffres publiés.</p>`
        : ""
    }
    ${
      p.etat === "revisee"
        ? html`<h3>Ce qui a changé depuis</h3>
        <p class="lecture">Chiffres recalculés aujourd'hui avec les exports reçus depuis la publication : écart en points pour les taux, en euros pour les montants, en nombre pour les décomptes.</p>
        ${GapsTable(p, sectorName)}
        ${
          p.explications.length
            ? html`<p>Pourquoi : les lignes d'export modifiées depuis, comptées par fichier et par nature, avec leur effet quand il peut leur être attribué (un taux ne se décompose pas ligne par ligne : sa révision est l'écart lui-même).</p>
            <ul data-explications>${p.explications.map((e) => html`<li>${e.texte}</li>`)}</ul>`
            : ""
        }
        ${p.explication_indisponible ? html`<p class="avertissement" data-explication-indisponible>Les écarts ne peuvent pas être expliqués ligne par ligne : ${p.explication_indisponible}</p>` : ""}`
        : p.etat === "inchangee"
          ? html`<p data-inchangee>Recalculés aujourd'hui, tous ses chiffres sont identiques.</p>`
          : ""
    }
    <details open=${open}>
      <summary>Les chiffres publiés (${definitions.length} indicateurs, ensemble du bailleur et chaque secteur)</summary>
      ${PublishedFiguresTable(p, definitions, sectorName)}
    </details>
  </section>`;
}
