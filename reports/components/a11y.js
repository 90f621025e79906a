// Charts as assistive technologies meet them (RGAA / WCAG 2.1 AA, issue 14). Plot writes an
// aria-label on each mark's <g> ("line", "dot", "tip"…), an attribute ARIA does not allow on an
// element without a role; a screen reader would read those words and nothing useful. Each
// chart is instead one image (role="img") named by a sentence that says what it shows, whose
// values are in the page's text and tables; the marks carry no ARIA attribute.

/** The chart's SVG elements (Plot returns an <svg>, or a <figure> with a legend and an <svg>). */
const chartSvgs = (node) => (node.tagName?.toLowerCase() === "svg" ? [node] : [...node.querySelectorAll("svg")]);

/** accessiblePlot(node, label): the node Plot.plot returned, made one named image. */
export function accessiblePlot(node, label) {
  for (const svg of chartSvgs(node)) {
    for (const g of svg.querySelectorAll("[aria-label]:not([role])")) g.removeAttribute("aria-label");
    for (const g of svg.querySelectorAll("[aria-description]:not([role])")) g.removeAttribute("aria-description");
    svg.setAttribute("role", "img");
    if (label) svg.setAttribute("aria-label", label);
  }
  return node;
}

/**
 * accessibleTable(form, label): an Inputs.table reachable and sortable from the keyboard.
 * Inputs.table sorts on a click on a header and nothing else, and its scrolling box takes no
 * focus: from outside, each sortable header becomes a focusable control (Enter or Space sorts,
 * as a click does; aria-sort says the order), and the box a named, focusable region.
 */
export function accessibleTable(form, label) {
  form.tabIndex = 0;
  form.setAttribute("role", "region");
  form.setAttribute("aria-label", label);
  const headers = [...form.querySelectorAll("thead th")].filter((th) => th.onclick);
  const sayOrder = () => {
    for (const th of headers) {
      const mark = th.querySelector("span")?.textContent ?? "";
      if (mark === "▴") th.setAttribute("aria-sort", "ascending");
      else if (mark === "▾") th.setAttribute("aria-sort", "descending");
      else th.removeAttribute("aria-sort");
    }
  };
  for (const th of headers) {
    const name = th.textContent.trim();
    th.tabIndex = 0;
    th.title = `Trier par « ${name} » (cliquer de nouveau inverse l'ordre)`;
    th.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      th.click();
    });
    th.addEventListener("click", () => queueMicrotask(sayOrder));
  }
  sayOrder();
  return form;
}
