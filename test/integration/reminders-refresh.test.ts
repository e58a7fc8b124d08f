import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { addDays, toIsoDate } from '../../domain/shared/dates';
import type { DueItem } from '../../domain/reminders/due';
import { dueItemRepository } from '../../functions/data/sop-repositories';
import { TableStore } from '../../functions/data/store';
import { reminderJobDeps } from '../../functions/jobs/reminders';
import { systemDeps, ulidIds } from '../../functions/shared/deps';
import { auditEvent } from '../../domain/audit/audit';
import { TestApi } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { useFreshTable } from '../support/table';

useFreshTable();

const TODAY = toIsoDate(new Date());
let api: TestApi;
let p: PartnershipFixture;

beforeAll(async () => {
  api = await TestApi.create();
  p = await seedPartnership(api, 'refresh-shire');
});

afterEach(() => vi.restoreAllMocks());

/** Every write after the change's own transaction fails, as if the function died there. */
function dieAfterTheTransaction() {
  const write = TableStore.prototype.write;
  let writes = 0;
  vi.spyOn(TableStore.prototype, 'write').mockImplementation(function (this: TableStore, ...args: Parameters<TableStore['write']>) {
    return writes++ === 0 ? write.apply(this, args) : Promise.reject(new Error('function timed out'));
  });
  vi.spyOn(TableStore.prototype, 'batchWrite').mockRejectedValue(new Error('function timed out'));
}

const dues = async (authorityId: string) => (await dueItemRepository(systemDeps().table).list(p.tenantId)).filter((d) => d.authorityId === authorityId);

async function putAuthority(id: string, lead: { preventLeadName: string; preventLeadEmail: string }) {
  const current = (await api.request('GET', `/authorities/${id}`, { token: p.tokens['steering-group'] })).body;
  const { id: _id, version, createdAt, createdBy, updatedAt, updatedBy, ...fields } = current;
  return api.request('PUT', `/authorities/${id}`, { token: p.tokens['steering-group'], body: { ...fields, ...lead, version } });
}

describe('due descriptors change with the change that re-derives them', () => {
  it('addresses reminders to a new Prevent lead in the same transaction as the authority', async () => {
    const a = p.authorities.a;
    const sop = await api.request('PUT', `/authorities/${a}/sop`, {
      token: p.tokens['authority-lead@a'],
      body: {
        title: 'Prevent SOP', ownerName: 'Chief Executive', ownerRole: 'Chief Executive', sopVersion: '1.0', implementationDate: addDays(TODAY, -300),
        nextReviewDate: addDays(TODAY, 20), securityClassification: 'OFFICIAL', foiDisclosable: true, riskRating: 'low', equalityAnalysis: 'Low', revisions: [], version: 0,
      },
    });
    expect(sop.status, sop.text).toBe(200);
    expect((await dues(a)).map((d) => d.to)).toEqual([[{ email: `lead@${a}.example`, name: 'Pat Lead' }]]);

    dieAfterTheTransaction();
    const res = await putAuthority(a, { preventLeadName: 'Sam New', preventLeadEmail: 'sam.new@council.example' });
    expect(res.status, res.text).toBe(200);
    vi.restoreAllMocks();
    // Nothing was left for a second write to do: the reminder goes to the lead now in post.
    expect((await dues(a)).map((d) => d.to)).toEqual([[{ email: 'sam.new@council.example', name: 'Sam New' }]]);
  });

  it('rewrites a descriptor with nothing more scheduled too', async () => {
    const a = p.authorities.a;
    const [sopDue] = await dues(a);
    await dueItemRepository(systemDeps().table).putMany([{ ...sopDue, kind: 'obligation', itemId: 'all-sent', nextRemindOn: null }]);
    const res = await putAuthority(a, { preventLeadName: 'Jo Third', preventLeadEmail: 'jo.third@council.example' });
    expect(res.status, res.text).toBe(200);
    expect((await dues(a)).map((d) => [d.itemId, d.to[0].email, d.nextRemindOn])).toEqual([
      ['all-sent', 'jo.third@council.example', null],
      [a, 'jo.third@council.example', sopDue.nextRemindOn],
    ]);
  });

  it('marks what does not fit one transaction, and the reminder job repairs it before it sends', async () => {
    const b = p.authorities.b;
    // More descriptors than one transaction holds (DynamoDB: 100 actions).
    const many: DueItem[] = Array.from({ length: 150 }, (_, i) => ({
      tenantId: p.tenantId, kind: 'obligation', itemId: `many-${i}`, authorityId: b, authorityName: 'Office of the Police and Crime Commissioner',
      title: `Evidence due ${i}`, dueOn: addDays(TODAY, 90), path: `/authorities/${b}/sop/obligations/many-${i}`,
      to: [{ email: `lead@${b}.example`, name: 'Pat Lead' }], ccWhenOverdue: [], thresholds: [60, 30, 7, 0], nextRemindOn: addDays(TODAY, 30),
    }));
    await dueItemRepository(systemDeps().table).putMany(many);

    dieAfterTheTransaction();
    const res = await putAuthority(b, { preventLeadName: 'Alex Next', preventLeadEmail: 'alex.next@opcc.example' });
    expect(res.status, res.text).toBe(200);
    vi.restoreAllMocks();
    const after = await dues(b);
    const moved = after.filter((d) => d.to[0].email === 'alex.next@opcc.example').length;
    expect(moved).toBeGreaterThan(90);
    expect(moved).toBeLessThan(150);
    expect(await dueItemRepository(systemDeps().table).refreshing()).toEqual([p.tenantId]);

    const repaired = await reminderJobDeps({ send: async () => undefined }, 'https://app.example.org').repair.repairAll();
    expect(repaired).toBe(1);
    expect((await dues(b)).every((d) => d.to[0].email === 'alex.next@opcc.example')).toBe(true);
    expect(await dueItemRepository(systemDeps().table).refreshing()).toEqual([]);
  });

  it('re-derives every descriptor with new settings: in the transaction, or marked for repair', async () => {
    const settings = (await api.request('GET', '/settings', { token: p.tokens['steering-group'] })).body;
    const res = await api.request('PUT', '/settings', { token: p.tokens['steering-group'], body: { steeringGroupEmails: ['psg@refresh-shire.example'], version: settings.version } });
    expect(res.status, res.text).toBe(200);
    const all = await dueItemRepository(systemDeps().table).list(p.tenantId);
    expect(all.length).toBeGreaterThan(150);
    expect(all.every((d) => d.ccWhenOverdue.join() === 'psg@refresh-shire.example')).toBe(true);
    expect(await dueItemRepository(systemDeps().table).refreshing()).toEqual([]);
  });

  it('does not put back a descriptor the reminder job moved on meanwhile: the change is refused whole', async () => {
    const a = p.authorities.a;
    const item = (await dues(a)).find((d) => d.kind === 'sop-review')!;
    const authority = (await systemDeps().authorities.get(p.tenantId, a))!;
    // As the use case read it, before the job moved it to its next reminder date.
    const asRead: DueItem = { ...item, nextRemindOn: addDays(item.nextRemindOn!, -1) };
    const changed = { ...authority, preventLeadEmail: 'late@council.example', version: authority.version + 1 };
    const audit = auditEvent({ userId: 'test', role: 'steering-group' }, new Date(), ulidIds, { action: 'update', entityType: 'authority', entityId: a, authorityId: a });
    await expect(
      systemDeps().authorities.update(p.tenantId, changed, authority.version, audit, [{ before: asRead, after: { ...asRead, to: [{ email: 'late@council.example' }] } }]),
    ).rejects.toThrow(/same moment/);
    expect((await systemDeps().authorities.get(p.tenantId, a))!.version).toBe(authority.version);
    expect((await dues(a)).find((d) => d.kind === 'sop-review')).toEqual(item);
  });
});
