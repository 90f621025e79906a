// French (fr-FR) presentation of figures: 12 449, 3,47 %, 1 234,56 €, 31/12/2024.
// A port of src/figures/format.ts (test/site.loaders.test.ts checks they agree): the pages
// cannot import from src/. Presentation only: every value arrives computed by the warehouse.

const integer = new Intl.NumberFormat("fr-FR", {maximumFractionDigits: 0});
const euros = new Intl.NumberFormat("fr-FR", {style: "currency", currency: "EUR", minimumFractionDigits: 2});
const eurosRounded = new Intl.NumberFormat("fr-FR", {style: "currency", currency: "EUR", maximumFractionDigits: 0});
const percent = new Intl.NumberFormat("fr-FR", {style: "percent", minimumFractionDigits: 2, maximumFractionDigits: 2});
const days = new Intl.NumberFormat("fr-FR", {maximumFractionDigits: 1});
const decimal = new Intl.NumberFormat("fr-FR", {maximumFractionDigits: 1});
const points = new Intl.NumberFormat("fr-FR", {minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: "exceptZero"});
const signedInteger = new Intl.NumberFormat("fr-FR", {maximumFractionDigits: 0, signDisplay: "exceptZero"});
const monthLong = new Intl.DateTimeFormat("fr-FR", {month: "long", year: "numeric", timeZone: "UTC"});
const parisDate = new Intl.DateTimeFormat("fr-FR", {timeZone: "Europe/Paris"});
const parisTime = new Intl.DateTimeFormat("fr-FR", {timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit"});

/** A figure's value in its unit ("euros" | "taux" | "nombre" | "jours"); null shows as —. */
export function formatValue(value, unit) {
  if (value === null || value === undefined) return "—";
  switch (unit) {
    case "euros":
      return euros.format(value);
    case "taux":
      return percent.format(value);
    case "jours":
      return `${days.format(value)} j`;
    case "nombre":
      return integer.format(value);
    default:
      throw new Error(`unité inconnue : ${unit}`);
  }
}

/** Euros without cents, for chart axes and tooltips of large amounts. */
export const formatEurosRounded = (v) => (v == null ? "—" : eurosRounded.format(v));
export const formatInteger = (v) => (v == null ? "—" : integer.format(v));
export const formatDecimal = (v) => (v == null ? "—" : decimal.format(v));
export const formatPercent = (v) => (v == null ? "—" : percent.format(v));

/**
 * A change over one year as the warehouse computed it (figure_changes_per_date_and_sector):
 * rates in percentage points « +0,35 pt », amounts « −1 500,00 € », counts « +12 ».
 */
export function formatVariation(variation, unit) {
  if (variation == null) return "—";
  if (unit === "taux") return `${points.format(variation * 100)} pt`;
  if (unit === "euros") return `${variation > 0 ? "+" : ""}${euros.format(variation)}`;
  return signedInteger.format(variation);
}

/** ISO yyyy-mm-dd -> dd/mm/yyyy. */
export function formatDate(iso) {
  if (!iso) return "—";
  const [y, m, d] = String(iso).slice(0, 10).split("-");
  return `${d}/${m}/${y}`;
}

/** An instant (ISO, UTC) as Paris time: « 27/11/2026 à 16:32 ». */
export function formatDateTime(isoInstant) {
  if (!isoInstant) return "—";
  const d = new Date(isoInstant);
  return `${parisDate.format(d)} à ${parisTime.format(d)}`;
}

/** A month (ISO yyyy-mm-01) as « janvier 2024 ». */
export function formatMonth(iso) {
  if (!iso) return "—";
  return monthLong.format(new Date(`${String(iso).slice(0, 10)}T00:00:00Z`));
}

/** A figure as a copy-ready French phrase: « 12 449 relances », « 3,47 % de taux d'impayés ». */
export function figurePhrase(value, definition) {
  if (value === null || value === undefined) return `${definition.libelle} : non calculable`;
  // "jours" is in the short label already: « 19 jours médians jusqu'à l'assignation ».
  const number = definition.unite === "jours" ? days.format(value) : formatValue(value, definition.unite);
  // French puts 0 and 1 in the singular: « 1 relance », « 12 449 relances ».
  const label = Math.abs(value) < 2 && definition.libelle_court_singulier ? definition.libelle_court_singulier : definition.libelle_court;
  return `${number} ${label}`;
}

/** A number as French Excel reads it: no grouping, decimal comma. */
export function excelNumber(value, unit) {
  if (value === null || value === undefined) return "";
  if (unit === "taux") return `${(value * 100).toFixed(2).replace(".", ",")} %`;
  if (unit === "euros") return value.toFixed(2).replace(".", ",");
  return String(value).replace(".", ",");
}
