// French locale for d3, hence for Plot's axes (Plot formats ticks with d3's default locale):
// decimal comma, narrow no-break space between thousands, French month and day names.
// Defined here, never fetched. Import this module before drawing any chart.
// From the d3 modules themselves, not d3's index: the pages load only the modules they use
// (src/site/pruneModules.ts). Plot reads the same module instances, hence this locale.
import {format, formatDefaultLocale} from "d3-format";
import {timeFormatDefaultLocale, utcFormat} from "d3-time-format";

export const FR_NUMBER_LOCALE = {
  decimal: ",",
  thousands: "\u202f",
  grouping: [3],
  currency: ["", "\u00a0€"],
  percent: "\u202f%",
  minus: "\u2212"
};

export const FR_TIME_LOCALE = {
  dateTime: "%A %e %B %Y à %X",
  date: "%d/%m/%Y",
  time: "%H:%M:%S",
  periods: ["", ""],
  days: ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
  shortDays: ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
  months: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
  shortMonths: ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
};

formatDefaultLocale(FR_NUMBER_LOCALE);
timeFormatDefaultLocale(FR_TIME_LOCALE);

/** Axis ticks for rates: « 3,5 % ». */
export const percentTick = format(".1~%");
/** Axis ticks for euros: « 1,2 M€ », « 350 k€ ». */
export function eurosTick(v) {
  const a = Math.abs(v);
  if (a >= 1e6) return `${format(",.3~f")(v / 1e6)}\u00a0M€`;
  if (a >= 1e3) return `${format(",.3~f")(v / 1e3)}\u00a0k€`;
  return `${format(",.0f")(v)}\u00a0€`;
}
/** Axis ticks for counts: « 12 449 »; no tick label between two whole numbers. */
const integerFormat = format(",d");
export const integerTick = (v) => (Number.isInteger(v) ? integerFormat(v) : "");
/** Time axis ticks: the year, or the short month name. */
export const yearTick = utcFormat("%Y");
export const monthTick = utcFormat("%b %Y");

/** An ISO date (yyyy-mm-dd) as a UTC Date, the way Plot's time scales read it. */
export const utcDate = (iso) => new Date(`${String(iso).slice(0, 10)}T00:00:00Z`);
