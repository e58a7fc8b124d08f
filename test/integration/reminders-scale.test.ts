import { describe, expect, it } from 'vitest';
import { addDays, toIsoDate } from '../../domain/shared/dates';
import { runReminders, type Mailer } from '../../domain/reminders/job';
import type { DueItem } from '../../domain/reminders/due';
import { dueItemRepository, reminderRepository } from '../../functions/data/sop-repositories';
import { reminderKeys } from '../../functions/data/keys';
import { dynamo } from '../../functions/data/client';
import { systemDeps } from '../../functions/shared/deps';
import { countRequests } from '../support/dynamo-counter';
import { useFreshTable } from '../support/table';

useFreshTable();

const TODAY = toIsoDate(new Date());
const CATCH_UP_DAYS = 7;

/** Due items spread over partnerships and over the job's catch-up window. */
function dueItems(partnerships: number, perPartnership: number, prefix: string): DueItem[] {
  const items: DueItem[] = [];
  for (let p = 0; p < partnerships; p++) {
    for (let i = 0; i < perPartnership; i++) {
      const remindOn = addDays(TODAY, -(i % CATCH_UP_DAYS));
      items.push({
        tenantId: `${prefix}-${p}`, kind: 'obligation', itemId: `o${i}`, authorityId: `a${i % 4}`, authorityName: `Authority ${i % 4}`,
        title: 'Evidence due', dueOn: addDays(remindOn, 30), path: `/authorities/a${i % 4}/sop/obligations/o${i}`,
        to: [{ email: `lead${i % 4}@example.org` }], ccWhenOverdue: [], thresholds: [60, 30, 7, 0], nextRemindOn: remindOn,
      });
    }
  }
  return items;
}

const quietMailer: Mailer = { send: async () => undefined };

async function measure(items: DueItem[]) {
  await dueItemRepository(systemDeps().table).putMany(items);
  // The last completed run was CATCH_UP_DAYS - 1 days ago: the job looks at CATCH_UP_DAYS dates.
  await systemDeps().table.batchWrite([{ delete: reminderKeys.watermark() }]);
  await reminderRepository(systemDeps().table).completeRun(addDays(TODAY, -(CATCH_UP_DAYS - 1)), new Date());
  const counter = countRequests(dynamo().doc);
  const result = await runReminders({ store: reminderRepository(systemDeps().table), mailer: quietMailer, clock: systemDeps().clock, ids: systemDeps().ids, appBaseUrl: 'https://x' }, TODAY);
  const reads = (counter.counts.Query ?? 0) + (counter.counts.GetItem ?? 0) + (counter.counts.BatchGetItem ?? 0) + (counter.counts.Scan ?? 0);
  counter.detach();
  return { result, reads, counts: { ...counter.counts } };
}

describe('the reminder job reads by due-date bucket', () => {
  it('reads a bounded number of times for 1,000 due items in 50 partnerships, no more than for 20 items in 2', { timeout: 120_000 }, async () => {
    const small = await measure(dueItems(2, 10, 'small'));
    expect(small.result.sent).toHaveLength(20);

    const large = await measure(dueItems(50, 20, 'large'));
    expect(large.result.sent).toHaveLength(1_000);
    // The watermark (one GetItem), one Query per date bucket for due items and one Query of the
    // outbox (plus a continuation page where one passes 1 MB) — never a Scan, never a read per
    // item or per partnership.
    expect(large.counts.Scan ?? 0).toBe(0);
    expect(large.counts.GetItem ?? 0).toBe(1);
    expect(large.counts.BatchGetItem ?? 0).toBe(0);
    expect(large.reads).toBeGreaterThanOrEqual(CATCH_UP_DAYS + 2);
    expect(large.reads).toBeLessThanOrEqual(CATCH_UP_DAYS + 2 + 4);
    expect(small.reads).toBe(CATCH_UP_DAYS + 2);
    // Writes are per reminder (queue; claim, then mark sent) and one for the watermark: that is
    // the work, not the search.
    expect(large.counts.TransactWriteItems).toBe(1_000);
    expect(large.counts.UpdateItem).toBe(2 * 1_000 + 1);
  });
});
