// Charts for a publication (issue 14, item 3): under each chart, « PNG » and « SVG » buttons
// that download the chart as one image with, drawn in it, its title, its as-of date
// (« arrêté au 31/12/2024 »), its legend and a source line (« Source : Observatoire des
// impayés, données du 02/01/2025 »). Made in the browser from the chart on screen, no
// request: the SVG is the chart's own, framed; the PNG is that SVG drawn on a canvas at twice
// its size (print quality). Every chart component returns exportableChart(…): one place.
import {html} from "htl";
import {formatDate} from "./format.js";
import {withCsv} from "./tableCsv.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const FONT = 'system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif';
const PAD = 16;
/** The PNG is drawn at twice the chart's size: sharp in print and on a high-density screen. */
export const PNG_SCALE = 2;

/** A French title as a file name: « Taux d'impayés » -> taux-impayes (no accent, no elided article). */
export function fileStem(text, maxLength = 60) {
  const stem = String(text)
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/\b[dlj][’']/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (stem.length <= maxLength) return stem;
  const cut = stem.slice(0, maxLength);
  return cut.slice(0, cut.lastIndexOf("-") > 20 ? cut.lastIndexOf("-") : maxLength).replace(/-+$/, "");
}

/** The date the site's data run to, from the footer every page has (« Données arrêtées au … »). */
function siteDataDate() {
  return document.querySelector('[data-pied="date-arrete"]')?.textContent.trim() || null;
}

/** Words into lines of at most `chars` characters (a title wider than the chart wraps). */
function wrap(text, chars) {
  const lines = [];
  let line = "";
  for (const word of String(text).split(/\s+/)) {
    if (line && (line + " " + word).length > chars) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The chart's main <svg> (Plot returns an <svg>, or a <figure> holding a legend and the <svg>). */
function mainSvg(chart) {
  if (chart.tagName?.toLowerCase() === "svg") return chart;
  return (
    chart.querySelector(":scope > svg") ??
    [...chart.querySelectorAll("svg")].sort(
      (a, b) => +b.getAttribute("width") * +b.getAttribute("height") - +a.getAttribute("width") * +a.getAttribute("height")
    )[0]
  );
}

/** The colour legend Plot drew in HTML (swatches), as [{label, color}], read from the chart's scale. */
function legendOf(chart) {
  if (chart.tagName?.toLowerCase() === "svg" || typeof chart.scale !== "function") return [];
  const color = chart.scale("color");
  if (!color || !Array.isArray(color.domain) || !Array.isArray(color.range) || color.type !== "ordinal") return [];
  return color.domain.map((label, i) => ({label: String(label), color: color.range[i % color.range.length]}));
}

/**
 * chartImage(chart, {title, asOf}): the standalone SVG element of a publication: white
 * background, title, « arrêté au … », legend, the chart, the source line.
 */
export function chartImage(chart, {title, asOf}) {
  const svg = mainSvg(chart);
  const width = Math.round(+svg.getAttribute("width") || svg.getBoundingClientRect().width || 640);
  const height = Math.round(+svg.getAttribute("height") || svg.getBoundingClientRect().height || 400);
  const root = el("svg", {xmlns: SVG_NS, "font-family": FONT});
  const parts = [];
  let y = PAD;
  for (const line of wrap(title, Math.max(20, Math.floor((width - 2 * PAD) / 9.5)))) {
    y += 20;
    parts.push(el("text", {x: PAD, y, "font-size": 17, "font-weight": 700, fill: "#1b1e23"}, line));
  }
  if (asOf) {
    y += 18;
    parts.push(el("text", {x: PAD, y, "font-size": 13, fill: "#3b3e43"}, `arrêté au ${formatDate(asOf)}`));
  }
  // The legend: one swatch and label per series, on as many lines as the width needs.
  const legend = legendOf(chart);
  if (legend.length) {
    y += 10;
    let x = PAD;
    let lineY = y + 12;
    for (const item of legend) {
      const w = 18 + item.label.length * 6.6 + 16;
      if (x > PAD && x + w > width - PAD) {
        x = PAD;
        lineY += 18;
      }
      parts.push(el("rect", {x, y: lineY - 10, width: 12, height: 12, fill: item.color}));
      parts.push(el("text", {x: x + 18, y: lineY, "font-size": 12, fill: "#1b1e23"}, item.label));
      x += w;
    }
    y = lineY;
  }
  y += 10;
  const copy = svg.cloneNode(true);
  copy.setAttribute("x", 0);
  copy.setAttribute("y", y);
  copy.setAttribute("width", width);
  copy.setAttribute("height", height);
  copy.style.removeProperty("max-width");
  // What the pointer showed on screen (a tip) is not part of the figure.
  for (const tip of copy.querySelectorAll('[aria-label="tip"]')) tip.remove();
  y += height + 8;
  const dataDate = siteDataDate() ?? (asOf ? formatDate(asOf) : null);
  for (const line of wrap(
    `Source : Observatoire des impayés${dataDate ? `, données du ${dataDate}` : ""}.`,
    Math.max(30, Math.floor((width - 2 * PAD) / 6.2))
  )) {
    y += 15;
    parts.push(el("text", {x: PAD, y, "font-size": 11, fill: "#3b3e43"}, line));
  }
  const total = Math.ceil(y + PAD);
  root.setAttribute("width", width);
  root.setAttribute("height", total);
  root.setAttribute("viewBox", `0 0 ${width} ${total}`);
  root.append(el("rect", {x: 0, y: 0, width, height: total, fill: "#ffffff"}), ...parts, copy);
  return root;
}

/** The SVG file's text (an XML document a drawing program or a browser opens). */
export function chartSvgText(chart, options) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(chartImage(chart, options))}\n`;
}

/** The PNG file: the SVG drawn on a canvas at PNG_SCALE times its size, on white. */
export async function chartPngBlob(chart, options) {
  const image = chartImage(chart, options);
  const width = +image.getAttribute("width");
  const height = +image.getAttribute("height");
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(image)], {type: "image/svg+xml"}));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = width * PNG_SCALE;
    canvas.height = height * PNG_SCALE;
    const context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("image PNG impossible à produire"))), "image/png")
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Hand a file made in the browser to the browser's download. */
function save(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = html`<a href=${url} download=${filename} hidden></a>`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * exportableChart(chart, {title, asOf, file}): the chart (what Plot.plot returned, made
 * accessible) with its « PNG » and « SVG » buttons under it.
 * - title: what the chart shows, in French (drawn at the top of the image)
 * - asOf: the ISO date the chart's data are as of (« arrêté au … »; its year ends the file name)
 * - file: the file name's stem (default: the title's), e.g. taux-impayes -> taux-impayes-2024.png
 */
/**
 * The chart's numbers as a table a screen reader reads and a person can check (RGAA: a chart's
 * text alternative), folded under « Voir les données » and printed with the chart.
 * `data`: {columns: [{label, value: (row) => text}], rows}.
 */
export function chartDataTable(title, {columns, rows}, {filename = `${fileStem(title)}.csv`} = {}) {
  const table = html`<table><caption>${title}</caption>
      <thead><tr>${columns.map((c) => html`<th scope="col">${c.label}</th>`)}</tr></thead>
      <tbody>${rows.map((r) => html`<tr>${columns.map((c, i) => (i === 0 ? html`<th scope="row">${c.value(r)}</th>` : html`<td>${c.value(r)}</td>`))}</tr>`)}</tbody>
    </table>`;
  // why no-print: on paper the chart and the page's own tables carry the numbers
  return html`<details class="graphique-donnees no-print"><summary>Voir les données du graphique</summary>
    ${withCsv(table, {filename, label: "Télécharger les données (CSV pour Excel)"})}</details>`;
}

export function exportableChart(chart, {title, asOf = null, file, data = null} = {}) {
  const stem = `${fileStem(file ?? title)}${asOf ? `-${String(asOf).slice(0, 4)}` : ""}`;
  const options = {title, asOf};
  const button = (format, make) => {
    const b = html`<button type="button" class="download-button graphique-bouton" aria-label=${`Télécharger le graphique « ${title} » en ${format}`} data-export=${format.toLowerCase()}>${format}</button>`;
    b.onclick = async () => {
      b.disabled = true;
      try {
        save(await make(), `${stem}.${format.toLowerCase()}`);
      } finally {
        b.disabled = false;
      }
    };
    return b;
  };
  return html`<div class="graphique-exportable">${chart}${data ? chartDataTable(title, data, {filename: `${stem}-donnees.csv`}) : ""}<div class="graphique-export no-print"><span>Télécharger le graphique :</span>${button("PNG", () => chartPngBlob(chart, options))}${button("SVG", () => new Blob([chartSvgText(chart, options)], {type: "image/svg+xml"}))}</div></div>`;
}
