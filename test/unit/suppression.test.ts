import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cellText,
  cellValue,
  publishedRatio,
  suppressTable,
  SMALL_LABEL,
  SUPPRESSION_NOTE,
  WITHHELD_LABEL,
  type CountTable,
  type PublishedCell,
  type PublishedTable,
} from '../../domain/delivery/suppression';

/*
 * The reader's view, written independently of the module: what can someone holding the published
 * table work out? A "value" is exactly that; a "<5" is an integer in [1, 4]; a "[c]" is any integer
 * >= 0 and nothing more; and every published total is the sum of its line (row, column, all cells).
 * `findTable` searches (DFS with pruning) for a complete table of counts consistent with all of
 * that; `revealed` asks, for every hidden quantity whose true value is 1..4, whether some
 * consistent table gives it another value. If none does, the published figures pin it: revealed.
 */

type Range = readonly [lo: number, hi: number];
/** A hidden quantity: an inner cell, or a row / column / grand total. */
type Target = { kind: 'cell'; r: number; c: number } | { kind: 'row'; r: number } | { kind: 'column'; c: number } | { kind: 'grand' };

/** What the reader knows of an inner cell; `bound` caps a "[c]" inner cell so the search is finite. */
function cellRange(cell: PublishedCell, bound: number): Range {
  if (cell.kind === 'value') return [cell.value, cell.value];
  if (cell.kind === 'small') return [1, 4];
  return [0, bound];
}

/** What the reader knows of a line's sum from its published total (absent: nothing). */
function totalRange(total: PublishedCell | undefined): Range {
  if (total === undefined || total.kind === 'withheld') return [0, Infinity];
  if (total.kind === 'small') return [1, 4];
  return [total.value, total.value];
}

/** Does this complete table agree with everything published? (Checks the search's answers, and the model against the truth.) */
function consistent(pub: PublishedTable, cells: number[][], bound: number): boolean {
  const inRange = (n: number, [lo, hi]: Range) => Number.isInteger(n) && n >= lo && n <= hi;
  if (cells.length !== pub.rows.length || cells.some((row) => row.length !== pub.columns.length)) return false;
  for (let r = 0; r < cells.length; r++) for (let c = 0; c < cells[r].length; c++) if (!inRange(cells[r][c], cellRange(pub.cells[r][c], bound))) return false;
  let grand = 0;
  for (let r = 0; r < cells.length; r++) {
    let s = 0;
    for (const n of cells[r]) s += n;
    grand += s;
    if (pub.rowTotals && !inRange(s, totalRange(pub.rowTotals[r]))) return false;
  }
  for (let c = 0; c < pub.columns.length; c++) {
    let s = 0;
    for (const row of cells) s += row[c];
    if (pub.columnTotals && !inRange(s, totalRange(pub.columnTotals[c]))) return false;
  }
  return !pub.grandTotal || inRange(grand, totalRange(pub.grandTotal));
}

const NODE_BUDGET = 5_000_000;

/**
 * A complete table consistent with `pub` in which `target` is not `notValue`, or undefined if
 * there is none (within [0, bound] for "[c]" inner cells). Depth-first over the unknown inner
 * cells; after each choice the cell's row, column and the grand sum must still be able to land in
 * their published ranges given the smallest and largest the unassigned cells could add.
 */
function findTable(pub: PublishedTable, bound: number, target?: { at: Target; notValue: number }): number[][] | undefined {
  const R = pub.rows.length;
  const C = pub.columns.length;
  const domain = pub.cells.map((row) => row.map((cell) => cellRange(cell, bound)));
  const rowRange = pub.rows.map((_, r) => totalRange(pub.rowTotals?.[r]));
  const colRange = pub.columns.map((_, c) => totalRange(pub.columnTotals?.[c]));
  const grandRange = totalRange(pub.grandTotal);

  const cells = domain.map((row) => row.map(([lo]) => lo));
  // Per line: the sum so far (fixed cells and assigned unknowns), and the least / most the unassigned unknowns can add.
  const rowPart = new Array<number>(R).fill(0), rowMin = new Array<number>(R).fill(0), rowMax = new Array<number>(R).fill(0);
  const colPart = new Array<number>(C).fill(0), colMin = new Array<number>(C).fill(0), colMax = new Array<number>(C).fill(0);
  let grandPart = 0, grandMin = 0, grandMax = 0;
  const unknown: { r: number; c: number }[] = [];
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < C; c++) {
      const [lo, hi] = domain[r][c];
      if (lo === hi) {
        rowPart[r] += lo; colPart[c] += lo; grandPart += lo;
      } else {
        unknown.push({ r, c });
        rowMin[r] += lo; rowMax[r] += hi; colMin[c] += lo; colMax[c] += hi; grandMin += lo; grandMax += hi;
      }
    }
  }
  const feasible = (part: number, min: number, max: number, [lo, hi]: Range) => part + min <= hi && part + max >= lo;
  for (let r = 0; r < R; r++) if (!feasible(rowPart[r], rowMin[r], rowMax[r], rowRange[r])) return undefined;
  for (let c = 0; c < C; c++) if (!feasible(colPart[c], colMin[c], colMax[c], colRange[c])) return undefined;
  if (!feasible(grandPart, grandMin, grandMax, grandRange)) return undefined;

  // A target cell is searched first, with its true value taken out of its domain.
  const at = target?.at;
  if (at?.kind === 'cell') {
    const i = unknown.findIndex((u) => u.r === at.r && u.c === at.c);
    if (i < 0) return undefined; // published as a value: pinned by definition
    unknown.unshift(...unknown.splice(i, 1));
  }
  const targetSum = (): number => {
    if (!at || at.kind === 'cell') return NaN;
    if (at.kind === 'row') return cells[at.r].reduce((a, b) => a + b, 0);
    if (at.kind === 'column') return cells.reduce((a, row) => a + row[at.c], 0);
    return cells.reduce((a, row) => a + row.reduce((x, y) => x + y, 0), 0);
  };

  let nodes = 0;
  const dfs = (k: number): boolean => {
    if (++nodes > NODE_BUDGET) throw new Error('verifier search budget exceeded');
    if (k === unknown.length) return !target || at!.kind === 'cell' || targetSum() !== target.notValue;
    const { r, c } = unknown[k];
    const [lo, hi] = domain[r][c];
    rowMin[r] -= lo; rowMax[r] -= hi; colMin[c] -= lo; colMax[c] -= hi; grandMin -= lo; grandMax -= hi;
    for (let x = lo; x <= hi; x++) {
      if (at?.kind === 'cell' && k === 0 && x === target!.notValue) continue;
      cells[r][c] = x;
      rowPart[r] += x; colPart[c] += x; grandPart += x;
      const ok =
        feasible(rowPart[r], rowMin[r], rowMax[r], rowRange[r]) &&
        feasible(colPart[c], colMin[c], colMax[c], colRange[c]) &&
        feasible(grandPart, grandMin, grandMax, grandRange) &&
        dfs(k + 1);
      rowPart[r] -= x; colPart[c] -= x; grandPart -= x;
      if (ok) {
        cells[r][c] = x; // keep the solution in place on the way out
        return true;
      }
    }
    rowMin[r] += lo; rowMax[r] += hi; colMin[c] += lo; colMax[c] += hi; grandMin += lo; grandMax += hi;
    return false;
  };
  if (!dfs(0)) return undefined;
  const found = cells.map((row) => [...row]);
  if (!consistent(pub, found, bound)) throw new Error('verifier bug: the search returned an inconsistent table');
  return found;
}

interface Revealed {
  at: Target;
  value: number;
}

/**
 * Every hidden quantity (a "<5" or "[c]" inner cell or total) whose true value is 1..4 and which
 * the published figures pin to that value. Also returns, for each one that is not pinned, the
 * alternative table found (so a test can look at it).
 */
function revealed(pub: PublishedTable, truth: number[][]): { revealed: Revealed[]; alternatives: number[][][] } {
  const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);
  const bound = sum(truth.map(sum)) + 8;
  if (!consistent(pub, truth, bound)) throw new Error('verifier bug: the true table does not fit the reader model');
  const hidden: { at: Target; value: number; cell: PublishedCell }[] = [];
  truth.forEach((row, r) => row.forEach((value, c) => hidden.push({ at: { kind: 'cell', r, c }, value, cell: pub.cells[r][c] })));
  pub.rowTotals?.forEach((cell, r) => hidden.push({ at: { kind: 'row', r }, value: sum(truth[r]), cell }));
  pub.columnTotals?.forEach((cell, c) => hidden.push({ at: { kind: 'column', c }, value: sum(truth.map((row) => row[c])), cell }));
  if (pub.grandTotal) hidden.push({ at: { kind: 'grand' }, value: sum(truth.map(sum)), cell: pub.grandTotal });

  const out: Revealed[] = [];
  const alternatives: number[][][] = [];
  for (const h of hidden) {
    if (h.cell.kind === 'value' || h.value < 1 || h.value > 4) continue;
    const alt = findTable(pub, bound, { at: h.at, notValue: h.value });
    if (alt) alternatives.push(alt);
    else out.push({ at: h.at, value: h.value });
  }
  return { revealed: out, alternatives };
}

/** Primary suppression only, every total published: what the module must not do. */
function naiveSuppress(t: CountTable): PublishedTable {
  const cell = (n: number): PublishedCell => (n >= 1 && n <= 4 ? { kind: 'small' } : { kind: 'value', value: n });
  const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);
  const pub: PublishedTable = { title: t.title, rows: t.rows, columns: t.columns, cells: t.cells.map((row) => row.map(cell)), suppressed: { small: 0, withheld: 0 } };
  if (t.totals.rows) pub.rowTotals = t.cells.map((row) => ({ kind: 'value', value: sum(row) }));
  if (t.totals.columns) pub.columnTotals = t.columns.map((_, c) => ({ kind: 'value', value: sum(t.cells.map((row) => row[c])) }));
  if (t.totals.grand) pub.grandTotal = { kind: 'value', value: sum(t.cells.map(sum)) };
  return pub;
}

/** Secondary suppression of row and column totals, but the grand total always published (no propagation). */
function unpropagatedSuppress(t: CountTable): PublishedTable {
  const pub = suppressTable(t);
  if (pub.grandTotal) pub.grandTotal = { kind: 'value', value: t.cells.flat().reduce((a, b) => a + b, 0) };
  return pub;
}

function table(cells: number[][], totals: Partial<CountTable['totals']> = {}): CountTable {
  return {
    title: 'Prevent referrals by sector',
    rows: cells.map((_, r) => ({ key: `r${r}`, label: `Row ${r}` })),
    columns: (cells[0] ?? []).map((_, c) => ({ key: `c${c}`, label: `Column ${c}` })),
    cells,
    totals: { rows: false, columns: false, grand: false, ...totals },
  };
}

const texts = (cells: PublishedCell[] | undefined) => cells?.map(cellText);

const count = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 30 }));
const countTable: fc.Arbitrary<CountTable> = fc
  .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }))
  .chain(([R, C]) =>
    fc.record({
      cells: fc.array(fc.array(count, { minLength: C, maxLength: C }), { minLength: R, maxLength: R }),
      totals: fc.record({ rows: fc.boolean(), columns: fc.boolean(), grand: fc.boolean() }),
    }),
  )
  .map(({ cells, totals }) => table(cells, totals));

const RUNS = Math.max(300, Number(process.env.FUZZ_RUNS ?? 0) || 0);

describe('small-number suppression: examples', () => {
  it('a 1-D line: 3 is <5 and the total that would reveal it is [c]; 7 is published', () => {
    const pub = suppressTable(table([[3, 7]], { rows: true }));
    expect(pub.cells[0].map(cellText)).toEqual(['<5', '7']);
    expect(texts(pub.rowTotals)).toEqual(['[c]']);
    expect(pub.columnTotals).toBeUndefined();
    expect(pub.grandTotal).toBeUndefined();
    expect(pub.suppressed).toEqual({ small: 1, withheld: 1 });
  });

  it('0 and 5 are published as themselves; 1 and 4 are <5', () => {
    const pub = suppressTable(table([[0, 5, 1, 4]]));
    expect(pub.cells[0].map(cellText)).toEqual(['0', '5', '<5', '<5']);
    expect(pub.cells[0].map(cellValue)).toEqual([0, 5, undefined, undefined]);
  });

  it('a table with no small cell publishes everything, totals included', () => {
    const pub = suppressTable(table([[0, 12], [5, 0]], { rows: true, columns: true, grand: true }));
    expect(pub.cells.map((row) => row.map(cellText))).toEqual([['0', '12'], ['5', '0']]);
    expect(texts(pub.rowTotals)).toEqual(['12', '5']);
    expect(texts(pub.columnTotals)).toEqual(['5', '12']);
    expect(cellText(pub.grandTotal!)).toBe('17');
    expect(pub.suppressed).toEqual({ small: 0, withheld: 0 });
  });

  it('a row of zeros has a published total of 0', () => {
    const pub = suppressTable(table([[0, 0], [0, 9]], { rows: true }));
    expect(texts(pub.rowTotals)).toEqual(['0', '9']);
  });

  it('column totals and the grand total are withheld through a small cell (rule 2 propagates)', () => {
    //         c0  c1  c2 | total
    // r0      10   2   6 |  [c]
    // r1       7   0   8 |  15
    // total   17 [c]  14 |  [c]
    const pub = suppressTable(table([[10, 2, 6], [7, 0, 8]], { rows: true, columns: true, grand: true }));
    expect(pub.cells.map((row) => row.map(cellText))).toEqual([['10', '<5', '6'], ['7', '0', '8']]);
    expect(texts(pub.rowTotals)).toEqual(['[c]', '15']);
    expect(texts(pub.columnTotals)).toEqual(['17', '[c]', '14']);
    expect(cellText(pub.grandTotal!)).toBe('[c]');
    expect(pub.suppressed).toEqual({ small: 1, withheld: 3 });
  });

  it('the grand total is withheld when there are no row or column totals but an inner cell is small', () => {
    const pub = suppressTable(table([[10, 3], [7, 9]], { grand: true }));
    expect(pub.rowTotals).toBeUndefined();
    expect(pub.columnTotals).toBeUndefined();
    expect(cellText(pub.grandTotal!)).toBe('[c]');
  });

  it('a total is withheld whatever its own value: 1..4 (a row of one small cell) or large', () => {
    const pub = suppressTable(table([[0, 3], [100, 1]], { rows: true }));
    expect(texts(pub.rowTotals)).toEqual(['[c]', '[c]']);
    expect(pub.suppressed).toEqual({ small: 2, withheld: 2 });
  });

  it('an empty table and a table of zeros publish zeros', () => {
    const empty = suppressTable(table([], { rows: true, columns: true, grand: true }));
    expect(empty.cells).toEqual([]);
    expect(empty.rowTotals).toEqual([]);
    expect(cellText(empty.grandTotal!)).toBe('0');
    const zeros = suppressTable(table([[0, 0]], { rows: true, columns: true, grand: true }));
    expect(zeros.suppressed).toEqual({ small: 0, withheld: 0 });
  });

  it('rejects counts that are not non-negative integers, and ragged rows', () => {
    expect(() => suppressTable(table([[1, -1]]))).toThrow(/cells\.0\.1/);
    expect(() => suppressTable(table([[1.5, 2]]))).toThrow(RangeError);
    expect(() => suppressTable(table([[Number.NaN]]))).toThrow(RangeError);
    expect(() => suppressTable({ ...table([[1, 2]]), cells: [[1]] })).toThrow(/Expected 2 counts/);
    expect(() => suppressTable({ ...table([[1, 2]]), cells: [] })).toThrow(/Expected 1 rows/);
  });

  it('cellText and cellValue', () => {
    expect(cellText({ kind: 'value', value: 12 })).toBe('12');
    expect(cellText({ kind: 'value', value: 0 })).toBe('0');
    expect(cellText({ kind: 'small' })).toBe('<5');
    expect(cellText({ kind: 'withheld' })).toBe('[c]');
    expect([SMALL_LABEL, WITHHELD_LABEL]).toEqual(['<5', '[c]']);
    expect(cellValue({ kind: 'value', value: 7 })).toBe(7);
    expect(cellValue({ kind: 'small' })).toBeUndefined();
    expect(cellValue({ kind: 'withheld' })).toBeUndefined();
    expect(SUPPRESSION_NOTE).toContain('"<5"');
    expect(SUPPRESSION_NOTE).toContain('"[c]"');
    expect(SUPPRESSION_NOTE).toContain('OFFICIAL-SENSITIVE');
  });

  it('publishedRatio only from two published values', () => {
    expect(publishedRatio({ kind: 'value', value: 30 }, { kind: 'value', value: 12 })).toBe(2.5);
    expect(publishedRatio({ kind: 'value', value: 0 }, { kind: 'value', value: 12 })).toBe(0);
    expect(publishedRatio({ kind: 'small' }, { kind: 'value', value: 12 })).toBeUndefined();
    expect(publishedRatio({ kind: 'value', value: 12 }, { kind: 'withheld' })).toBeUndefined();
    expect(publishedRatio({ kind: 'withheld' }, { kind: 'small' })).toBeUndefined();
    expect(publishedRatio({ kind: 'value', value: 12 }, { kind: 'value', value: 0 })).toBeUndefined();
  });
});

describe('small-number suppression: the verifier is not vacuous', () => {
  it('catches the naive suppressor: row (3, 10) with its total 13 pins the 3', () => {
    const t = table([[3, 10]], { rows: true });
    expect(revealed(naiveSuppress(t), t.cells).revealed).toEqual([{ at: { kind: 'cell', r: 0, c: 0 }, value: 3 }]);
    // The same row under the real rules: the 3 could as well be a 4 (total [c]).
    const safe = revealed(suppressTable(t), t.cells);
    expect(safe.revealed).toEqual([]);
    expect(safe.alternatives[0][0][0]).not.toBe(3);
  });

  it('catches the naive suppressor through a column total in a 2 x 2 table', () => {
    const t = table([[2, 10], [6, 3]], { columns: true });
    const found = revealed(naiveSuppress(t), t.cells).revealed;
    expect(found).toContainEqual({ at: { kind: 'cell', r: 0, c: 0 }, value: 2 });
    expect(found).toContainEqual({ at: { kind: 'cell', r: 1, c: 1 }, value: 3 });
  });

  it('catches a grand total that is published without propagation', () => {
    const t = table([[3, 10]], { rows: true, grand: true });
    expect(texts(unpropagatedSuppress(t).rowTotals)).toEqual(['[c]']);
    expect(revealed(unpropagatedSuppress(t), t.cells).revealed).toEqual([{ at: { kind: 'cell', r: 0, c: 0 }, value: 3 }]);
  });

  it('does not over-claim: two small cells summing to a published 3 are (1, 2) or (2, 1)', () => {
    const t = table([[1, 2]], { rows: true });
    expect(revealed(naiveSuppress(t), t.cells).revealed).toEqual([]);
    // ...but a published total of 2 pins both to 1.
    const u = table([[1, 1, 9]], { rows: true });
    expect(revealed(naiveSuppress(u), u.cells).revealed.map((x) => x.at)).toEqual([
      { kind: 'cell', r: 0, c: 0 },
      { kind: 'cell', r: 0, c: 1 },
    ]);
  });

  it('fast-check finds a revealed cell under the naive suppressor', () => {
    const run = fc.check(fc.property(countTable, (t) => revealed(naiveSuppress(t), t.cells).revealed.length === 0), { seed: 11, numRuns: 300 });
    expect(run.failed).toBe(true);
    const [t] = run.counterexample!;
    expect(revealed(naiveSuppress(t), t.cells).revealed.length).toBeGreaterThan(0);
  });

  it('fast-check finds a revealed cell when the grand total is not withheld by propagation', () => {
    const run = fc.check(fc.property(countTable, (t) => revealed(unpropagatedSuppress(t), t.cells).revealed.length === 0), { seed: 12, numRuns: 300 });
    expect(run.failed).toBe(true);
  });
});

describe('small-number suppression: properties', () => {
  it('no combination of published figures pins a count from 1 to 4 (independent brute-force reader)', () => {
    let smallCells = 0;
    fc.assert(
      fc.property(countTable, (t) => {
        const pub = suppressTable(t);
        const { revealed: pinned, alternatives } = revealed(pub, t.cells);
        expect(pinned).toEqual([]);
        smallCells += pub.cells.flat().filter((c) => c.kind === 'small').length;
        // Even a reader who knows the rules learns nothing more: each alternative table publishes identically.
        for (const alt of alternatives) expect(suppressTable({ ...t, cells: alt })).toEqual(pub);
      }),
      { seed: 3, numRuns: RUNS },
    );
    expect(smallCells).toBeGreaterThan(RUNS); // the generator does produce small cells to protect
  });

  it('a count from 1 to 4 is never published as a value; every published value is the true count', () => {
    fc.assert(
      fc.property(countTable, (t) => {
        const pub = suppressTable(t);
        const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);
        const pairs: [PublishedCell, number][] = [
          ...pub.cells.flatMap((row, r) => row.map((cell, c): [PublishedCell, number] => [cell, t.cells[r][c]])),
          ...(pub.rowTotals ?? []).map((cell, r): [PublishedCell, number] => [cell, sum(t.cells[r])]),
          ...(pub.columnTotals ?? []).map((cell, c): [PublishedCell, number] => [cell, sum(t.cells.map((row) => row[c]))]),
          ...(pub.grandTotal ? [[pub.grandTotal, sum(t.cells.map(sum))] as [PublishedCell, number]] : []),
        ];
        for (const [cell, truth] of pairs) {
          if (cell.kind === 'value') {
            expect(cell.value).toBe(truth);
            expect(truth >= 1 && truth <= 4).toBe(false);
          }
          if (cell.kind === 'small') expect(truth >= 1 && truth <= 4).toBe(true);
        }
        // Inner cells: exactly the counts 1..4 are <5, nothing is [c].
        pub.cells.forEach((row, r) => row.forEach((cell, c) => expect(cell.kind).toBe(t.cells[r][c] >= 1 && t.cells[r][c] <= 4 ? 'small' : 'value')));
        expect(pub.suppressed).toEqual({
          small: pairs.filter(([c]) => c.kind === 'small').length,
          withheld: pairs.filter(([c]) => c.kind === 'withheld').length,
        });
      }),
      { seed: 4, numRuns: RUNS },
    );
  });

  it('the output has the input shape, and totals exactly where the flags ask', () => {
    fc.assert(
      fc.property(countTable, (t) => {
        const pub = suppressTable(t);
        expect(pub.title).toBe(t.title);
        expect(pub.rows).toEqual(t.rows);
        expect(pub.columns).toEqual(t.columns);
        expect(pub.cells.length).toBe(t.rows.length);
        for (const row of pub.cells) expect(row.length).toBe(t.columns.length);
        expect('rowTotals' in pub).toBe(t.totals.rows);
        expect('columnTotals' in pub).toBe(t.totals.columns);
        expect('grandTotal' in pub).toBe(t.totals.grand);
        if (pub.rowTotals) expect(pub.rowTotals.length).toBe(t.rows.length);
        if (pub.columnTotals) expect(pub.columnTotals.length).toBe(t.columns.length);
      }),
      { seed: 5, numRuns: RUNS },
    );
  });
});
