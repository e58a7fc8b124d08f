import type { DueItem } from '../../domain/reminders/due';
import type { QueuedReminder, ReminderStore } from '../../domain/reminders/job';
import type { Obligation, ObligationStore, ObligationVersion, Sop, SopReview, SopStore } from '../../domain/sop/sop';
import { ConflictError } from '../../domain/shared/errors';
import { keyParts, keys } from './keys';
import type { TableStore, WriteOp } from './store';

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
        expectedVersion === 0 ? { kind: 'create', entity: 'SOP', key, record } : { kind: 'update', entity: 'SOP', key, record, expectedVersion },
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
    /** Rewrites descriptors (e.g. new recipients) in bulk: they are derived data, re-derivable at any time. */
    putMany: (items: readonly DueItem[]) =>
      table.batchWrite(
        items.map((due) => ({
          put: { ...due, ...keys.due.stored(due), entity: 'due-item' },
        })),
      ),
  };
}

export function reminderRepository(table: TableStore): ReminderStore {
  async function fromBuckets<T>(indexKeys: { index: { name: string; partitionKey: string; sortKey: string }; PK: string }[]): Promise<T[]> {
    const pages = await Promise.all(indexKeys.map((k) => table.all<T>({ index: k.index, pk: k.PK })));
    return pages.flat();
  }

  return {
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
        conflictMessage: 'The due item changed while the reminder was being queued.',
      };
      const queue: WriteOp = {
        kind: 'create',
        entity: 'reminder',
        key: { ...keys.reminders.item(item.tenantId, reminder.id), ...keys.reminders.outbox(item.tenantId, reminder.runDate, reminder.id) },
        record: reminder as unknown as Item,
      };
      try {
        await table.write(item.tenantId, [advance, queue], audit);
        return true;
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        // Already queued (e.g. the descriptor was rewritten after it was sent): move the
        // schedule on without sending again. If the item itself changed, leave it be.
        if (error.code !== 'already_exists') return false;
        await table.write(item.tenantId, [advance], { ...audit, id: `${audit.id}-skip`, note: `${audit.note ?? ''} Already sent; schedule moved on.`.trim() }).catch((e) => {
          if (!(e instanceof ConflictError)) throw e;
        });
        return false;
      }
    },

    pending: (dates) => fromBuckets<QueuedReminder>(dates.map((d) => keys.reminders.pending(d))),

    markSent: (reminder, at) =>
      table.replace(keys.reminders.item(reminder.tenantId, reminder.id), { ...reminder, status: 'sent', sentAt: at.toISOString() }, 'reminder'),
  };
}
