import { addDays, daysBetween, toIsoDate } from '../shared/dates';
import type { AuditEvent } from '../audit/audit';
import { auditEvent } from '../audit/audit';
import type { Clock, IdGenerator } from '../shared/ports';
import { nextReminderAfter, renderReminder, stageKey, stageOn, type DueItem, type ReminderMessage } from './due';

/** A reminder queued for delivery (the outbox), kept afterwards as the record of what was sent. */
export interface QueuedReminder {
  /** For people and logs (`<kind>/<itemId>/<dueOn>/<stage>`); the storage key is the adapter's. */
  id: string;
  tenantId: string;
  kind: DueItem['kind'];
  itemId: string;
  authorityId: string;
  dueOn: string;
  /** The stage on the run date: what the message says ("overdue-12"), whatever date it was scheduled for. */
  stage: string;
  /**
   * The stage of the reminder date the item was waiting on: what makes the reminder unique, so
   * a descriptor rewritten to a date already reminded (an SOP edited the day its reminder went
   * out) is not reminded again, whichever later day a run finds it.
   */
  scheduledStage: string;
  /** The reminder date the item was waiting on; earlier than `runDate` when the job was late. */
  scheduledOn: string;
  runDate: string;
  message: ReminderMessage;
  status: 'pending' | 'sent';
  sentAt?: string;
}

/** What queueing one reminder came to. */
export type QueueOutcome =
  /** Queued now, by this run. */
  | 'queued'
  /** Someone already did it (another run moved the item on, or this reminder was queued before). */
  | 'done'
  /** Another write held the item at that instant and retries did not get through: try again later. */
  | 'contended';

export interface ReminderStore {
  /** The date of the last completed run (the watermark); undefined before the first. */
  lastCompletedRun(): Promise<string | undefined>;
  /** Moves the watermark forward to `date` (never back). */
  completeRun(date: string, at: Date): Promise<void>;
  /** Due items whose next reminder falls on one of these dates: one Query per date, across all partnerships. */
  dueOn(dates: readonly string[]): Promise<DueItem[]>;
  /**
   * In one transaction: moves the item's next reminder on (only if it is still `item.nextRemindOn`)
   * and queues the message (only if this item, due date and stage was never queued).
   */
  queue(item: DueItem, reminder: QueuedReminder, next: string | null, audit: AuditEvent): Promise<QueueOutcome>;
  /** Every queued reminder not yet delivered, whichever run queued it. */
  pending(): Promise<QueuedReminder[]>;
  /**
   * Claims a pending reminder for delivery until `leaseUntil` (a conditional update): false when
   * it was sent already or another run's lease on it still runs.
   */
  claim(reminder: QueuedReminder, runId: string, now: Date, leaseUntil: Date): Promise<boolean>;
  /** Gives up this run's claim (the send failed), so the next run need not wait for the lease. */
  release(reminder: QueuedReminder, runId: string): Promise<void>;
  markSent(reminder: QueuedReminder, at: Date): Promise<void>;
}

/** Delivery: SES in AWS, a folder of files locally. */
export interface Mailer {
  send(reminder: QueuedReminder): Promise<void>;
}

/** Descriptors whose re-derivation died half-way (see refreshDueItems); the job repairs them first. */
export interface DescriptorRepair {
  /** Re-derives every descriptor of each partnership left marked; the number of partnerships repaired. */
  repairAll(): Promise<number>;
}

export const SCHEDULER = { userId: 'reminder-scheduler', role: 'system' as const };

/**
 * With no watermark yet (the first run of a deployment, or of a fresh local table), the job
 * looks this many days back. Reminder dates are never scheduled before the day their descriptor
 * is written, so this only has to cover the time descriptors existed before a run completed:
 * a quarter covers a deployment left without its schedule for weeks, and the upgrade from the
 * former 7-day window (its dropped reminders of the last quarter go out, once each, as what is
 * true now). It costs one Query per day, once; a longer outage after that is covered by the
 * watermark, however long.
 */
export const FIRST_RUN_LOOKBACK_DAYS = 92;

/**
 * A claim on a queued reminder lasts this long: longer than one send and its mark (the SES
 * client gives up well within it), short enough that a run which died holding a claim does
 * not delay that message past the next retry.
 */
export const CLAIM_LEASE_MS = 2 * 60_000;

export interface RunResult {
  date: string;
  /** The first reminder date this run looked at. */
  from: string;
  queued: QueuedReminder[];
  sent: QueuedReminder[];
  alreadyDone: number;
  /** Whether every date up to `date` was processed, so the watermark moved to it. */
  completed: boolean;
}

/** The reminder dates a run as if on `date` must look at, given the watermark. */
export function runWindow(date: string, watermark: string | undefined, firstRunLookbackDays = FIRST_RUN_LOOKBACK_DAYS): string[] {
  // The watermark's own date is looked at again: a descriptor written later that day (an SOP
  // created already overdue) waits in that day's bucket, after the run that completed it.
  const from = watermark === undefined ? addDays(date, -(firstRunLookbackDays - 1)) : watermark < date ? watermark : date;
  return Array.from({ length: daysBetween(from, date) + 1 }, (_, i) => addDays(from, i));
}

/**
 * Runs the reminder job as if on `date`. Looks at every reminder date since the last completed
 * run (the watermark), however long ago, and queues for each item found the one message that is
 * right on `date` ("overdue by 12 days", not the "due in 30 days" it waited for). Then delivers
 * every queued reminder not yet sent, claiming each first so that concurrent runs send it once.
 * Only a run that got through everything moves the watermark on to its date.
 */
export async function runReminders(
  deps: { store: ReminderStore; mailer: Mailer; clock: Clock; ids: IdGenerator; appBaseUrl: string; repair?: DescriptorRepair },
  date: string,
  options: { firstRunLookbackDays?: number } = {},
): Promise<RunResult> {
  const runId = deps.ids.next();
  if (deps.repair) await deps.repair.repairAll();
  const dates = runWindow(date, await deps.store.lastCompletedRun(), options.firstRunLookbackDays);
  const items = await deps.store.dueOn(dates);
  const queued: QueuedReminder[] = [];
  let alreadyDone = 0;
  let completed = true;
  for (const item of items) {
    // One message per item, saying what is true on the run date, however many reminder dates
    // it waited past; the schedule then moves on from the run date.
    const stage = stageKey(stageOn(item.dueOn, date));
    const scheduledOn = item.nextRemindOn ?? date;
    const reminder: QueuedReminder = {
      id: `${item.kind}/${item.itemId}/${item.dueOn}/${stage}`,
      tenantId: item.tenantId,
      kind: item.kind,
      itemId: item.itemId,
      authorityId: item.authorityId,
      dueOn: item.dueOn,
      stage,
      scheduledStage: stageKey(stageOn(item.dueOn, scheduledOn)),
      scheduledOn,
      runDate: date,
      message: renderReminder(item, stageOn(item.dueOn, date), deps.appBaseUrl),
      status: 'pending',
    };
    const next = nextReminderAfter(item.dueOn, item.thresholds, date);
    const late = scheduledOn < date ? ` (scheduled for ${scheduledOn}; the job was late)` : '';
    const audit = auditEvent(SCHEDULER, deps.clock.now(), deps.ids, {
      action: 'remind',
      entityType: item.kind,
      entityId: item.itemId,
      authorityId: item.authorityId,
      before: { nextRemindOn: item.nextRemindOn },
      after: { nextRemindOn: next },
      note: `Reminder (${reminder.stage}) for "${item.title}" queued for the Prevent lead${reminder.message.cc.length ? ', steering group copied' : ''}${late}.`,
    });
    const outcome = await deps.store.queue(item, reminder, next, audit);
    if (outcome === 'queued') queued.push(reminder);
    else if (outcome === 'done') alreadyDone++;
    else completed = false;
  }
  const sent: QueuedReminder[] = [];
  for (const reminder of await deps.store.pending()) {
    const now = deps.clock.now();
    // Another run may be delivering the same outbox right now: only the claim's holder sends.
    if (!(await deps.store.claim(reminder, runId, now, new Date(now.getTime() + CLAIM_LEASE_MS)))) continue;
    try {
      await deps.mailer.send(reminder);
    } catch (error) {
      await deps.store.release(reminder, runId);
      throw error;
    }
    await deps.store.markSent(reminder, deps.clock.now());
    sent.push(reminder);
  }
  // A run as if on a later date (the local demo) does not carry the watermark past today.
  const today = toIsoDate(deps.clock.now());
  if (completed) await deps.store.completeRun(date < today ? date : today, deps.clock.now());
  return { date, from: dates[0], queued, sent, alreadyDone, completed };
}
