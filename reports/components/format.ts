// French (fr-FR) presentation of figures: 12 449, 3,47 %, 1 234,56 €, 31/12/2024.
// The one copy, for the pages (imported as "./format.js": Framework compiles this TypeScript)
// and for the server, the CLI and the API (src/ imports it by its path). Presentation only:
// every value arrives computed by the warehouse. Nothing here may import from src/, which
// the site cannot reach.

/** The unit of a figure (src/figures/definitions.ts). */
export type FigureUnit = "euros" | "taux" | "nombre" | "jours";

/** What a copy-ready phrase needs of a figure's definition. */
export interface ShortLabels {
  libelle: string;
  /** Short label for a sentence: "12 449 relances". */
  libelle_court: string;
  /** The same in the singular, for 0 and 1 as French writes them: "1 relance". */
  libelle_court_singulier?: string;
  unite: FigureUnit;
}

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
const parisDay = new Intl.DateTimeFormat("en-GB", {timeZone: "Europe/Paris", year: "numeric", month: "2-digit", day: "2-digit"});

type Maybe<T> = T | null | undefined;

/** A figure's value in its unit; null shows as —. */
export function formatValue(value: Maybe<number>, unit: FigureUnit): string {
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
      throw new Error(`unité inconnue : ${String(unit)}`);
  }
}

/** Euros without cents, for chart axes and tooltips of large amounts. */
export const formatEurosRounded = (v: Maybe<number>): string => (v == null ? "—" : eurosRounded.format(v));
export const formatInteger = (v: Maybe<number>): string => (v == null ? "—" : integer.format(v));
export const formatDecimal = (v: Maybe<number>): string => (v == null ? "—" : decimal.format(v));
export const formatPercent = (v: Maybe<number>): string => (v == null ? "—" : percent.format(v));

/**
 * A change over one year as the warehouse computed it (figure_changes_per_date_and_sector):
 * rates in percentage points « +0,35 pt », amounts « −1 500,00 € », counts « +12 ».
 */
export function formatVariation(variation: Maybe<number>, unit: FigureUnit): string {
  if (variation == null) return "—";
  if (unit === "taux") return `${points.format(variation * 100)} pt`;
  if (unit === "euros") return `${variation > 0 ? "+" : ""}${euros.format(variation)}`;
  return signedInteger.format(variation);
}

/** ISO yyyy-mm-dd (or an ISO instant, its date part) -> dd/mm/yyyy; nothing shows as —. */
export function formatDate(iso: Maybe<string>): string {
  if (!iso) return "—";
  const [y, m, d] = String(iso).slice(0, 10).split("-");
  return `${d}/${m}/${y}`;
}

/** An instant (ISO, UTC) as its Paris date: « 15/03/2025 ». */
export const formatParisDay = (isoInstant: Maybe<string>): string => (isoInstant ? parisDate.format(new Date(isoInstant)) : "—");

/** An instant (ISO, UTC) as Paris time: « 27/11/2026 à 16:32 », whatever the machine's zone. */
export function formatDateTime(isoInstant: Maybe<string>): string {
  if (!isoInstant) return "—";
  const d = new Date(isoInstant);
  return `${parisDate.format(d)} à ${parisTime.format(d)}`;
}

/** The day of an instant in Paris, as ISO yyyy-mm-dd (today by default): what a date field holds. */
export function isoDayInParis(now: Date = new Date()): string {
  // from the parts, not a locale's layout (en-CA's and sv-SE's have changed between ICU versions)
  const part = (type: string) => parisDay.formatToParts(now).find((p) => p.type === type)!.value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** A month (ISO yyyy-mm-01) as « janvier 2024 ». */
export function formatMonth(iso: Maybe<string>): string {
  if (!iso) return "—";
  return monthLong.format(new Date(`${String(iso).slice(0, 10)}T00:00:00Z`));
}

/** The short label that goes with a value: singular for 0 and 1, as French writes them. */
export function shortLabelFor(value: number | null, definition: ShortLabels): string {
  return value !== null && Math.abs(value) < 2 && definition.libelle_court_singulier
    ? definition.libelle_court_singulier
    : definition.libelle_court;
}

/** A figure as a copy-ready French phrase: « 12 449 relances », « 3,47 % de taux d'impayés ». */
export function figurePhrase(value: Maybe<number>, definition: ShortLabels): string {
  if (value === null || value === undefined) return `${definition.libelle} : non calculable`;
  // "jours" is in the short label already: « 19 jours médians jusqu'à l'assignation ».
  const number = definition.unite === "jours" ? days.format(value) : formatValue(value, definition.unite);
  return `${number} ${shortLabelFor(value, definition)}`;
}

/** A number as French Excel reads it: no grouping, decimal comma; nothing is an empty cell. */
export function excelNumber(value: Maybe<number>, unit: FigureUnit): string {
  if (value === null || value === undefined) return "";
  if (unit === "taux") return `${(value * 100).toFixed(2).replace(".", ",")} %`;
  if (unit === "euros") return value.toFixed(2).replace(".", ",");
  return String(value).replace(".", ",");
}
