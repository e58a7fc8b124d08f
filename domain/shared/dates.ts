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

/** Adds calendar months, clamping to the month's end (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(isoDate: string, months: number): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return toIsoDate(target);
}

export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return toIsoDate(date);
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
  const [y, m] = isoDate.split('-').map(Number);
  const start = m >= 4 ? y : y - 1;
  return `${start}-${pad((start + 1) % 100)}`;
}

export function reportingYearRange(year: string): { from: string; to: string } {
  const start = Number(year.slice(0, 4));
  return { from: `${start}-04-01`, to: `${start + 1}-03-31` };
}
