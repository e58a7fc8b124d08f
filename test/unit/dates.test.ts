import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, reportingYearOf } from '../../domain/shared/dates';

/** The calendar as Date computes it: what the arithmetic in dates.ts must agree with. */
const viaDate = {
  addMonths(iso: string, months: number) {
    const [y, m, d] = iso.split('-').map(Number);
    const target = new Date(Date.UTC(y, m - 1 + months, 1));
    const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
    target.setUTCDate(Math.min(d, lastDay));
    return target.toISOString().slice(0, 10);
  },
  addDays(iso: string, days: number) {
    const date = new Date(`${iso}T00:00:00Z`);
    date.setUTCDate(date.getUTCDate() + days);
    return date.toISOString().slice(0, 10);
  },
};

const isoDate = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2999-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

describe('date arithmetic', () => {
  it('addMonths agrees with the Date calendar, month ends clamped and leap years included', () => {
    fc.assert(fc.property(isoDate, fc.integer({ min: -240, max: 240 }), (iso, n) => addMonths(iso, n) === viaDate.addMonths(iso, n)), { seed: 1, numRuns: 5000 });
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2100-01-31', 1)).toBe('2100-02-28');
    expect(addMonths('2000-03-31', -1)).toBe('2000-02-29');
    expect(addMonths('2025-12-15', 1)).toBe('2026-01-15');
  });

  it('addDays agrees with the Date calendar across month, year and century ends', () => {
    fc.assert(fc.property(isoDate, fc.integer({ min: -5000, max: 5000 }), (iso, n) => addDays(iso, n) === viaDate.addDays(iso, n)), { seed: 2, numRuns: 5000 });
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-12-31', 1)).toBe('2024-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });

  it('reportingYearOf runs April to March', () => {
    expect(reportingYearOf('2025-03-31')).toBe('2024-25');
    expect(reportingYearOf('2025-04-01')).toBe('2025-26');
    expect(reportingYearOf('1999-04-01')).toBe('1999-00');
  });
});
