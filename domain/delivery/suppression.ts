import * as z from 'zod';

/**
 * Small-number suppression for the partnership's quarterly delivery figures (Prevent referrals
 * by referring sector, Channel panel cases, hate-crime reports). The figures are
 * OFFICIAL-SENSITIVE: every export goes through `suppressTable`, so that no count from 1 to 4
 * can be read or worked out from what is published.
 *
 * The rules (deliberately conservative, so that the protection can be proved, see below):
 *
 * 1. Primary suppression. Every inner cell whose count is 1..4 is published as "<5" (`small`).
 *    A count of 0 or of 5 and over is published as itself.
 * 2. Secondary suppression, by totals. A published total sums a "line" of entries: a row total
 *    sums its row, a column total its column, and the grand total sums every inner cell, and also
 *    the row-totals line and the column-totals line when those are published. A total whose line
 *    holds at least one suppressed entry ("<5" or "[c]") is published as "[c]" (`withheld`),
 *    whatever its own value: even 0, even 1..4, even 1,000. This propagates to the grand total:
 *    a suppressed inner cell withholds its row total and column total, and then the grand total.
 * 3. A total whose line holds no suppressed entry, but whose own value is 1..4, is "<5". (When
 *    every member is 0 or at least 5 their sum cannot be 1..4, so this never fires in practice;
 *    it is handled anyway, and rule 2 is then re-applied to the lines the total belongs to, i.e.
 *    the grand total's, until nothing changes.) Inner cells are never withheld.
 *
 * Why no published combination reveals a count from 1 to 4: take a "<5" inner cell p at (i, j),
 * true value 1..4. Its row total (if published), its column total (if published) and the grand
 * total (if published) all have p in their line, so they are all "[c]". Add d to p, to row
 * total i, to column total j and to the grand total, with d = +1 if p <= 3 and d = -1 if p = 4.
 * Every line still adds up (row i and column j gain d and so do their totals; the row-totals and
 * column-totals lines gain d and so does the grand total; no other line changes), p stays within
 * 1..4 so it is still "<5", and every changed total is a "[c]" that stays >= 0 (a total holding
 * p = 4 is at least 4). So at least two different tables agree with everything published; the
 * second even publishes exactly the same output under these rules, so knowing the rules does not
 * help either. A "[c]" is used for any value (0, 1..4, or large), so it carries no range
 * information of its own; and "<5" totals (rule 3) are never touched by the argument. The same
 * reasoning covers a "[c]" total whose true value is 1..4: it contains a "<5" entry, and moving
 * that entry by d moves the total too.
 *
 * The test (test/unit/suppression.test.ts) checks this with an independent brute-force reader.
 */

/** A published cell: the count itself, "<5" (a count from 1 to 4), or "[c]" (withheld so a total cannot reveal a small count). */
export type PublishedCell = { kind: 'value'; value: number } | { kind: 'small' } | { kind: 'withheld' };

export const SMALL_LABEL = '<5';
export const WITHHELD_LABEL = '[c]';

/** '12', '<5' or '[c]' */
export function cellText(c: PublishedCell): string {
  switch (c.kind) {
    case 'value':
      return String(c.value);
    case 'small':
      return SMALL_LABEL;
    case 'withheld':
      return WITHHELD_LABEL;
  }
}

/** The number if published, else undefined. */
export function cellValue(c: PublishedCell): number | undefined {
  return c.kind === 'value' ? c.value : undefined;
}

/** True for "<5" and "[c]". */
export function isSuppressed(c: PublishedCell): boolean {
  return c.kind !== 'value';
}

export interface CountTable {
  title: string;
  rows: { key: string; label: string }[];
  columns: { key: string; label: string }[];
  /** cells[r][c]: non-negative integer counts */
  cells: number[][];
  /** Which totals the table publishes: a total per row (across the columns), per column (down the rows), and the grand total. */
  totals: { rows: boolean; columns: boolean; grand: boolean };
}

export interface PublishedTable {
  title: string;
  rows: { key: string; label: string }[];
  columns: { key: string; label: string }[];
  cells: PublishedCell[][];
  rowTotals?: PublishedCell[]; // present iff totals.rows
  columnTotals?: PublishedCell[]; // present iff totals.columns
  grandTotal?: PublishedCell; // present iff totals.grand
  /** How many cells (totals included) were shown as <5 and as [c]. */
  suppressed: { small: number; withheld: number };
}

const Heading = z.object({ key: z.string(), label: z.string() });

/** The shape `suppressTable` accepts: counts are non-negative integers, one per row and column. */
export const CountTableSchema = z
  .object({
    title: z.string(),
    rows: z.array(Heading),
    columns: z.array(Heading),
    cells: z.array(z.array(z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER))),
    totals: z.object({ rows: z.boolean(), columns: z.boolean(), grand: z.boolean() }),
  })
  .superRefine((t, ctx) => {
    if (t.cells.length !== t.rows.length) {
      ctx.addIssue({ code: 'custom', path: ['cells'], message: `Expected ${t.rows.length} rows of counts, got ${t.cells.length}.` });
    }
    t.cells.forEach((row, r) => {
      if (row.length !== t.columns.length) {
        ctx.addIssue({ code: 'custom', path: ['cells', r], message: `Expected ${t.columns.length} counts, got ${row.length}.` });
      }
    });
  });

const isSmall = (n: number) => n >= 1 && n <= 4;
const primary = (n: number): PublishedCell => (isSmall(n) ? { kind: 'small' } : { kind: 'value', value: n });
const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);

/**
 * Applies the rules above to a table of counts. Throws if the counts are not non-negative
 * integers in a rows x columns grid (the figures were validated when they were recorded, so
 * this is a programming error, not a user's).
 */
export function suppressTable(table: CountTable): PublishedTable {
  const parsed = CountTableSchema.safeParse(table);
  if (!parsed.success) {
    throw new RangeError(`Cannot suppress "${table.title}": ${parsed.error.issues.map((i) => `${i.path.join('.') || '(table)'}: ${i.message}`).join('; ')}`);
  }
  const { rows, columns, cells, totals } = table;

  // Rule 1, and rule 3's starting point for totals: 1..4 is "<5", anything else its value.
  const inner: PublishedCell[][] = cells.map((row) => row.map(primary));
  const rowTotals = totals.rows ? cells.map((row) => primary(sum(row))) : undefined;
  const columnTotals = totals.columns ? columns.map((_, c) => primary(sum(cells.map((row) => row[c])))) : undefined;
  let grandTotal = totals.grand ? primary(sum(cells.map(sum))) : undefined;

  // Rule 2 to a fixed point: a total with a suppressed entry in any of its lines is "[c]". Inner
  // cells never change, so one pass settles the row and column totals and a second the grand total.
  let changed = true;
  while (changed) {
    changed = false;
    const settle = (total: PublishedCell, lines: PublishedCell[][]): PublishedCell => {
      if (total.kind !== 'withheld' && lines.some((line) => line.some(isSuppressed))) {
        changed = true;
        return { kind: 'withheld' };
      }
      return total;
    };
    if (rowTotals) inner.forEach((row, r) => (rowTotals[r] = settle(rowTotals[r], [row])));
    if (columnTotals) columns.forEach((_, c) => (columnTotals[c] = settle(columnTotals[c], [inner.map((row) => row[c])])));
    if (grandTotal) grandTotal = settle(grandTotal, [...inner, rowTotals ?? [], columnTotals ?? []]);
  }

  const all = [...inner.flat(), ...(rowTotals ?? []), ...(columnTotals ?? []), ...(grandTotal ? [grandTotal] : [])];
  const published: PublishedTable = {
    title: table.title,
    rows: rows.map((h) => ({ ...h })),
    columns: columns.map((h) => ({ ...h })),
    cells: inner,
    suppressed: { small: all.filter((c) => c.kind === 'small').length, withheld: all.filter((c) => c.kind === 'withheld').length },
  };
  if (rowTotals) published.rowTotals = rowTotals;
  if (columnTotals) published.columnTotals = columnTotals;
  if (grandTotal) published.grandTotal = grandTotal;
  return published;
}

/** The sentence every export prints with the figures. */
export const SUPPRESSION_NOTE =
  `Counts from 1 to 4 are shown as "${SMALL_LABEL}", and a total that would let them be worked out is shown as "${WITHHELD_LABEL}" ` +
  '(small-number suppression; the figures are OFFICIAL-SENSITIVE).';

/**
 * A ratio of two published totals, only when both are published values (never from a
 * suppressed one, which would reveal it), e.g. hate-crime reports per Prevent referral.
 * Undefined too when the denominator is 0.
 */
export function publishedRatio(numerator: PublishedCell, denominator: PublishedCell): number | undefined {
  if (numerator.kind !== 'value' || denominator.kind !== 'value' || denominator.value === 0) return undefined;
  return numerator.value / denominator.value;
}
