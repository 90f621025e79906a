// Small multiples: the monthly taux d'impayés of each sector, on one shared scale.
import * as Plot from "@observablehq/plot";
import {accessiblePlot} from "./a11y.js";
import {exportableChart} from "./chartExport.js";
import {formatDate, formatPercent} from "./format.js";
import {percentTick, utcDate} from "./locale.js";
import {COLORS} from "./palette.js";

/** SectorMultiples(rows, sectors, {width, columns}): rows are monthly rows of every sector. */
export function SectorMultiples(
  rows,
  sectors,
  {width, columns = 3, title = "Taux d'impayés de chaque secteur au dernier jour de chaque mois", file = "taux-impayes-par-secteur"} = {}
) {
  const index = new Map(sectors.map((s, i) => [s.code_secteur, i]));
  const label = new Map(sectors.map((s) => [s.code_secteur, s.libelle_secteur]));
  const data = rows.filter((r) => index.has(r.secteur));
  const col = (d) => index.get(d.secteur) % columns;
  const row = (d) => Math.floor(index.get(d.secteur) / columns);
  const x = (d) => utcDate(d.date_arrete);
  const heads = sectors.map((s, i) => ({secteur: s.code_secteur, i}));
  // The as-of date of the image: the last month end of the rows drawn.
  const asOf = data.reduce((last, r) => (r.date_arrete > last ? r.date_arrete : last), "") || null;
  return exportableChart(
    accessiblePlot(
      Plot.plot({
        width,
        height: 190 * Math.ceil(sectors.length / columns) + 40,
        marginLeft: 55,
        marginTop: 10,
        fx: {axis: null, padding: 0.08},
        fy: {axis: null, padding: 0.18},
        x: {type: "utc", label: null, ticks: 4},
        y: {label: "Taux d'impayés", tickFormat: percentTick, grid: true, zero: true},
        marks: [
          Plot.frame({stroke: "#ddd"}),
          Plot.lineY(data, {x, y: "taux_impayes", fx: col, fy: row, stroke: COLORS.bleu, strokeWidth: 1.5}),
          Plot.text(heads, {
            fx: col,
            fy: row,
            text: (d) => label.get(d.secteur),
            frameAnchor: "top-left",
            dx: 4,
            dy: 4,
            fontWeight: "bold",
            fontSize: 11,
            lineWidth: 22
          }),
          Plot.tip(
            data,
            Plot.pointerX({
              x,
              y: "taux_impayes",
              fx: col,
              fy: row,
              title: (d) => `${label.get(d.secteur)}\nau ${formatDate(d.date_arrete)} : ${formatPercent(d.taux_impayes)}`
            })
          )
        ]
      }),
      "Taux d'impayés de chaque secteur au dernier jour de chaque mois"
    ),
    {title, asOf, file, data: monthBySector(data, sectors)}
  );
}

/** The table behind the small multiples: one row per month end, one column per sector. */
function monthBySector(data, sectors) {
  const byDate = new Map();
  for (const r of data) {
    if (!byDate.has(r.date_arrete)) byDate.set(r.date_arrete, new Map());
    byDate.get(r.date_arrete).set(r.secteur, r.taux_impayes);
  }
  return {
    columns: [
      {label: "Fin de mois", value: ([date]) => formatDate(date)},
      ...sectors.map((s) => ({label: s.libelle_secteur, value: ([, rates]) => formatPercent(rates.get(s.code_secteur))}))
    ],
    rows: [...byDate.entries()].sort(([a], [b]) => a.localeCompare(b))
  };
}
