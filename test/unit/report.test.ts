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
