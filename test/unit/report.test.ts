import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/api';
import { ConsolidatedReport, ReportRow } from '../../domain/reports/report';

describe('the report shape', () => {
  it('is defined once, in the domain: the API contract serves the domain schema', () => {
    expect(ROUTES.consolidatedReport.response).toBe(ConsolidatedReport);
    expect(ConsolidatedReport.shape.rows.element).toBe(ReportRow);
  });
});
