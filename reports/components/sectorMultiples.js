// Small multiples: the monthly taux d'impayés of each sector, on one shared scale.
import * as Plot from "@observablehq/plot";
import {accessiblePlot} from "./a11y.js";
import {exportableChart} from "./chartExport.js";
import {formatDate, formatPercent} from "./format.js";
import {percentTick, utcDate} from "./locale.js";
import {COLORS} from "./palette.js";

/** Each panel's height, the title's font size and line height, and the gap under a panel. */
const PANEL = 150;
const TITLE_FONT = 11;
const TITLE_LINE = 14;
const GAP = 16;
const MARGIN_LEFT = 55;
const MARGIN_RIGHT = 10;
/** Room for the y axis's label (« ↑ Taux d'impayés ») above the first row's titles. */
const AXIS_LABEL = 18;

/**
 * SectorMultiples(rows, sectors, {width, columns}): rows are monthly rows of every sector.
 * Each sector's name sits above its panel, never over its line: the names are wrapped to the
 * panel's width and every row of panels leaves room for the longest one. The y scale is rounded
 * up to a tick (nice) and starts a little below the panel's top, so that a peak never touches it.
 */
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
  // The names' lines: Plot wraps at lineWidth ems measured for regular type, bold is about 15 %
  // wider; a line holds about lineWidth / 0.6 characters.
  const panelWidth = ((width - MARGIN_LEFT - MARGIN_RIGHT) / columns) * (1 - 0.08);
  const lineWidth = Math.max((panelWidth / TITLE_FONT) * 0.85, 8);
  const lines = Math.max(1, ...sectors.map((s) => Math.ceil((s.libelle_secteur.length * 0.6) / lineWidth)));
  const titleHeight = lines * TITLE_LINE + 4;
  // One band per row of panels: the panel, then the gap and the next row's names.
  const rowCount = Math.max(1, Math.ceil(sectors.length / columns));
  const step = PANEL + GAP + titleHeight;
  const inner = (GAP + titleHeight) / step;
  // The as-of date of the image: the last month end of the rows drawn.
  const asOf = data.reduce((last, r) => (r.date_arrete > last ? r.date_arrete : last), "") || null;
  return exportableChart(
    accessiblePlot(
      Plot.plot({
        width,
        height: AXIS_LABEL + titleHeight + rowCount * step - (GAP + titleHeight) + 30,
        marginLeft: MARGIN_LEFT,
        marginRight: MARGIN_RIGHT,
        marginTop: AXIS_LABEL + titleHeight,
        marginBottom: 30,
        fx: {axis: null, padding: 0.08},
        fy: {axis: null, paddingInner: inner, paddingOuter: 0},
        x: {type: "utc", label: null, ticks: 4},
        y: {label: "Taux d'impayés", tickFormat: percentTick, grid: true, zero: true, nice: true, insetTop: 6},
        marks: [
          Plot.frame({stroke: "#ddd"}),
          Plot.lineY(data, {x, y: "taux_impayes", fx: col, fy: row, stroke: COLORS.bleu, strokeWidth: 1.5}),
          Plot.text(heads, {
            fx: col,
            fy: row,
            text: (d) => label.get(d.secteur),
            frameAnchor: "top-left",
            lineAnchor: "bottom",
            dy: -4,
            fontWeight: "bold",
            fontSize: TITLE_FONT,
            lineWidth
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
