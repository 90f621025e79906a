// Calendar arithmetic on integer day numbers (days since 1970-01-01, UTC, no time zone
// involved) and month indices (year * 12 + month - 1). All demo dates are fixed: nothing
// here reads the clock.

const MS_PER_DAY = 86_400_000;

/** Day number of a calendar date (month 1-12). */
export function dayOf(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

export function monthIndex(year: number, month: number): number {
  return year * 12 + (month - 1);
}

export function yearOfMonth(mi: number): number {
  return Math.floor(mi / 12);
}

/** Month 1-12 of a month index. */
export function monthOfMonth(mi: number): number {
  return (mi % 12) + 1;
}

// First day of every month from 1900 to 2100, so the hot loop never calls Date.UTC.
const FIRST_MONTH = 1900 * 12;
const MONTH_STARTS = new Int32Array(201 * 12 + 1);
for (let i = 0; i < MONTH_STARTS.length; i++) MONTH_STARTS[i] = Date.UTC(1900 + Math.floor(i / 12), i % 12, 1) / MS_PER_DAY;

export function firstDayOfMonth(mi: number): number {
  const d = MONTH_STARTS[mi - FIRST_MONTH];
  if (d === undefined) throw new RangeError(`month ${mi} is outside 1900-2100`);
  return d;
}

export function lastDayOfMonth(mi: number): number {
  return firstDayOfMonth(mi + 1) - 1;
}

export function daysInMonth(mi: number): number {
  return firstDayOfMonth(mi + 1) - firstDayOfMonth(mi);
}

/**
 * Precomputed calendar for a range of days: year, month index and the `dd/mm/yyyy`
 * string of every day, so the hot loop never builds a Date.
 */
export class Calendar {
  readonly firstDay: number;
  readonly lastDay: number;
  private readonly years: Int16Array;
  private readonly months: Int32Array;
  private readonly texts: string[];

  constructor(firstYear: number, lastYear: number) {
    this.firstDay = dayOf(firstYear, 1, 1);
    this.lastDay = dayOf(lastYear, 12, 31);
    const n = this.lastDay - this.firstDay + 1;
    this.years = new Int16Array(n);
    this.months = new Int32Array(n);
    this.texts = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const d = new Date((this.firstDay + i) * MS_PER_DAY);
      const y = d.getUTCFullYear();
      const m = d.getUTCMonth() + 1;
      const dd = d.getUTCDate();
      this.years[i] = y;
      this.months[i] = monthIndex(y, m);
      this.texts[i] = `${dd < 10 ? "0" : ""}${dd}/${m < 10 ? "0" : ""}${m}/${y}`;
    }
  }

  private offset(day: number): number {
    const i = day - this.firstDay;
    if (i < 0 || i >= this.years.length) throw new RangeError(`day ${day} is outside the demo calendar`);
    return i;
  }

  year(day: number): number {
    return this.years[this.offset(day)] as number;
  }

  month(day: number): number {
    return this.months[this.offset(day)] as number;
  }

  /** `dd/mm/yyyy`. */
  text(day: number): string {
    return this.texts[this.offset(day)] as string;
  }

  /** ISO `yyyy-mm-dd`, for file names and logs. */
  iso(day: number): string {
    const t = this.text(day);
    return `${t.slice(6, 10)}-${t.slice(3, 5)}-${t.slice(0, 2)}`;
  }

  /** `YYYYMMDD`, for export file names. */
  compact(day: number): string {
    const t = this.text(day);
    return `${t.slice(6, 10)}${t.slice(3, 5)}${t.slice(0, 2)}`;
  }
}

/** `mm/yyyy` of a month index. */
export function periodText(mi: number): string {
  const m = monthOfMonth(mi);
  return `${m < 10 ? "0" : ""}${m}/${yearOfMonth(mi)}`;
}

/** Is the day inside the winter truce (1 November to 31 March), when no eviction may take place? */
export function inWinterTruce(cal: Calendar, day: number): boolean {
  const m = monthOfMonth(cal.month(day));
  return m >= 11 || m <= 3;
}
