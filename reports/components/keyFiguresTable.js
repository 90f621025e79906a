// The key figures of a year and scope: label, copy-ready French phrase, definition, and a
// copy button per figure.
import {html} from "htl";
import {CopyButton} from "./download.js";
import {figurePhrase} from "./format.js";

/** KeyFiguresTable(record, definitions): definitions are the rows of definitions.json's `figures`. */
export function KeyFiguresTable(record, definitions) {
  const value = (d) => (d.groupe === "cohorte_commandements" ? (record.cohorte_commandements[d.cle] ?? null) : record[d.cle]);
  const groups = [
    {titre: "Chiffres de l'année", defs: definitions.filter((d) => d.groupe !== "cohorte_commandements")},
    {
      titre: `Cohorte des premiers commandements de payer de ${record.annee}`,
      defs: definitions.filter((d) => d.groupe === "cohorte_commandements")
    }
  ];
  // why the wrapper: on a phone the table scrolls sideways inside it, never the page
  return html`<div class="tableau-defilant" role="region" aria-label="Tableau des chiffres clés" tabindex="0"><table class="key-figures">
    <thead><tr><th scope="col">Indicateur</th><th scope="col">Chiffre</th><th scope="col">Définition</th><th scope="col" class="no-print"><span class="sr-only">Copier</span></th></tr></thead>
    ${groups.map(
      (g) => html`<tbody>
        <tr class="group"><th colspan="4" scope="rowgroup">${g.titre}</th></tr>
        ${g.defs.map((d) => {
          const phrase = figurePhrase(value(d), d);
          return html`<tr data-cle=${d.cle}>
            <th scope="row">${d.libelle}</th>
            <td class="phrase" data-figure=${d.cle} title=${d.definition}>${phrase}</td>
            <td class="definition">${d.definition}</td>
            <td class="no-print">${CopyButton(phrase)}</td>
          </tr>`;
        })}
      </tbody>`
    )}
  </table></div>`;
}
