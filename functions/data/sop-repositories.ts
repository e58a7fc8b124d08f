import type { DueItem, DueRewrite } from '../../domain/reminders/due';
import type { AuditEvent } from '../../domain/audit/audit';
import { logger } from '../shared/logger';
import type { QueuedReminder, ReminderStore } from '../../domain/reminders/job';
import type { Obligation, ObligationStore, ObligationVersion, Sop, SopReview, SopStore } from '../../domain/sop/sop';
import { ConflictError } from '../../domain/shared/errors';
import { keyParts, keys, reminderKeys } from './keys';
import { versionedWrite, type TableStore, type WriteOp } from './store';

/** DynamoDB adapters for SOPs, obligations, due items and reminders. Layout: docs/data-model.md. */

type Item = Record<string, unknown>;

/** The write of a due item with its schedule on GSI3 (replaces the previous descriptor). */
export function dueItemOp(due: DueItem): WriteOp {
  return {
    kind: 'put',
    entity: 'due-item',
    key: keys.due.stored(due),
    record: due as unknown as Item,
  };
}

/** A descriptor rewrite that holds only if the descriptor is still as read (the job may be moving it on). */
function dueRewriteOp({ before, after }: DueRewrite): WriteOp {
  return {
    kind: 'put-if',
    entity: 'due-item',
    key: keys.due.stored(after),
    record: after as unknown as Item,
    condition: before.nextRemindOn === null ? 'dueOn = :due AND attribute_type(nextRemindOn, :null)' : 'dueOn = :due AND nextRemindOn = :seen',
    values: before.nextRemindOn === null ? { ':due': before.dueOn, ':null': 'NULL' } : { ':due': before.dueOn, ':seen': before.nextRemindOn },
    conflictMessage: 'A reminder for this authority was being sent at the same moment; try again.',
  };
}

/** DynamoDB's limit on the actions of one transaction. */
const TRANSACTION_LIMIT = 100;

/**
 * Writes a change (an authority, the partnership's settings) with the due descriptors it
 * re-derives, in the change's own transaction while they fit (the change, the descriptors,
 * the audit event). When they do not (an authority with ~100 obligations, a partnership's
 * settings), the transaction also puts the partnership's refresh marker; the remaining
 * descriptors follow in batches and the marker is deleted. If that follow-up fails the change
 * still stands and the marker stays: the reminder job re-derives every descriptor of a marked
 * partnership before it sends anything (repairDueItems).
 */
export async function writeWithDueItems(table: TableStore, tenantId: string, ops: WriteOp[], dues: readonly DueRewrite[], audit: AuditEvent): Promise<void> {
  const room = TRANSACTION_LIMIT - ops.length - 1;
  const fits = dues.length <= room;
  const first = fits ? dues : dues.slice(0, room - 1);
  const rest = fits ? [] : dues.slice(room - 1);
  const marker: WriteOp[] = fits ? [] : [{ kind: 'put', entity: 'due-refresh-marker', key: reminderKeys.refreshMarker(tenantId), record: { tenantId, since: audit.at } }];
  await table.write(tenantId, [...ops, ...first.map(dueRewriteOp), ...marker], audit);
  if (fits) return;
  try {
    if (await writeDueRewrites(table, tenantId, rest, { ...audit, note: `${audit.note ?? ''} Reminder descriptors re-derived (continued).`.trim() })) {
      await table.batchWrite([{ delete: reminderKeys.refreshMarker(tenantId) }]);
    }
  } catch (error) {
    // The change is committed; the marker makes the rest repairable (see above).
    logger.warn('due descriptors left for repair', { tenantId, remaining: rest.length, error: (error as Error).message });
  }
}

/**
 * Rewrites descriptors in transactions of up to 99, each with an audit event (its id suffixed
 * by the part) and each descriptor only if still as read. False when some were refused because
 * the job moved them meanwhile: those keep their current state and the caller keeps the marker.
 */
async function writeDueRewrites(table: TableStore, tenantId: string, rewrites: readonly DueRewrite[], audit: AuditEvent): Promise<boolean> {
  let all = true;
  for (let i = 0; i < rewrites.length; i += TRANSACTION_LIMIT - 1) {
    try {
      await table.write(tenantId, rewrites.slice(i, i + TRANSACTION_LIMIT - 1).map(dueRewriteOp), { ...audit, id: `${audit.id}-${i / (TRANSACTION_LIMIT - 1) + 1}` });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      all = false;
    }
  }
  return all;
}

export function sopRepository(table: TableStore): SopStore {
  return {
    get: (tenantId, authorityId) => table.get<Sop>(keys.sops.current(tenantId, authorityId)),
    list: (tenantId) => {
      const { PK, skPrefix } = keys.sops.list(tenantId);
      return table.all<Sop>({ pk: PK, skPrefix });
    },
    put: (tenantId, sop, expectedVersion, due, audit, review?: SopReview) => {
      const key = keys.sops.current(tenantId, sop.authorityId);
      const record = sop as unknown as Item & { version: number };
      const ops: WriteOp[] = [
        versionedWrite('SOP', key, record, expectedVersion),
        { kind: 'create', entity: 'SOP version', key: keys.sops.snapshot(tenantId, sop.authorityId, sop.version), record },
        dueItemOp(due),
      ];
      if (review) ops.push({ kind: 'create', entity: 'SOP review', key: keys.sops.review(tenantId, sop.authorityId, review.reviewedOn, review.id), record: review as unknown as Item });
      return table.write(tenantId, ops, audit);
    },
    versions: (tenantId, authorityId) => table.all<Sop>(keyParts.sops.versions(tenantId, authorityId)),
    reviews: (tenantId, authorityId) => table.all<SopReview>(keyParts.sops.reviews(tenantId, authorityId)),
  };
}

export function obligationRepository(table: TableStore): ObligationStore {
  const op = (tenantId: string, o: Obligation) => ({ entity: 'obligation', key: keys.sops.obligation(tenantId, o.authorityId, o.id), record: o as unknown as Item & { version: number } });
  /** The immutable copy of a version, written in the same transaction as the obligation. */
  const copy = (tenantId: string, h: ObligationVersion): WriteOp => ({
    kind: 'create',
    entity: 'obligation version',
    key: keyParts.sops.obligationVersion(tenantId, h.authorityId, h.id, h.version),
    record: h as unknown as Item,
  });
  return {
    list: (tenantId, authorityId) => table.all<Obligation>(keyParts.sops.obligations(tenantId, authorityId)),
    get: (tenantId, authorityId, id) => table.get<Obligation>(keys.sops.obligation(tenantId, authorityId, id)),
    create: (tenantId, items, audit) =>
      table.write(
        tenantId,
        items.flatMap(({ obligation, due, history }) => [{ kind: 'create' as const, ...op(tenantId, obligation) }, dueItemOp(due), copy(tenantId, history)]),
        audit,
      ),
    update: (tenantId, obligation, expectedVersion, due, audit, history) =>
      table.write(tenantId, [{ kind: 'update', ...op(tenantId, obligation), expectedVersion }, dueItemOp(due), copy(tenantId, history)], audit),
    delete: (tenantId, obligation, expectedVersion, audit, history) =>
      table.write(
        tenantId,
        [
          { kind: 'delete', entity: 'obligation', key: keys.sops.obligation(tenantId, obligation.authorityId, obligation.id), expectedVersion },
          { kind: 'delete', entity: 'due-item', key: keys.due.item(tenantId, 'obligation', obligation.id) },
          copy(tenantId, history),
        ],
        audit,
      ),
  };
}

export function dueItemRepository(table: TableStore) {
  return {
    list: (tenantId: string) => table.all<DueItem>({ pk: keys.due.all(tenantId).PK }),
    /** Partnerships whose descriptors a change left half re-derived: one Query of a (nearly always empty) index partition. */
    refreshing: async () => (await table.all<{ tenantId: string }>({ index: reminderKeys.refreshing().index, pk: reminderKeys.refreshing().PK })).map((m) => m.tenantId),
    refreshed: (tenantId: string) => table.batchWrite([{ delete: reminderKeys.refreshMarker(tenantId) }]),
    /** Rewrites re-derived descriptors, each only if still as read, with audit events: false if some were refused. */
    rewrite: (tenantId: string, rewrites: readonly DueRewrite[], audit: AuditEvent) => writeDueRewrites(table, tenantId, rewrites, audit),
    /** Rewrites descriptors (e.g. new recipients) in bulk: they are derived data, re-derivable at any time. */
    putMany: (items: readonly DueItem[]) =>
      table.batchWrite(
        items.map((due) => ({
          put: { ...due, ...keys.due.stored(due), entity: 'due-item' },
        })),
      ),
  };
}

/** A reminder is stored under the stage it was scheduled for: one per item, due date and reminder date. */
const storedAs = (r: QueuedReminder) => ({ kind: r.kind, itemId: r.itemId, dueOn: r.dueOn, stage: r.scheduledStage });

/** The condition that fails when the job finds a descriptor another run (or a user) already moved. */
const MOVED_ON = 'The due item changed while the reminder was being queued.';
const QUEUE_ATTEMPTS = 4;

export function reminderRepository(table: TableStore): ReminderStore {
  async function fromBuckets<T>(indexKeys: { index: { name: string; partitionKey: string; sortKey: string }; PK: string }[]): Promise<T[]> {
    // A long catch-up reads many date buckets: a few at a time, not hundreds at once.
    const out: T[] = [];
    for (let i = 0; i < indexKeys.length; i += 16) {
      const pages = await Promise.all(indexKeys.slice(i, i + 16).map((k) => table.all<T>({ index: k.index, pk: k.PK })));
      out.push(...pages.flat());
    }
    return out;
  }

  return {
    lastCompletedRun: async () => (await table.get<{ lastCompletedRun: string }>(reminderKeys.watermark()))?.lastCompletedRun,

    async completeRun(date, at) {
      await table.updateIf(reminderKeys.watermark(), {
        set: { lastCompletedRun: date, completedAt: at.toISOString(), entity: 'reminder-watermark' },
        condition: 'attribute_not_exists(#last) OR #last < :date',
        names: { '#last': 'lastCompletedRun' },
        values: { ':date': date },
      });
    },

    dueOn: (dates) => fromBuckets<DueItem>(dates.map((d) => keys.due.bucket(d))),

    async queue(item, reminder, next, audit) {
      const advanced: DueItem = { ...item, nextRemindOn: next };
      const advance: WriteOp = {
        kind: 'put-if',
        entity: 'due-item',
        key: keys.due.stored(advanced),
        record: advanced as unknown as Item,
        condition: 'nextRemindOn = :seen AND dueOn = :due',
        values: { ':seen': item.nextRemindOn, ':due': item.dueOn },
        conflictMessage: MOVED_ON,
      };
      const queue: WriteOp = {
        kind: 'create',
        entity: 'reminder',
        key: { ...reminderKeys.item(item.tenantId, storedAs(reminder)), ...reminderKeys.outbox(item.tenantId, storedAs(reminder)) },
        record: reminder as unknown as Item,
      };
      for (let attempt = 1; ; attempt++) {
        try {
          await table.write(item.tenantId, [advance, queue], { ...audit, id: attempt === 1 ? audit.id : `${audit.id}-${attempt}` });
          return 'queued';
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
          // Another run moved this item on first: it queued the reminder, nothing to do.
          if (error.message === MOVED_ON) return 'done';
          if (error.code === 'already_exists') {
            // Queued before (e.g. the descriptor was rewritten after it was sent): move the
            // schedule on without sending again. If the item itself changed, leave it be.
            await table.write(item.tenantId, [advance], { ...audit, id: `${audit.id}-skip`, note: `${audit.note ?? ''} Already sent; schedule moved on.`.trim() }).catch((e) => {
              if (!(e instanceof ConflictError)) throw e;
            });
            return 'done';
          }
          // Another transaction held the item at that instant (both may have been refused):
          // try again; if it keeps happening, the run is left incomplete and the next one
          // (its window starts at the watermark) comes back to this item.
          if (attempt >= QUEUE_ATTEMPTS) return 'contended';
          await new Promise((r) => setTimeout(r, 20 * 2 ** attempt * Math.random()));
        }
      }
    },

    pending: () => table.all<QueuedReminder>({ index: reminderKeys.pending().index, pk: reminderKeys.pending().PK }),

    claim: (reminder, runId, now, leaseUntil) =>
      table.updateIf(reminderKeys.item(reminder.tenantId, storedAs(reminder)), {
        set: { claimedBy: runId, leaseUntil: leaseUntil.toISOString() },
        condition: '#status = :pending AND (attribute_not_exists(#lease) OR #lease < :now)',
        names: { '#status': 'status', '#lease': 'leaseUntil' },
        values: { ':pending': 'pending', ':now': now.toISOString() },
      }),

    async release(reminder, runId) {
      await table.updateIf(reminderKeys.item(reminder.tenantId, storedAs(reminder)), {
        remove: ['leaseUntil', 'claimedBy'],
        condition: '#by = :run',
        names: { '#by': 'claimedBy' },
        values: { ':run': runId },
      });
    },

    async markSent(reminder, at) {
      // Leaves the outbox index; stays as the record of what was sent.
      await table.updateIf(reminderKeys.item(reminder.tenantId, storedAs(reminder)), {
        set: { status: 'sent', sentAt: at.toISOString() },
        remove: [...reminderKeys.outboxAttributes, 'leaseUntil', 'claimedBy'],
      });
    },
  };
}
