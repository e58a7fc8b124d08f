import { describe, expect, it } from 'vitest';
import { MAX_DECODED_SUMMARIES, readCurrentCached, storedCurrent } from '../../functions/data/report-repository';
import type { CurrentSummary } from '../../domain/reports/summary';

const summary = (authorityId: string, headcount: number): CurrentSummary =>
  ({
    authorityId,
    coverage: [{ roleId: 'staff', headcount, coveredChanges: { '2026-01-05': 3 } }],
    overdueChanges: {},
    lastCompletionByYear: {},
    sopVersions: [],
    obligations: { 'not-yet-started': 0, developing: 0, achieving: 0 },
    obligationsAtYearEnd: {},
    itFilters: [],
  }) as unknown as CurrentSummary;
const bytes = (s: CurrentSummary) => storedCurrent(s, [{ authorityId: s.authorityId, year: '2025-26', completions: 4 } as never], '2026-11-24');

/** The report keeps what it decoded of a summary item while the item's bytes stay the same. */
describe('decoded summaries kept between reports', () => {
  it('decodes an item again as soon as its bytes change (a refreshed summary is never served stale)', () => {
    const first = readCurrentCached('tenant-a#REPORT\u0000CUR#x', bytes(summary('x', 10)));
    expect(readCurrentCached('tenant-a#REPORT\u0000CUR#x', bytes(summary('x', 10)))).toBe(first);
    const changed = readCurrentCached('tenant-a#REPORT\u0000CUR#x', bytes(summary('x', 11)));
    expect(changed).not.toBe(first);
    expect(changed.current.coverage[0].headcount).toBe(11);
    expect(changed.years[0]).toMatchObject({ authorityId: 'x', year: '2025-26', completions: 4 });
  });

  it('keeps partnerships apart: the same bytes under another key are decoded for that key', () => {
    const b = bytes(summary('y', 5));
    const mine = readCurrentCached('tenant-a#REPORT\u0000CUR#y', b);
    const theirs = readCurrentCached('tenant-b#REPORT\u0000CUR#y', b);
    expect(theirs).not.toBe(mine);
    expect(theirs).toEqual(mine);
  });

  it('holds at most MAX_DECODED_SUMMARIES items, dropping the least recently used', () => {
    const keep = bytes(summary('k', 1));
    const kept = readCurrentCached('tenant-a#REPORT\u0000CUR#keep', keep);
    const filler = bytes(summary('f', 1));
    const decoded: unknown[] = [];
    for (let i = 0; i < MAX_DECODED_SUMMARIES; i++) {
      if (i % 1000 === 0) expect(readCurrentCached('tenant-a#REPORT\u0000CUR#keep', keep)).toBe(kept); // used: stays
      decoded.push(readCurrentCached(`tenant-a#REPORT\u0000CUR#f${i}`, filler));
    }
    // One entry too many: the least recently used (f0) went, the rest are still there.
    expect(readCurrentCached('tenant-a#REPORT\u0000CUR#keep', keep)).toBe(kept);
    const last = MAX_DECODED_SUMMARIES - 1;
    expect(readCurrentCached(`tenant-a#REPORT\u0000CUR#f${last}`, filler)).toBe(decoded[last]);
    expect(readCurrentCached('tenant-a#REPORT\u0000CUR#f0', filler)).not.toBe(decoded[0]);
  });
});
