import { beforeAll, describe, expect, it } from 'vitest';
import { TestApi } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { useFreshTable } from '../support/table';

useFreshTable();

let api: TestApi;
let p: PartnershipFixture;

beforeAll(async () => {
  api = await TestApi.create();
  p = await seedPartnership(api, 'alpha');
});

async function auditFor(entityType: string, entityId: string) {
  const res = await api.request('GET', `/audit?entityType=${entityType}&entityId=${entityId}`, { token: p.tokens['steering-group'] });
  expect(res.status).toBe(200);
  return res.body.items as any[];
}

describe('authorities', () => {
  it('creates an authority with metadata and an audit event in the same write', async () => {
    const res = await api.request('POST', '/authorities', {
      token: p.tokens['steering-group'],
      body: { id: 'police', name: 'Shire Police', sector: 'police', type: 'police-force' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: 'police', version: 1, createdBy: 'alpha-sg', updatedBy: 'alpha-sg' });
    expect(res.body.createdAt).toBe(res.body.updatedAt);
    expect(res.body).not.toHaveProperty('PK');
    const events = await auditFor('authority', 'police');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'create', entityType: 'authority', entityId: 'police', authorityId: 'police', actor: { userId: 'alpha-sg', role: 'steering-group' } });
    expect(events[0].changes).toContainEqual({ field: 'name', to: 'Shire Police' });
  });

  it('updates with the current version, records what changed, and redacts personal data in the audit trail', async () => {
    const current = (await api.request('GET', `/authorities/${p.authorities.b}`, { token: p.tokens['steering-group'] })).body;
    const res = await api.request('PUT', `/authorities/${p.authorities.b}`, {
      token: p.tokens['authority-lead@b'],
      body: { name: current.name, sector: 'police', type: 'opcc', preventLeadName: 'Sam New', preventLeadEmail: 'sam@opcc.example', itProvidedBy: 'police', version: current.version },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: current.version + 1, itProvidedBy: 'police', updatedBy: 'alpha-authority-lead-b', createdBy: current.createdBy });
    const [latest] = await auditFor('authority', p.authorities.b);
    expect(latest.action).toBe('update');
    expect(latest.changes).toEqual([
      { field: 'itProvidedBy', to: 'police' },
      { field: 'preventLeadEmail', from: '[personal data]', to: '[personal data]' },
      { field: 'preventLeadName', from: '[personal data]', to: '[personal data]' },
    ]);
    expect(JSON.stringify(latest)).not.toContain('sam@opcc.example');
  });

  it('refuses a stale version with 409 and writes nothing', async () => {
    const url = `/authorities/${p.authorities.a}`;
    const read = (await api.request('GET', url, { token: p.tokens['steering-group'] })).body;
    const fields = { name: read.name, sector: read.sector, type: read.type };
    const first = await api.request('PUT', url, { token: p.tokens['steering-group'], body: { ...fields, name: 'Riverside DC', version: read.version } });
    expect(first.status).toBe(200);
    const current = first.body;
    const before = await auditFor('authority', p.authorities.a);

    const stale = await api.request('PUT', url, { token: p.tokens['steering-group'], body: { ...fields, name: 'Lost edit', version: read.version } });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'version_conflict', currentVersion: current.version });
    expect((await api.request('GET', url, { token: p.tokens['steering-group'] })).body).toEqual(current);
    expect(await auditFor('authority', p.authorities.a)).toEqual(before);
  });

  it('catches a lost update between two writers that read the same version', async () => {
    const current = (await api.request('GET', `/authorities/${p.authorities.a}`, { token: p.tokens['steering-group'] })).body;
    const body = (name: string) => ({ name, sector: 'local-government', type: 'district-council', version: current.version });
    const results = await Promise.all([
      api.request('PUT', `/authorities/${p.authorities.a}`, { token: p.tokens['steering-group'], body: body('First writer') }),
      api.request('PUT', `/authorities/${p.authorities.a}`, { token: p.tokens['authority-lead@a'], body: body('Second writer') }),
    ]);
    // At most one wins; the other is refused (stale version, or a transaction conflict if
    // both reached DynamoDB at the same instant). Never are both accepted.
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(1);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const after = (await api.request('GET', `/authorities/${p.authorities.a}`, { token: p.tokens['steering-group'] })).body;
    const winner = results.find((r) => r.status === 200);
    expect(after.version).toBe(current.version + (winner ? 1 : 0));
    if (winner) expect(after.name).toBe(winner.body.name);
  });

  it('answers bad JSON and schema violations with 400 field errors, and writes nothing', async () => {
    const before = (await api.request('GET', '/authorities', { token: p.tokens['steering-group'] })).body.items.length;
    const auditBefore = (await api.request('GET', '/audit?limit=100', { token: p.tokens['steering-group'] })).body.items.length;

    const badJson = await api.request('POST', '/authorities', { token: p.tokens['steering-group'], rawBody: '{"name": ' });
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('invalid_json');

    const badSchema = await api.request('POST', '/authorities', {
      token: p.tokens['steering-group'],
      body: { name: '', sector: 'space', type: 'opcc', preventLeadEmail: 'not-an-email' },
    });
    expect(badSchema.status).toBe(400);
    const paths = badSchema.body.error.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['name', 'preventLeadEmail', 'sector']);
    for (const e of badSchema.body.error.errors) expect(typeof e.message).toBe('string');

    const badRule = await api.request('POST', '/authorities', {
      token: p.tokens['steering-group'],
      body: { name: 'Mismatch', sector: 'health-social-care', type: 'opcc', itProvidedBy: 'nowhere' },
    });
    expect(badRule.status).toBe(400);
    expect(badRule.body.error.errors.map((e: { path: string }) => e.path).sort()).toEqual(['itProvidedBy', 'sector']);

    const badParam = await api.request('GET', '/authorities/has%23hash', { token: p.tokens['steering-group'] });
    expect(badParam.status).toBe(400);
    expect(badParam.body.error.errors[0].path).toBe('path.id');

    expect((await api.request('GET', '/authorities', { token: p.tokens['steering-group'] })).body.items.length).toBe(before);
    expect((await api.request('GET', '/audit?limit=100', { token: p.tokens['steering-group'] })).body.items.length).toBe(auditBefore);
  });

  it('refuses a duplicate id with 409', async () => {
    const res = await api.request('POST', '/authorities', {
      token: p.tokens['steering-group'],
      body: { id: p.authorities.a, name: 'Again', sector: 'local-government', type: 'district-council' },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('already_exists');
  });

  it('generates an id when none is given', async () => {
    const res = await api.request('POST', '/authorities', {
      token: p.tokens['steering-group'],
      body: { name: 'Northvale College', sector: 'education-childcare', type: 'fe-college' },
    });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^[0-9A-Z]{26}$/);
  });
});
