import * as z from 'zod';
import { auditEvent, type AuditEvent } from '../audit/audit';
import { ConflictError, DomainError, NotFoundError, ServiceUnavailableError, ValidationError } from '../shared/errors';
import { assertCanSeeAuthority, requireRole, type Caller } from '../shared/identity';
import { toIsoDate, yearsAfter } from '../shared/dates';
import { newMeta } from '../shared/records';
import type { Clock, IdGenerator } from '../shared/ports';
import { settingsOf, type Partnership } from '../partnerships/partnership';
import { authorityInScope as inScope, type Authority } from '../authorities/authority';
import type { Course } from './courses';
import type { TrainingPlan } from './plan';
import { expiryOf, historyToCheck, mergeCompletions, pairKey, type Completion, type CompletionWrite, type CurrentHead } from './completions';
import { IMPORT_ENCODINGS, IMPORT_FILE_TYPES, JOB_LIMITS, MAX_JOB_BYTES, REQUEST_LIMITS, type ImportLimits, type ImportMappingRules } from './import-format';
import type { ParsedImport, ReadFile, RejectedRow } from './csv-import';
import { ImportMappingFields, mappingRuleErrors } from './import-mapping';

/**
 * Imports as jobs. A file is read, validated and stored in *chunks* of IMPORT_CHUNK_ROWS data
 * rows; after each chunk a checkpoint records how far the import got, so an import that stops
 * (a worker killed, a database gone) resumes at the chunk it was in, never starts over and never
 * leaves a gap. Storing a row is idempotent (a completion already stored is a duplicate), so the
 * chunk that was under way when the import stopped is simply stored again.
 *
 * Two locks, both leases that run out by themselves:
 * - the *job lease* on the import record: one worker at a time works on an import; a dead
 *   worker's lease expires and the job becomes resumable;
 * - the *chunk lease* on the authority's import lock: while one chunk is read and written, a
 *   hand-recorded completion of the authority waits (409, try again), so the chunk's view of the
 *   current completions stays true. Between chunks the lock is free: nobody waits longer than
 *   one chunk. Every other completion write leaves a new `writeMark` on the lock, so an import
 *   that keeps the authority's current completions in memory knows when to read them again.
 *
 * The same implementation runs a small file sent with the request (inline, no queue) and an
 * uploaded file (a queue-driven worker): one code path, one set of tests.
 */

/** Data rows per chunk: what one checkpoint covers, and the longest a hand-recorded completion waits. */
export const IMPORT_CHUNK_ROWS = 5_000;
/** How many (person, course) pairs one step of a chunk reads and writes, and how many steps run at once. */
export const IMPORT_CHUNK_PAIRS = 25;
export const IMPORT_CONCURRENCY = 8;
/**
 * From this many valid rows on, an import reads the authority's current completions with one
 * paged Query (again only when someone else wrote in between) instead of point reads per chunk.
 */
export const IMPORT_HEADS_THRESHOLD = 1000;
/** Rejected rows kept on the stored import record (the synchronous answer has all of them). */
export const STORED_REJECTIONS = 1000;
export const UPLOAD_URL_SECONDS = 900;
/** Deliveries of a job's message before it is parked (the queue's maxReceiveCount; the worker marks the job failed on the last). */
export const IMPORT_MAX_RECEIVES = 5;
/** How soon a job handed back (another worker holds it, the database is busy) is tried again. */
export const IMPORT_RETRY_SECONDS = 30;

export interface ImportTimings {
  /** How long a worker holds an import between checkpoints before another may take it over. */
  jobLeaseMs: number;
  /** How long one chunk may hold the authority's import lock. */
  chunkLeaseMs: number;
  /** How long a chunk waits for another import's chunk to let go of the lock. */
  lockWaitMs: number;
}
export const DEFAULT_TIMINGS: ImportTimings = { jobLeaseMs: 3 * 60_000, chunkLeaseMs: 2 * 60_000, lockWaitMs: 30_000 };

export type ImportStatus = 'queued' | 'running' | 'completed' | 'failed';

/** How the file was read: told back with the result. Header names only, never a cell. */
export interface ImportFileInfo {
  format: ReadFile['format'];
  encoding?: ReadFile['encoding'];
  delimiter?: string;
  headerLine: number;
  columnsUsed: Record<string, string>;
  columnsIgnored: string[];
  rowsWithoutRole: number;
}

/**
 * What is kept of an import: its progress, counts and the line numbers and reasons of rejected
 * rows. No file name (it can name a person) and no cell values (reasons never echo them), so
 * erasure has nothing to find here; kept as long as the completions it brought (`retainUntil`, TTL).
 */
export interface ImportRecord {
  id: string;
  authorityId: string;
  status: ImportStatus;
  retainUntil: string;
  /** `request`: the file came with the request and is imported inline; `upload`: a job over an uploaded file. */
  via?: 'request' | 'upload';
  /** Upload: the stored file's key (the file is deleted when the job ends). */
  fileKey?: string;
  encoding?: (typeof IMPORT_ENCODINGS)[number];
  /** A mapping given for this import only (otherwise the authority's saved mapping applies). */
  mapping?: ImportMappingRules;
  /** Who started it: the worker stores rows and audit events in their name. */
  requestedBy?: Pick<Caller, 'userId' | 'role' | 'authorityId'>;
  rows: number;
  rowsDone?: number;
  chunks?: number;
  chunksDone?: number;
  imported: number;
  duplicates: number;
  rejectedCount: number;
  /** The first rejected rows, kept with the import for later reference. */
  rejected: RejectedRow[];
  file?: ImportFileInfo;
  error?: { message: string; errors?: { path: string; message: string }[] };
  attempts?: number;
  leaseUntil?: string;
  leaseToken?: string;
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
  get(tenantId: string, authorityId: string, importId: string): Promise<StoredImport | undefined>;
  /**
   * Creates the record with its audit event. With `lock`, the authority's chunk lease is taken
   * in the same transaction (ConflictError 'busy' if another import's chunk holds it).
   */
  create(tenantId: string, record: ImportRecord, audit: AuditEvent, lock?: { now: Date; leaseUntil: Date }): Promise<void>;
  /** Takes the job lease of a queued or running import whose lease has run out; undefined if someone holds it or it has ended. */
  claim(tenantId: string, record: ImportRecord, now: Date, leaseUntil: Date, leaseToken: string): Promise<ImportRecord | undefined>;
  /** Takes the chunk lease; answers the lock's write mark, or undefined while another import's chunk holds it. */
  lockChunk(tenantId: string, authorityId: string, importId: string, now: Date, leaseUntil: Date): Promise<{ writeMark?: string } | undefined>;
  /**
   * Saves progress (the record, on the condition that this worker still holds the job lease)
   * and sets the job's `jobLeaseUntil` on the lock; with `writeMark`, also lets go of this
   * import's chunk lease and leaves the mark. ConflictError if the lease was lost.
   */
  checkpoint(tenantId: string, record: ImportRecord, writeMark: string | undefined, jobLeaseUntil: Date): Promise<void>;
  /** The end (completed or failed): the record, the lock without this job's leases, and the audit event. */
  finish(tenantId: string, record: ImportRecord, audit: AuditEvent, writeMark: string): Promise<void>;
  /** Gives up a job lease early (a worker that stops on an error the next attempt may not meet). */
  release(tenantId: string, record: ImportRecord): Promise<void>;
}

/** Where uploaded import files wait for their job. */
export interface ImportFiles {
  presignUpload(key: string, contentType: string, contentLength: number, expiresIn: number): Promise<string>;
  /** The stored size, or undefined if nothing is there. */
  size(key: string): Promise<number | undefined>;
  read(key: string): Promise<Uint8Array | undefined>;
  remove(key: string): Promise<void>;
}

export interface ImportJobRef {
  tenantId: string;
  authorityId: string;
  importId: string;
}

/** Hands a job to the workers (SQS in AWS, the local queue on this machine). */
export interface ImportQueue {
  enqueue(job: ImportJobRef): Promise<void>;
}

/** What the import use cases need from storage: the completion store's import side. */
export interface ImportCompletions {
  currentOf(tenantId: string, authorityId: string, pairs: readonly Pick<Completion, 'staffRef' | 'courseId'>[]): Promise<Completion[]>;
  currentHeads(tenantId: string, authorityId: string): Promise<Map<string, CurrentHead>>;
  historyKnown(tenantId: string, authorityId: string, completions: readonly Completion[]): Promise<Set<string>>;
  writeMany(tenantId: string, authorityId: string, writes: readonly CompletionWrite[], retentionYears: number): Promise<void>;
}

export interface ImportDeps {
  completions: ImportCompletions;
  imports: ImportStore;
  courses: { list(tenantId: string): Promise<Course[]> };
  plans: { get(tenantId: string, authorityId: string): Promise<TrainingPlan | undefined> };
  authorities: { get(tenantId: string, id: string): Promise<Authority | undefined> };
  partnerships: { get(tenantId: string): Promise<Partnership | undefined> };
  importMappings?: { get(tenantId: string, authorityId: string): Promise<ImportMappingRules | undefined> };
  clock: Clock;
  ids: IdGenerator;
  files?: ImportFiles;
  queue?: ImportQueue;
  timings?: ImportTimings;
  /** A random token (the job lease's owner, the lock's write mark). */
  token?: () => string;
}

export const EDIT_ROLES = ['steering-group', 'authority-lead', 'authority-editor'] as const;

// ---------------------------------------------------------------------------------------
// The API's shapes
// ---------------------------------------------------------------------------------------

export const RequestImportUpload = z.object({
  contentType: z.enum(IMPORT_FILE_TYPES).describe('The type the file will be uploaded with (signed into the URL)'),
  contentLength: z.number().int().min(1).max(MAX_JOB_BYTES).describe(`The file's size in bytes (at most ${MAX_JOB_BYTES / 1024 / 1024} MB; signed into the URL)`),
});
export type RequestImportUpload = z.infer<typeof RequestImportUpload>;

export const StartImport = z.object({
  key: z.string().min(1).max(300).describe('The key POST …/imports/uploads gave'),
  encoding: z.enum(IMPORT_ENCODINGS).optional().describe('The text encoding of a CSV without a byte-order mark; default: detected'),
  mapping: ImportMappingFields.optional().describe('A mapping for this import only; without it the authority’s saved mapping applies'),
});
export type StartImport = z.infer<typeof StartImport>;

/** The keys `requestUpload` issues: the partnership and authority, then one generated id. */
export const importFileKeyPrefix = (tenantId: string, authorityId: string) => `${tenantId}/${authorityId}/`;
export function isIssuedImportKey(key: string, tenantId: string, authorityId: string): boolean {
  const prefix = importFileKeyPrefix(tenantId, authorityId);
  return key.startsWith(prefix) && /^[A-Za-z0-9_-]{1,64}$/.test(key.slice(prefix.length));
}

/** An import as the API shows it: `interrupted` is a running import whose worker stopped (it resumes). */
export function importView(r: StoredImport, now: Date) {
  const interrupted = (r.status === 'running' || r.status === 'queued') && r.leaseUntil !== undefined && r.leaseUntil < now.toISOString();
  return {
    importId: r.id,
    authorityId: r.authorityId,
    status: interrupted ? ('interrupted' as const) : r.status,
    via: r.via ?? ('request' as const),
    rows: r.rows,
    rowsDone: r.status === 'completed' ? r.rows : (r.rowsDone ?? 0),
    imported: r.imported,
    duplicates: r.duplicates,
    rejectedCount: r.rejectedCount,
    rejected: r.rejected,
    ...(r.file ? r.file : {}),
    ...(r.error ? { error: r.error } : {}),
    attempts: r.attempts ?? 1,
    ...(r.requestedBy ? { requestedBy: r.requestedBy.userId, requestedByRole: r.requestedBy.role } : {}),
    startedAt: r.startedAt,
    ...(r.finishedAt ? { finishedAt: r.finishedAt } : {}),
  };
}
export type ImportView = ReturnType<typeof importView>;

// ---------------------------------------------------------------------------------------
// The runner
// ---------------------------------------------------------------------------------------

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

/** Groups completions so that every (person, course) pair falls in exactly one group. */
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

/** A row's completion id: the import and the line, so a row stored by an earlier attempt of the same import is known again. */
export const importedCompletionId = (importId: string, line: number) => `${importId}-${line}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function randomToken(): string {
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function importService(deps: ImportDeps) {
  const { completions, imports, clock, ids } = deps;
  const timings = deps.timings ?? DEFAULT_TIMINGS;
  const token = deps.token ?? randomToken;
  const later = (ms: number) => new Date(clock.now().getTime() + ms);

  const authorityInScope = (caller: Caller, authorityId: string) => inScope(deps.authorities, caller, authorityId);

  async function context(tenantId: string, authorityId: string) {
    const [courses, plan, partnership, saved] = await Promise.all([
      deps.courses.list(tenantId),
      deps.plans.get(tenantId, authorityId),
      deps.partnerships.get(tenantId),
      deps.importMappings?.get(tenantId, authorityId),
    ]);
    return { courses, plan, settings: settingsOf(partnership), saved };
  }

  /** Reads and validates the whole file; throws the file's 4xx (nothing is written here). */
  async function prepare(record: Pick<ImportRecord, 'encoding' | 'mapping'>, bytes: Uint8Array | undefined, ctx: Awaited<ReturnType<typeof context>>, limits: ImportLimits) {
    const mapping = record.mapping ?? ctx.saved;
    // The reader and its CSV, spreadsheet and encoding libraries load with the first import, not
    // with every function that names this module's schemas (the API contract does, in each of them).
    const { readImportFile, parseCompletionRecords } = await import('./csv-import');
    const file = await readImportFile(bytes, { encoding: record.encoding, mapping, limits });
    const parsed = parseCompletionRecords(file.records, { courses: ctx.courses, roles: ctx.plan?.roles ?? [], today: toIsoDate(clock.now()), mapping, limits });
    const info: ImportFileInfo = {
      format: file.format,
      ...(file.encoding ? { encoding: file.encoding } : {}),
      ...(file.delimiter ? { delimiter: file.delimiter } : {}),
      headerLine: parsed.headerLine,
      columnsUsed: parsed.columnsUsed,
      columnsIgnored: parsed.columnsIgnored,
      rowsWithoutRole: parsed.rowsWithoutRole,
    };
    return { parsed, info };
  }

  const actorOf = (tenantId: string, record: ImportRecord): Caller => ({
    tenantId,
    userId: record.requestedBy?.userId ?? 'import',
    role: record.requestedBy?.role ?? 'authority-editor',
    ...(record.requestedBy?.authorityId ? { authorityId: record.requestedBy.authorityId } : {}),
  });

  const auditOf = (actor: Caller, record: ImportRecord, counts: Record<string, number> = {}) =>
    auditEvent(actor, clock.now(), ids, {
      action: 'import',
      entityType: 'training-import',
      entityId: record.id,
      authorityId: record.authorityId,
      after: { status: record.status, rows: record.rows, rejected: record.rejectedCount, ...counts },
    });

  /** The lock for the next chunk, waiting while another import's chunk holds it. */
  async function lockChunk(tenantId: string, record: ImportRecord) {
    const giveUpAt = clock.now().getTime() + timings.lockWaitMs;
    for (let attempt = 0; ; attempt++) {
      const lock = await imports.lockChunk(tenantId, record.authorityId, record.id, clock.now(), later(timings.chunkLeaseMs));
      if (lock) return lock;
      if (clock.now().getTime() >= giveUpAt) {
        throw new ConflictError('Another import is writing to this authority; this one carries on when it can.', { reason: 'busy' });
      }
      await sleep(Math.min(2000, 100 * 2 ** attempt));
    }
  }

  /**
   * Stores the rows of one chunk: what is new goes in, a later completion of a pair moves the
   * stored one to history, anything already recorded is a duplicate. `heads` (the authority's
   * current completions, when kept in memory) is brought up to date with what was written.
   */
  async function storeChunk(tenantId: string, record: ImportRecord, rows: Completion[], heads: Map<string, CurrentHead> | undefined, retentionYears: number) {
    let imported = 0;
    let duplicates = 0;
    await pool(chunkByPair(rows, IMPORT_CHUNK_PAIRS), IMPORT_CONCURRENCY, async (group) => {
      let current: Map<string, Completion | CurrentHead>;
      if (heads) {
        // Full items are needed only where a stored completion is superseded (it moves to history).
        const renewing = group.filter((c) => {
          const head = heads.get(pairKey(c));
          return head !== undefined && c.completedOn > head.completedOn;
        });
        const full = renewing.length ? await completions.currentOf(tenantId, record.authorityId, uniquePairs(renewing)) : [];
        current = new Map(group.filter((c) => heads.has(pairKey(c))).map((c) => [pairKey(c), heads.get(pairKey(c))!]));
        for (const c of full) current.set(pairKey(c), c);
      } else {
        current = new Map((await completions.currentOf(tenantId, record.authorityId, uniquePairs(group))).map((c) => [pairKey(c), c]));
      }
      const check = historyToCheck(current, group);
      const known = check.length ? await completions.historyKnown(tenantId, record.authorityId, check) : new Set<string>();
      const merged = mergeCompletions(current, known, group);
      if (merged.writes.length) await completions.writeMany(tenantId, record.authorityId, merged.writes, retentionYears);
      // A row an earlier attempt of this import stored (its id says so) counts as imported, not as a duplicate.
      const resumed = merged.duplicates.filter((c) => current.get(pairKey(c))?.id === c.id).length;
      imported += merged.added.length + resumed;
      duplicates += merged.duplicates.length - resumed;
      if (heads) {
        for (const w of merged.writes) {
          if (w.slot === 'current') {
            const c = w.completion;
            heads.set(pairKey(c), { staffRef: c.staffRef, courseId: c.courseId, completedOn: c.completedOn, version: c.version, id: c.id });
          }
        }
      }
    });
    return { imported, duplicates };
  }

  /**
   * Runs an import from its last checkpoint to the end. The caller holds the job lease
   * (`record.leaseToken`); with `lockHeld` the first chunk's lock is already taken.
   */
  async function runChunks(tenantId: string, start: ImportRecord, parsed: ParsedImport, ctx: Awaited<ReturnType<typeof context>>, lockHeld: boolean): Promise<ImportRecord> {
    const actor = actorOf(tenantId, start);
    const byId = new Map(ctx.courses.map((c) => [c.id, c]));
    const now = clock.now();
    const chunks = start.chunks ?? 0;
    // Rows by chunk; each chunk's completions are made only when it is stored (less to keep in memory).
    const byChunk: ParsedImport['valid'][] = Array.from({ length: chunks }, () => []);
    for (const row of parsed.valid) byChunk[Math.floor(row.index / IMPORT_CHUNK_ROWS)].push(row);
    const completionsOf = (rows: ParsedImport['valid']): Completion[] =>
      rows.map(({ line, input }) => ({
        ...input,
        id: importedCompletionId(start.id, line),
        authorityId: start.authorityId,
        expiresOn: expiryOf(input.completedOn, byId.get(input.courseId)!),
        source: 'import',
        importId: start.id,
        ...newMeta(actor, now),
      }));
    const useHeads = parsed.valid.length >= IMPORT_HEADS_THRESHOLD;
    let heads: Map<string, CurrentHead> | undefined;
    let knownMark: string | undefined;
    let record = start;
    for (let k = record.chunksDone ?? 0; k < chunks; k++) {
      if (!(lockHeld && k === (start.chunksDone ?? 0))) {
        const lock = await lockChunk(tenantId, record);
        // Someone else wrote completions since this import last looked: read them again.
        if (lock.writeMark !== knownMark) heads = undefined;
      }
      if (useHeads && !heads) heads = await completions.currentHeads(tenantId, record.authorityId);
      const stored = await storeChunk(tenantId, record, completionsOf(byChunk[k]), useHeads ? heads : undefined, ctx.settings.trainingRetentionYears);
      byChunk[k] = [];
      const jobLeaseUntil = later(timings.jobLeaseMs);
      record = {
        ...record,
        status: 'running',
        chunksDone: k + 1,
        rowsDone: Math.min(record.rows, (k + 1) * IMPORT_CHUNK_ROWS),
        imported: record.imported + stored.imported,
        duplicates: record.duplicates + stored.duplicates,
        leaseUntil: jobLeaseUntil.toISOString(),
      };
      knownMark = token();
      await imports.checkpoint(tenantId, record, knownMark, jobLeaseUntil);
    }
    const done: ImportRecord = { ...record, status: 'completed', rowsDone: record.rows, finishedAt: clock.now().toISOString() };
    delete done.leaseUntil;
    delete done.leaseToken;
    await imports.finish(tenantId, done, auditOf(actor, done, { imported: done.imported, duplicates: done.duplicates }), token());
    return done;
  }

  /** A new import record: nothing read or stored yet, kept as long as the completions it may bring. */
  const newRecord = (caller: Caller, authorityId: string, retentionYears: number, fields: Pick<ImportRecord, 'status' | 'via'> & Partial<ImportRecord>): ImportRecord => {
    const now = clock.now();
    return {
      id: ids.next(),
      authorityId,
      requestedBy: { userId: caller.userId, role: caller.role, ...(caller.authorityId ? { authorityId: caller.authorityId } : {}) },
      // The completions' retention, counted from the import: no completion in the file is newer.
      retainUntil: yearsAfter(now, retentionYears).toISOString(),
      rows: 0,
      imported: 0,
      duplicates: 0,
      rejectedCount: 0,
      rejected: [],
      attempts: 0,
      startedAt: now.toISOString(),
      ...fields,
    };
  };

  /** The record as it stands once the file is read: totals, what was rejected, how the file was read. */
  const withFile = (record: ImportRecord, parsed: ParsedImport, info: ImportFileInfo): ImportRecord => ({
    ...record,
    rows: parsed.rows,
    rowsDone: record.rowsDone ?? 0,
    chunks: Math.max(1, Math.ceil(parsed.rows / IMPORT_CHUNK_ROWS)),
    chunksDone: record.chunksDone ?? 0,
    rejectedCount: parsed.rejected.length,
    rejected: parsed.rejected.slice(0, STORED_REJECTIONS),
    file: info,
  });

  async function fail(tenantId: string, record: ImportRecord, error: { message: string; errors?: { path: string; message: string }[] }) {
    const failed: ImportRecord = { ...record, status: 'failed', error, finishedAt: clock.now().toISOString() };
    delete failed.leaseUntil;
    delete failed.leaseToken;
    await imports.finish(tenantId, failed, auditOf(actorOf(tenantId, record), failed, { imported: record.imported, duplicates: record.duplicates }), token());
    return failed;
  }

  const explain = (error: unknown) =>
    error instanceof ValidationError
      ? { message: error.message, errors: error.errors }
      : error instanceof DomainError
        ? { message: error.message }
        : { message: 'The import stopped on an unexpected error.' };

  return {
    /**
     * Imports a file sent with the request, inline: validated first (a bad file is a 4xx and
     * writes nothing), then stored chunk by chunk as a job would be.
     */
    async importFile(caller: Caller, authorityId: string, bytes: Uint8Array | undefined, options: { encoding?: (typeof IMPORT_ENCODINGS)[number] } = {}) {
      requireRole(caller, ...EDIT_ROLES);
      await authorityInScope(caller, authorityId);
      const ctx = await context(caller.tenantId, authorityId);
      const { parsed, info } = await prepare({ encoding: options.encoding }, bytes, ctx, REQUEST_LIMITS);
      const now = clock.now();
      const record = withFile(
        newRecord(caller, authorityId, ctx.settings.trainingRetentionYears, {
          status: 'running',
          via: 'request',
          ...(options.encoding ? { encoding: options.encoding } : {}),
          attempts: 1,
          leaseToken: token(),
          leaseUntil: later(timings.jobLeaseMs).toISOString(),
        }),
        parsed,
        info,
      );
      await imports.create(caller.tenantId, record, auditOf(caller, record), { now, leaseUntil: later(timings.chunkLeaseMs) });
      let done: ImportRecord;
      try {
        done = await runChunks(caller.tenantId, record, parsed, ctx, true);
      } catch (error) {
        // Record the failure; if even that fails, the leases run out by themselves and the
        // original error is what the caller sees.
        const stored = (await imports.get(caller.tenantId, authorityId, record.id).catch(() => undefined)) as ImportRecord | undefined;
        await imports.release(caller.tenantId, record).catch(() => undefined);
        await fail(caller.tenantId, { ...(stored ?? record), leaseToken: record.leaseToken }, explain(error)).catch(() => undefined);
        if (error instanceof ServiceUnavailableError) {
          throw new ServiceUnavailableError(
            `The import stopped part-way because the database is busy (import ${record.id}, marked failed). Rows stored so far are kept; import the same file again in ${error.retryAfterSeconds} seconds to complete it — rows already stored count as duplicates.`,
            error.retryAfterSeconds,
          );
        }
        throw error;
      }
      return {
        importId: done.id,
        rows: done.rows,
        imported: done.imported,
        duplicates: done.duplicates,
        rejected: parsed.rejected,
        ...info,
      };
    },

    /** A presigned URL to upload a file for a job; type and size are signed into it. */
    async requestUpload(caller: Caller, authorityId: string, input: RequestImportUpload) {
      requireRole(caller, ...EDIT_ROLES);
      await authorityInScope(caller, authorityId);
      if (!deps.files) throw new ServiceUnavailableError('File uploads are not configured here.', 60);
      const key = `${importFileKeyPrefix(caller.tenantId, authorityId)}${ids.next()}`;
      const uploadUrl = await deps.files.presignUpload(key, input.contentType, input.contentLength, UPLOAD_URL_SECONDS);
      return { key, uploadUrl, method: 'PUT' as const, headers: { 'Content-Type': input.contentType }, expiresInSeconds: UPLOAD_URL_SECONDS };
    },

    /** Starts a job over an uploaded file: checked, recorded as queued, handed to the workers. */
    async start(caller: Caller, authorityId: string, input: StartImport) {
      requireRole(caller, ...EDIT_ROLES);
      await authorityInScope(caller, authorityId);
      if (!isIssuedImportKey(input.key, caller.tenantId, authorityId)) {
        throw new ValidationError([{ path: 'key', message: 'Not an upload key issued for this authority: ask POST …/imports/uploads for one.' }]);
      }
      if (!deps.files || !deps.queue) throw new ServiceUnavailableError('Import jobs are not configured here.', 60);
      const ctx = await context(caller.tenantId, authorityId);
      if (input.mapping) {
        const errors = mappingRuleErrors({ ...input.mapping, version: 0 }, ctx.plan);
        if (errors.length) throw new ValidationError(errors.map((e) => ({ ...e, path: `mapping.${e.path}` })));
      }
      const size = await deps.files.size(input.key);
      if (size === undefined) throw new ValidationError([{ path: 'key', message: 'Nothing has been uploaded with this key (or the upload expired): upload the file first.' }]);
      if (size > JOB_LIMITS.bytes) throw new ValidationError([{ path: 'key', message: `The uploaded file is larger than ${JOB_LIMITS.bytes / 1024 / 1024} MB.` }]);
      const now = clock.now();
      const record = newRecord(caller, authorityId, ctx.settings.trainingRetentionYears, {
        status: 'queued',
        via: 'upload',
        fileKey: input.key,
        ...(input.encoding ? { encoding: input.encoding } : {}),
        ...(input.mapping ? { mapping: input.mapping } : {}),
      });
      await imports.create(caller.tenantId, record, auditOf(caller, record));
      await deps.queue.enqueue({ tenantId: caller.tenantId, authorityId, importId: record.id });
      return importView(record, now);
    },

    async get(caller: Caller, authorityId: string, importId: string) {
      await authorityInScope(caller, authorityId);
      const record = await imports.get(caller.tenantId, authorityId, importId);
      if (!record) throw new NotFoundError('Import');
      return importView(record as ImportRecord, clock.now());
    },

    /** The authority's imports, newest first. */
    async list(caller: Caller, authorityId: string) {
      await authorityInScope(caller, authorityId);
      const all = await imports.list(caller.tenantId, authorityId);
      const now = clock.now();
      return { items: all.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id)).slice(0, 100).map((r) => importView(r as ImportRecord, now)) };
    },

    /** Hands an interrupted upload job to the workers again (they also retry by themselves). */
    async resume(caller: Caller, authorityId: string, importId: string) {
      requireRole(caller, ...EDIT_ROLES);
      const view = await this.get(caller, authorityId, importId);
      if (view.via !== 'upload' || (view.status !== 'interrupted' && view.status !== 'queued')) {
        throw new ConflictError(
          view.via !== 'upload' ? 'An import sent with the request cannot resume: import the file again (rows already stored count as duplicates).' : `This import is ${view.status}; only an interrupted one resumes.`,
          { reason: 'not_resumable' },
        );
      }
      if (!deps.queue) throw new ServiceUnavailableError('Import jobs are not configured here.', 60);
      await deps.queue.enqueue({ tenantId: caller.tenantId, authorityId, importId });
      return view;
    },

    /** Marks a job that keeps failing as failed (unless a worker holds it now), so nobody waits on it. */
    async abandon(job: ImportJobRef, message: string): Promise<void> {
      const record = (await imports.get(job.tenantId, job.authorityId, job.importId)) as ImportRecord | undefined;
      if (!record || record.status === 'completed' || record.status === 'failed') return;
      if (record.leaseUntil && record.leaseUntil > clock.now().toISOString()) return;
      await fail(job.tenantId, record, { message });
      if (record.fileKey) await deps.files?.remove(record.fileKey).catch(() => undefined);
    },

    /**
     * The worker's part: takes the job (or leaves it to a worker that holds it), reads the file,
     * and stores it from the last checkpoint. 'retry' when the job should be handed over again
     * later (someone holds it, or the database is busy).
     */
    async work(job: ImportJobRef): Promise<{ outcome: 'done' | 'retry' | 'gone'; record?: ImportRecord }> {
      const { tenantId, authorityId, importId } = job;
      const stored = (await imports.get(tenantId, authorityId, importId)) as ImportRecord | undefined;
      if (!stored || stored.via !== 'upload') return { outcome: 'gone' };
      if (stored.status === 'completed' || stored.status === 'failed') return { outcome: 'done', record: stored };
      const leaseToken = token();
      const claimed = await imports.claim(tenantId, stored, clock.now(), later(timings.jobLeaseMs), leaseToken);
      if (!claimed) return { outcome: 'retry' };
      let record: ImportRecord = claimed;
      try {
        const bytes = await deps.files!.read(record.fileKey!);
        if (!bytes) {
          const failed = await fail(tenantId, record, { message: 'The uploaded file is no longer there (uploads are kept for two days): upload it again and start a new import.' });
          return { outcome: 'done', record: failed };
        }
        const ctx = await context(tenantId, authorityId);
        let prepared: Awaited<ReturnType<typeof prepare>>;
        try {
          prepared = await prepare(record, bytes, ctx, JOB_LIMITS);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          const failed = await fail(tenantId, record, explain(error));
          await deps.files!.remove(record.fileKey!).catch(() => undefined);
          return { outcome: 'done', record: failed };
        }
        if (record.chunks === undefined) {
          // First reading: totals and rejections go on the record before any row is stored.
          record = withFile(record, prepared.parsed, prepared.info);
          await imports.checkpoint(tenantId, record, undefined, later(timings.jobLeaseMs));
        }
        const done = await runChunks(tenantId, record, prepared.parsed, ctx, false);
        await deps.files!.remove(record.fileKey!).catch(() => undefined);
        return { outcome: 'done', record: done };
      } catch (error) {
        // Let go of the job so the next attempt need not wait for the lease to run out.
        await imports.release(tenantId, { ...record, leaseToken }).catch(() => undefined);
        if (error instanceof ServiceUnavailableError || (error instanceof ConflictError && error.code === 'busy')) return { outcome: 'retry' };
        throw error;
      }
    },
  };
}
