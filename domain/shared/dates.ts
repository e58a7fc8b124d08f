import * as z from 'zod';

/**
 * Calendar dates (no time of day) as ISO `YYYY-MM-DD` strings, and UK reporting years.
 * Pure functions on UTC, so a date never shifts with the server's time zone.
 */
export const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const UK_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

export function isValidDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || y < 1900 || y > 2999) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Reads `YYYY-MM-DD` or the UK `dd/mm/yyyy`; undefined when impossible (e.g. 31/02/2024). */
export function parseDate(text: string): string | undefined {
  const value = text.trim();
  let y: number, m: number, d: number;
  const iso = ISO_DATE.exec(value);
  const uk = UK_DATE.exec(value);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (uk) [d, m, y] = [Number(uk[1]), Number(uk[2]), Number(uk[3])];
  else return undefined;
  return isValidDate(y, m, d) ? `${pad(y, 4)}-${pad(m)}-${pad(d)}` : undefined;
}

export function toIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (y: number, m: number) => (m === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0) ? 29 : DAYS_IN_MONTH[m - 1]);
const isoOf = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

/*
 * addMonths and addDays do arithmetic on the numbers and write the date out themselves, with no
 * Date object and no toISOString: a report of 600 authorities asks them thousands of times
 * (each IT-filter review's due date, the due-soon window), and through Date they were a fifth
 * of the report's time. test/unit/dates.test.ts checks them against the Date-based way.
 */

/** Adds calendar months, clamping to the month's end (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(isoDate: string, months: number): string {
  const y = Number(isoDate.slice(0, 4));
  const m = Number(isoDate.slice(5, 7));
  const d = Number(isoDate.slice(8, 10));
  const index = y * 12 + (m - 1) + months;
  const ty = Math.floor(index / 12);
  const tm = index - ty * 12 + 1;
  return isoOf(ty, tm, Math.min(d, daysInMonth(ty, tm)));
}

export function addDays(isoDate: string, days: number): string {
  const d = Number(isoDate.slice(8, 10)) + days;
  const y = Number(isoDate.slice(0, 4));
  const m = Number(isoDate.slice(5, 7));
  // Within the month (most calls: a few days or weeks ahead): no calendar arithmetic at all.
  if (d >= 1 && d <= daysInMonth(y, m)) return isoOf(y, m, d);
  const date = new Date(Date.UTC(y, m - 1, d));
  return isoOf(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

/** The same instant `years` years later (UTC): retention periods. */
export function yearsAfter(from: Date, years: number): Date {
  const d = new Date(from);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

/** Whole days from one date to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** UK financial years run 1 April – 31 March and are written `2024-25`. */
export const REPORTING_YEAR = /^(\d{4})-(\d{2})$/;

/** First years a reporting year may start in: both its ends are then dates `isValidDate` accepts. */
export const FIRST_REPORTING_YEAR = 1900;
export const LAST_REPORTING_YEAR = 2998;

/** `2024-25`: a start year in range, and the second part is the start year + 1 (so not `9999-00`). */
export function isReportingYear(value: string): boolean {
  const m = REPORTING_YEAR.exec(value);
  if (!m) return false;
  const start = Number(m[1]);
  return start >= FIRST_REPORTING_YEAR && start <= LAST_REPORTING_YEAR && (start + 1) % 100 === Number(m[2]);
}

/** The one schema of a reporting year, for every path parameter, query parameter and body field that carries one. */
export const ReportingYear = z
  .string()
  .refine((v) => isReportingYear(v), `a UK financial year such as 2024-25 (the second part is the next year; years ${FIRST_REPORTING_YEAR}–${LAST_REPORTING_YEAR + 1})`)
  .describe('UK financial year, e.g. 2024-25');

/** `YYYY-MM-DD` naming a day that exists (not 2024-02-30, not 9999-99-99). */
export const IsoDate = z.string().refine((v) => ISO_DATE.test(v) && parseDate(v) === v, 'a real date as YYYY-MM-DD');

export function reportingYearOf(isoDate: string): string {
  const y = Number(isoDate.slice(0, 4));
  const m = Number(isoDate.slice(5, 7));
  const start = m >= 4 ? y : y - 1;
  return `${start}-${pad((start + 1) % 100)}`;
}

export function reportingYearRange(year: string): { from: string; to: string } {
  const start = Number(year.slice(0, 4));
  return { from: `${start}-04-01`, to: `${start + 1}-03-31` };
}
