import * as z from 'zod';
import { auditEvent, type AuditEvent } from '../audit/audit';
import { ConflictError, NotFoundError, ServiceUnavailableError, ValidationError } from '../shared/errors';
import { assertCanSeeAuthority, authorityScope, requireRole, type Caller } from '../shared/identity';
import { addDays, IsoDate, isReportingYear, reportingYearOf, reportingYearRange, toIsoDate, yearsAfter } from '../shared/dates';
import { wholeNumber } from '../shared/query';
import { EntityId } from '../shared/ids';
import { newMeta, nextMeta } from '../shared/records';
import type { Clock, IdGenerator, Page } from '../shared/ports';
import { settingsOf, type Partnership } from '../partnerships/partnership';
import { authorityInScope as inScope, type Authority } from '../authorities/authority';
import { type Course } from './courses';
import {
  COMPLETION_PERSONAL_FIELDS,
  CompletionInput,
  expiryOf,
  historyToCheck,
  mergeCompletions,
  pairKey,
  StaffRef,
  type Completion,
  type CompletionWrite,
  type CurrentHead,
} from './completions';
import type { ImportMappingRules } from './csv-import';
import { EDIT_ROLES, importService, scrubbedImport, type ImportFiles, type ImportQueue, type ImportRecord, type ImportStore, type ImportTimings } from './import-job';
export { scrubbedImport, STORED_REJECTIONS, type ImportRecord, type ImportStore, type StoredImport } from './import-job';
import { completionsAsAt, computeCoverage, countByCourse, type Coverage } from './coverage';
import type { TrainingPlan } from './plan';
import { feedbackShare, SessionFields, type Session } from './sessions';

// ---------------------------------------------------------------------------------------
// Ports: what the training use cases need from storage. DynamoDB adapters implement them.
// ---------------------------------------------------------------------------------------

export const CompletionQuery = z.object({
  course: EntityId.optional(),
  role: EntityId.optional(),
  from: IsoDate.optional(),
  to: IsoDate.optional(),
  expiringWithinDays: wholeNumber(0, 3650).optional().describe('Current completions whose refresher falls due within N days from today'),
  limit: wholeNumber(1, 500).default(100),
  cursor: z.string().max(2048).optional(),
  staffRef: z
    .string()
    .optional()
    .describe('Refused (400): a staff reference in a URL lands in access and WAF logs. Search one person with POST /authorities/{id}/completions/search'),
});
export type CompletionQuery = z.infer<typeof CompletionQuery>;

/** One person's completions: the reference travels in the body, so it never reaches a URL. */
export const SearchCompletions = z.object({ staffRef: StaffRef });
export type SearchCompletions = z.infer<typeof SearchCompletions>;

export interface CompletionStore {
  /** The current completion of each (person, course) pair that has one. */
  currentOf(tenantId: string, authorityId: string, pairs: readonly Pick<Completion, 'staffRef' | 'courseId'>[]): Promise<Completion[]>;
  /**
   * The date and version of every current completion of the authority, by pairKey: one
   * paged Query that reads only what the merge compares. Cheaper than point reads when a
   * large file is imported.
   */
  currentHeads(tenantId: string, authorityId: string): Promise<Map<string, CurrentHead>>;
  /** Which of these completions are already stored as history (as completionKey values). */
  historyKnown(tenantId: string, authorityId: string, completions: readonly Completion[]): Promise<Set<string>>;
  /** Bulk write during an import (the import lock keeps other writers out). */
  writeMany(tenantId: string, authorityId: string, writes: readonly CompletionWrite[], retentionYears: number): Promise<void>;
  /** One conditional transaction with its audit event; refused while an import runs. */
  writeOne(tenantId: string, authorityId: string, writes: readonly CompletionWrite[], replacing: Completion | undefined, retentionYears: number, audit: AuditEvent, now: Date): Promise<void>;
  allCurrent(tenantId: string, authorityId: string): Promise<Completion[]>;
  page(tenantId: string, authorityId: string, q: CompletionQuery & { from: string; to: string }): Promise<Page<Completion>>;
  expiring(tenantId: string, authorityId: string, q: CompletionQuery & { from: string; to: string }): Promise<Page<Completion>>;
  /** Every completion (current and superseded) completed in a period, oldest first. */
  inPeriod(tenantId: string, authorityId: string, from: string, to: string): Promise<Completion[]>;
  countExpiredBefore(tenantId: string, authorityId: string, date: string): Promise<number>;
  countExpiringBetween(tenantId: string, authorityId: string, from: string, to: string): Promise<number>;
  ofStaff(tenantId: string, authorityId: string, staffRef: string): Promise<Completion[]>;
  /** Deletes every completion of one staff reference with the audit event; returns how many. */
  erase(tenantId: string, authorityId: string, staffRef: string, audit: AuditEvent, scrubbedImports?: readonly ImportRecord[]): Promise<number>;
}

export interface SessionStore {
  create(tenantId: string, session: Session, audit: AuditEvent): Promise<void>;
  get(tenantId: string, authorityId: string, id: string): Promise<Session | undefined>;
  update(tenantId: string, session: Session, expectedVersion: number, audit: AuditEvent): Promise<void>;
  between(tenantId: string, authorityId: string, from: string, to: string): Promise<Session[]>;
}

export interface TrainingDeps {
  completions: CompletionStore;
  imports: ImportStore;
  sessions: SessionStore;
  courses: { list(tenantId: string): Promise<Course[]> };
  plans: { get(tenantId: string, authorityId: string): Promise<TrainingPlan | undefined> };
  authorities: { get(tenantId: string, id: string): Promise<Authority | undefined>; list(tenantId: string): Promise<Authority[]> };
  partnerships: { get(tenantId: string): Promise<Partnership | undefined> };
  clock: Clock;
  ids: IdGenerator;
  /** The authority's saved import mapping, applied to every import of that authority. */
  importMappings?: { get(tenantId: string, authorityId: string): Promise<ImportMappingRules | undefined> };
  /** Upload storage and the job queue (import jobs); absent where only inline imports run. */
  files?: ImportFiles;
  queue?: ImportQueue;
  timings?: ImportTimings;
}


export function trainingService(deps: TrainingDeps) {
  const { completions, sessions, clock, ids } = deps;
  const imports = importService(deps);

  const authorityInScope = (caller: Caller, authorityId: string) => inScope(deps.authorities, caller, authorityId);

  async function context(caller: Caller, authorityId: string) {
    const [courses, plan, partnership] = await Promise.all([
      deps.courses.list(caller.tenantId),
      deps.plans.get(caller.tenantId, authorityId),
      deps.partnerships.get(caller.tenantId),
    ]);
    return { courses, plan, settings: settingsOf(partnership) };
  }

  function toCompletion(caller: Caller, authorityId: string, input: CompletionInput, course: Course, now: Date, importId?: string): Completion {
    return {
      ...input,
      id: ids.next(),
      authorityId,
      expiresOn: expiryOf(input.completedOn, course),
      source: importId ? 'import' : 'manual',
      ...(importId ? { importId } : {}),
      ...newMeta(caller, now),
    };
  }

  return {
    /** Records one completion by hand. A repeat of a known completion is a 409. */
    async record(caller: Caller, authorityId: string, input: CompletionInput): Promise<Completion> {
      requireRole(caller, ...EDIT_ROLES);
      await authorityInScope(caller, authorityId);
      const { courses, plan, settings } = await context(caller, authorityId);
      const errors: { path: string; message: string }[] = [];
      const course = courses.find((c) => c.id === input.courseId);
      if (!course) errors.push({ path: 'courseId', message: 'No such course in the catalogue.' });
      if (input.role && !plan?.roles.some((r) => r.id === input.role)) errors.push({ path: 'role', message: "Not a role of the authority's training plan." });
      const now = clock.now();
      if (input.completedOn > toIsoDate(now)) errors.push({ path: 'completedOn', message: 'A completion cannot be in the future.' });
      if (errors.length) throw new ValidationError(errors);

      const completion = toCompletion(caller, authorityId, input, course!, now);
      const [current] = await completions.currentOf(caller.tenantId, authorityId, [completion]);
      const currentMap = new Map(current ? [[pairKey(current), current]] : []);
      const known = await completions.historyKnown(caller.tenantId, authorityId, historyToCheck(currentMap, [completion]));
      const merged = mergeCompletions(currentMap, known, [completion]);
      if (merged.added.length === 0) throw new ConflictError('This completion is already recorded.', { reason: 'already_exists' });
      await completions.writeOne(
        caller.tenantId,
        authorityId,
        merged.writes,
        current,
        settings.trainingRetentionYears,
        auditEvent(caller, now, ids, {
          action: 'create',
          entityType: 'completion',
          entityId: completion.id,
          authorityId,
          after: completion,
          personalFields: COMPLETION_PERSONAL_FIELDS,
        }),
        now,
      );
      return completion;
    },

    /** Imports a file sent with the request (see import-job.ts: the same runner as upload jobs). */
    importFile: imports.importFile,

    /** Imports UTF-8 CSV text (the seed and older callers). */
    async importCsv(caller: Caller, authorityId: string, csv: string) {
      return imports.importFile(caller, authorityId, Buffer.from(csv, 'utf8'));
    },

    async list(caller: Caller, authorityId: string, q: CompletionQuery): Promise<Page<Completion>> {
      await authorityInScope(caller, authorityId);
      if (q.staffRef !== undefined) {
        throw new ValidationError([
          { path: 'query.staffRef', message: 'Staff references do not go in URLs (access logs keep them). Search one person with POST /authorities/{id}/completions/search and {"staffRef": "…"} in the body.' },
        ]);
      }
      if (q.expiringWithinDays !== undefined) {
        const today = toIsoDate(clock.now());
        return completions.expiring(caller.tenantId, authorityId, { ...q, from: today, to: addDays(today, q.expiringWithinDays) });
      }
      if (q.from && q.to && q.from > q.to) throw new ValidationError([{ path: 'query.from', message: 'from is after to.' }]);
      return completions.page(caller.tenantId, authorityId, { ...q, from: q.from ?? '0000-01-01', to: q.to ?? '9999-12-31' });
    },

    /**
     * Every completion of one staff reference, current and superseded, newest first: two
     * Queries on the person's own sort-key prefixes (CUR#<ref>#, HIST#<ref>#), bounded by how
     * many courses one person has done, never a scan or a filter over the authority.
     */
    async search(caller: Caller, authorityId: string, input: SearchCompletions): Promise<{ items: Completion[] }> {
      await authorityInScope(caller, authorityId);
      const items = await completions.ofStaff(caller.tenantId, authorityId, input.staffRef);
      return { items: items.sort((a, b) => b.completedOn.localeCompare(a.completedOn) || a.courseId.localeCompare(b.courseId)) };
    },

    /** Erases one staff reference's training records on request; the audit event keeps no personal data. */
    async eraseStaff(caller: Caller, authorityId: string, staffRef: string): Promise<{ erased: number }> {
      requireRole(caller, 'authority-lead');
      await authorityInScope(caller, authorityId);
      const ref = StaffRef.parse(staffRef);
      const items = await completions.ofStaff(caller.tenantId, authorityId, ref);
      if (items.length === 0) throw new NotFoundError('Training records for this staff reference');
      const { settings } = await context(caller, authorityId);
      const scrubbed = (await deps.imports.list(caller.tenantId, authorityId)).flatMap((r) => scrubbedImport(r, settings.trainingRetentionYears) ?? []);
      const erased = await completions.erase(
        caller.tenantId,
        authorityId,
        ref,
        auditEvent(caller, clock.now(), ids, {
          action: 'erase',
          entityType: 'staff-training',
          entityId: ids.next(),
          authorityId,
          before: { records: items.length },
          after: { records: 0 },
          note: `Training records of one staff reference erased on request (UK GDPR Art. 17).${scrubbed.length ? ` ${scrubbed.length} older import record(s) cleaned of file names and quoted cell values.` : ''}`,
        }),
        scrubbed,
      );
      return { erased };
    },

    async coverage(caller: Caller, authorityId: string): Promise<Coverage & { authorityId: string }> {
      await authorityInScope(caller, authorityId);
      const { courses, plan, settings } = await context(caller, authorityId);
      const current = await completions.allCurrent(caller.tenantId, authorityId);
      return { authorityId, ...computeCoverage({ roles: plan?.roles ?? [], courses, current, asOf: toIsoDate(clock.now()), target: settings.coverageTarget }) };
    },

    /** Coverage of every authority the caller can see (the whole partnership for the steering group). */
    async partnershipCoverage(caller: Caller) {
      const scope = authorityScope(caller);
      const all = await deps.authorities.list(caller.tenantId);
      const visible = scope.kind === 'partnership' ? all : all.filter((a) => a.id === scope.authorityId);
      const items = await Promise.all(
        visible.map(async (a) => {
          const c = await this.coverage(caller, a.id);
          return { authorityId: a.id, name: a.name, sector: a.sector, ...c.total, target: c.target, roles: c.roles, staffWithoutRole: c.staffWithoutRole };
        }),
      );
      // People recorded without a plan role count in no role's coverage: their own figure, not hidden.
      return { asAt: toIsoDate(clock.now()), staffWithoutRole: items.reduce((n, i) => n + i.staffWithoutRole, 0), items };
    },

    /**
     * A year's training figures, as at the end of the year (today while it is in progress),
     * as the consolidated report takes them: coverage and refreshers of a past year count the
     * completions that were current on its last day, not those current today.
     */
    async summary(caller: Caller, authorityId: string, year?: string) {
      await authorityInScope(caller, authorityId);
      const today = toIsoDate(clock.now());
      const reportingYear = year ?? reportingYearOf(today);
      if (!isReportingYear(reportingYear)) throw new ValidationError([{ path: 'query.year', message: 'A UK financial year such as 2024-25.' }]);
      const { from, to } = reportingYearRange(reportingYear);
      const asAt = to < today ? to : today;
      const [figures, inYear, sessionList] = await Promise.all([
        asAt === today ? this.trainingToday(caller, authorityId, today) : this.trainingOn(caller, authorityId, asAt),
        completions.inPeriod(caller.tenantId, authorityId, from, to),
        sessions.between(caller.tenantId, authorityId, from, to),
      ]);
      const counts = countByCourse(inYear);
      return {
        authorityId,
        year: reportingYear,
        asAt,
        coverage: figures.coverage,
        completions: counts.completions,
        peopleTrained: counts.peopleTrained,
        courses: counts.courses,
        sessions: {
          count: sessionList.length,
          attendees: sessionList.reduce((n, s) => n + s.attendees, 0),
          feedbackRespondents: sessionList.reduce((n, s) => n + s.feedbackRespondents, 0),
          feedbackGoodOrExcellent: sessionList.reduce((n, s) => n + s.feedbackGoodOrExcellent, 0),
          feedbackShare: feedbackShare(sessionList),
        },
        refreshersOverdue: figures.overdue,
        refreshersDueWithin60Days: figures.dueWithin60Days,
      };
    },

    /** Coverage and refreshers today, from the current completions and the expiry index. */
    async trainingToday(caller: Caller, authorityId: string, today: string) {
      const [coverage, overdue, dueWithin60Days] = await Promise.all([
        this.coverage(caller, authorityId),
        completions.countExpiredBefore(caller.tenantId, authorityId, addDays(today, 1)),
        completions.countExpiringBetween(caller.tenantId, authorityId, addDays(today, 1), addDays(today, 60)),
      ]);
      return { coverage, overdue, dueWithin60Days };
    },

    /** Coverage and refreshers on a past date, from the completions that were current then. */
    async trainingOn(caller: Caller, authorityId: string, date: string) {
      const [{ courses, plan, settings }, upTo] = await Promise.all([
        context(caller, authorityId),
        completions.inPeriod(caller.tenantId, authorityId, '0000-01-01', date),
      ]);
      const then = completionsAsAt(upTo, date);
      const soon = addDays(date, 60);
      return {
        coverage: { authorityId, ...computeCoverage({ roles: plan?.roles ?? [], courses, current: then, asOf: date, target: settings.coverageTarget }) },
        overdue: then.filter((c) => c.expiresOn !== null && c.expiresOn <= date).length,
        dueWithin60Days: then.filter((c) => c.expiresOn !== null && c.expiresOn > date && c.expiresOn <= soon).length,
      };
    },

    async createSession(caller: Caller, authorityId: string, input: SessionFields): Promise<Session> {
      requireRole(caller, ...EDIT_ROLES);
      await authorityInScope(caller, authorityId);
      const courses = await deps.courses.list(caller.tenantId);
      if (!courses.some((c) => c.id === input.courseId)) throw new ValidationError([{ path: 'courseId', message: 'No such course in the catalogue.' }]);
      const now = clock.now();
      const session: Session = { id: ids.next(), authorityId, ...input, ...newMeta(caller, now) };
      await sessions.create(caller.tenantId, session, auditEvent(caller, now, ids, { action: 'create', entityType: 'session', entityId: session.id, authorityId, after: session }));
      return session;
    },

    async updateSession(caller: Caller, authorityId: string, id: string, input: SessionFields & { version: number }): Promise<Session> {
      requireRole(caller, ...EDIT_ROLES);
      await authorityInScope(caller, authorityId);
      const current = await sessions.get(caller.tenantId, authorityId, id);
      if (!current) throw new NotFoundError('Session');
      const { version, ...fields } = input;
      if (version !== current.version) throw new ConflictError('This session was changed by someone else; reload it and try again.', { reason: 'stale_version', currentVersion: current.version });
      const courses = await deps.courses.list(caller.tenantId);
      if (!courses.some((c) => c.id === fields.courseId)) throw new ValidationError([{ path: 'courseId', message: 'No such course in the catalogue.' }]);
      const now = clock.now();
      const session: Session = { id, authorityId, ...fields, ...nextMeta(current, caller, now) };
      await sessions.update(caller.tenantId, session, version, auditEvent(caller, now, ids, { action: 'update', entityType: 'session', entityId: id, authorityId, before: current, after: session }));
      return session;
    },

    async listSessions(caller: Caller, authorityId: string, from?: string, to?: string): Promise<Session[]> {
      await authorityInScope(caller, authorityId);
      // A range the other way round is a mistake to report, not an empty answer (DynamoDB refuses BETWEEN b AND a).
      if (from && to && from > to) throw new ValidationError([{ path: 'query.to', message: 'on or after `from`' }]);
      return sessions.between(caller.tenantId, authorityId, from ?? '0000-01-01', to ?? '9999-12-31');
    },
  };
}

