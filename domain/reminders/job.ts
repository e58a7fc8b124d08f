import { addDays } from '../shared/dates';
import type { AuditEvent } from '../audit/audit';
import { auditEvent } from '../audit/audit';
import type { Clock, IdGenerator } from '../shared/ports';
import { nextReminderAfter, renderReminder, stageKey, stageOn, type DueItem, type ReminderMessage } from './due';

/** A reminder queued for delivery (the outbox), kept afterwards as the record of what was sent. */
export interface QueuedReminder {
  id: string;
  tenantId: string;
  kind: DueItem['kind'];
  itemId: string;
  authorityId: string;
  dueOn: string;
  stage: string;
  runDate: string;
  message: ReminderMessage;
  status: 'pending' | 'sent';
  sentAt?: string;
}

export interface ReminderStore {
  /** Due items whose next reminder falls on one of these dates: one Query per date, across all partnerships. */
  dueOn(dates: readonly string[]): Promise<DueItem[]>;
  /**
   * In one transaction: moves the item's next reminder on (only if it is still `item.nextRemindOn`)
   * and queues the message (only if this item, due date and stage was never queued).
   * False when either was already done: the reminder is not queued twice.
   */
  queue(item: DueItem, reminder: QueuedReminder, next: string | null, audit: AuditEvent): Promise<boolean>;
  /** Queued reminders not yet delivered, by run date: one Query per date. */
  pending(dates: readonly string[]): Promise<QueuedReminder[]>;
  markSent(reminder: QueuedReminder, at: Date): Promise<void>;
}

/** Delivery: SES in AWS, a folder of files locally. */
export interface Mailer {
  send(reminder: QueuedReminder): Promise<void>;
}

export const SCHEDULER = { userId: 'reminder-scheduler', role: 'system' as const };

export interface RunResult {
  date: string;
  queued: QueuedReminder[];
  sent: QueuedReminder[];
  alreadyDone: number;
}

/**
 * Runs the reminder job as if on `date`. Looks at `catchUpDays` days of buckets (so a day
 * the job did not run is caught up), queues each reminder exactly once, then delivers
 * everything queued and not yet sent (so a run that died half-way is finished by the next).
 */
export async function runReminders(
  deps: { store: ReminderStore; mailer: Mailer; clock: Clock; ids: IdGenerator; baseUrl: string },
  date: string,
  catchUpDays = 7,
): Promise<RunResult> {
  const dates = Array.from({ length: catchUpDays }, (_, i) => addDays(date, -(catchUpDays - 1 - i)));
  const items = await deps.store.dueOn(dates);
  const queued: QueuedReminder[] = [];
  let alreadyDone = 0;
  for (const item of items) {
    // The message speaks of the run date; its identity is the scheduled stage, so the same
    // reminder is never queued twice, whichever day a catch-up run finds it.
    const stage = stageOn(item.dueOn, date);
    const scheduled = stageOn(item.dueOn, item.nextRemindOn ?? date);
    const reminder: QueuedReminder = {
      id: `${item.kind}#${item.itemId}#${item.dueOn}#${stageKey(scheduled)}`,
      tenantId: item.tenantId,
      kind: item.kind,
      itemId: item.itemId,
      authorityId: item.authorityId,
      dueOn: item.dueOn,
      stage: stageKey(scheduled),
      runDate: date,
      message: renderReminder(item, stage, deps.baseUrl),
      status: 'pending',
    };
    const next = nextReminderAfter(item.dueOn, item.thresholds, date);
    const audit = auditEvent(SCHEDULER, deps.clock.now(), deps.ids, {
      action: 'remind',
      entityType: item.kind,
      entityId: item.itemId,
      authorityId: item.authorityId,
      before: { nextRemindOn: item.nextRemindOn },
      after: { nextRemindOn: next },
      note: `Reminder (${reminder.stage}) for "${item.title}" queued for the Prevent lead${reminder.message.cc.length ? ', steering group copied' : ''}.`,
    });
    if (await deps.store.queue(item, reminder, next, audit)) queued.push(reminder);
    else alreadyDone++;
  }
  const sent: QueuedReminder[] = [];
  for (const reminder of await deps.store.pending(dates)) {
    await deps.mailer.send(reminder);
    await deps.store.markSent(reminder, deps.clock.now());
    sent.push(reminder);
  }
  return { date, queued, sent, alreadyDone };
}
