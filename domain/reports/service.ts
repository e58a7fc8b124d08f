import * as z from 'zod';
import { byNumber, visiblePlanFor, type ActionPlan, type StoredAction } from '../actionplan/plan';
import type { Assessment } from '../assessment/assessment';
import type { Authority } from '../authorities/authority';
import { publishFigures, type Quarter } from '../delivery/figures';
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

export interface ReportData {
  partnership: Partnership | undefined;
  authorities: Authority[];
  current: Map<string, CurrentSummary>;
  years: Map<string, Map<string, YearSummary>>;
  /** Every action plan of the partnership (a handful), and every plan's actions in the year. */
  plans: ActionPlan[];
  actions: StoredAction[];
  /** The latest Home Office assessment of a year up to the report's. */
  assessment: Assessment | undefined;
  /** The year's delivery figures, quarter by quarter. */
  quarters: Quarter[];
}

export interface ReportReader {
  /** Everything a report needs, in a bounded number of requests whatever the data size (all sent at once). */
  read(tenantId: string, year: string, previousYear: string): Promise<ReportData>;
}

/** The plan covering a year (the one that started latest, should two overlap) and its actions that year. */
export function planOfYear(plans: readonly ActionPlan[], actions: readonly StoredAction[], year: string): { plan: ActionPlan; actions: StoredAction[] } | undefined {
  const plan = plans.filter((p) => p.firstYear <= year && year <= p.lastYear && (p.currentYear >= year || p.closedYears.includes(year))).sort((a, b) => b.firstYear.localeCompare(a.firstYear))[0];
  if (!plan) return undefined;
  return { plan, actions: actions.filter((a) => a.planId === plan.id && a.year === year).sort(byNumber(plan.themes)) };
}

export function reportService(deps: { reader: ReportReader; clock: Clock }) {
  /** The report and what it was built from (the annual report assembles more from the same reads). */
  async function withData(caller: Caller, year?: string) {
    const now = deps.clock.now();
    const today = toIsoDate(now);
    const y = year ?? reportingYearOf(today);
    if (!isReportingYear(y)) throw new ValidationError([{ path: 'query.year', message: 'A UK financial year such as 2024-25.' }]);
    const data = await deps.reader.read(caller.tenantId, y, previousYearOf(y));
    const scope = authorityScope(caller);
    const authorities = scope.kind === 'partnership' ? data.authorities : data.authorities.filter((a) => a.id === scope.authorityId);
    const plan = visiblePlanFor(caller, planOfYear(data.plans, data.actions, y));
    const delivery = publishFigures(y, data.quarters);
    const report = buildReport({
      year: y,
      today,
      now,
      coverageTarget: settingsOf(data.partnership).coverageTarget,
      authorities,
      current: data.current,
      years: data.years,
      actionPlan: plan,
      assessment: data.assessment,
      // Only a year with figures entered has a delivery section.
      delivery: data.quarters.length ? delivery : undefined,
    });
    return { report: { ...report, ...(data.partnership ? { partnershipName: data.partnership.name } : {}) }, data, plan, delivery, today, now };
  }

  return {
    /** The steering group and viewers (scrutiny) read it; a viewer of one authority sees that authority's row (and the actions it leads). */
    async consolidated(caller: Caller, year?: string): Promise<ConsolidatedReport & { partnershipName?: string }> {
      requireRole(caller, 'steering-group', 'viewer');
      return (await withData(caller, year)).report;
    },
    withData,
  };
}
