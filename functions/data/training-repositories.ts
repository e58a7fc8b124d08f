import type { CompletionQuery, CompletionStore, SessionStore } from '../../domain/training/service';
import { STORED_REJECTIONS, type ImportRecord, type ImportStore, type StoredImport } from '../../domain/training/import-job';
import { completionKey, pairKey, type Completion, type CompletionWrite, type CurrentHead } from '../../domain/training/completions';
import type { Course, CourseStore } from '../../domain/training/courses';
import type { PlanStore, TrainingPlan } from '../../domain/training/plan';
import type { ImportMapping, ImportMappingStore } from '../../domain/training/import-mapping';
import type { Session } from '../../domain/training/sessions';
import { yearsAfter } from '../../domain/shared/dates';
import { keys } from './keys';
import { toRecord, versionedWrite, type PageQuery, type TableStore } from './store';
import { TABLE } from './table';

/** DynamoDB adapters for the training ports. Layout: docs/data-model.md. */

export function courseRepository(table: TableStore): CourseStore {
  return {
    list: (tenantId) => table.all<Course>(keys.courses(tenantId)),
    get: (tenantId, id) => table.get<Course>(keys.course(tenantId, id)),
    create: (tenantId, course, audit) => table.write(tenantId, [{ kind: 'create', entity: 'course', key: keys.course(tenantId, course.id), record: course }], audit),
    update: (tenantId, course, expectedVersion, audit) =>
      table.write(tenantId, [{ kind: 'update', entity: 'course', key: keys.course(tenantId, course.id), record: course, expectedVersion }], audit),
  };
}

export function planRepository(table: TableStore): PlanStore {
  return {
    get: (tenantId, authorityId) => table.get<TrainingPlan>(keys.training.plan(tenantId, authorityId)),
    put: (tenantId, plan, expectedVersion, audit) => {
      const key = keys.training.plan(tenantId, plan.authorityId);
      return table.write(
        tenantId,
        [versionedWrite('training plan', key, plan, expectedVersion)],
        audit,
      );
    },
  };
}

export function importMappingRepository(table: TableStore): ImportMappingStore {
  return {
    get: (tenantId, authorityId) => table.get<ImportMapping>(keys.training.importMapping(tenantId, authorityId)),
    put: (tenantId, mapping, expectedVersion, audit) => {
      const key = keys.training.importMapping(tenantId, mapping.authorityId);
      return table.write(
        tenantId,
        [versionedWrite('import mapping', key, mapping, expectedVersion)],
        audit,
      );
    },
  };
}

const slotKey = (tenantId: string, authorityId: string, w: CompletionWrite) =>
  w.slot === 'current' ? keys.training.current(tenantId, authorityId, w.completion) : keys.training.history(tenantId, authorityId, w.completion);

/** The whole stored item of a completion in its slot: keys, index attributes, retention (also what the benches write raw). */
export function completionItem(tenantId: string, authorityId: string, w: CompletionWrite, retentionYears: number) {
  return {
    ...w.completion,
    ...slotKey(tenantId, authorityId, w),
    ...keys.training.completionIndexes(tenantId, authorityId, w.completion, w.slot),
    entity: 'completion',
    [TABLE.ttlAttribute]: Math.floor(yearsAfter(new Date(`${w.completion.completedOn}T00:00:00Z`), retentionYears).getTime() / 1000),
  };
}

export function completionRepository(table: TableStore): CompletionStore {
  /** One page of an index whose sort key starts with a date, filtered by course and role. */
  const rangePage = (k: { index: PageQuery['index']; PK: string }, q: CompletionQuery & { from: string; to: string }) =>
    table.page<Completion>({
      index: k.index,
      pk: k.PK,
      skBetween: [q.from, `${q.to}~`],
      limit: q.limit,
      cursor: q.cursor,
      filter: { ...(q.course ? { courseId: q.course } : {}), ...(q.role ? { role: q.role } : {}) },
    });

  return {
    currentOf: (tenantId, authorityId, pairs) => table.batchGet<Completion>(pairs.map((p) => keys.training.current(tenantId, authorityId, p))),

    async currentHeads(tenantId, authorityId) {
      const heads = await table.all<CurrentHead>({
        pk: keys.training.partition(tenantId, authorityId),
        skPrefix: keys.training.currentPrefix,
        projection: ['staffRef', 'courseId', 'completedOn', 'version', 'id'],
      });
      return new Map(heads.map((h) => [pairKey(h), h]));
    },

    async historyKnown(tenantId, authorityId, completions) {
      const found = await table.batchGet<Completion>(completions.map((c) => keys.training.history(tenantId, authorityId, c)));
      return new Set(found.map(completionKey));
    },

    /**
     * History first, then current, as two runs of batches: a superseded completion is in
     * history before its successor overwrites the current slot, so a batch that gives up
     * part-way loses nothing (at worst a completion sits in both slots until the re-import).
     */
    async writeMany(tenantId, authorityId, writes, retentionYears) {
      for (const slot of ['history', 'current'] as const) {
        const puts = writes.filter((w) => w.slot === slot).map((w) => ({ put: completionItem(tenantId, authorityId, w, retentionYears) }));
        if (puts.length) await table.batchWrite(puts);
      }
    },

    async writeOne(tenantId, authorityId, writes, replacing, retentionYears, audit, now) {
      const ops = writes.map((w) => {
        const key = { ...slotKey(tenantId, authorityId, w), ...keys.training.completionIndexes(tenantId, authorityId, w.completion, w.slot) };
        const record = w.completion as Completion & Record<string, unknown>;
        const expiresAt = yearsAfter(new Date(`${w.completion.completedOn}T00:00:00Z`), retentionYears);
        return w.slot === 'current' && replacing
          ? { kind: 'update' as const, entity: 'completion', key, record, expectedVersion: replacing.version, expiresAt }
          : { kind: 'create' as const, entity: 'completion', key, record, expiresAt };
      });
      const busy = 'An import is running for this authority; try again when it has finished.';
      await table.write(tenantId, [...ops, { kind: 'no-lease', entity: 'import lock', key: keys.training.importLock(tenantId, authorityId), now, conflictMessage: busy }], audit);
    },

    allCurrent: (tenantId, authorityId) => table.all<Completion>({ pk: keys.training.partition(tenantId, authorityId), skPrefix: keys.training.currentPrefix }),

    page: (tenantId, authorityId, q) => rangePage(keys.training.byDate(tenantId, authorityId), q),
    expiring: (tenantId, authorityId, q) => rangePage(keys.training.byExpiry(tenantId, authorityId), q),

    async inPeriod(tenantId, authorityId, from, to) {
      const k = keys.training.byDate(tenantId, authorityId);
      return table.all<Completion>({ index: k.index, pk: k.PK, skBetween: [from, `${to}~`] });
    },

    countExpiredBefore: (tenantId, authorityId, date) => {
      const k = keys.training.byExpiry(tenantId, authorityId);
      return table.count({ index: k.index, pk: k.PK, skBetween: ['0000', date] });
    },

    countExpiringBetween: (tenantId, authorityId, from, to) => {
      const k = keys.training.byExpiry(tenantId, authorityId);
      return table.count({ index: k.index, pk: k.PK, skBetween: [from, `${to}~`] });
    },

    async ofStaff(tenantId, authorityId, staffRef) {
      const pk = keys.training.partition(tenantId, authorityId);
      const slots = await Promise.all(keys.training.staffPrefixes(staffRef).map((skPrefix) => table.all<Completion>({ pk, skPrefix })));
      return slots.flat();
    },

    async erase(tenantId, authorityId, staffRef, audit, scrubbedImports = []) {
      const pk = keys.training.partition(tenantId, authorityId);
      const found = (await Promise.all(keys.training.staffPrefixes(staffRef).map((skPrefix) => table.keys({ pk, skPrefix })))).flat();
      if (found.length === 0) return 0;
      // Older import records cleaned of what they quoted: whole-item puts, before the transaction that carries the audit event.
      if (scrubbedImports.length) {
        await table.batchWrite(
          scrubbedImports.map((r) => ({
            put: { ...r, ...keys.training.importRecord(tenantId, r.authorityId, r.id), entity: 'import', [TABLE.ttlAttribute]: Math.floor(Date.parse(r.retainUntil) / 1000) },
          })),
        );
      }
      // A transaction holds at most 100 items: any surplus goes first in batches, and the
      // last transaction carries the audit event.
      const surplus = found.slice(0, Math.max(0, found.length - 98));
      if (surplus.length) await table.batchWrite(surplus.map((k) => ({ delete: k })));
      // Leaves a write mark on the import lock: an import running meanwhile reads the current completions again.
      const busy = 'An import is writing to this authority; try again in a minute.';
      await table.write(
        tenantId,
        [...found.slice(surplus.length).map((key) => ({ kind: 'delete' as const, entity: 'completion', key })), { kind: 'no-lease', entity: 'import lock', key: keys.training.importLock(tenantId, authorityId), now: new Date(), conflictMessage: busy }],
        audit,
      );
      return found.length;
    },
  };
}

export function importRepository(table: TableStore): ImportStore {
  const recordKey = (tenantId: string, r: Pick<ImportRecord, 'authorityId' | 'id'>) => keys.training.importRecord(tenantId, r.authorityId, r.id);
  const stored = (r: ImportRecord) => ({ ...r, rejected: r.rejected.slice(0, STORED_REJECTIONS) }) as unknown as Record<string, unknown>;
  const lockTaken = 'attribute_not_exists(leaseUntil) OR leaseUntil < :now OR importId = :id';
  const lost = 'This import was taken over by another worker (its lease ran out).';
  return {
    list: (tenantId, authorityId) => table.all<StoredImport>({ pk: keys.training.partition(tenantId, authorityId), skPrefix: keys.training.importPrefix }),
    get: (tenantId, authorityId, importId) => table.get<StoredImport>(keys.training.importRecord(tenantId, authorityId, importId)),

    create: (tenantId, record, audit, lock) =>
      table.write(
        tenantId,
        [
          { kind: 'create', entity: 'import', key: recordKey(tenantId, record), record: stored(record), expiresAt: new Date(record.retainUntil) },
          ...(lock
            ? [
                {
                  kind: 'update-if' as const,
                  entity: 'import lock',
                  key: keys.training.importLock(tenantId, record.authorityId),
                  update: {
                    set: { importId: record.id, leaseUntil: lock.leaseUntil.toISOString(), jobLeaseUntil: record.leaseUntil ?? lock.leaseUntil.toISOString() },
                    remove: [TABLE.ttlAttribute],
                    condition: lockTaken,
                    values: { ':now': lock.now.toISOString(), ':id': record.id },
                  },
                  conflictMessage: 'Another import is writing to this authority; try again in a minute.',
                },
              ]
            : []),
        ],
        audit,
      ),

    async claim(tenantId, record, now, leaseUntil, leaseToken) {
      const item = await table.updateReturning(recordKey(tenantId, record), {
        set: { status: 'running', leaseUntil: leaseUntil.toISOString(), leaseToken, attempts: (record.attempts ?? 0) + 1 },
        condition: '#status IN (:queued, :running) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
        names: { '#status': 'status' },
        values: { ':queued': 'queued', ':running': 'running', ':now': now.toISOString() },
      });
      return item ? toRecord<ImportRecord>(item) : undefined;
    },

    async lockChunk(tenantId, authorityId, importId, now, leaseUntil) {
      const item = await table.updateReturning(keys.training.importLock(tenantId, authorityId), {
        set: { entity: 'import lock', importId, leaseUntil: leaseUntil.toISOString() },
        remove: [TABLE.ttlAttribute],
        condition: lockTaken,
        values: { ':now': now.toISOString(), ':id': importId },
      });
      return item ? { writeMark: item.writeMark as string | undefined } : undefined;
    },

    checkpoint: (tenantId, record, writeMark, jobLeaseUntil) =>
      table.transact([
        { kind: 'put-if', entity: 'import', key: recordKey(tenantId, record), record: { ...stored(record), [TABLE.ttlAttribute]: Math.floor(Date.parse(record.retainUntil) / 1000) }, condition: 'leaseToken = :token', values: { ':token': record.leaseToken }, conflictMessage: lost },
        writeMark
          ? {
              kind: 'update-if',
              entity: 'import lock',
              key: keys.training.importLock(tenantId, record.authorityId),
              update: { set: { writeMark, jobLeaseUntil: jobLeaseUntil.toISOString() }, remove: ['leaseUntil'], condition: 'importId = :id', values: { ':id': record.id } },
              conflictMessage: lost,
            }
          : { kind: 'update-if', entity: 'import lock', key: keys.training.importLock(tenantId, record.authorityId), update: { set: { jobLeaseUntil: jobLeaseUntil.toISOString() } }, conflictMessage: lost },
      ]),

    finish: (tenantId, record, audit, writeMark) =>
      table.write(
        tenantId,
        [
          { kind: 'put', entity: 'import', key: recordKey(tenantId, record), record: stored(record), expiresAt: new Date(record.retainUntil) },
          // Rows may have been written: a new mark; no job runs on (a second import of the authority sets it again at its next checkpoint).
          { kind: 'update-if', entity: 'import lock', key: keys.training.importLock(tenantId, record.authorityId), update: { set: { writeMark }, remove: ['jobLeaseUntil'] }, conflictMessage: lost },
        ],
        audit,
      ),

    async release(tenantId, record) {
      await table.updateIf(recordKey(tenantId, record), { remove: ['leaseUntil'], condition: 'leaseToken = :token', values: { ':token': record.leaseToken } });
      await table.updateIf(keys.training.importLock(tenantId, record.authorityId), { remove: ['leaseUntil'], condition: 'importId = :id', values: { ':id': record.id } });
    },
  };
}

export function sessionRepository(table: TableStore): SessionStore {
  const fullKey = (tenantId: string, s: Session) => ({ ...keys.sessions.item(tenantId, s.authorityId, s.id), ...keys.sessions.indexes(tenantId, s.authorityId, s) });
  return {
    create: (tenantId, session, audit) => table.write(tenantId, [{ kind: 'create', entity: 'session', key: fullKey(tenantId, session), record: session as unknown as Record<string, unknown> }], audit),
    get: (tenantId, authorityId, id) => table.get<Session>(keys.sessions.item(tenantId, authorityId, id)),
    update: (tenantId, session, expectedVersion, audit) =>
      table.write(tenantId, [{ kind: 'update', entity: 'session', key: fullKey(tenantId, session), record: session as unknown as Record<string, unknown> & { version: number }, expectedVersion }], audit),
    between: (tenantId, authorityId, from, to) => {
      const k = keys.sessions.byDate(tenantId, authorityId);
      return table.all<Session>({ index: k.index, pk: k.PK, skBetween: [from, `${to}~`] });
    },
  };
}
