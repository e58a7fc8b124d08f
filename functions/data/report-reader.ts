import type { Authority } from '../../domain/authorities/authority';
import type { Partnership } from '../../domain/partnerships/partnership';
import type { ReportReader } from '../../domain/reports/service';
import { keys } from './keys';
import { reportRepository } from './report-repository';
import type { TableStore } from './store';

/** A report costs three requests: the partnership, its authorities, and one Query of summaries. */
export function reportReader(table: TableStore): ReportReader {
  const reports = reportRepository(table);
  return {
    async read(tenantId, previousYear) {
      const [partnership, authorities, summaries] = await Promise.all([
        table.get<Partnership>(keys.partnership(tenantId)),
        table.all<Authority>(keys.authorities(tenantId)),
        reports.summaries(tenantId, previousYear),
      ]);
      return { partnership, authorities, ...summaries };
    },
  };
}
