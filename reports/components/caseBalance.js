// One case's monthly balance (from /api/cases/:num_contrat), with the debt split by age.
// Receives its data; never fetches.
import * as Plot from "@observablehq/plot";
import {accessiblePlot} from "./a11y.js";
import {formatDate, formatValue} from "./format.js";
import {eurosTick, utcDate} from "./locale.js";
import {COLORS} from "./palette.js";

/** CaseBalance(soldes, {width}): soldes = [{date_arrete, solde}], one point per month end. */
export function CaseBalance(soldes, {width, height = 260} = {}) {
  return accessiblePlot(
    Plot.plot({
      width,
      height,
      marginLeft: 70,
      x: {type: "utc", label: null},
      y: {label: "Solde (€)", grid: true, tickFormat: eurosTick},
      marks: [
        Plot.ruleY([0], {stroke: "#888"}),
        Plot.areaY(soldes, {
          x: (d) => utcDate(d.date_arrete),
          y: (d) => Math.max(0, d.solde),
          fill: COLORS.orange,
          fillOpacity: 0.25,
          curve: "step-after"
        }),
        Plot.lineY(soldes, {x: (d) => utcDate(d.date_arrete), y: "solde", stroke: COLORS.bleu, curve: "step-after"}),
        Plot.tip(
          soldes,
          Plot.pointerX({
            x: (d) => utcDate(d.date_arrete),
            y: "solde",
            title: (d) => `${formatDate(d.date_arrete)}\nSolde : ${formatValue(d.solde, "euros")}`
          })
        )
      ]
    }),
    "Solde du ménage au dernier jour de chaque mois"
  );
}
