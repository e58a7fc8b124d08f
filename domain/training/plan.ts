import * as z from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { assertCanSeeAuthority, requireRole, type Caller } from '../shared/identity';
import { EntityId } from '../shared/ids';
import { newMeta, nextMeta, RecordMeta } from '../shared/records';
import type { Clock, IdGenerator } from '../shared/ports';
import { auditEvent, type AuditEvent } from '../audit/audit';
import { Level, type Course } from './courses';

/**
 * An authority's training plan: which roles of its workforce need which Prevent training
 * (seed 004 §6: "a training plan … which identifies what roles require Prevent training and
 * at what level"). A role is covered when all its required courses are in date and, if a
 * level is required, some in-date course is at that level or above.
 */
export const PlanRole = z.object({
  id: EntityId.describe('Short code, used in CSV imports (e.g. frontline-officer)'),
  name: z.string().trim().min(1).max(200),
  headcount: z.number().int().min(0).max(1_000_000),
  requiredCourses: z.array(EntityId).max(20).default([]),
  requiredLevel: Level.optional(),
});
export type PlanRole = z.infer<typeof PlanRole>;

export const PlanFields = z.object({ roles: z.array(PlanRole).max(100) });
export const PutPlan = PlanFields.extend({
  version: z.number().int().min(0).describe('The version you read; 0 when the authority has no plan yet'),
});
export type PutPlan = z.infer<typeof PutPlan>;
export const TrainingPlan = PlanFields.extend({ authorityId: EntityId }).extend(RecordMeta.shape);
export type TrainingPlan = z.infer<typeof TrainingPlan>;

export interface PlanStore {
  get(tenantId: string, authorityId: string): Promise<TrainingPlan | undefined>;
  /** expectedVersion 0 creates; otherwise a conditional update. */
  put(tenantId: string, plan: TrainingPlan, expectedVersion: number, audit: AuditEvent): Promise<void>;
}

export function planRuleErrors(roles: readonly PlanRole[], courses: readonly Course[]) {
  const errors: { path: string; message: string }[] = [];
  const known = new Set(courses.map((c) => c.id));
  const seen = new Set<string>();
  roles.forEach((role, i) => {
    if (seen.has(role.id)) errors.push({ path: `roles.${i}.id`, message: `Role ${role.id} appears twice.` });
    seen.add(role.id);
    role.requiredCourses.forEach((courseId, j) => {
      if (!known.has(courseId)) errors.push({ path: `roles.${i}.requiredCourses.${j}`, message: `No course ${courseId} in the catalogue.` });
    });
    if (role.requiredCourses.length === 0 && !role.requiredLevel) {
      errors.push({ path: `roles.${i}`, message: 'Say which courses or which level this role requires.' });
    }
  });
  return errors;
}

export function planService(deps: {
  plans: PlanStore;
  courses: { list(tenantId: string): Promise<Course[]> };
  authorityExists(tenantId: string, authorityId: string): Promise<boolean>;
  clock: Clock;
  ids: IdGenerator;
}) {
  return {
    /** An authority without a plan yet answers an empty plan at version 0. */
    async get(caller: Caller, authorityId: string): Promise<TrainingPlan | { authorityId: string; roles: []; version: 0 }> {
      assertCanSeeAuthority(caller, authorityId);
      if (!(await deps.authorityExists(caller.tenantId, authorityId))) throw new NotFoundError('Authority');
      return (await deps.plans.get(caller.tenantId, authorityId)) ?? { authorityId, roles: [], version: 0 };
    },

    async put(caller: Caller, authorityId: string, input: PutPlan): Promise<TrainingPlan> {
      requireRole(caller, 'steering-group', 'authority-lead', 'authority-editor');
      assertCanSeeAuthority(caller, authorityId);
      const [current, courses, exists] = await Promise.all([
        deps.plans.get(caller.tenantId, authorityId),
        deps.courses.list(caller.tenantId),
        deps.authorityExists(caller.tenantId, authorityId),
      ]);
      if (!exists) throw new NotFoundError('Authority');
      const currentVersion = current?.version ?? 0;
      if (input.version !== currentVersion) {
        throw new ConflictError('This training plan was changed by someone else; reload it and try again.', { reason: 'stale_version', currentVersion });
      }
      const errors = planRuleErrors(input.roles, courses);
      if (errors.length) throw new ValidationError(errors);
      const now = deps.clock.now();
      const meta = current ? nextMeta(current, caller, now) : newMeta(caller, now);
      const plan: TrainingPlan = { authorityId, roles: input.roles, ...meta };
      await deps.plans.put(
        caller.tenantId,
        plan,
        currentVersion,
        auditEvent(caller, now, deps.ids, { action: current ? 'update' : 'create', entityType: 'training-plan', entityId: authorityId, authorityId, before: current, after: plan }),
      );
      return plan;
    },
  };
}

