import { describe, expect, it } from 'vitest';
import { addDays, toIsoDate } from '../../domain/shared/dates';
import type { DueItem } from '../../domain/reminders/due';
import { FIRST_RUN_LOOKBACK_DAYS, runReminders, type Mailer, type QueuedReminder } from '../../domain/reminders/job';
import { dueItemRepository, reminderRepository } from '../../functions/data/sop-repositories';
import { reminderJobDeps } from '../../functions/jobs/reminders';
import { systemDeps } from '../../functions/shared/deps';
import { useFreshTable } from '../support/table';

useFreshTable();

const TODAY = toIsoDate(new Date());
/** Dates well before today, so that no run here is as if in the future. */
const BASE = addDays(TODAY, -200);
const TENANT = 'watermark-shire';

function due(itemId: string, dueOn: string, nextRemindOn: string): DueItem {
  return {
    tenantId: TENANT, kind: 'obligation', itemId, authorityId: 'council', authorityName: 'Riverside District Council',
    title: `Evidence due: ${itemId}`, dueOn, path: `/authorities/council/sop/obligations/${itemId}`,
    to: [{ email: 'lead@council.example', name: 'Pat Lead' }], ccWhenOverdue: ['psg@watermark-shire.example'], thresholds: [60, 30, 7, 0], nextRemindOn,
  };
}

/** Counts every message handed to it: the file outbox would hide a repeat by overwriting. */
function countingMailer() {
  const sent: QueuedReminder[] = [];
  const mailer: Mailer = { send: async (r) => void sent.push(r) };
  /** What was sent for this test's items (earlier tests' items come round again on their schedule). */
  const ids = (prefix: string) => sent.filter((r) => r.itemId.startsWith(prefix)).map((r) => `${r.itemId} ${r.stage}`).sort();
  return { sent, mailer, ids };
}

const put = (...items: DueItem[]) => dueItemRepository(systemDeps().table).putMany(items);
const watermark = () => reminderRepository(systemDeps().table).lastCompletedRun();
const run = (date: string, mailer: Mailer) => runReminders(reminderJobDeps(mailer, 'https://app.example.org'), date);
const stored = async (itemId: string) => (await dueItemRepository(systemDeps().table).list(TENANT)).find((d) => d.itemId === itemId)!;

describe('the reminder job keeps a watermark and loses nothing', () => {
  it(`looks back ${FIRST_RUN_LOOKBACK_DAYS} days on its first run, then records the date it completed`, async () => {
    expect(await watermark()).toBeUndefined();
    await put(
      due('first-inside', addDays(BASE, -60), addDays(BASE, -(FIRST_RUN_LOOKBACK_DAYS - 1))),
      due('first-outside', addDays(BASE, -60), addDays(BASE, -FIRST_RUN_LOOKBACK_DAYS)),
    );
    const m = countingMailer();
    const result = await run(BASE, m.mailer);
    expect(result.from).toBe(addDays(BASE, -(FIRST_RUN_LOOKBACK_DAYS - 1)));
    expect(result.completed).toBe(true);
    expect(m.ids('first-')).toEqual(['first-inside overdue-60']);
    expect(await watermark()).toBe(BASE);
  });

  it('after an outage of weeks, sends every reminder that came due meanwhile: one message each, saying what is true now', async () => {
    const day = addDays(BASE, 40);
    await put(
      due('late-overdue', addDays(BASE, 10), addDays(BASE, 3)), // waited on "due in 7 days"; now 30 days overdue
      due('late-before', addDays(BASE, 60), addDays(BASE, 30)), // waited on "due in 30 days"; now due in 20
      due('on-time', day, day),
      due('late-not-yet', addDays(BASE, 100), addDays(day, 30)),
    );
    const m = countingMailer();
    const result = await run(day, m.mailer);
    expect(result.from).toBe(BASE);
    expect(m.ids('late-')).toEqual(['late-before before-20', 'late-overdue overdue-30']);
    expect(m.ids('on-time')).toEqual(['on-time due-today']);
    const overdue = m.sent.find((r) => r.itemId === 'late-overdue')!;
    expect(overdue).toMatchObject({ scheduledOn: addDays(BASE, 3), runDate: day });
    expect(overdue.message.subject).toMatch(/^Overdue: /);
    expect(overdue.message.cc).toEqual(['psg@watermark-shire.example']);
    expect(overdue.message.text).toContain('overdue by 30 days');
    expect(overdue.message.text).toContain('https://app.example.org/app/authorities/council/sop/obligations/late-overdue');
    // The schedule moves on from the run date: the next weekly overdue date, the next threshold.
    expect((await stored('late-overdue')).nextRemindOn).toBe(addDays(BASE, 10 + 35));
    expect((await stored('late-before')).nextRemindOn).toBe(addDays(BASE, 60 - 7));
    expect(await watermark()).toBe(day);
  });

  it('finds a descriptor written on the day of the last completed run, after that run', async () => {
    const last = addDays(BASE, 40);
    await put(due('written-later', addDays(last, 30), last));
    const m = countingMailer();
    await run(addDays(last, 1), m.mailer);
    expect(m.ids('written-')).toEqual(['written-later before-29']);
  });

  it('does not remind again of a descriptor rewritten to the date it was just reminded on', async () => {
    const day = addDays(BASE, 45);
    const item = due('edited', addDays(day, -3), day);
    await put(item);
    const m = countingMailer();
    await run(day, m.mailer);
    expect(m.ids('edited')).toEqual(['edited overdue-3']);
    // The record is edited later that day: its descriptor is written again, scheduled for today.
    await put(item);
    await run(addDays(day, 1), m.mailer);
    expect(m.ids('edited')).toEqual(['edited overdue-3']);
    expect((await stored('edited')).nextRemindOn).toBe(addDays(day, -3 + 7));
  });

  it('leaves the watermark where it was when a run fails, and the next run delivers the rest once', async () => {
    const day = addDays(BASE, 50);
    await put(due('fail-1', addDays(day, 7), day), due('fail-2', addDays(day, 7), day));
    const before = await watermark();
    let calls = 0;
    const m = countingMailer();
    const dying: Mailer = {
      send: async (r) => {
        if (++calls === 2) throw new Error('mail relay down');
        await m.mailer.send(r);
      },
    };
    await expect(run(day, dying)).rejects.toThrow('mail relay down');
    expect(await watermark()).toBe(before);
    await run(addDays(day, 1), m.mailer);
    expect(m.ids('fail-')).toEqual(['fail-1 before-7', 'fail-2 before-7']);
    expect(await watermark()).toBe(addDays(day, 1));
  });

  // The measurements before the claim: 2 runs sent 18 messages for 9 reminders, 5 runs 62 for 13.
  it.each([
    [2, 9],
    [5, 13],
  ])('sends each reminder once when %i runs for the same date go at once (%i reminders)', async (runs, count) => {
    const day = addDays(BASE, 60 + runs);
    const items = Array.from({ length: count }, (_, i) => due(`together-${runs}-${i}`, addDays(day, 30), day));
    await put(...items);
    const m = countingMailer();
    const results = await Promise.all(Array.from({ length: runs }, () => run(day, m.mailer)));
    const prefix = `together-${runs}-`;
    expect(m.ids(prefix)).toHaveLength(count);
    expect(new Set(m.ids(prefix)).size).toBe(count);
    // Whatever else came due that day (earlier tests' items), nothing was sent twice either.
    expect(new Set(m.sent.map((r) => `${r.itemId} ${r.stage}`)).size).toBe(m.sent.length);
    expect(results.reduce((n, r) => n + r.sent.length, 0)).toBe(m.sent.length);
    // Every reminder is marked sent, so a later run sends nothing more.
    const later = countingMailer();
    await run(day, later.mailer);
    expect(later.ids(prefix)).toHaveLength(0);
  });

  it('does not carry the watermark past today when run as if on a later date', async () => {
    const m = countingMailer();
    await run(addDays(TODAY, 30), m.mailer);
    expect(await watermark()).toBe(TODAY);
  });
});
