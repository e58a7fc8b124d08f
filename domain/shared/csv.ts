import { stringify } from 'csv-stringify/sync';

/**
 * The one CSV writer of the product: RFC 4180 quoting, CRLF line ends and a UTF-8 byte-order
 * mark (so Excel reads it right), and no cell that a spreadsheet would run as a formula.
 */
export type CsvValue = string | number | boolean | null | undefined;

/** Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One cell as text. Text that begins with `=`, `+`, `-`, `@`, tab or carriage return gets a
 * leading apostrophe, so it is shown as text and never evaluated; numbers stay numbers
 * (a negative number is written as `-3`, which spreadsheets read as a number, not a formula).
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** A share (0–1) rounded to 4 decimals for writing out, not a 16-digit float. */
export function roundShare(value: number | null | undefined): number | null | undefined {
  return typeof value === 'number' ? Math.round(value * 10_000) / 10_000 : value;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return '\uFEFF' + stringify([[...header], ...rows.map((r) => r.map(csvCell))], { record_delimiter: 'windows' });
}
