import * as z from 'zod';
import { NotFoundError, ConflictError } from '../shared/errors';
import { requireRole, type Caller } from '../shared/identity';
import { EntityId } from '../shared/ids';
import { newMeta, nextMeta, RecordMeta } from '../shared/records';
import type { Clock, IdGenerator } from '../shared/ports';
import { auditEvent, type AuditEvent } from '../audit/audit';

/** Training is tiered by role (DOMAIN.md §Training records). */
export const LEVELS = ['frontline', 'specialist', 'strategic'] as const;
export const Level = z.enum(LEVELS);
export type Level = z.infer<typeof Level>;

export const DELIVERY_MODES = ['face-to-face', 'virtual-classroom', 'e-learning', 'blended'] as const;
export const DeliveryMode = z.enum(DELIVERY_MODES);
export type DeliveryMode = z.infer<typeof DeliveryMode>;

export const CourseFields = z.object({
  name: z.string().trim().min(1).max(200),
  level: Level,
  refresherMonths: z.number().int().min(1).max(120).nullable().describe('Months until a refresher is due; null if it never expires'),
  deliveryModes: z.array(DeliveryMode).min(1),
  aliases: z.array(z.string().trim().min(1).max(200)).max(20).default([]).describe('Other names learning systems use for this course (CSV import)'),
  active: z.boolean().default(true),
});
export type CourseFields = z.infer<typeof CourseFields>;
export const CreateCourse = CourseFields.extend({ id: EntityId });
export const UpdateCourse = CourseFields.extend({ version: z.number().int().positive() });
export const Course = CourseFields.extend({ id: EntityId }).extend(RecordMeta.shape);
export type Course = z.infer<typeof Course>;

/**
 * The standard courses every partnership starts with (seeds 000, 001, 003 §7, 004 §6).
 * Refresher intervals are the common practice; each partnership's steering group edits them.
 */
export const STANDARD_COURSES: (CourseFields & { id: string })[] = [
  { id: 'wrap', name: 'Workshop to Raise Awareness of Prevent (WRAP)', level: 'specialist', refresherMonths: 36, deliveryModes: ['face-to-face', 'virtual-classroom'], aliases: ['WRAP', 'WRAP3', 'Workshop to Raise Awareness of Prevent'], active: true },
  { id: 'home-office-elearning', name: 'Home Office Prevent e-learning', level: 'frontline', refresherMonths: 24, deliveryModes: ['e-learning'], aliases: ['Prevent e-learning', 'Prevent Duty Training', 'Home Office Prevent awareness e-learning'], active: true },
  { id: 'prevent-awareness', name: 'Prevent awareness', level: 'frontline', refresherMonths: 24, deliveryModes: ['face-to-face', 'virtual-classroom', 'e-learning'], aliases: ['Prevent awareness briefing', 'Prevent briefing'], active: true },
  { id: 'online-grooming', name: 'Prevent online grooming', level: 'specialist', refresherMonths: 24, deliveryModes: ['face-to-face', 'virtual-classroom', 'e-learning'], aliases: ['Online grooming', 'Online radicalisation'], active: true },
  { id: 'dsl', name: 'Designated Safeguarding Leads course', level: 'specialist', refresherMonths: 24, deliveryModes: ['face-to-face', 'virtual-classroom'], aliases: ['DSL', 'Designated Safeguarding Lead training'], active: true },
  { id: 'channel-panel', name: 'Channel panel training', level: 'strategic', refresherMonths: 36, deliveryModes: ['e-learning', 'face-to-face'], aliases: ['Channel', 'Channel awareness', 'Channel panel'], active: true },
  { id: 'beyond-wrap', name: 'Beyond WRAP refresher', level: 'specialist', refresherMonths: 36, deliveryModes: ['face-to-face', 'virtual-classroom'], aliases: ['Beyond WRAP', 'WRAP refresher', 'Prevent refresher'], active: true },
  { id: 'elected-member-briefing', name: 'Elected member briefing', level: 'strategic', refresherMonths: 48, deliveryModes: ['face-to-face', 'virtual-classroom'], aliases: ['Member briefing', 'Councillor briefing'], active: true },
  { id: 'induction', name: 'Induction (Prevent module)', level: 'frontline', refresherMonths: null, deliveryModes: ['e-learning', 'face-to-face'], aliases: ['Induction', 'Corporate induction'], active: true },
];

export interface CourseStore {
  list(tenantId: string): Promise<Course[]>;
  get(tenantId: string, id: string): Promise<Course | undefined>;
  create(tenantId: string, course: Course, audit: AuditEvent): Promise<void>;
  update(tenantId: string, course: Course, expectedVersion: number, audit: AuditEvent): Promise<void>;
}

/** Lower-cases and drops everything but letters and digits: "Course Title" = "course_title". */
export function normalizeLabel(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Finds a course by id, name or alias, as learning systems write them. */
export function courseMatcher(courses: readonly Course[]): (label: string) => Course | undefined {
  const byLabel = new Map<string, Course>();
  for (const c of courses) {
    for (const label of [c.id, c.name, ...c.aliases]) {
      const key = normalizeLabel(label);
      if (key && !byLabel.has(key)) byLabel.set(key, c);
    }
  }
  return (label) => byLabel.get(normalizeLabel(label));
}

export function courseService(deps: { store: CourseStore; clock: Clock; ids: IdGenerator }) {
  const { store, clock, ids } = deps;
  return {
    list: (caller: Caller) => store.list(caller.tenantId),

    async create(caller: Caller, input: z.infer<typeof CreateCourse>): Promise<Course> {
      requireRole(caller, 'steering-group');
      const now = clock.now();
      const course: Course = { ...input, ...newMeta(caller, now) };
      await store.create(caller.tenantId, course, auditEvent(caller, now, ids, { action: 'create', entityType: 'course', entityId: course.id, after: course }));
      return course;
    },

    async update(caller: Caller, id: string, input: z.infer<typeof UpdateCourse>): Promise<Course> {
      requireRole(caller, 'steering-group');
      const current = await store.get(caller.tenantId, id);
      if (!current) throw new NotFoundError('Course');
      const { version, ...fields } = input;
      if (version !== current.version) {
        throw new ConflictError('This course was changed by someone else; reload it and try again.', { reason: 'stale_version', currentVersion: current.version });
      }
      const now = clock.now();
      const course: Course = { id, ...fields, ...nextMeta(current, caller, now) };
      await store.update(caller.tenantId, course, version, auditEvent(caller, now, ids, { action: 'update', entityType: 'course', entityId: id, before: current, after: course }));
      return course;
    },
  };
}
