/**
 * The month-end rule against differencing (issue 10). Two aggregates a day apart differ by
 * what happened that day, which in a small scope is often one household: its debt, its
 * count, its payment order. Roles that cannot open cases (direction, communication) and the
 * public static site therefore get figures only at month ends: an explicit as-of date must
 * be a month's last day, and the default D of a year in progress is its latest month end on
 * or before the latest posting date loaded. Roles with case access keep any date (they can
 * read the cases themselves), and so does the operator's CLI on the server.
 *
 * Dates are ISO `yyyy-mm-dd` strings, computed in UTC so that no time zone moves them.
 */

const utc = (iso: string) => new Date(`${iso}T00:00:00Z`);
const iso = (d: Date) => d.toISOString().slice(0, 10);

/** The last day of the month of `date`. */
export function monthEnd(date: string): string {
  const d = utc(date);
  return iso(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)));
}

export const isMonthEnd = (date: string): boolean => monthEnd(date) === date;

/** The latest month end on or before `date`: itself when it is one, else the previous month's last day. */
export function lastMonthEndOnOrBefore(date: string): string {
  if (isMonthEnd(date)) return date;
  const d = utc(date);
  return iso(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 0)));
}
