// The litigation funnel: the year's flows in procedural order, the cohort of the year's
// first payment orders, and the households at each stage at the as-of date.
import * as Plot from "@observablehq/plot";
import {accessiblePlot} from "./a11y.js";
import {exportableChart} from "./chartExport.js";
import {formatInteger} from "./format.js";
import {integerTick} from "./locale.js";
import {COLORS} from "./palette.js";

function horizontalBars(
  steps,
  {width = 640, color, label, text = (d) => formatInteger(d.valeur), title, exportTitle = label, asOf = null, file}
) {
  // Labels take at most 40 % of the width (longer ones wrap); the bars always keep room.
  const marginRight = 90;
  const marginLeft = Math.max(80, Math.min(width * 0.4, Math.max(...steps.map((d) => d.libelle.length)) * 6.2 + 14));
  return exportableChart(
    accessiblePlot(
      Plot.plot({
        width: Math.max(width, marginLeft + marginRight + 120),
        height: 40 * steps.length + 40,
        marginLeft,
        marginRight,
        x: {label, tickFormat: integerTick, grid: true},
        y: {label: null, domain: steps.map((d) => d.libelle), axis: null},
        marks: [
          Plot.axisY({label: null, tickSize: 0, lineWidth: (marginLeft - 14) / 11, fontSize: 11}),
          Plot.barX(steps, {x: "valeur", y: "libelle", fill: color, title}),
          Plot.text(steps, {x: "valeur", y: "libelle", text, textAnchor: "start", dx: 5, fill: "#222"}),
          Plot.ruleX([0])
        ]
      }),
      label
    ),
    {
      title: exportTitle,
      asOf,
      file,
      data: {
        columns: [
          {label: "Étape", value: (d) => d.libelle},
          {label, value: (d) => text(d, steps.indexOf(d))}
        ],
        rows: steps
      }
    }
  );
}

/** FlowsChart(steps, {width}): steps [{cle, libelle, valeur, definition}] in procedural order. */
export function FlowsChart(steps, {width, title, asOf, file} = {}) {
  return horizontalBars(steps, {
    width,
    exportTitle: title ?? `Nombre d'actions dans l'année : ${steps.map((d) => d.libelle.toLowerCase()).join(", ")}`,
    asOf,
    file: file ?? `actions-${steps.map((d) => d.cle).join("-")}`,
    color: COLORS.bleu,
    label: "Nombre d'actions dans l'année",
    title: (d) => `${d.libelle} : ${formatInteger(d.valeur)}\n${d.definition}`
  });
}

/** CohortChart(steps, {width}): the cohort's size first, then how many reached each step. */
export function CohortChart(
  steps,
  {width, title = "Cohorte des premiers commandements de payer : baux à chaque étape", asOf, file = "cohorte-commandements"} = {}
) {
  const size = steps[0]?.valeur ?? 0;
  return horizontalBars(steps, {
    width,
    exportTitle: title,
    asOf,
    file,
    color: COLORS.orange,
    label: "Baux de la cohorte",
    text: (d, i) => (i === 0 ? formatInteger(d.valeur) : `${formatInteger(d.valeur)} sur ${formatInteger(size)}`),
    title: (d) => `${d.libelle} : ${formatInteger(d.valeur)}\n${d.definition}`
  });
}

/** StagesChart(stages, {width}): households at each stage [{libelle, valeur}] at the as-of date. */
export function StagesChart(
  stages,
  {width, title = "Ménages à chaque étape de la procédure contentieuse", asOf, file = "menages-par-etape-contentieuse"} = {}
) {
  return horizontalBars(stages, {
    width,
    exportTitle: title,
    asOf,
    file,
    color: COLORS.vert,
    label: "Ménages à cette étape",
    title: (d) => `${d.libelle} : ${formatInteger(d.valeur)} ménage(s)`
  });
}

/**
 * The funnel's yearly flows in procedural order (keys of figures_per_year_and_sector), from
 * definitions.json's `flux` (etl/seeds/funnel_flows.csv): all of them, or those of one scale,
 * "amiable" or "contentieux" (drawn apart: relances outnumber evictions a thousandfold).
 */
export function flowKeys(definitions, echelle = null) {
  return definitions.flux.filter((f) => echelle === null || f.echelle === echelle).map((f) => f.cle);
}

/** Steps for FlowsChart from a figures record; `defs` maps keys to definitions. */
export function flowSteps(record, defs, keys) {
  return keys.map((cle) => ({cle, libelle: defs.get(cle).libelle, valeur: record?.[cle] ?? 0, definition: defs.get(cle).definition}));
}

/**
 * Steps for CohortChart: the cohort's counts (groupe cohorte_commandements of definitions.json,
 * in its order: the cohort's size first; the median delay, in days, is not a step).
 */
export function cohortSteps(record, cohortDefs) {
  return cohortDefs
    .filter((d) => d.unite === "nombre")
    .map((d) => ({
      cle: d.cle,
      libelle: d.libelle.replace(/^Cohorte : /, ""),
      valeur: record?.cohorte_commandements?.[d.cle] ?? 0,
      definition: d.definition
    }));
}

/** Stages for StagesChart: rows of etapes-contentieux.json for one year and scope, labelled. */
export function stageRows(stages, labels, annee, secteur) {
  const label = new Map(labels.map((s) => [s.etape, s.libelle]));
  return stages
    .filter((r) => r.annee === annee && r.secteur === (secteur ?? null))
    .map((r) => ({etape: r.etape, libelle: label.get(r.etape) ?? r.etape, valeur: r.menages}));
}
