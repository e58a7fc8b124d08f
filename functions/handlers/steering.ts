import { figuresCsv } from '../../domain/delivery/figures';
import type { Caller } from '../../domain/shared/identity';
import { createHandler } from '../shared/http';
import { tenantDeps } from '../shared/deps';
import { withPeople } from '../shared/people';
import { RawResponse } from '../shared/responses';
import { steeringServices } from '../wiring/steering';

const services = (caller: Caller) => steeringServices(tenantDeps(caller));

/** The steering group's own records: the action plan, delivery figures, Home Office assessments, the annual report's narrative. */
export const handler = createHandler('steering', {
  listActionPlans: async ({ caller }) => ({ items: await services(caller).plans.listPlans(caller) }),
  createActionPlan: ({ caller, body }) => services(caller).plans.createPlan(caller, body),
  getActionPlan: async ({ caller, params, query }) => {
    const year = await services(caller).plans.getPlan(caller, params.planId, query.year);
    return withPeople(caller, year, year.actions.flatMap((a) => a.progress.map((p) => p.by)));
  },
  updateActionPlan: ({ caller, params, body }) => services(caller).plans.updatePlan(caller, params.planId, body),
  closeActionPlanYear: ({ caller, params, body }) => services(caller).plans.closeYear(caller, params.planId, body),
  createAction: ({ caller, params, body }) => services(caller).plans.createAction(caller, params.planId, body),
  updateAction: ({ caller, params, body }) => services(caller).plans.updateAction(caller, params.planId, params.actionId, body),
  deleteAction: ({ caller, params, query }) => services(caller).plans.deleteAction(caller, params.planId, params.actionId, query.version),
  recordActionProgress: ({ caller, params, body }) => services(caller).plans.recordProgress(caller, params.planId, params.actionId, body),
  getDeliveryFigures: async ({ caller, params, query }) => {
    const figures = await services(caller).delivery.get(caller, params.year);
    if (query.format === 'csv') {
      return new RawResponse('text/csv; charset=utf-8', figuresCsv(figures.published), { 'content-disposition': `attachment; filename="prevent-delivery-figures-${params.year}.csv"` });
    }
    return figures;
  },
  putDeliveryQuarter: ({ caller, params, body }) => services(caller).delivery.put(caller, params.year, params.quarter, body),
  listAssessments: async ({ caller }) => ({ items: await services(caller).assessments.list(caller) }),
  getAssessment: ({ caller, params }) => services(caller).assessments.get(caller, params.year),
  putAssessment: ({ caller, params, body }) => services(caller).assessments.put(caller, params.year, body),
  putAnnualNarrative: ({ caller, params, body }) => services(caller).narratives.put(caller, params.year, body),
});
