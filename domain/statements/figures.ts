import type { Authority } from '../authorities/authority';
import { filterStatus, type AssuranceStore } from '../itfilter/assurance';
import type { PartnershipSettings } from '../partnerships/partnership';
import { reportingYearRange } from '../shared/dates';
import type { SopStore } from '../sop/sop';
import type { Course } from '../training/courses';
import { computeCoverage, countByCourse } from '../training/coverage';
import type { TrainingPlan } from '../training/plan';
import type { CompletionStore, SessionStore } from '../training/service';
import type { FiguresSource } from './statement';

/** Reads the authority's figures at the moment of submission: training, IT filter, SOP. */
export function figuresSource(deps: {
  completions: Pick<CompletionStore, 'allCurrent' | 'inPeriod'>;
  sessions: Pick<SessionStore, 'between'>;
  courses: { list(tenantId: string): Promise<Course[]> };
  plans: { get(tenantId: string, authorityId: string): Promise<TrainingPlan | undefined> };
  assurances: Pick<AssuranceStore, 'list'>;
  sops: Pick<SopStore, 'get'>;
}): FiguresSource {
  return {
    async snapshot(tenantId: string, authority: Authority, year: string, settings: PartnershipSettings, today: string) {
      const { from, to } = reportingYearRange(year);
      const [current, inYear, sessions, courses, plan, assurances, sop] = await Promise.all([
        deps.completions.allCurrent(tenantId, authority.id),
        deps.completions.inPeriod(tenantId, authority.id, from, to),
        deps.sessions.between(tenantId, authority.id, from, to),
        deps.courses.list(tenantId),
        deps.plans.get(tenantId, authority.id),
        deps.assurances.list(tenantId, authority.id),
        deps.sops.get(tenantId, authority.id),
      ]);
      const coverage = computeCoverage({ roles: plan?.roles ?? [], courses, current, asOf: today, target: settings.coverageTarget });
      const counts = countByCourse(inYear);
      const lastReviewedOn = assurances.map((a) => a.reviewedOn).sort().at(-1);
      const filter = filterStatus(lastReviewedOn, today);
      return {
        training: {
          coverage: coverage.total.coverage,
          headcount: coverage.total.headcount,
          covered: coverage.total.covered,
          target: settings.coverageTarget,
          completionsInYear: counts.completions,
          peopleTrainedInYear: counts.peopleTrained,
          sessionsInYear: sessions.length,
          attendeesInYear: sessions.reduce((n, s) => n + s.attendees, 0),
        },
        itFilter: {
          status: filter.status,
          ...(lastReviewedOn ? { lastReviewedOn } : {}),
          ...(filter.nextReviewDue ? { nextReviewDue: filter.nextReviewDue } : {}),
          ...(assurances.find((a) => a.year === year) ? { outcomeThisYear: assurances.find((a) => a.year === year)!.outcome } : {}),
        },
        sop: sop
          ? { present: true, sopVersion: sop.sopVersion, nextReviewDate: sop.nextReviewDate, reviewOverdue: sop.nextReviewDate < today, ...(sop.lastReviewedOn ? { lastReviewedOn: sop.lastReviewedOn } : {}) }
          : { present: false },
      };
    },
  };
}
