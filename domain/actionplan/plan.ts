import * as z from 'zod';
import { auditEvent, type AuditEvent } from '../audit/audit';
import type { Authority } from '../authorities/authority';
import { settingsOf, type Partnership } from '../partnerships/partnership';
import { firstReminderOn, recipientsFor, type DueItem } from '../reminders/due';
import { addDays, IsoDate, isReportingYear, ReportingYear, reportingYearOf, reportingYearRange, toIsoDate } from '../shared/dates';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../shared/errors';
import { authorityScope, requireRole, type Caller } from '../shared/identity';
import { EntityId } from '../shared/ids';
import type { Clock, IdGenerator } from '../shared/ports';
import { newMeta, nextMeta, RecordMeta } from '../shared/records';

/**
 * The partnership's Prevent action plan (seed 001): themes, each with numbered key actions — the
 * action, its leads (authorities of the partnership and/or outside bodies named as text), a
 * timescale (a date, a recurrence or ongoing), intended outcomes, the toolkit benchmarks it
 * serves — and a RAG status with dated progress updates. A plan covers a period (2025–2027)
 * with a version per reporting year: closing a year freezes its actions as they stood and
 * carries the open ones forward into the next.
 */
export const RAG_STATUSES = ['red', 'amber', 'green', 'complete'] as const;
export const RagStatus = z.enum(RAG_STATUSES).describe('red: off track; amber: at risk; green: on track; complete: done (blue on a BRAG chart)');
export type RagStatus = z.infer<typeof RagStatus>;
export const RECURRENCES = ['monthly', 'quarterly', 'annually'] as const;

/** A plan year holds at most this many actions, so closing it (every open action carried forward) is one transaction. */
export const MAX_ACTIONS_PER_YEAR = 90;
/** A plan covers at most this many reporting years. */
export const MAX_PLAN_YEARS = 5;

const text = (max: number) => z.string().trim().min(1).max(max);

export const Timescale = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('date'), dueOn: IsoDate.describe('The date the action is due by (falls due through the reminders)') }),
    z.object({ kind: z.literal('recurring'), every: z.enum(RECURRENCES) }),
    z.object({ kind: z.literal('ongoing') }),
  ])
  .describe('When the action is due: by a date, every month/quarter/year, or ongoing');
export type Timescale = z.infer<typeof Timescale>;

export const Theme = z.object({
  id: EntityId,
  number: z.number().int().min(1).max(99),
  title: text(200),
});
export type Theme = z.infer<typeof Theme>;

export const PlanFields = z.object({
  title: text(200),
  firstYear: ReportingYear.describe('The plan’s first reporting year, e.g. 2025-26'),
  lastYear: ReportingYear.describe('Its last reporting year, e.g. 2026-27'),
  themes: z.array(Theme).min(1).max(20),
});
export const CreatePlan = PlanFields.extend({ id: EntityId.optional().describe('e.g. 2025-2027; made from the years if omitted') });
export const UpdatePlan = z.object({ title: text(200), themes: z.array(Theme).min(1).max(20), version: z.number().int().positive() });
export const ActionPlan = PlanFields.extend({
  id: EntityId,
  currentYear: z.string().describe('The year whose actions are open for updates'),
  closedYears: z.array(z.string()).describe('Years closed so far: their actions are kept as they stood at the close'),
  closed: z.boolean().describe('True once the last year is closed'),
}).extend(RecordMeta.shape);
export type ActionPlan = z.infer<typeof ActionPlan>;

export const ProgressUpdate = z.object({
  id: z.string(),
  on: z.string().describe('The date of the update'),
  by: z.string().describe('User id of who wrote it (a name in `people` where the route gives it)'),
  role: z.string(),
  authorityId: z.string().optional().describe('The authority of who wrote it, for an authority’s lead or editor'),
  rag: RagStatus,
  text: z.string(),
});
export type ProgressUpdate = z.infer<typeof ProgressUpdate>;

const ActionShape = z.object({
  themeId: EntityId,
  number: z.string().trim().regex(/^\d{1,2}(\.\d{1,2})?$/, 'a number such as 3 or 3.1'),
  action: text(2000),
  leadAuthorities: z.array(EntityId).max(20).default([]).describe('Authorities of the partnership that lead it (their leads see and update it)'),
  otherLeads: z.array(text(200)).max(10).default([]).describe('Leads outside the authorities, as text (e.g. "Faiths Forum")'),
  timescale: Timescale,
  outcomes: z.string().trim().max(2000).optional(),
  benchmarks: z.array(z.number().int().min(1).max(50)).max(10).default([]).describe('Toolkit benchmarks the action serves'),
});
const needsLead = (a: { leadAuthorities: string[]; otherLeads: string[] }, ctx: z.RefinementCtx) => {
  if (a.leadAuthorities.length + a.otherLeads.length === 0) ctx.addIssue({ code: 'custom', path: ['leadAuthorities'], message: 'Name at least one lead: an authority or an outside body.' });
};
export const ActionFields = ActionShape.superRefine(needsLead);
export type ActionFields = z.infer<typeof ActionFields>;
export const CreateAction = ActionShape.extend({ rag: RagStatus.default('green') }).superRefine(needsLead);
export const UpdateAction = ActionShape.extend({ version: z.number().int().positive() }).superRefine(needsLead);
export const RecordProgress = z.object({
  rag: RagStatus,
  text: text(2000).describe('What has happened since the last update'),
  version: z.number().int().positive().describe('The action version you read'),
});
export const CloseYear = z.object({ year: ReportingYear, version: z.number().int().positive().describe('The plan version you read') });

export const Action = ActionShape.extend({
  id: EntityId,
  planId: EntityId,
  year: z.string(),
  rag: RagStatus,
  progress: z.array(ProgressUpdate).describe('Dated progress updates, oldest first'),
  carriedFrom: z.string().optional().describe('The year the action was first in, when carried forward'),
  overdue: z.boolean().describe('Due by a date that has passed (as at today, or the year end for a closed year) and not complete'),
}).extend(RecordMeta.shape);
export type Action = z.infer<typeof Action>;
/** An action as stored: `overdue` is derived when read. */
export type StoredAction = Omit<Action, 'overdue'>;

export function nextYearOf(year: string): string {
  return reportingYearOf(addDays(reportingYearRange(year).to, 1));
}

/** The reporting years from `first` to `last`, inclusive. */
export function yearsOf(first: string, last: string): string[] {
  const out = [first];
  while (out.at(-1)! < last && out.length <= MAX_PLAN_YEARS) out.push(nextYearOf(out.at(-1)!));
  return out;
}

/** Due by a date before `asAt` and not complete. */
export function isOverdue(a: Pick<StoredAction, 'timescale' | 'rag'>, asAt: string): boolean {
  return a.timescale.kind === 'date' && a.timescale.dueOn < asAt && a.rag !== 'complete';
}

/** The date an action's overdue state is judged at: today for the open year, the year end for a closed one. */
export function judgedOn(plan: Pick<ActionPlan, 'closedYears'>, year: string, today: string): string {
  return plan.closedYears.includes(year) ? reportingYearRange(year).to : today;
}

export function withOverdue(a: StoredAction, asAt: string): Action {
  return { ...a, overdue: isOverdue(a, asAt) };
}

/** Counts by RAG, with how many are overdue. */
export const RagCounts = z.object({ red: z.number(), amber: z.number(), green: z.number(), complete: z.number(), total: z.number(), overdue: z.number() });
export type RagCounts = z.infer<typeof RagCounts>;
export function emptyCounts(): RagCounts {
  return { red: 0, amber: 0, green: 0, complete: 0, total: 0, overdue: 0 };
}
export function countInto(c: RagCounts, a: Pick<StoredAction, 'rag' | 'timescale'>, asAt: string): void {
  c[a.rag]++;
  c.total++;
  if (isOverdue(a, asAt)) c.overdue++;
}

/**
 * What the consolidated and annual reports show of the plan for a year: counts by RAG per theme,
 * per toolkit benchmark and per lead authority (an action with several leads counts for each).
 */
export const ActionPlanSummary = z.object({
  planId: z.string(),
  title: z.string(),
  year: z.string(),
  asAt: z.string().describe('The date overdue is judged at'),
  totals: RagCounts,
  byTheme: z.array(RagCounts.extend({ themeId: z.string(), number: z.number(), title: z.string() })),
  byBenchmark: z.array(RagCounts.extend({ benchmark: z.number() })),
  byLead: z.array(RagCounts.extend({ authorityId: z.string(), name: z.string() })),
});
export type ActionPlanSummary = z.infer<typeof ActionPlanSummary>;

export function summarizePlan(plan: ActionPlan, year: string, actions: readonly StoredAction[], authorities: readonly Pick<Authority, 'id' | 'name'>[], today: string): ActionPlanSummary {
  const asAt = judgedOn(plan, year, today);
  const totals = emptyCounts();
  const themes = new Map(plan.themes.map((t) => [t.id, { themeId: t.id, number: t.number, title: t.title, ...emptyCounts() }]));
  const benchmarks = new Map<number, RagCounts & { benchmark: number }>();
  const names = new Map(authorities.map((a) => [a.id, a.name]));
  const leads = new Map<string, RagCounts & { authorityId: string; name: string }>();
  for (const a of actions) {
    countInto(totals, a, asAt);
    const theme = themes.get(a.themeId);
    if (theme) countInto(theme, a, asAt);
    for (const b of new Set(a.benchmarks)) {
      if (!benchmarks.has(b)) benchmarks.set(b, { benchmark: b, ...emptyCounts() });
      countInto(benchmarks.get(b)!, a, asAt);
    }
    for (const id of new Set(a.leadAuthorities)) {
      if (!names.has(id)) continue;
      if (!leads.has(id)) leads.set(id, { authorityId: id, name: names.get(id) ?? id, ...emptyCounts() });
      countInto(leads.get(id)!, a, asAt);
    }
  }
  return {
    planId: plan.id,
    title: plan.title,
    year,
    asAt,
    totals,
    byTheme: [...themes.values()].sort((x, y) => x.number - y.number),
    byBenchmark: [...benchmarks.values()].sort((x, y) => x.benchmark - y.benchmark),
    byLead: [...leads.values()].sort((x, y) => x.name.localeCompare(y.name)),
  };
}

/** Orders actions as the plan reads: by theme number, then action number (1.2 before 1.10). */
export function byNumber(themes: readonly Theme[]) {
  const themeNo = new Map(themes.map((t) => [t.id, t.number]));
  const parts = (n: string) => n.split('.').map(Number);
  return (a: Pick<StoredAction, 'themeId' | 'number'>, b: Pick<StoredAction, 'themeId' | 'number'>) => {
    const t = (themeNo.get(a.themeId) ?? 999) - (themeNo.get(b.themeId) ?? 999);
    if (t) return t;
    const [x, y] = [parts(a.number), parts(b.number)];
    return x[0] - y[0] || (x[1] ?? 0) - (y[1] ?? 0);
  };
}

export interface ActionPlanStore {
  listPlans(tenantId: string): Promise<ActionPlan[]>;
  getPlan(tenantId: string, planId: string): Promise<ActionPlan | undefined>;
  /** Every action of one plan year (at most MAX_ACTIONS_PER_YEAR: one Query). */
  actions(tenantId: string, planId: string, year: string): Promise<StoredAction[]>;
  getAction(tenantId: string, planId: string, year: string, actionId: string): Promise<StoredAction | undefined>;
  putPlan(tenantId: string, plan: ActionPlan, expectedVersion: number, audit: AuditEvent): Promise<void>;
  /** The action with its due item (written, or removed when nothing falls due), in one transaction with the audit event. */
  putAction(tenantId: string, action: StoredAction, expectedVersion: number, due: DueItem | { drop: string }, audit: AuditEvent): Promise<void>;
  deleteAction(tenantId: string, action: StoredAction, expectedVersion: number, audit: AuditEvent): Promise<void>;
  /** The plan moved on a year and the open actions copied into it (or, closing the last year, their reminders dropped), all or nothing. */
  closeYear(tenantId: string, plan: ActionPlan, expectedVersion: number, carried: readonly StoredAction[], dropDue: readonly string[], audit: AuditEvent): Promise<void>;
}

/** The reminder for an action due by a date, to its first lead authority's Prevent lead; none when it is complete, undated or led only from outside. */
export function actionDue(tenantId: string, a: StoredAction, authorities: ReadonlyMap<string, Authority>, partnership: Partnership | undefined, today: string): DueItem | undefined {
  if (a.timescale.kind !== 'date' || a.rag === 'complete') return undefined;
  const lead = a.leadAuthorities.map((id) => authorities.get(id)).find(Boolean);
  if (!lead) return undefined;
  const settings = settingsOf(partnership);
  const dueOn = a.timescale.dueOn;
  const summary = a.action.length > 80 ? `${a.action.slice(0, 77)}…` : a.action;
  return {
    tenantId,
    kind: 'action',
    itemId: a.id,
    authorityId: lead.id,
    authorityName: lead.name,
    title: `Action plan ${a.number}: ${summary}`,
    dueOn,
    path: `/action-plans/${a.planId}`,
    ...recipientsFor(lead, settings),
    thresholds: settings.reminderThresholds,
    nextRemindOn: firstReminderOn(dueOn, settings.reminderThresholds, today),
  };
}

const AUDIT_PERSONAL = ['otherLeads', 'progress'];

function defaultPlanId(firstYear: string, lastYear: string): string {
  return `${firstYear.slice(0, 4)}-${Number(lastYear.slice(0, 4)) + 1}`;
}

/** Who may update an action's progress: the steering group, or a lead or editor of an authority that leads it. */
function canUpdate(caller: Caller, a: Pick<StoredAction, 'leadAuthorities'>): boolean {
  if (caller.role === 'steering-group') return true;
  return (caller.role === 'authority-lead' || caller.role === 'authority-editor') && !!caller.authorityId && a.leadAuthorities.includes(caller.authorityId);
}

/** What the caller sees of a plan year: all of it for the partnership's roles, else the actions their authority leads. */
function visibleTo(caller: Caller, a: Pick<StoredAction, 'leadAuthorities'>): boolean {
  const scope = authorityScope(caller);
  return scope.kind === 'partnership' || a.leadAuthorities.includes(scope.authorityId);
}

/** A plan year as the caller may see it: every action for the partnership's roles, else those their authority leads. */
export function visiblePlanFor<T extends { actions: readonly StoredAction[] }>(caller: Caller, planYear: T | undefined): T | undefined {
  return planYear && { ...planYear, actions: planYear.actions.filter((a) => visibleTo(caller, a)) };
}

export function actionPlanService(deps: {
  store: ActionPlanStore;
  authorities: { list(tenantId: string): Promise<Authority[]> };
  partnerships: { get(tenantId: string): Promise<Partnership | undefined> };
  clock: Clock;
  ids: IdGenerator;
}) {
  async function plan(caller: Caller, planId: string): Promise<ActionPlan> {
    const p = await deps.store.getPlan(caller.tenantId, planId);
    if (!p) throw new NotFoundError('Action plan');
    return p;
  }

  function planRules(fields: z.infer<typeof PlanFields> | (Pick<z.infer<typeof PlanFields>, 'themes'>)): FieldError[] {
    const errors: FieldError[] = [];
    const ids = new Set<string>();
    const numbers = new Set<number>();
    fields.themes.forEach((t, i) => {
      if (ids.has(t.id)) errors.push({ path: `themes.${i}.id`, message: 'Each theme needs its own id.' });
      if (numbers.has(t.number)) errors.push({ path: `themes.${i}.number`, message: 'Each theme needs its own number.' });
      ids.add(t.id);
      numbers.add(t.number);
    });
    if ('firstYear' in fields) {
      if (fields.lastYear < fields.firstYear) errors.push({ path: 'lastYear', message: 'The last year is on or after the first.' });
      else if (yearsOf(fields.firstYear, fields.lastYear).length > MAX_PLAN_YEARS) errors.push({ path: 'lastYear', message: `A plan covers at most ${MAX_PLAN_YEARS} years.` });
    }
    return errors;
  }

  async function actionRules(caller: Caller, p: ActionPlan, fields: ActionFields, existing: readonly StoredAction[], selfId?: string): Promise<{ errors: FieldError[]; authorities: Map<string, Authority> }> {
    const errors: FieldError[] = [];
    const authorities = new Map((await deps.authorities.list(caller.tenantId)).map((a) => [a.id, a]));
    if (!p.themes.some((t) => t.id === fields.themeId)) errors.push({ path: 'themeId', message: 'No such theme in this plan.' });
    fields.leadAuthorities.forEach((id, i) => {
      if (!authorities.has(id)) errors.push({ path: `leadAuthorities.${i}`, message: 'No such authority in this partnership.' });
    });
    if (existing.some((a) => a.id !== selfId && a.themeId === fields.themeId && a.number === fields.number)) errors.push({ path: 'number', message: `Action ${fields.number} is already in this theme.` });
    return { errors, authorities };
  }

  function openYear(p: ActionPlan, year: string) {
    if (p.closed || p.closedYears.includes(year) || year !== p.currentYear) {
      throw new ConflictError(`The plan’s ${year} year is closed: its actions stay as they stood. Update the ${p.currentYear} actions instead.`, { reason: 'immutable' });
    }
  }

  async function action(caller: Caller, planId: string, actionId: string) {
    const p = await plan(caller, planId);
    const a = await deps.store.getAction(caller.tenantId, planId, p.currentYear, actionId);
    if (!a || !visibleTo(caller, a)) throw new NotFoundError('Action');
    return { plan: p, action: a };
  }

  return {
    async listPlans(caller: Caller) {
      const plans = await deps.store.listPlans(caller.tenantId);
      return plans.sort((a, b) => b.firstYear.localeCompare(a.firstYear));
    },

    async createPlan(caller: Caller, input: z.infer<typeof CreatePlan>): Promise<ActionPlan> {
      requireRole(caller, 'steering-group');
      const errors = planRules(input);
      if (errors.length) throw new ValidationError(errors);
      const now = deps.clock.now();
      const { id, ...fields } = input;
      const p: ActionPlan = { id: id ?? defaultPlanId(input.firstYear, input.lastYear), ...fields, currentYear: input.firstYear, closedYears: [], closed: false, ...newMeta(caller, now) };
      await deps.store.putPlan(caller.tenantId, p, 0, auditEvent(caller, now, deps.ids, { action: 'create', entityType: 'action-plan', entityId: p.id, after: p }));
      return p;
    },

    async updatePlan(caller: Caller, planId: string, input: z.infer<typeof UpdatePlan>): Promise<ActionPlan> {
      requireRole(caller, 'steering-group');
      const current = await plan(caller, planId);
      if (current.closed) throw new ConflictError('This plan is closed: it stays as it stood. Start a new plan for the next period.', { reason: 'immutable' });
      const errors = planRules(input);
      const actions = await deps.store.actions(caller.tenantId, planId, current.currentYear);
      const themeIds = new Set(input.themes.map((t) => t.id));
      const orphaned = actions.filter((a) => !themeIds.has(a.themeId));
      if (orphaned.length) errors.push({ path: 'themes', message: `Keep every theme that has actions (${[...new Set(orphaned.map((a) => a.themeId))].join(', ')}).` });
      if (errors.length) throw new ValidationError(errors);
      if (input.version !== current.version) throw new ConflictError('This plan was changed by someone else; reload it and try again.', { reason: 'stale_version', currentVersion: current.version });
      const now = deps.clock.now();
      const next: ActionPlan = { ...current, title: input.title, themes: input.themes, ...nextMeta(current, caller, now) };
      await deps.store.putPlan(caller.tenantId, next, input.version, auditEvent(caller, now, deps.ids, { action: 'update', entityType: 'action-plan', entityId: planId, before: current, after: next }));
      return next;
    },

    /** A plan year: the plan and the actions the caller may see, in plan order, with whether each is overdue. */
    async getPlan(caller: Caller, planId: string, year?: string) {
      const p = await plan(caller, planId);
      const y = year ?? p.currentYear;
      if (!isReportingYear(y)) throw new ValidationError([{ path: 'query.year', message: 'A UK financial year such as 2024-25.' }]);
      const today = toIsoDate(deps.clock.now());
      const asAt = judgedOn(p, y, today);
      const [stored, authorities] = await Promise.all([deps.store.actions(caller.tenantId, planId, y), deps.authorities.list(caller.tenantId)]);
      const actions = stored.filter((a) => visibleTo(caller, a)).sort(byNumber(p.themes));
      // The names of the authorities that lead the actions shown (and of who wrote their updates): an authority's users list only their own authority.
      const shown = new Set(actions.flatMap((a) => [...a.leadAuthorities, ...a.progress.map((u) => u.authorityId).filter((id): id is string => !!id)]));
      const authorityNames = Object.fromEntries(authorities.filter((a) => shown.has(a.id)).map((a) => [a.id, a.name]));
      return {
        plan: p,
        authorityNames,
        year: y,
        years: yearsOf(p.firstYear, p.lastYear),
        asAt,
        editable: !p.closed && y === p.currentYear,
        actions: actions.map((a) => withOverdue(a, asAt)),
      };
    },

    async createAction(caller: Caller, planId: string, input: z.infer<typeof CreateAction>): Promise<Action> {
      requireRole(caller, 'steering-group');
      const p = await plan(caller, planId);
      openYear(p, p.currentYear);
      const existing = await deps.store.actions(caller.tenantId, planId, p.currentYear);
      const { rag, ...fields } = input;
      const { errors, authorities } = await actionRules(caller, p, fields, existing);
      if (existing.length >= MAX_ACTIONS_PER_YEAR) errors.push({ path: 'action', message: `A plan year holds at most ${MAX_ACTIONS_PER_YEAR} actions.` });
      if (errors.length) throw new ValidationError(errors);
      const now = deps.clock.now();
      const today = toIsoDate(now);
      const a: StoredAction = { id: deps.ids.next(), planId, year: p.currentYear, ...fields, rag, progress: [], ...newMeta(caller, now) };
      const partnership = await deps.partnerships.get(caller.tenantId);
      await deps.store.putAction(caller.tenantId, a, 0, actionDue(caller.tenantId, a, authorities, partnership, today) ?? { drop: a.id }, auditEvent(caller, now, deps.ids, { action: 'create', entityType: 'action', entityId: a.id, after: a, personalFields: AUDIT_PERSONAL }));
      return withOverdue(a, today);
    },

    async updateAction(caller: Caller, planId: string, actionId: string, input: z.infer<typeof UpdateAction>): Promise<Action> {
      requireRole(caller, 'steering-group');
      const { plan: p, action: current } = await action(caller, planId, actionId);
      openYear(p, current.year);
      const { version, ...fields } = input;
      const existing = await deps.store.actions(caller.tenantId, planId, p.currentYear);
      const { errors, authorities } = await actionRules(caller, p, fields, existing, actionId);
      if (errors.length) throw new ValidationError(errors);
      if (version !== current.version) throw new ConflictError('This action was changed by someone else; reload it and try again.', { reason: 'stale_version', currentVersion: current.version });
      const now = deps.clock.now();
      const today = toIsoDate(now);
      const next: StoredAction = { ...current, ...fields, ...nextMeta(current, caller, now) };
      if (!fields.outcomes) delete next.outcomes;
      const partnership = await deps.partnerships.get(caller.tenantId);
      await deps.store.putAction(caller.tenantId, next, version, actionDue(caller.tenantId, next, authorities, partnership, today) ?? { drop: next.id }, auditEvent(caller, now, deps.ids, { action: 'update', entityType: 'action', entityId: actionId, before: current, after: next, personalFields: AUDIT_PERSONAL }));
      return withOverdue(next, today);
    },

    /** A dated progress update and the RAG it leaves the action at: the steering group, or a lead or editor of a lead authority. */
    async recordProgress(caller: Caller, planId: string, actionId: string, input: z.infer<typeof RecordProgress>): Promise<Action> {
      requireRole(caller, 'steering-group', 'authority-lead', 'authority-editor');
      const { plan: p, action: current } = await action(caller, planId, actionId);
      if (!canUpdate(caller, current)) throw new ForbiddenError('Only the steering group and the authorities that lead this action update it.');
      openYear(p, current.year);
      if (input.version !== current.version) throw new ConflictError('This action was changed by someone else; reload it and try again.', { reason: 'stale_version', currentVersion: current.version });
      const now = deps.clock.now();
      const today = toIsoDate(now);
      const update: ProgressUpdate = { id: deps.ids.next(), on: today, by: caller.userId, role: caller.role, ...(caller.authorityId ? { authorityId: caller.authorityId } : {}), rag: input.rag, text: input.text };
      const next: StoredAction = { ...current, rag: input.rag, progress: [...current.progress, update], ...nextMeta(current, caller, now) };
      const [authorities, partnership] = await Promise.all([deps.authorities.list(caller.tenantId), deps.partnerships.get(caller.tenantId)]);
      const byId = new Map(authorities.map((a) => [a.id, a]));
      await deps.store.putAction(
        caller.tenantId,
        next,
        input.version,
        actionDue(caller.tenantId, next, byId, partnership, today) ?? { drop: next.id },
        auditEvent(caller, now, deps.ids, {
          action: 'update',
          entityType: 'action',
          entityId: actionId,
          authorityId: caller.authorityId,
          before: { rag: current.rag, progress: current.progress.length },
          after: { rag: next.rag, progress: next.progress.length },
          note: `Progress update on action ${current.number}`,
        }),
      );
      return withOverdue(next, today);
    },

    async deleteAction(caller: Caller, planId: string, actionId: string, version: number): Promise<{ deleted: true }> {
      requireRole(caller, 'steering-group');
      const { plan: p, action: current } = await action(caller, planId, actionId);
      openYear(p, current.year);
      if (version !== current.version) throw new ConflictError('This action was changed by someone else; reload it and try again.', { reason: 'stale_version', currentVersion: current.version });
      const now = deps.clock.now();
      await deps.store.deleteAction(caller.tenantId, current, version, auditEvent(caller, now, deps.ids, { action: 'delete', entityType: 'action', entityId: actionId, before: current, personalFields: AUDIT_PERSONAL }));
      return { deleted: true };
    },

    /**
     * Closes the plan's current year: its actions stay as they stand, and every one not complete is
     * carried into the next year (same id, progress kept) — or, in the plan's last year, the plan closes.
     */
    async closeYear(caller: Caller, planId: string, input: z.infer<typeof CloseYear>): Promise<ActionPlan & { carried: number }> {
      requireRole(caller, 'steering-group');
      const p = await plan(caller, planId);
      if (p.closed || input.year !== p.currentYear) throw new ConflictError(`Only the plan’s open year (${p.closed ? 'none: the plan is closed' : p.currentYear}) can be closed.`, { reason: 'immutable' });
      if (input.version !== p.version) throw new ConflictError('This plan was changed by someone else; reload it and try again.', { reason: 'stale_version', currentVersion: p.version });
      const now = deps.clock.now();
      const last = p.currentYear >= p.lastYear;
      const nextYear = nextYearOf(p.currentYear);
      const open = (await deps.store.actions(caller.tenantId, planId, p.currentYear)).filter((a) => a.rag !== 'complete');
      const carried: StoredAction[] = last ? [] : open.map((a) => ({ ...a, year: nextYear, carriedFrom: a.carriedFrom ?? a.year, ...newMeta(caller, now) }));
      const next: ActionPlan = { ...p, closedYears: [...p.closedYears, p.currentYear], currentYear: last ? p.currentYear : nextYear, closed: last, ...nextMeta(p, caller, now) };
      await deps.store.closeYear(
        caller.tenantId,
        next,
        input.version,
        carried,
        last ? open.map((a) => a.id) : [],
        auditEvent(caller, now, deps.ids, {
          action: 'update',
          entityType: 'action-plan',
          entityId: planId,
          before: { currentYear: p.currentYear, closedYears: p.closedYears, closed: p.closed },
          after: { currentYear: next.currentYear, closedYears: next.closedYears, closed: next.closed },
          note: last ? `Year ${p.currentYear} closed: the plan is closed.` : `Year ${p.currentYear} closed: ${carried.length} open actions carried into ${nextYear}.`,
        }),
      );
      return { ...next, carried: carried.length };
    },
  };
}
