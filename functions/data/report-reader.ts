import type { ActionPlan, StoredAction } from '../../domain/actionplan/plan';
import type { Authority } from '../../domain/authorities/authority';
import type { Quarter } from '../../domain/delivery/figures';
import type { Partnership } from '../../domain/partnerships/partnership';
import type { ReportReader } from '../../domain/reports/service';
import { keys } from './keys';
import { reportRepository } from './report-repository';
import { assessmentRepository } from './steering-repositories';
import type { TableStore } from './store';

/**
 * A report costs seven requests, all sent at once, whatever the partnership's size: the
 * partnership, its authorities, one Query of summaries, its action plans, every plan's actions of
 * the year (at most 90 a plan year), the latest Home Office assessment up to the year (limit 1)
 * and the year's four quarters of delivery figures.
 */
export function reportReader(table: TableStore): ReportReader {
  const reports = reportRepository(table);
  const assessments = assessmentRepository(table);
  return {
    async read(tenantId, year, previousYear) {
      const [partnership, authorities, summaries, plans, actions, assessment, quarters] = await Promise.all([
        table.get<Partnership>(keys.partnership(tenantId)),
        table.all<Authority>(keys.authorities(tenantId)),
        reports.summaries(tenantId, previousYear),
        table.all<ActionPlan>(keys.actionPlans.list(tenantId)),
        table.all<StoredAction>(keys.actionPlans.yearActions(tenantId, year)),
        assessments.latestOnOrBefore(tenantId, year),
        table.all<Quarter>(keys.delivery.year(tenantId, year)),
      ]);
      return { partnership, authorities, ...summaries, plans, actions, assessment, quarters };
    },
  };
}
