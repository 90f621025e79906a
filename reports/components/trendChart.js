// Monthly trends: one figure (TrendChart) or several on one scale (MultiTrendChart), with
// the yearly values marked and the energy-price period shaded. French axes and tooltips.
//
// Honest edges (etl/models/metrics/FIGURES.md, "Complete windows"): a month whose twelve-month window starts
// before the data (fenetre_complete false) is not comparable with the others. Those months are
// shaded and labelled « fenêtre incomplète : moins de douze mois de données », and their
// values are drawn apart (grey and dashed) from the comparable trend, never as part of it.
// Annotations sit in the top margin, above the frame, so that no value ever crosses them.
import {utcYear, utcYears} from "d3-time";
import * as Plot from "@observablehq/plot";
import {accessiblePlot} from "./a11y.js";
import {exportableChart} from "./chartExport.js";
import {formatDate, formatPercent} from "./format.js";
import {percentTick, utcDate} from "./locale.js";
import {COLORS, ENERGY_PERIOD, INCOMPLETE_WINDOW, SERIES} from "./palette.js";

/** Rows without the flag (other monthly tables) count as complete: they have no window. */
export const isIncomplete = (r) => r.fenetre_complete === false;

/** Height of one annotation line in the top margin, and its font size. */
const ANNOTATION_LINE = 14;
const ANNOTATION_FONT = 11;
const MARGIN_LEFT = 70;
/** Room right of the frame for half the last year-end label (« fin 2024 » on the last month). */
const MARGIN_RIGHT = 30;
/** Room between the highest value and the frame's top (the notes sit above the frame). */
const INSET_TOP = 8;

/** The periods to shade: [{x1, x2, libelle, fill}], clipped to the rows' dates. */
function periods(rows, band) {
  if (rows.length === 0) return [];
  const first = utcDate(rows[0].date_arrete);
  const last = utcDate(rows.at(-1).date_arrete);
  const out = [];
  const incomplete = rows.filter(isIncomplete);
  if (incomplete.length > 0) {
    out.push({x1: first, x2: utcDate(incomplete.at(-1).date_arrete), libelle: INCOMPLETE_WINDOW.libelle, fill: INCOMPLETE_WINDOW.fond});
  }
  if (band) {
    const x1 = utcDate(band.debut);
    const x2 = utcDate(band.fin);
    if (!(x2 < first || x1 > last))
      out.push({x1: x1 < first ? first : x1, x2: x2 > last ? last : x2, libelle: band.libelle, fill: "#d9d9d9"});
  }
  return out;
}

/**
 * Where each annotation goes: one block of lines per period, stacked in the top margin above
 * the frame (so no value can cross it), each wrapped to the room left of it on the right.
 */
function layoutAnnotations(list, rows, width) {
  if (list.length === 0) return {notes: [], height: 0};
  const first = utcDate(rows[0].date_arrete).getTime();
  const span = Math.max(utcDate(rows.at(-1).date_arrete).getTime() - first, 1);
  const frame = Math.max(width - MARGIN_LEFT - MARGIN_RIGHT, 80);
  let below = 0;
  const notes = [...list].reverse().map((p) => {
    const room = Math.max(frame * (1 - (p.x1.getTime() - first) / span), 120);
    const lineWidth = room / ANNOTATION_FONT; // in ems
    const lines = Math.ceil((p.libelle.length * 0.58) / lineWidth); // about 0.58 em a character
    const note = {...p, lineWidth, dy: -6 - below};
    below += lines * ANNOTATION_LINE;
    return note;
  });
  return {notes, height: below};
}

function periodMarks(list, notes) {
  if (list.length === 0) return [];
  return [
    Plot.rectX(list, {x1: "x1", x2: "x2", fill: "fill", fillOpacity: 0.6}),
    ...notes.map((n) =>
      Plot.text([n], {
        x: "x1",
        text: "libelle",
        frameAnchor: "top",
        textAnchor: "start",
        lineAnchor: "bottom",
        dy: n.dy,
        lineWidth: n.lineWidth,
        fill: "#333",
        fontSize: ANNOTATION_FONT
      })
    )
  ];
}

/**
 * Year-end ticks (31/12), labelled « fin 2024 »: a year's value (its D is 31/12) sits on its own
 * tick, and a month between two ticks reads as the year of the tick on its right.
 */
const yearEndTick = (d) => `fin ${d.getUTCFullYear()}`;

export function yearEndTicks(rows, width) {
  if (rows.length === 0) return undefined;
  const first = utcDate(rows[0].date_arrete);
  const last = utcDate(rows.at(-1).date_arrete);
  const ends = utcYears(utcYear.floor(first), utcYear.offset(last, 1)).map((d) => new Date(Date.UTC(d.getUTCFullYear(), 11, 31)));
  const inside = ends.filter((d) => d >= first && d <= last);
  // One year in `step` where the frame is narrow, so that every label has 64 px to itself (a
  // « fin 2024 » is about 45 px wide): every other year on a phone, one in four on a small card.
  const frame = Math.max(width - MARGIN_LEFT - MARGIN_RIGHT, 80);
  const step = Math.max(1, Math.ceil((64 * Math.max(inside.length, 1)) / frame));
  return inside.filter((_, i) => (inside.length - 1 - i) % step === 0);
}

/** The comparable months, and the incomplete ones joined to the first comparable month. */
function splitByWindow(rows) {
  const complete = rows.filter((r) => !isIncomplete(r));
  const incomplete = rows.filter(isIncomplete);
  const bridge = incomplete.length > 0 && complete.length > 0 ? [...incomplete, complete[0]] : incomplete;
  return {complete, incomplete: bridge};
}

/**
 * What both trend charts share: the frame (width, room above it for the period notes, one tick
 * per year end), the shaded periods' marks, and the months split by window.
 */
function trendFrame(rows, {width, height, band}) {
  const shaded = periods(rows, band);
  const {notes, height: notesHeight} = layoutAnnotations(shaded, rows, width);
  const ticks = yearEndTicks(rows, width);
  return {
    ticks,
    ...splitByWindow(rows),
    periodMarks: periodMarks(shaded, notes),
    frame: {
      width,
      height: height + notesHeight,
      marginLeft: MARGIN_LEFT,
      marginRight: MARGIN_RIGHT,
      marginTop: 24 + notesHeight,
      x: {type: "utc", label: null, ticks, tickFormat: ticks ? yearEndTick : undefined}
    }
  };
}

/**
 * TrendChart(rows, {width, key, label, format, tick, yearly, ...})
 * rows: monthly rows ({date_arrete, fenetre_complete, [key]}), yearly: the year rows to mark
 * (31/12; their value is labelled, and a year over an incomplete window is marked as such).
 */
export function TrendChart(
  rows,
  {
    width,
    key,
    label,
    format = formatPercent,
    tick = percentTick,
    yearly = [],
    band = ENERGY_PERIOD,
    height = 300,
    color = COLORS.bleu,
    zero = true,
    title = `${label} au dernier jour de chaque mois`,
    file = label
  } = {}
) {
  const x = (d) => utcDate(d.date_arrete);
  const {ticks, complete, incomplete, periodMarks: shading, frame} = trendFrame(rows, {width, height, band});
  // A year's value is written on its own tick only (every other year on a narrow screen), so
  // that no two labels collide; every year keeps its dot, and its value in the tooltip.
  const onTick = new Set((ticks ?? []).map((d) => d.getTime()));
  const labelled = (r) => onTick.has(utcDate(r.date_arrete).getTime());
  const yearlyComplete = yearly.filter((r) => !isIncomplete(r));
  const yearlyIncomplete = yearly.filter(isIncomplete);
  return exportableChart(
    accessiblePlot(
      Plot.plot({
        ...frame,
        // nice and insetTop: the scale ends on a tick, a little below the frame's top, so a peak never touches the top (and the notes above it)
        y: {label, tickFormat: tick, grid: true, zero, nice: true, insetTop: INSET_TOP},
        marks: [
          ...shading,
          Plot.lineY(incomplete, {x, y: key, stroke: INCOMPLETE_WINDOW.trait, strokeWidth: 1.5, strokeDasharray: "4,3"}),
          Plot.lineY(complete, {x, y: key, stroke: color, strokeWidth: 2}),
          Plot.dot(yearlyComplete, {x, y: key, fill: color, stroke: "white", r: 4.5}),
          Plot.dot(yearlyIncomplete, {x, y: key, fill: "white", stroke: INCOMPLETE_WINDOW.trait, strokeWidth: 1.5, r: 4}),
          Plot.text(yearlyComplete.filter(labelled), {
            x,
            y: key,
            text: (d) => format(d[key]),
            dy: -12,
            fontSize: 11,
            stroke: "white",
            strokeWidth: 3,
            fill: "#222"
          }),
          Plot.text(yearlyIncomplete.filter(labelled), {
            x,
            y: key,
            text: (d) => `${format(d[key])} (incomplète)`,
            dy: 14,
            fontSize: 11,
            stroke: "white",
            strokeWidth: 3,
            fill: "#444"
          }),
          Plot.tip(
            rows,
            Plot.pointerX({
              x,
              y: key,
              title: (d) =>
                `au ${formatDate(d.date_arrete)}\n${label} : ${format(d[key])}${isIncomplete(d) ? `\n${INCOMPLETE_WINDOW.libelle}` : ""}`
            })
          )
        ]
      }),
      `${label} au dernier jour de chaque mois`
    ),
    {title, asOf: rows.at(-1)?.date_arrete, file, data: monthlyTable(rows, [{label, value: (r) => format(r[key])}])}
  );
}

/**
 * MultiTrendChart(rows, {width, series: [{key, label}], format, tick, ...})
 * Several figures sharing one y scale; each series has its own colour and dash. Months over an
 * incomplete window are shaded and drawn faint, apart from the comparable trend.
 */
export function MultiTrendChart(
  rows,
  {
    width,
    series,
    format = formatPercent,
    tick = percentTick,
    yLabel = null,
    band = ENERGY_PERIOD,
    height = 300,
    zero = true,
    title = `${series.map((s) => s.label).join(", ")} au dernier jour de chaque mois`,
    file = series.map((s) => s.label).join(" ")
  } = {}
) {
  const x = (d) => utcDate(d.date_arrete);
  const dashes = [null, "6,3", "2,3", "8,3,2,3", "1,2", "4,4", null];
  const {complete, incomplete, periodMarks: shading, frame} = trendFrame(rows, {width, height, band});
  const long = series.flatMap((s) =>
    rows.map((r) => ({date_arrete: r.date_arrete, serie: s.label, valeur: r[s.key], incomplete: isIncomplete(r)}))
  );
  return exportableChart(
    accessiblePlot(
      Plot.plot({
        ...frame,
        y: {label: yLabel, tickFormat: tick, grid: true, zero, nice: true, insetTop: INSET_TOP},
        color: {domain: series.map((s) => s.label), range: series.map((s, i) => s.color ?? SERIES[i]), legend: true},
        marks: [
          ...shading,
          ...series.flatMap((s, i) => [
            Plot.lineY(incomplete, {x, y: s.key, stroke: () => s.label, strokeWidth: 1.5, strokeOpacity: 0.45, strokeDasharray: "4,3"}),
            Plot.lineY(complete, {
              x,
              y: s.key,
              stroke: () => s.label,
              strokeWidth: 2,
              strokeDasharray: dashes[i % dashes.length] ?? undefined
            })
          ]),
          Plot.tip(
            long,
            Plot.pointerX({
              x,
              y: "valeur",
              stroke: "serie",
              title: (d) =>
                `au ${formatDate(d.date_arrete)}\n${d.serie} : ${format(d.valeur)}${d.incomplete ? `\n${INCOMPLETE_WINDOW.libelle}` : ""}`
            })
          )
        ]
      }),
      `${series.map((s) => s.label).join(", ")} au dernier jour de chaque mois`
    ),
    {
      title,
      asOf: rows.at(-1)?.date_arrete,
      file,
      data: monthlyTable(
        rows,
        series.map((s) => ({label: s.label, value: (r) => format(r[s.key])}))
      )
    }
  );
}

/** The numbers behind a trend chart: one row per month end, a month over an incomplete window said so. */
function monthlyTable(rows, columns) {
  return {
    columns: [
      {label: "Fin de mois", value: (r) => formatDate(r.date_arrete)},
      ...columns,
      {label: "Fenêtre de douze mois", value: (r) => (isIncomplete(r) ? "incomplète" : "complète")}
    ],
    rows
  };
}
