import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/api';
import { ConsolidatedReport, ReportRow } from '../../domain/reports/report';

describe('the report shape', () => {
  it('is defined once, in the domain: the API contract serves the domain schema', () => {
    expect(ROUTES.consolidatedReport.response).toBe(ConsolidatedReport);
    expect(ConsolidatedReport.shape.rows.element).toBe(ReportRow);
  });
});

describe('CSV cells', () => {
  it('neutralise text a spreadsheet would run as a formula (OWASP), and leave numbers as numbers', async () => {
    const { csvCell, toCsv } = await import('../../domain/shared/csv');
    for (const bad of ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) expect(csvCell(bad)).toBe(`'${bad}`);
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(0.25)).toBe('0.25');
    expect(csvCell('Riverside = fine')).toBe('Riverside = fine');
    expect(csvCell(null)).toBe('');
    expect(csvCell(true)).toBe('yes');
    expect(toCsv(['a', 'b'], [['=1', -1]])).toBe('\uFEFFa,b\r\n\'=1,-1\r\n');
  });
});

describe('the HTML heatmap', () => {
  it('scores submitted and accepted statements only; a draft row shows no scores and says why', async () => {
    const { reportHtml } = await import('../../domain/reports/formats');
    const { buildReport } = await import('../../domain/reports/report');
    const authorities = [
      { id: 'acc', name: 'Accepted Council', sector: 'local-government', type: 'district-council' },
      { id: 'dra', name: 'Draft Council', sector: 'local-government', type: 'district-council' },
    ] as never[];
    const statement = (status: string, score: number) => ({ status, version: 1, date: '2025-12-01', scores: { '1': score, '2': score }, achieving: 1, applicable: 2 });
    const year = (id: string, st: object) => ({ authorityId: id, year: '2025-26', completions: 0, peopleTrained: 0, sessions: 0, attendees: 0, feedbackRespondents: 0, feedbackGoodOrExcellent: 0, statement: st });
    const years = new Map([['2025-26', new Map([['acc', year('acc', statement('accepted', 4))], ['dra', year('dra', statement('draft', 1))]])]]);
    const html = reportHtml(buildReport({ year: '2025-26', today: '2025-12-31', now: new Date('2025-12-31T10:00:00Z'), coverageTarget: 0.85, authorities, current: new Map(), years: years as never }));
    const row = (name: string) => html.split('\n').find((l) => l.startsWith(`<tr><td>${name}</td><td class="status-`))!;
    expect(row('Accepted Council').match(/class="score" style/g)).toHaveLength(2);
    expect(row('Draft Council')).not.toMatch(/class="score" style/);
    expect(row('Draft Council')).toContain('scores not shown until submitted');
  });
});

describe('the SOP in force on a date', () => {
  it('takes effect on its implementation date, a review on the review date, a later edit on the day it was written', async () => {
    const { sopOn, sopTimeline } = await import('../../domain/reports/summary');
    const base = { implementationDate: '2023-05-01', nextReviewDate: '2024-05-01', sopVersion: '1.0' };
    const snapshots = [
      { ...base, version: 1, updatedAt: '2026-01-10T09:00:00Z' },
      { ...base, version: 2, sopVersion: '1.0', lastReviewedOn: '2024-04-20', nextReviewDate: '2025-04-20', updatedAt: '2026-01-11T09:00:00Z' },
      { ...base, version: 3, sopVersion: '1.1', lastReviewedOn: '2024-04-20', nextReviewDate: '2025-04-20', updatedAt: '2026-11-01T09:00:00Z' },
      { ...base, version: 4, sopVersion: '2.0', lastReviewedOn: '2026-11-20', nextReviewDate: '2027-11-20', updatedAt: '2026-11-20T09:00:00Z' },
    ] as never[];
    const timeline = sopTimeline(snapshots);
    expect(timeline.map((v) => v.from)).toEqual(['2023-05-01', '2024-04-20', '2026-11-01', '2026-11-20']);
    expect(sopOn(timeline, '2023-03-31')).toBeUndefined();
    expect(sopOn(timeline, '2024-03-31')?.version).toBe(1);
    expect(sopOn(timeline, '2025-03-31')?.sopVersion).toBe('1.0');
    expect(sopOn(timeline, '2026-03-31')?.version).toBe(2);
    expect(sopOn(timeline, '2026-11-23')?.sopVersion).toBe('2.0');
  });
});

describe('compact summaries (issue 14)', () => {
  it('keep the value of dated changes on every year end and on every date from the day of writing on', async () => {
    const { compactChanges, decodeChanges, encodeChanges, valueOn } = await import('../../domain/reports/summary');
    const { addDays, reportingYearOf, reportingYearRange } = await import('../../domain/shared/dates');
    let s = 7;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const writtenOn = '2026-11-24';
    for (let trial = 0; trial < 20; trial++) {
      const changes: Record<string, number> = {};
      for (let i = 0; i < 300; i++) {
        const d = addDays('2019-01-01', Math.floor(rand() * 4000));
        changes[d] = (changes[d] ?? 0) + (rand() < 0.5 ? -1 : 1) * (1 + Math.floor(rand() * 3));
        if (changes[d] === 0) delete changes[d];
      }
      const compact = compactChanges(changes, writtenOn);
      // Fewer entries: the past collapses to one a year (and the day of writing).
      expect(Object.keys(compact).filter((d) => d < writtenOn).length).toBeLessThanOrEqual(9);
      expect(Object.keys(compact).length).toBeLessThan(Object.keys(changes).length);
      const stored = decodeChanges(encodeChanges(compact));
      expect(stored).toEqual(compact);
      const yearEnds = Array.from({ length: 14 }, (_, k) => reportingYearRange(`${2017 + k}-${String((18 + k) % 100).padStart(2, '0')}`).to);
      const later = Array.from({ length: 60 }, (_, k) => addDays(writtenOn, k * 23));
      const encoded = encodeChanges(compact);
      for (const date of [...yearEnds, writtenOn, ...later, '1999-01-01', '9999-12-31']) {
        expect(valueOn(stored, date), date).toBe(valueOn(changes, date));
        // Evaluated on the encoded string itself, as a report does.
        expect(valueOn(encoded, date), date).toBe(valueOn(changes, date));
      }
      // A date inside a past year is not a date a report is taken on: there the value may differ (not asserted).
      expect(reportingYearOf(writtenOn)).toBe('2026-27');
    }
  });

  it('encode dated changes as a short string and read them back exactly', async () => {
    const { decodeChanges, encodeChanges } = await import('../../domain/reports/summary');
    const changes = { '2025-03-31': 4, '2025-04-30': -1, '2026-11-24': 2, '2099-01-01': -35, '9999-12-31': 1 };
    const text = encodeChanges(changes);
    expect(text.startsWith('2025-03-31+4,u-1,')).toBe(true);
    expect(decodeChanges(text)).toEqual(changes);
    expect(encodeChanges({})).toBe('');
    expect(decodeChanges('')).toEqual({});
  });
});
