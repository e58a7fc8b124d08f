import * as z from 'zod';
import type { Authority } from '../authorities/authority';
import { settingsOf, type Partnership } from '../partnerships/partnership';
import { isReportingYear, ReportingYear, reportingYearOf, toIsoDate } from '../shared/dates';
import { ValidationError } from '../shared/errors';
import { authorityScope, requireRole, type Caller } from '../shared/identity';
import type { Clock } from '../shared/ports';
import { buildReport, previousYearOf, type ConsolidatedReport } from './report';
import type { CurrentSummary, YearSummary } from './summary';

export const ReportQuery = z.object({
  year: ReportingYear.optional().describe('UK financial year, e.g. 2024-25; default the current one'),
  format: z.enum(['json', 'csv', 'html']).default('json'),
});

export interface ReportReader {
  /** Everything a report needs, in a bounded number of requests whatever the data size. */
  read(tenantId: string, previousYear: string): Promise<{
    partnership: Partnership | undefined;
    authorities: Authority[];
    current: Map<string, CurrentSummary>;
    years: Map<string, Map<string, YearSummary>>;
  }>;
}

export function reportService(deps: { reader: ReportReader; clock: Clock }) {
  return {
    /** The steering group and viewers (scrutiny) read it; a viewer of one authority sees that authority's row. */
    async consolidated(caller: Caller, year?: string): Promise<ConsolidatedReport & { partnershipName?: string }> {
      requireRole(caller, 'steering-group', 'viewer');
      const now = deps.clock.now();
      const today = toIsoDate(now);
      const y = year ?? reportingYearOf(today);
      if (!isReportingYear(y)) throw new ValidationError([{ path: 'query.year', message: 'A UK financial year such as 2024-25.' }]);
      const data = await deps.reader.read(caller.tenantId, previousYearOf(y));
      const scope = authorityScope(caller);
      const authorities = scope.kind === 'partnership' ? data.authorities : data.authorities.filter((a) => a.id === scope.authorityId);
      const report = buildReport({ year: y, today, now, coverageTarget: settingsOf(data.partnership).coverageTarget, authorities, current: data.current, years: data.years });
      return { ...report, ...(data.partnership ? { partnershipName: data.partnership.name } : {}) };
    },
  };
}
