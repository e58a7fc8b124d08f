import { beforeAll, describe, expect, it } from 'vitest';
import { addDays, toIsoDate } from '../../domain/shared/dates';
import { CLAIM_LEASE_MS, runReminders, type Mailer, type QueuedReminder } from '../../domain/reminders/job';
import { reminderJobDeps } from '../../functions/jobs/reminders';
import { TestApi } from '../support/api';
import { seedPartnership, sopBody } from '../support/fixtures';
import { useFreshTable } from '../support/table';

/**
 * The reminder job killed at its two dangerous points. The outbox (queued reminders) is written
 * before anything is sent, and each message is claimed, sent, then marked sent: so
 *  - killed between queueing and sending: the next run finds the queued reminders and sends each once;
 *  - killed between sending and marking: the next run cannot tell that message was sent. Its
 *    claim holds it back for CLAIM_LEASE_MS (2 minutes); a run after that sends it again.
 * The duplicate window is therefore exactly one message per killed run — the one sent and not
 * yet marked — and only for a run that starts after that claim lapsed. No other message is sent twice.
 */
useFreshTable();

const TODAY = toIsoDate(new Date());
const OFFSETS = [30, 7, 0, -8];
let api: TestApi;


async function seedTenant(tenantId: string) {
  const p = await seedPartnership(api, tenantId);
  const sg = p.tokens['steering-group'];
  for (const offset of OFFSETS) {
    const id = `${tenantId}-due${offset < 0 ? 'm' : ''}${Math.abs(offset)}`;
    const created = await api.request('POST', '/authorities', {
      token: sg,
      body: { id, name: `Authority due ${offset}`, sector: 'local-government', type: 'district-council', preventLeadName: `Lead ${id}`, preventLeadEmail: `lead-${id}@example.org` },
    });
    expect(created.status, created.text).toBe(201);
    const token = await api.token({ sub: `lead-${id}`, tenantId, role: 'authority-lead', authorityId: id });
    const sop = await api.request('PUT', `/authorities/${id}/sop`, { token, body: sopBody(addDays(TODAY, offset)) });
    expect(sop.status, sop.text).toBe(200);
  }
}

/** A mail relay that records what it was asked to send. */
function recordingMailer(): Mailer & { sent: QueuedReminder[] } {
  const sent: QueuedReminder[] = [];
  return { sent, send: async (r) => void sent.push(r) };
}

class Killed extends Error {}

/** The job's deps with one store step replaced by the process dying there, and an optional clock shift. */
function deps(mailer: Mailer, options: { dieAt?: 'pending' | 'markSent'; laterMs?: number } = {}) {
  const d = reminderJobDeps(mailer, 'https://app.example.org');
  const store = d.store;
  const dying = {
    ...store,
    pending: options.dieAt === 'pending' ? async () => { throw new Killed('killed after queueing, before sending'); } : store.pending.bind(store),
    markSent: options.dieAt === 'markSent' ? async () => { throw new Killed('killed after sending, before marking'); } : store.markSent.bind(store),
  };
  const clock = options.laterMs ? { now: () => new Date(Date.now() + options.laterMs!) } : d.clock;
  return { ...d, store: dying, clock };
}

beforeAll(async () => {
  api = await TestApi.create();
  await seedTenant('kill-queue');
});

describe('the reminder job killed half-way', () => {
  it('between queueing and sending: the next run sends every queued reminder, once', async () => {
    const first = recordingMailer();
    await expect(runReminders(deps(first, { dieAt: 'pending' }), TODAY)).rejects.toBeInstanceOf(Killed);
    expect(first.sent).toHaveLength(0);

    const next = recordingMailer();
    const rerun = await runReminders(deps(next), TODAY);
    expect(rerun.queued).toHaveLength(0); // queued by the killed run
    expect(next.sent.length).toBeGreaterThan(1);
    expect(new Set(next.sent.map((r) => r.id)).size).toBe(next.sent.length);
    expect(rerun.completed).toBe(true);

    const again = recordingMailer();
    await runReminders(deps(again), TODAY);
    expect(again.sent).toHaveLength(0);
  });

  it('between sending and marking: the next run finishes the rest; only the one unmarked message may go twice, and only after its claim lapsed', async () => {
    await seedTenant('kill-mark');
    const mine = (rs: QueuedReminder[]) => rs.filter((r) => r.tenantId === 'kill-mark');
    const first = recordingMailer();
    await expect(runReminders(deps(first, { dieAt: 'markSent' }), TODAY)).rejects.toBeInstanceOf(Killed);
    expect(mine(first.sent)).toHaveLength(1);
    const unmarked = mine(first.sent)[0];

    // At once: the claim of the killed run still holds the unmarked one back; the rest go out.
    const next = recordingMailer();
    await runReminders(deps(next), TODAY);
    expect(mine(next.sent).length).toBeGreaterThan(0);
    expect(mine(next.sent).map((r) => r.id)).not.toContain(unmarked.id);

    // After the claim lapsed: the unmarked one is sent again (the admitted duplicate), nothing else.
    const later = recordingMailer();
    const result = await runReminders(deps(later, { laterMs: CLAIM_LEASE_MS + 60_000 }), TODAY);
    expect(mine(later.sent).map((r) => r.id)).toEqual([unmarked.id]);
    expect(result.completed).toBe(true);

    const all = [...mine(first.sent), ...mine(next.sent), ...mine(later.sent)].map((r) => r.id);
    const twice = all.filter((id, i) => all.indexOf(id) !== i);
    expect(twice).toEqual([unmarked.id]); // the duplicate window: one message

    const after = recordingMailer();
    await runReminders(deps(after, { laterMs: CLAIM_LEASE_MS + 120_000 }), TODAY);
    expect(mine(after.sent)).toHaveLength(0);
  });
});
