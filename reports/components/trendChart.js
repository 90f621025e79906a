// Monthly trends: one figure (TrendChart) or several on one scale (MultiTrendChart), with
// the yearly values marked and the energy-price period shaded. French axes and tooltips.
import * as Plot from "@observablehq/plot";
import {formatDate, formatPercent} from "./format.js";
import {percentTick, utcDate} from "./locale.js";
import {COLORS, ENERGY_PERIOD, SERIES} from "./palette.js";

function energyBand(band, rows) {
  if (!band || rows.length === 0) return [];
  const first = utcDate(rows[0].date_arrete);
  const last = utcDate(rows.at(-1).date_arrete);
  const x1 = utcDate(band.debut);
  const x2 = utcDate(band.fin);
  if (x2 < first || x1 > last) return [];
  const clipped = [{x1: x1 < first ? first : x1, x2: x2 > last ? last : x2}];
  return [
    Plot.rectX(clipped, {x1: "x1", x2: "x2", fill: "#d9d9d9", fillOpacity: 0.5}),
    Plot.text(clipped, {x: "x1", text: () => band.libelle, frameAnchor: "top", textAnchor: "start", dx: 4, dy: 4, fill: "#444", fontSize: 11})
  ];
}

/**
 * TrendChart(rows, {width, key, label, format, tick, yearly, ...})
 * rows: monthly rows ({date_arrete, [key]}), yearly: the year rows to mark (their value is labelled).
 */
export function TrendChart(rows, {width, key, label, format = formatPercent, tick = percentTick, yearly = [], band = ENERGY_PERIOD, height = 300, color = COLORS.bleu, zero = true} = {}) {
  const x = (d) => utcDate(d.date_arrete);
  return Plot.plot({
    width,
    height,
    marginLeft: 70,
    marginTop: 24,
    x: {type: "utc", label: null},
    y: {label, tickFormat: tick, grid: true, zero},
    marks: [
      ...energyBand(band, rows),
      Plot.lineY(rows, {x, y: key, stroke: color, strokeWidth: 2}),
      Plot.dot(yearly, {x, y: key, fill: color, stroke: "white", r: 4.5}),
      Plot.text(yearly, {x, y: key, text: (d) => `${d.annee} : ${format(d[key])}`, dy: -12, fontSize: 11, stroke: "white", strokeWidth: 3, fill: "#222"}),
      Plot.tip(rows, Plot.pointerX({x, y: key, title: (d) => `au ${formatDate(d.date_arrete)}\n${label} : ${format(d[key])}`}))
    ]
  });
}

/**
 * MultiTrendChart(rows, {width, series: [{key, label}], format, tick, ...})
 * Several figures sharing one y scale; each series has its own colour and dash.
 */
export function MultiTrendChart(rows, {width, series, format = formatPercent, tick = percentTick, yLabel = null, band = ENERGY_PERIOD, height = 300, zero = true} = {}) {
  const x = (d) => utcDate(d.date_arrete);
  const dashes = [null, "6,3", "2,3", "8,3,2,3", "1,2", "4,4", null];
  const long = series.flatMap((s) => rows.map((r) => ({date_arrete: r.date_arrete, serie: s.label, valeur: r[s.key]})));
  return Plot.plot({
    width,
    height,
    marginLeft: 70,
    marginTop: 24,
    x: {type: "utc", label: null},
    y: {label: yLabel, tickFormat: tick, grid: true, zero},
    color: {domain: series.map((s) => s.label), range: series.map((s, i) => s.color ?? SERIES[i]), legend: true},
    marks: [
      ...energyBand(band, rows),
      ...series.map((s, i) =>
        Plot.lineY(rows, {x, y: s.key, stroke: () => s.label, strokeWidth: 2, strokeDasharray: dashes[i % dashes.length] ?? undefined})
      ),
      Plot.tip(long, Plot.pointerX({x, y: "valeur", stroke: "serie", title: (d) => `au ${formatDate(d.date_arrete)}\n${d.serie} : ${format(d.valeur)}`}))
    ]
  });
}
