import { actionPlanService } from '../../domain/actionplan/plan';
import { assessmentService } from '../../domain/assessment/assessment';
import { deliveryService } from '../../domain/delivery/figures';
import { narrativeService } from '../../domain/reports/annual';
import type { Deps } from '../shared/deps';

/** The steering group's own records wired to the adapters given: `tenantDeps(caller)` for a request, `systemDeps()` for the local seed. */
export function steeringServices(d: Deps) {
  return {
    plans: actionPlanService({ store: d.actionPlans, authorities: d.authorities, partnerships: d.partnerships, clock: d.clock, ids: d.ids }),
    delivery: deliveryService({ store: d.delivery, authorities: d.authorities, clock: d.clock, ids: d.ids }),
    assessments: assessmentService({ store: d.homeOfficeAssessments, clock: d.clock, ids: d.ids }),
    narratives: narrativeService({ store: d.narratives, clock: d.clock, ids: d.ids }),
  };
}
