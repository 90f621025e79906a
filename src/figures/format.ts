/**
 * French (fr-FR) presentation of figures: 12 449, 3,47 %, 1 234,56 €, 31/12/2024.
 * Presentation only: values come computed from the warehouse.
 */
import type { FigureUnit } from "./definitions.ts";

const integer = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 });
const euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR", minimumFractionDigits: 2 });
const percent = new Intl.NumberFormat("fr-FR", { style: "percent", minimumFractionDigits: 2, maximumFractionDigits: 2 });
const days = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });

export function formatValue(value: number | null | undefined, unit: FigureUnit): string {
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
  }
}

/** ISO yyyy-mm-dd -> dd/mm/yyyy. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const [y, m, d] = iso.slice(0, 10).split("-");
  return `${d}/${m}/${y}`;
}

/** A number as French Excel reads it: no grouping, decimal comma. */
export function excelNumber(value: number | null | undefined, unit: FigureUnit): string {
  if (value === null || value === undefined) return "";
  if (unit === "taux") return `${(value * 100).toFixed(2).replace(".", ",")} %`;
  if (unit === "euros") return value.toFixed(2).replace(".", ",");
  return String(value).replace(".", ",");
}
