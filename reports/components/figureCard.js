// A figure as a card: the question it answers, the value in French, a comparison line,
// and its definition (visible note, and tooltip on the value).
import {html} from "htl";
import {formatValue} from "./format.js";

/**
 * FigureCard(figure, {question, definition, value, unit, detail, attrs})
 * - definition: a row of definitions.json (libelle, unite, definition)
 * - value: the number from the warehouse; unit defaults to the definition's
 * - detail: a line under the value (e.g. the as-of date and the change over a year)
 * - key/annee/secteur: written as data- attributes so the value can be found and checked
 */
export function FigureCard({question, definition, value, unit = definition.unite, detail, key = definition.cle, annee, secteur}) {
  return html`<div class="card figure-card">
    <h2>${question}</h2>
    <div class="big figure-value" title=${definition.definition} data-figure=${key} data-annee=${annee ?? ""} data-secteur=${secteur ?? ""}>${formatValue(value, unit)}</div>
    ${detail ? html`<div class="figure-detail">${detail}</div>` : ""}
    <p class="definition"><strong>${definition.libelle}</strong> : ${definition.definition}</p>
  </div>`;
}

/**
 * One term and its definition, grouped in a <div> (what HTML allows inside a <dl>): htl wraps a
 * template with two top-level nodes in a <span>, which a <dl> may not contain.
 */
const definitionGroup = (d) => html`<div><dt>${d.libelle}</dt><dd>${d.definition}</dd></div>`;

/** The definitions of the figures a chart shows, as a note under it. */
export function DefinitionsNote(definitions, {prefix = "Définitions"} = {}) {
  return html`<details class="definitions-note">
    <summary>${prefix} (${definitions.length})</summary>
    <dl>${definitions.map(definitionGroup)}</dl>
  </details>`;
}

/** The definitions, always visible (for short lists). */
export function DefinitionsList(definitions) {
  return html`<dl class="definitions-list">${definitions.map(definitionGroup)}</dl>`;
}
