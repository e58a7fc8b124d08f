import { describe, expect, it } from 'vitest';
import { addDays, toIsoDate } from '../../domain/shared/dates';
import { runReminders, type QueuedReminder } from '../../domain/reminders/job';
import { reminderJobDeps } from '../../functions/jobs/reminders';
import { DEMO_TENANT_ID, seedDemo } from '../../infra/local/seed';
import { useFreshTable } from '../support/table';

useFreshTable();

const today = toIsoDate(new Date());

describe('the README example on a fresh demo', () => {
  it('`npm run reminders -- --date <8 days on>` sends what has come due by then, once each, linking to the app', { timeout: 120_000 }, async () => {
    await seedDemo();
    const sent: QueuedReminder[] = [];
    const result = await runReminders(reminderJobDeps({ send: async (r) => void sent.push(r) }, 'http://localhost:4123'), addDays(today, 8));
    expect(result.completed).toBe(true);
    // The demo's SOP reviews fall due in 30 and 7 days, today and 8 days ago: eight days on,
    // each gets the one message true then (not the 'due in 7 days' it waited on).
    const reviews = sent.filter((r) => r.tenantId === DEMO_TENANT_ID && r.kind === 'sop-review');
    expect(reviews.map((r) => r.stage).sort()).toEqual(['before-22', 'overdue-1', 'overdue-16', 'overdue-8']);
    expect(new Set(sent.map((r) => r.id)).size).toBe(sent.length);
    // Overdue actions of the demo's action plan go to their lead authority, linking to the plan's page.
    const actions = sent.filter((r) => r.tenantId === DEMO_TENANT_ID && r.kind === 'action');
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((r) => r.stage.startsWith('overdue-'))).toBe(true);
    for (const r of sent) expect(r.message.text).toContain(r.kind === 'action' ? 'http://localhost:4123/app/action-plans/' : `http://localhost:4123/app/authorities/${r.authorityId}/`);
  });
});
