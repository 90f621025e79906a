// The debt of present tenants split by age (0–90 days, 91–365 days, 366 days and more),
// one stacked bar per as-of date.
import * as Plot from "@observablehq/plot";
import {accessiblePlot} from "./a11y.js";
import {exportableChart} from "./chartExport.js";
import {formatDate, formatValue} from "./format.js";
import {eurosTick} from "./locale.js";
import {COLORS} from "./palette.js";

const BUCKETS = [
  {cle: "dette_moins_3_mois", couleur: COLORS.ciel},
  {cle: "dette_3_12_mois", couleur: COLORS.orange},
  {cle: "dette_plus_12_mois", couleur: COLORS.vermillon}
];

/** DebtByAge(records, definitions, {width}): records are figures records (one per as-of date). */
export function DebtByAge(
  records,
  definitions,
  {width, title = "Dette des locataires présents répartie par ancienneté", file = "dette-par-anciennete"} = {}
) {
  const rows = records.flatMap((r) =>
    BUCKETS.map((b) => ({
      date: `au ${formatDate(r.date_arrete)}`,
      tranche: definitions.get(b.cle).libelle,
      montant: r[b.cle]
    }))
  );
  return exportableChart(
    accessiblePlot(
      Plot.plot({
        width,
        height: 60 * records.length + 70,
        marginLeft: 100,
        marginRight: 20,
        x: {label: "Dette des locataires présents", tickFormat: eurosTick, grid: true},
        y: {label: null, domain: records.map((r) => `au ${formatDate(r.date_arrete)}`)},
        color: {domain: BUCKETS.map((b) => definitions.get(b.cle).libelle), range: BUCKETS.map((b) => b.couleur), legend: true},
        marks: [
          Plot.barX(
            rows,
            Plot.stackX({
              x: "montant",
              y: "date",
              fill: "tranche",
              order: null,
              title: (d) => `${d.tranche} ${d.date} : ${formatValue(d.montant, "euros")}`
            })
          ),
          Plot.ruleX([0])
        ]
      }),
      "Dette des locataires présents répartie par ancienneté"
    ),
    {
      title,
      asOf: records.at(-1)?.date_arrete,
      file,
      data: {
        columns: [
          {label: "Date d'arrêté", value: (r) => formatDate(r.date_arrete)},
          ...BUCKETS.map((b) => ({label: definitions.get(b.cle).libelle, value: (r) => formatValue(r[b.cle], "euros")}))
        ],
        rows: records
      }
    }
  );
}
