import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, toIsoDate } from '../../domain/shared/dates';
import { runReminders, type Mailer, type QueuedReminder } from '../../domain/reminders/job';
import { reminderJobDeps } from '../../functions/jobs/reminders';
import { FileOutbox } from '../../functions/mail/mailers';
import { TestApi } from '../support/api';
import { seedPartnership, sopBody } from '../support/fixtures';
import { useFreshTable } from '../support/table';

useFreshTable();

const TODAY = toIsoDate(new Date());
const OFFSETS = [59, 30, 7, 0, -8];
let api: TestApi;
/** tenant → offset → authority id */
const authorityFor: Record<string, Record<number, string>> = {};
const leadToken: Record<string, string> = {};


async function seedTenant(tenantId: string) {
  const p = await seedPartnership(api, tenantId);
  const sg = p.tokens['steering-group'];
  const settings = (await api.request('GET', '/settings', { token: sg })).body;
  expect((await api.request('PUT', '/settings', { token: sg, body: { steeringGroupEmails: [`psg@${tenantId}.example.org`], version: settings.version } })).status).toBe(200);
  authorityFor[tenantId] = {};
  for (const offset of OFFSETS) {
    const id = `${tenantId}-due${offset < 0 ? 'm' : ''}${Math.abs(offset)}`;
    const created = await api.request('POST', '/authorities', {
      token: sg,
      body: { id, name: `Authority due ${offset}`, sector: 'local-government', type: 'district-council', preventLeadName: `Lead ${id}`, preventLeadEmail: `lead-${id}@example.org` },
    });
    expect(created.status).toBe(201);
    const token = await api.token({ sub: `lead-${id}`, tenantId, role: 'authority-lead', authorityId: id });
    leadToken[id] = token;
    const sop = await api.request('PUT', `/authorities/${id}/sop`, { token, body: sopBody(addDays(TODAY, offset)) });
    expect(sop.status, sop.text).toBe(200);
    authorityFor[tenantId][offset] = id;
  }
}

const run = (date: string, mailer: Mailer) => runReminders(reminderJobDeps(mailer, 'https://app.example.org'), date);

const TENANTS = ['remind-one', 'remind-two', 'remind-three'];
let outbox: FileOutbox;
let folder: string;

beforeAll(async () => {
  api = await TestApi.create();
  for (const t of TENANTS) await seedTenant(t);
  folder = mkdtempSync(join(tmpdir(), 'outbox-'));
  outbox = new FileOutbox(folder);
});

describe('the reminder job', () => {
  it('sends exactly the expected messages, to the expected people', async () => {
    const result = await run(TODAY, outbox);
    const ours = result.sent.filter((r) => TENANTS.includes(r.tenantId));
    const byKey = (r: QueuedReminder) => `${r.tenantId} ${r.authorityId} ${r.stage}`;
    const expected = TENANTS.flatMap((t) => [
      `${t} ${authorityFor[t][30]} before-30`,
      `${t} ${authorityFor[t][7]} before-7`,
      `${t} ${authorityFor[t][0]} due-today`,
      `${t} ${authorityFor[t][-8]} overdue-8`,
    ]);
    expect(ours.map(byKey).sort()).toEqual(expected.sort());
    for (const r of ours) {
      expect(r.message.to).toEqual([`lead-${r.authorityId}@example.org`]);
      expect(r.message.cc).toEqual(r.stage.startsWith('overdue') ? [`psg@${r.tenantId}.example.org`] : []);
      // The web app's page for the record, not the JSON route.
      expect(r.message.text).toContain(`https://app.example.org/app/authorities/${r.authorityId}/sop`);
    }
    // One file per message in the outbox.
    const files = readdirSync(join(folder, TODAY));
    expect(files).toHaveLength(12);
    const overdue = files.find((f) => f.includes(authorityFor['remind-two'][-8]))!;
    const eml = readFileSync(join(folder, TODAY, overdue), 'utf8');
    expect(eml).toContain(`To: lead-${authorityFor['remind-two'][-8]}@example.org`);
    expect(eml).toContain('Cc: psg@remind-two.example.org');
    expect(eml).toContain('Content-Type: text/html');
  });

  it('sends nothing twice when run again for the same day', async () => {
    const again = await run(TODAY, outbox);
    expect(again.queued).toHaveLength(0);
    expect(again.sent).toHaveLength(0);
    expect(readdirSync(join(folder, TODAY))).toHaveLength(12);
  });

  it('drops an SOP out once its review is recorded, while others stay on their weekly overdue reminder', async () => {
    const reviewed = authorityFor['remind-one'][-8];
    const sop = (await api.request('GET', `/authorities/${reviewed}/sop`, { token: leadToken[reviewed] })).body;
    const review = await api.request('POST', `/authorities/${reviewed}/sop/reviews`, {
      token: leadToken[reviewed],
      body: { reviewedOn: TODAY, reviewer: 'Steering group chair', outcome: 'revised', newSopVersion: '1.1', natureOfRevision: 'Annual review', minuteRef: 'PSG 2026/04', version: sop.version },
    });
    expect(review.status, review.text).toBe(201);
    expect(review.body.sop).toMatchObject({ nextReviewDate: addMonths(TODAY, 12), sopVersion: '1.1', lastReviewedOn: TODAY });
    expect(review.body.sop.revisions).toEqual([{ date: TODAY, nature: 'Annual review' }]);

    // A week after the overdue reminders went out, the next weekly round is due (−8 + 14 = +6).
    const later = await run(addDays(TODAY, 6), new FileOutbox(folder));
    const overdueNow = later.sent.filter((r) => TENANTS.includes(r.tenantId)).map((r) => `${r.tenantId} ${r.authorityId} ${r.stage}`);
    expect(overdueNow.sort()).toEqual([`remind-three ${authorityFor['remind-three'][-8]} overdue-14`, `remind-two ${authorityFor['remind-two'][-8]} overdue-14`]);

    // Versions before and after the review both read back unchanged.
    const versions = (await api.request('GET', `/authorities/${reviewed}/sop/versions`, { token: leadToken[reviewed] })).body.items;
    expect(versions.map((v: any) => [v.version, v.sopVersion])).toEqual([[1, '1.0'], [2, '1.1']]);
    expect(versions[0].nextReviewDate).toBe(addDays(TODAY, -8));
  });

  it('finishes the sending of a run that died half-way, without sending anything twice', async () => {
    await seedTenant('remind-four');
    // Run as if tomorrow: the window starts at the watermark (today), whose bucket holds
    // remind-four's four reminders (30, 7, 0 and −8 days). The mail relay fails on the 2nd.
    const date = addDays(TODAY, 1);
    let sends = 0;
    const dying: Mailer = {
      send: async (r) => {
        if (r.tenantId === 'remind-four' && ++sends === 2) throw new Error('mail relay down');
        await outbox.send(r);
      },
    };
    await expect(run(date, dying)).rejects.toThrow('mail relay down');
    const rerun = await run(date, outbox);
    expect(rerun.queued.filter((r) => r.tenantId === 'remind-four')).toHaveLength(0);
    expect(rerun.sent.filter((r) => r.tenantId === 'remind-four')).toHaveLength(3);
    const files = readdirSync(join(folder, date)).filter((f) => f.startsWith('remind-four__'));
    // A day late, each says what is true on the run date.
    expect(files.map((f) => f.replace(/^.*_(before-\d+|due-today|overdue-\d+)\.eml$/, '$1')).sort()).toEqual(['before-29', 'before-6', 'overdue-1', 'overdue-9']);
    const again = await run(date, outbox);
    expect(again.sent).toHaveLength(0);
  });
});
