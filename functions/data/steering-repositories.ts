import type { ActionPlan, ActionPlanStore, StoredAction } from '../../domain/actionplan/plan';
import type { Assessment, AssessmentStore } from '../../domain/assessment/assessment';
import type { DeliveryStore, Quarter } from '../../domain/delivery/figures';
import type { NarrativeStore, StoredNarrative } from '../../domain/reports/annual';
import { keys } from './keys';
import { dueItemOp } from './sop-repositories';
import { versionedWrite, type TableStore, type WriteOp } from './store';

/** DynamoDB adapters for the steering group's own records: the action plan, delivery figures, Home Office assessments, the annual report's narrative. */

type Item = Record<string, unknown>;
const asItem = (r: object) => r as unknown as Item & { version: number };

export function actionPlanRepository(table: TableStore): ActionPlanStore {
  const actionKey = (tenantId: string, a: Pick<StoredAction, 'year' | 'planId' | 'id'>) => keys.actionPlans.action(tenantId, a.year, a.planId, a.id);
  return {
    listPlans: (tenantId) => table.all<ActionPlan>(keys.actionPlans.list(tenantId)),
    getPlan: (tenantId, planId) => table.get<ActionPlan>(keys.actionPlans.plan(tenantId, planId)),
    actions: (tenantId, planId, year) => table.all<StoredAction>(keys.actionPlans.actions(tenantId, year, planId)),
    getAction: (tenantId, planId, year, actionId) => table.get<StoredAction>(keys.actionPlans.action(tenantId, year, planId, actionId)),
    putPlan: (tenantId, plan, expectedVersion, audit) => table.write(tenantId, [versionedWrite('action plan', keys.actionPlans.plan(tenantId, plan.id), asItem(plan), expectedVersion)], audit),
    putAction: (tenantId, action, expectedVersion, due, audit) => {
      const dueOp: WriteOp = 'drop' in due ? { kind: 'delete', entity: 'due-item', key: keys.due.item(tenantId, 'action', due.drop) } : dueItemOp(due);
      return table.write(tenantId, [versionedWrite('action', actionKey(tenantId, action), asItem(action), expectedVersion), dueOp], audit);
    },
    deleteAction: (tenantId, action, expectedVersion, audit) =>
      table.write(
        tenantId,
        [
          { kind: 'delete', entity: 'action', key: actionKey(tenantId, action), expectedVersion },
          { kind: 'delete', entity: 'due-item', key: keys.due.item(tenantId, 'action', action.id) },
        ],
        audit,
      ),
    closeYear: (tenantId, plan, expectedVersion, carried, dropDue, audit) =>
      table.write(
        tenantId,
        [
          versionedWrite('action plan', keys.actionPlans.plan(tenantId, plan.id), asItem(plan), expectedVersion),
          ...carried.map((a): WriteOp => ({ kind: 'create', entity: 'action', key: actionKey(tenantId, a), record: asItem(a) })),
          ...dropDue.map((id): WriteOp => ({ kind: 'delete', entity: 'due-item', key: keys.due.item(tenantId, 'action', id) })),
        ],
        audit,
      ),
  };
}

export function assessmentRepository(table: TableStore): AssessmentStore {
  return {
    list: (tenantId) => table.all<Assessment>(keys.assessments.all(tenantId)),
    get: (tenantId, year) => table.get<Assessment>(keys.assessments.year(tenantId, year)),
    latestOnOrBefore: async (tenantId, year) => (await table.page<Assessment>({ ...keys.assessments.upTo(tenantId, year), newestFirst: true, limit: 1 })).items[0],
    put: (tenantId, a, expectedVersion, audit) => table.write(tenantId, [versionedWrite('assessment', keys.assessments.year(tenantId, a.year), asItem(a), expectedVersion)], audit),
  };
}

export function deliveryRepository(table: TableStore): DeliveryStore {
  return {
    list: (tenantId, year) => table.all<Quarter>(keys.delivery.year(tenantId, year)),
    get: (tenantId, year, quarter) => table.get<Quarter>(keys.delivery.quarter(tenantId, year, quarter)),
    put: (tenantId, q, expectedVersion, audit) => table.write(tenantId, [versionedWrite('delivery figures', keys.delivery.quarter(tenantId, q.year, q.quarter), asItem(q), expectedVersion)], audit),
  };
}

export function narrativeRepository(table: TableStore): NarrativeStore {
  return {
    get: (tenantId, year) => table.get<StoredNarrative>(keys.annualReports.narrative(tenantId, year)),
    put: (tenantId, n, expectedVersion, audit) => table.write(tenantId, [versionedWrite('annual report narrative', keys.annualReports.narrative(tenantId, n.year), asItem(n), expectedVersion)], audit),
  };
}
