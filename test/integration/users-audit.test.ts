import { beforeAll, describe, expect, it } from 'vitest';
import { userDirectory, type LocalUserDirectory } from '../../functions/identity/directory';
import { TestApi } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { useFreshTable } from '../support/table';

useFreshTable();

let api: TestApi;
let p: PartnershipFixture;
let sg: string;

beforeAll(async () => {
  api = await TestApi.create();
  p = await seedPartnership(api, 'gamma');
  sg = p.tokens['steering-group'];
});

describe('users', () => {
  it('creates a user in the directory and the table, with an audit event that holds no personal data', async () => {
    const res = await api.request('POST', '/users', {
      token: sg,
      body: { email: 'Jo.Editor@Example.org', displayName: 'Jo Editor', role: 'authority-editor', authorityId: p.authorities.a },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: 'jo.editor@example.org', role: 'authority-editor', authorityId: p.authorities.a, version: 1 });
    const directory = userDirectory() as LocalUserDirectory;
    // The directory holds the person only; partnership, role and authority are the membership's.
    expect(directory.created.at(-1)).toEqual({ userId: res.body.id, email: 'jo.editor@example.org' });

    const list = await api.request('GET', '/users', { token: sg });
    expect(list.body.items.map((u: { id: string }) => u.id)).toContain(res.body.id);

    const audit = await api.request('GET', `/audit?entityType=user&entityId=${res.body.id}`, { token: sg });
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ action: 'create', entityType: 'user', authorityId: p.authorities.a });
    expect(audit.text).not.toMatch(/jo\.editor|Jo Editor/i);
  });

  it('refuses a second user with the same email (409) and leaves no directory user behind', async () => {
    const body = { email: 'dup@example.org', role: 'viewer' };
    expect((await api.request('POST', '/users', { token: sg, body })).status).toBe(201);
    const directory = userDirectory() as LocalUserDirectory;
    const createdBefore = directory.created.length;
    const again = await api.request('POST', '/users', { token: sg, body: { ...body, email: 'DUP@example.org' } });
    expect(again.status).toBe(409);
    expect(directory.created.length).toBe(createdBefore);
  });

  it('checks role and authority together', async () => {
    const res = await api.request('POST', '/users', { token: sg, body: { email: 'lead@example.org', role: 'authority-lead' } });
    expect(res.status).toBe(400);
    expect(res.body.error.errors).toEqual([{ path: 'authorityId', message: expect.any(String) }]);
    const sgWithAuthority = await api.request('POST', '/users', {
      token: sg,
      body: { email: 'sg2@example.org', role: 'steering-group', authorityId: p.authorities.a },
    });
    expect(sgWithAuthority.status).toBe(400);
  });
});

describe('audit trail', () => {
  it('pages newest first, and filters by authority and by entity', async () => {
    // Three updates to authority b, one to a.
    for (const name of ['B one', 'B two', 'B three']) {
      const current = (await api.request('GET', `/authorities/${p.authorities.b}`, { token: sg })).body;
      expect((await api.request('PUT', `/authorities/${p.authorities.b}`, { token: sg, body: { name, sector: 'police', type: 'opcc', version: current.version } })).status).toBe(200);
    }
    const a = (await api.request('GET', `/authorities/${p.authorities.a}`, { token: sg })).body;
    await api.request('PUT', `/authorities/${p.authorities.a}`, { token: sg, body: { name: 'A renamed', sector: 'local-government', type: 'district-council', version: a.version } });

    const seen: any[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await api.request('GET', `/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: sg });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    const times = seen.map((e) => `${e.at}#${e.id}`);
    expect(times).toEqual([...times].sort().reverse());
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    expect(seen[0]).toMatchObject({ entityId: p.authorities.a, action: 'update' });

    const byAuthority = await api.request('GET', `/audit?authorityId=${p.authorities.b}&limit=100`, { token: sg });
    expect(byAuthority.body.items.map((e: any) => e.changes.find((c: any) => c.field === 'name')?.to)).toEqual(['B three', 'B two', 'B one', 'Office of the Police and Crime Commissioner']);
    expect(byAuthority.body.items.every((e: any) => e.authorityId === p.authorities.b)).toBe(true);

    const users = await api.request('GET', '/audit?entityType=user&limit=100', { token: sg });
    expect(users.body.items.length).toBeGreaterThanOrEqual(2);
    expect(users.body.items.every((e: any) => e.entityType === 'user')).toBe(true);

    const bad = await api.request('GET', '/audit?entityId=x', { token: sg });
    expect(bad.status).toBe(400);
    const badLimit = await api.request('GET', '/audit?limit=1000', { token: sg });
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error.errors[0].path).toBe('query.limit');
  });
});
