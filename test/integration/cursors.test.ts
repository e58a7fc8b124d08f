import { beforeAll, describe, expect, it } from 'vitest';
import { toIsoDate, addDays } from '../../domain/shared/dates';
import { TestApi } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { useFreshTable } from '../support/table';

/**
 * Page cursors are sealed (AES-256-GCM) and bound to the query they came from: opaque in
 * URLs (which access and WAF logs keep), and anything else — tampered, truncated, another
 * partition, another partnership, another filter, a plain key — is a 400, never a 500.
 */
useFreshTable();

let api: TestApi;
let p: PartnershipFixture;
let other: PartnershipFixture;
const TODAY = toIsoDate(new Date());
const REFS = ['CURSOR-REF-A1', 'CURSOR-REF-A2', 'CURSOR-REF-A3'];

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

beforeAll(async () => {
  api = await TestApi.create();
  p = await seedPartnership(api, 'cursors');
  other = await seedPartnership(api, 'cursors-other');
  for (const [i, staffRef] of REFS.entries()) {
    const res = await api.request('POST', `/authorities/${p.authorities.a}/completions`, { token: p.tokens['authority-editor@a'], body: { staffRef, courseId: 'wrap', completedOn: addDays(TODAY, -i) } });
    expect(res.status, res.text).toBe(201);
  }
  expect((await api.request('POST', `/authorities/${p.authorities.b}/completions`, { token: p.tokens['authority-editor@b'], body: { staffRef: 'B1', courseId: 'wrap', completedOn: TODAY } })).status).toBe(201);
});

const completions = (authority: string, query: string) => api.request('GET', `/authorities/${authority}/completions?${query}`, { token: p.tokens['steering-group'] });

describe('page cursors', () => {
  it('are opaque: no key, staff reference or date can be read out of them, and they page through everything', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await completions(p.authorities.a, `limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status, res.text).toBe(200);
      seen.push(...res.body.items.map((c: { staffRef: string }) => c.staffRef));
      cursor = res.body.nextCursor;
      if (cursor) {
        const decoded = Buffer.from(cursor, 'base64url').toString('latin1');
        for (const secret of [...REFS, 'TRAINING', 'CUR#', TODAY.slice(0, 4), '"PK"']) expect(decoded).not.toContain(secret);
      }
    } while (cursor);
    expect(seen.sort()).toEqual(REFS);
  });

  it('a tampered, truncated or hand-made cursor is a 400 with a field error, never a 500', async () => {
    const first = await completions(p.authorities.a, 'limit=1');
    const cursor: string = first.body.nextCursor;
    const flipped = cursor.slice(0, 20) + (cursor[20] === 'A' ? 'B' : 'A') + cursor.slice(21);
    const pk = `cursors#TRAINING#${p.authorities.a}#DATE`;
    const bad = [
      flipped,
      cursor.slice(0, -4),
      cursor.slice(0, 10),
      `${cursor}AAAA`,
      b64({ GSI1PK: pk }),
      b64({ PK: `cursors#TRAINING#${p.authorities.a}`, GSI1PK: pk }),
      b64({ PK: `cursors#TRAINING#${p.authorities.a}`, SK: `CUR#${REFS[0]}#wrap`, GSI1PK: pk, GSI1SK: `${TODAY}#wrap#${REFS[0]}` }),
      '%%%%',
      'x'.repeat(2000),
    ];
    for (const c of bad) {
      const res = await completions(p.authorities.a, `limit=1&cursor=${encodeURIComponent(c)}`);
      expect(res.status, `${c}: ${res.text}`).toBe(400);
      expect(res.body.error.errors[0].path).toBe('query.cursor');
    }
    const audit = await api.request('GET', `/audit?limit=1&cursor=${b64({ PK: 'cursors#AUDIT' })}`, { token: p.tokens['steering-group'] });
    expect(audit.status, audit.text).toBe(400);
  });

  it('a cursor works only for the query it came from: not another authority, route, filter or partnership', async () => {
    const cursor = (await completions(p.authorities.a, 'limit=1')).body.nextCursor;
    expect((await completions(p.authorities.a, `limit=1&cursor=${cursor}`)).status).toBe(200);
    expect((await completions(p.authorities.b, `limit=1&cursor=${cursor}`)).status).toBe(400);
    expect((await completions(p.authorities.a, `limit=1&course=wrap&cursor=${cursor}`)).status).toBe(400);
    expect((await completions(p.authorities.a, `limit=1&expiringWithinDays=3650&cursor=${cursor}`)).status).toBe(400);
    expect((await api.request('GET', `/audit?limit=1&cursor=${cursor}`, { token: p.tokens['steering-group'] })).status).toBe(400);
    const auditCursor = (await api.request('GET', '/audit?limit=1', { token: p.tokens['steering-group'] })).body.nextCursor;
    expect((await api.request('GET', `/audit?limit=1&cursor=${auditCursor}`, { token: p.tokens['steering-group'] })).status).toBe(200);
    expect((await api.request('GET', `/audit?limit=1&cursor=${auditCursor}`, { token: other.tokens['steering-group'] })).status).toBe(400);
    expect((await api.request('GET', `/audit?limit=1&authorityId=${p.authorities.a}&cursor=${auditCursor}`, { token: p.tokens['steering-group'] })).status).toBe(400);
  });
});
