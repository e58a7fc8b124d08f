import { assertCanReadAnnual, buildAnnualReport, type AnnualReport, type NarrativeStore } from './annual';
import type { reportService } from './service';
import type { Caller } from '../shared/identity';

/** The annual report of a year: the consolidated report's reads (a bounded number) plus the year's narrative (one more GetItem). */
export function annualService(deps: { reports: ReturnType<typeof reportService>; narratives: NarrativeStore }) {
  return {
    async annual(caller: Caller, year?: string): Promise<AnnualReport> {
      assertCanReadAnnual(caller);
      const { report, data, plan, delivery } = await deps.reports.withData(caller, year);
      const narrative = await deps.narratives.get(caller.tenantId, report.year);
      return buildAnnualReport({ report, plan, assessment: data.assessment, delivery, narrative, authorityNames: new Map(data.authorities.map((a) => [a.id, a.name])) });
    },
  };
}
