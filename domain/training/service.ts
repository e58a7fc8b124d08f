import { z } from 'zod';
import { auditEvent, type AuditEvent } from '../audit/audit';
import { ConflictError, NotFoundError, ServiceUnavailableError, ValidationError } from '../shared/errors';
import { assertCanSeeAuthority, authorityScope, requireRole, type Caller } from '../shared/identity';
import { addDays, IsoDate, isReportingYear, reportingYearOf, reportingYearRange, toIsoDate, yearsAfter } from '../shared/dates';
import { wholeNumber } from '../shared/query';
import { EntityId } from '../shared/ids';
import { newMeta, nextMeta } from '../shared/records';
import type { Clock, IdGenerator, Page } from '../shared/ports';
import { settingsOf, type Partnership } from '../partnerships/partnership';
import type { Authority } from '../authorities/authority';
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
import { parseCompletionRecords, readImportFile, type IMPORT_ENCODINGS, type ImportMappingRules, type RejectedRow } from './csv-import';
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

/**
 * What is kept of an import: counts and the line numbers and reasons of rejected rows. No
 * file name (it can name a person) and no cell values (reasons never echo them), so erasure
 * has nothing to find here; kept as long as the completions it brought (`retainUntil`, TTL).
 */
export interface ImportRecord {
  id: string;
  authorityId: string;
  status: 'running' | 'completed' | 'failed';
  retainUntil: string;
  rows: number;
  imported: number;
  duplicates: number;
  rejectedCount: number;
  /** The first rejected rows, kept with the import for later reference. */
  rejected: RejectedRow[];
  startedAt: string;
  finishedAt?: string;
}

/** An import record as an older version may have stored it: with the file name, reasons quoting cells, no retention. */
export type StoredImport = Omit<ImportRecord, 'retainUntil'> & { retainUntil?: string; fileName?: string };

/**
 * An import record written before reasons stopped quoting cells: the same record without the
 * file name and with every quoted value cut out of its reasons, kept as long as completions.
 * Undefined for records written by this version (nothing to remove). Rejected rows name no staff reference, so which
 * rows were the person's cannot be known: erasure cleans every such record of the authority.
 */
export function scrubbedImport(record: StoredImport, retentionYears: number): ImportRecord | undefined {
  // Records written since reasons name columns carry retainUntil and never a file name.
  if (record.fileName === undefined && record.retainUntil !== undefined) return undefined;
  const quoted = /"[^"]*"?|\d{4}-\d{2}-\d{2}/g;
  const { fileName: _dropped, ...rest } = record;
  return {
    ...rest,
    rejected: record.rejected.map((r) => ({ line: r.line, reasons: r.reasons.map((x) => x.replace(quoted, '[value removed]')) })),
    retainUntil: record.retainUntil ?? yearsAfter(new Date(record.startedAt), retentionYears).toISOString(),
  };
}

export interface ImportStore {
  /** Every import record of the authority (bounded: one per import). */
  list(tenantId: string, authorityId: string): Promise<StoredImport[]>;
  /** Takes the authority's import lock (ConflictError if another import holds it). */
  begin(tenantId: string, record: ImportRecord, leaseUntil: Date, audit: AuditEvent): Promise<void>;
  finish(tenantId: string, record: ImportRecord, audit: AuditEvent): Promise<void>;
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
}

/** How many (person, course) pairs one import step reads and writes, and how many run at once. */
export const IMPORT_CHUNK_PAIRS = 100;
export const IMPORT_CONCURRENCY = 8;
/**
 * From this many valid rows on, an import reads the authority's current completions with
 * one paged Query instead of point reads (BatchGetItem) per 100 pairs.
 */
export const IMPORT_HEADS_THRESHOLD = 1000;
export const IMPORT_LEASE_MINUTES = 15;
/** Rejected rows kept on the stored import record (all of them are in the answer). */
export const STORED_REJECTIONS = 1000;

const EDIT_ROLES = ['steering-group', 'authority-lead', 'authority-editor'] as const;

/**
 * Runs `work` over the items, `concurrency` at a time. After the first failure no new item
 * is started, and it waits for those under way to end before it throws: nothing is still
 * writing once the caller records the failure and releases its lease.
 */
async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (!failure && next < items.length) {
      try {
        await work(items[next++]);
      } catch (error) {
        failure ??= { error };
      }
    }
  });
  await Promise.all(runners);
  if (failure) throw failure.error;
}

function uniquePairs(list: readonly Completion[]): Completion[] {
  const seen = new Map<string, Completion>();
  for (const c of list) if (!seen.has(pairKey(c))) seen.set(pairKey(c), c);
  return [...seen.values()];
}

/** Groups completions so that every (person, course) pair falls in exactly one chunk. */
export function chunkByPair(completions: readonly Completion[], pairsPerChunk: number): Completion[][] {
  const groups = new Map<string, Completion[]>();
  for (const c of completions) {
    const k = pairKey(c);
    const g = groups.get(k);
    if (g) g.push(c);
    else groups.set(k, [c]);
  }
  const chunks: Completion[][] = [];
  let chunk: Completion[] = [];
  let pairs = 0;
  for (const g of groups.values()) {
    chunk.push(...g);
    if (++pairs === pairsPerChunk) {
      chunks.push(chunk);
      chunk = [];
      pairs = 0;
    }
  }
  if (chunk.length) chunks.push(chunk);
  return chunks;
}

export function trainingService(deps: TrainingDeps) {
  const { completions, imports, sessions, clock, ids } = deps;

  async function authorityInScope(caller: Caller, authorityId: string): Promise<Authority> {
    assertCanSeeAuthority(caller, authorityId);
    const authority = await deps.authorities.get(caller.tenantId, authorityId);
    if (!authority) throw new NotFoundError('Authority');
    return authority;
  }

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

    /**
     * Imports a CSV export. Every row is validated; valid rows are stored (those already
     * known are counted as duplicates, so a re-import adds nothing), rejected rows come back
     * with their line numbers and reasons.
     */
    async importCsv(caller: Caller, authorityId: string, csv: string) {
      return this.importFile(caller, authorityId, Buffer.from(csv, 'utf8'));
    },

    /**
     * Imports a learning system's export from the file's bytes: CSV in any of the usual
     * encodings and separators, or an Excel workbook (see `readImportFile`), read with the
     * authority's saved mapping if it has one.
     */
    async importFile(caller: Caller, authorityId: string, bytes: Uint8Array | undefined, options: { encoding?: (typeof IMPORT_ENCODINGS)[number] } = {}) {
      requireRole(caller, ...EDIT_ROLES);
      await authorityInScope(caller, authorityId);
      const { courses, plan, settings } = await context(caller, authorityId);
      const mapping: ImportMappingRules | undefined = await deps.importMappings?.get(caller.tenantId, authorityId);
      const file = await readImportFile(bytes, { encoding: options.encoding, mapping });
      const now = clock.now();
      const parsed = parseCompletionRecords(file.records, { courses, roles: plan?.roles ?? [], today: toIsoDate(now), mapping });
      const byId = new Map(courses.map((c) => [c.id, c]));
      const importId = ids.next();
      const record: ImportRecord = {
        id: importId,
        authorityId,
        status: 'running',
        // The completions' retention, counted from the import: no completion in the file is newer.
        retainUntil: yearsAfter(now, settings.trainingRetentionYears).toISOString(),
        rows: parsed.rows,
        imported: 0,
        duplicates: 0,
        rejectedCount: parsed.rejected.length,
        rejected: parsed.rejected.slice(0, STORED_REJECTIONS),
        startedAt: now.toISOString(),
      };
      const audit = (action: 'import', status: string, counts?: Record<string, number>) =>
        auditEvent(caller, clock.now(), ids, {
          action,
          entityType: 'training-import',
          entityId: importId,
          authorityId,
          after: { status, rows: parsed.rows, rejected: parsed.rejected.length, ...counts },
        });
      await imports.begin(caller.tenantId, record, new Date(now.getTime() + IMPORT_LEASE_MINUTES * 60_000), audit('import', 'running'));

      const valid = parsed.valid.map(({ input }) => toCompletion(caller, authorityId, input, byId.get(input.courseId)!, now, importId));
      let imported = 0;
      let duplicates = 0;
      try {
        const heads = valid.length >= IMPORT_HEADS_THRESHOLD ? await completions.currentHeads(caller.tenantId, authorityId) : undefined;
        await pool(chunkByPair(valid, IMPORT_CHUNK_PAIRS), IMPORT_CONCURRENCY, async (chunk) => {
          let currentMap: Map<string, Completion | CurrentHead>;
          if (heads) {
            // Full items are needed only where a stored completion is superseded (it moves to history).
            const renewing = chunk.filter((c) => {
              const head = heads.get(pairKey(c));
              return head !== undefined && c.completedOn > head.completedOn;
            });
            const full = renewing.length ? await completions.currentOf(caller.tenantId, authorityId, uniquePairs(renewing)) : [];
            currentMap = new Map(chunk.filter((c) => heads.has(pairKey(c))).map((c) => [pairKey(c), heads.get(pairKey(c))!]));
            for (const c of full) currentMap.set(pairKey(c), c);
          } else {
            const current = await completions.currentOf(caller.tenantId, authorityId, uniquePairs(chunk));
            currentMap = new Map(current.map((c) => [pairKey(c), c]));
          }
          const check = historyToCheck(currentMap, chunk);
          const known = check.length ? await completions.historyKnown(caller.tenantId, authorityId, check) : new Set<string>();
          const merged = mergeCompletions(currentMap, known, chunk);
          if (merged.writes.length) await completions.writeMany(caller.tenantId, authorityId, merged.writes, settings.trainingRetentionYears);
          imported += merged.added.length;
          duplicates += merged.duplicates.length;
        });
      } catch (error) {
        // Record the failure and release the lease; if even that fails, the lease runs out
        // by itself (IMPORT_LEASE_MINUTES) and the original error is what the caller sees.
        const failed = { ...record, status: 'failed' as const, imported, duplicates, finishedAt: clock.now().toISOString() };
        await imports.finish(caller.tenantId, failed, audit('import', 'failed', { imported, duplicates })).catch(() => undefined);
        if (error instanceof ServiceUnavailableError) {
          throw new ServiceUnavailableError(
            `The import stopped part-way because the database is busy (import ${importId}, marked failed). Rows stored so far are kept; import the same file again in ${error.retryAfterSeconds} seconds to complete it — rows already stored count as duplicates.`,
            error.retryAfterSeconds,
          );
        }
        throw error;
      }
      const done = { ...record, status: 'completed' as const, imported, duplicates, finishedAt: clock.now().toISOString() };
      await imports.finish(caller.tenantId, done, audit('import', 'completed', { imported, duplicates }));
      return {
        importId,
        rows: parsed.rows,
        imported,
        duplicates,
        rejected: parsed.rejected,
        format: file.format,
        ...(file.encoding ? { encoding: file.encoding } : {}),
        ...(file.delimiter ? { delimiter: file.delimiter } : {}),
        headerLine: parsed.headerLine,
        columnsUsed: parsed.columnsUsed,
        columnsIgnored: parsed.columnsIgnored,
        rowsWithoutRole: parsed.rowsWithoutRole,
      };
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
      const scrubbed = (await imports.list(caller.tenantId, authorityId)).flatMap((r) => scrubbedImport(r, settings.trainingRetentionYears) ?? []);
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

