import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { addDays, toIsoDate } from '../../domain/shared/dates';
import { ROUTES, type RouteContract, type RouteId } from '../../functions/api';
import { keys } from '../../functions/data/keys';
import { idempotencyContext } from '../../functions/data/store';
import { systemDeps } from '../../functions/shared/deps';
import { useLocalImportQueue } from '../../functions/jobs/import-queue';
import { TestApi } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { useFreshTable } from '../support/table';
import { addedItems, changedItems, scanByKey } from '../support/table-scan';

/**
 * Idempotency-Key on every create route, taken from the contract: a retry after a lost answer
 * gets the first answer back and writes nothing (the table is the same, item for item), the same
 * key with another body is a 422, and without a key nothing changes.
 */
useFreshTable();

let api: TestApi;
let p: PartnershipFixture;
const TODAY = toIsoDate(new Date());

type Item = Record<string, unknown>;

interface Case {
  token: () => string;
  /** A fresh, valid create (each call a new one). */
  request: () => Promise<{ url: string; body: unknown }>;
  /** The same route with another body (for the 422). */
  other: () => Promise<{ url: string; body: unknown }>;
}

let n = 0;
const unique = () => `${Date.now().toString(36)}${(n++).toString(36)}`;
const SESSION = { date: '2025-02-01', courseId: 'wrap', provider: 'Prevent Officer', audience: 'staff', attendees: 20 };
const OBLIGATION = { section: 'training-programme', commitment: 'Keep a training plan', cadence: 'quarterly', ownerRole: 'Prevent lead' };

async function uploadedFile(): Promise<string> {
  const csv = `Employee ID,Course Title,Completion Date\nU${unique()},Prevent e-learning,01/02/2025\n`;
  const upload = await api.request('POST', `/authorities/${p.authorities.a}/imports/uploads`, { token: p.tokens['authority-editor@a'], body: { contentType: 'text/csv', contentLength: Buffer.byteLength(csv) } });
  expect(upload.status, upload.text).toBe(201);
  const put = await fetch(upload.body.uploadUrl, { method: 'PUT', headers: upload.body.headers, body: csv });
  expect(put.ok).toBe(true);
  return upload.body.key;
}

async function sopReview(): Promise<{ url: string; body: unknown }> {
  const url = `/authorities/${p.authorities.a}/sop`;
  const { version } = (await api.request('GET', url, { token: p.tokens['authority-lead@a'] })).body;
  return { url: `${url}/reviews`, body: { reviewedOn: TODAY, reviewer: 'Chair', outcome: 'unchanged', minuteRef: `PSG ${unique()}`, version } };
}

const THEMES = [{ id: 'support', number: 5, title: 'Support' }];
/** A fresh plan of the partnership, and (with `withAction`) an action its council leads: their ids and the action's version. */
async function retryPlan(withAction = false): Promise<{ planId: string; actionId?: string; version?: number }> {
  const planId = `plan-${unique()}`;
  const plan = await api.request('POST', '/action-plans', { token: p.tokens['steering-group'], body: { id: planId, title: 'Retry plan', firstYear: '2025-26', lastYear: '2026-27', themes: THEMES } });
  expect(plan.status, plan.text).toBe(201);
  if (!withAction) return { planId };
  const action = await api.request('POST', `/action-plans/${planId}/actions`, { token: p.tokens['steering-group'], body: { themeId: 'support', number: '5.1', action: 'Analyse Channel referrals', leadAuthorities: [p.authorities.a], timescale: { kind: 'ongoing' } } });
  expect(action.status, action.text).toBe(201);
  return { planId, actionId: action.body.id, version: action.body.version };
}
let lastPlan = '';
let lastAction: { url: string; version: number } | undefined;
/** A progress update of a fresh action; `again` another body for the action the last one made (so making it writes nothing). */
async function progress(text: string, again = false) {
  if (again && lastAction) return { url: lastAction.url, body: { rag: 'red', text, version: lastAction.version } };
  const { planId, actionId, version } = await retryPlan(true);
  lastAction = { url: `/action-plans/${planId}/actions/${actionId}/progress`, version: version! };
  return { url: lastAction.url, body: { rag: 'amber', text, version } };
}

const CASES: Partial<Record<RouteId, Case>> = {
  createActionPlan: {
    token: () => p.tokens['steering-group'],
    request: async () => ({ url: '/action-plans', body: { id: `plan-${unique()}`, title: 'Retry plan', firstYear: '2025-26', lastYear: '2026-27', themes: THEMES } }),
    other: async () => ({ url: '/action-plans', body: { id: `plan-${unique()}`, title: 'Other plan', firstYear: '2025-26', lastYear: '2026-27', themes: THEMES } }),
  },
  createAction: {
    token: () => p.tokens['steering-group'],
    request: async () => {
      lastPlan = (await retryPlan()).planId;
      return { url: `/action-plans/${lastPlan}/actions`, body: { themeId: 'support', number: '5.1', action: 'Analyse Channel referrals', leadAuthorities: [p.authorities.a], timescale: { kind: 'ongoing' } } };
    },
    other: async () => ({ url: `/action-plans/${lastPlan}/actions`, body: { themeId: 'support', number: '5.2', action: 'Review Channel', otherLeads: ['Channel panel chair'], timescale: { kind: 'ongoing' } } }),
  },
  // The lead of the authority that leads the action: one progress update, however often the request is retried.
  recordActionProgress: { token: () => p.tokens['authority-lead@a'], request: () => progress('Analysis shared'), other: () => progress('Analysis delayed', true) },
  createAuthority: {
    token: () => p.tokens['steering-group'],
    request: async () => ({ url: '/authorities', body: { id: `council-${unique()}`, name: 'Northtown Council', sector: 'local-government', type: 'district-council' } }),
    other: async () => ({ url: '/authorities', body: { id: `council-${unique()}`, name: 'Southtown Council', sector: 'local-government', type: 'district-council' } }),
  },
  createUser: {
    token: () => p.tokens['steering-group'],
    request: async () => ({ url: '/users', body: { email: `user-${unique()}@example.org`, role: 'viewer' } }),
    other: async () => ({ url: '/users', body: { email: `user-${unique()}@example.org`, role: 'viewer' } }),
  },
  createCourse: {
    token: () => p.tokens['steering-group'],
    request: async () => ({ url: '/courses', body: { id: `course-${unique()}`, name: 'Retry course', level: 'frontline', refresherMonths: 12, deliveryModes: ['e-learning'] } }),
    other: async () => ({ url: '/courses', body: { id: `course-${unique()}`, name: 'Other course', level: 'frontline', refresherMonths: 12, deliveryModes: ['e-learning'] } }),
  },
  recordCompletion: {
    token: () => p.tokens['authority-editor@a'],
    request: async () => ({ url: `/authorities/${p.authorities.a}/completions`, body: { staffRef: `R${unique()}`, courseId: 'home-office-elearning', completedOn: '2025-01-15' } }),
    other: async () => ({ url: `/authorities/${p.authorities.a}/completions`, body: { staffRef: `R${unique()}`, courseId: 'home-office-elearning', completedOn: '2025-01-16' } }),
  },
  startImport: {
    token: () => p.tokens['authority-editor@a'],
    request: async () => ({ url: `/authorities/${p.authorities.a}/imports`, body: { key: await uploadedFile() } }),
    other: async () => ({ url: `/authorities/${p.authorities.a}/imports`, body: { key: await uploadedFile() } }),
  },
  createSession: {
    token: () => p.tokens['authority-editor@a'],
    request: async () => ({ url: `/authorities/${p.authorities.a}/sessions`, body: SESSION }),
    other: async () => ({ url: `/authorities/${p.authorities.a}/sessions`, body: { ...SESSION, attendees: 21 } }),
  },
  recordSopReview: { token: () => p.tokens['authority-lead@a'], request: sopReview, other: sopReview },
  createObligation: {
    token: () => p.tokens['authority-lead@a'],
    request: async () => ({ url: `/authorities/${p.authorities.a}/sop/obligations`, body: OBLIGATION }),
    other: async () => ({ url: `/authorities/${p.authorities.a}/sop/obligations`, body: { ...OBLIGATION, cadence: 'annual' } }),
  },
  addFramework: {
    token: () => p.tokens['steering-group'],
    request: async () => ({ url: '/frameworks', body: { id: 'retry-framework', version: unique(), name: 'Retry', benchmarks: [{ number: 1, title: 'T', questions: [{ id: '1.1', text: 'Q', type: 'expectation' }] }] } }),
    other: async () => ({ url: '/frameworks', body: { id: 'retry-framework', version: unique(), name: 'Other', benchmarks: [{ number: 1, title: 'T', questions: [{ id: '1.1', text: 'Q', type: 'expectation' }] }] } }),
  },
};

const ALL = Object.entries(ROUTES) as [RouteId, RouteContract][];
const IDEMPOTENT = ALL.filter(([, r]) => r.idempotent);

beforeAll(async () => {
  api = await TestApi.create();
  // Jobs are handed on and left queued: no worker runs, so the table holds still between scans.
  useLocalImportQueue({ enqueue: async () => undefined });
  p = await seedPartnership(api, 'retries');
  const sop = {
    title: 'Prevent SOP', ownerName: 'Chief Executive', ownerRole: 'Chief Executive', sopVersion: '1.0', implementationDate: addDays(TODAY, -30),
    nextReviewDate: addDays(TODAY, 300), securityClassification: 'OFFICIAL', foiDisclosable: true, riskRating: 'low', equalityAnalysis: 'Low', revisions: [], version: 0,
  };
  const put = await api.request('PUT', `/authorities/${p.authorities.a}/sop`, { token: p.tokens['authority-lead@a'], body: sop });
  expect(put.status, put.text).toBe(200);
});

describe('the contract decides which routes take an Idempotency-Key', () => {
  it('every POST that answers 201 or 202 says whether it is idempotent, and every idempotent route has a case here', () => {
    const creates = ALL.filter(([, r]) => r.method === 'POST' && (r.status === 201 || r.status === 202));
    expect(creates.length).toBeGreaterThan(5);
    expect(creates.filter(([, r]) => r.idempotent === undefined).map(([id]) => id)).toEqual([]);
    expect(IDEMPOTENT.length).toBeGreaterThan(5);
    expect(IDEMPOTENT.every(([, r]) => r.method === 'POST' && r.auth === 'jwt' && r.body)).toBe(true);
    expect(IDEMPOTENT.filter(([id]) => !CASES[id]).map(([id]) => id)).toEqual([]);
  });

  it('documents the header for those routes, and only those, in the OpenAPI document', async () => {
    const doc = (await api.request('GET', '/openapi.json')).body;
    for (const [id, r] of ALL) {
      const op = doc.paths[r.path.replace(/\{(\w+)\}/g, '{$1}')][r.method.toLowerCase()];
      const header = (op.parameters ?? []).find((x: { in: string; name: string }) => x.in === 'header' && x.name === 'Idempotency-Key');
      expect(!!header, id).toBe(!!r.idempotent);
      if (r.idempotent) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['409', '422', '503']));
    }
  });

  it('lets browsers send the header (CORS)', async () => {
    const res = await api.request('OPTIONS', '/authorities', { headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'idempotency-key' } });
    expect(res.headers['access-control-allow-headers']).toContain('idempotency-key');
  });
});

describe.each(IDEMPOTENT.map(([id]) => id))('%s after a lost answer', (id) => {
  it('gives the first answer again and writes nothing more; the same key with another body is a 422', async () => {
    const c = CASES[id]!;
    const route = ROUTES[id] as RouteContract;
    const { url, body } = await c.request();
    const key = randomUUID();
    const before = await scanByKey();
    const first = await api.request('POST', url, { token: c.token(), body, headers: { 'Idempotency-Key': key } });
    expect(first.status, first.text).toBe(route.status);
    // The answer is thrown away (the connection dropped); the client sends the request again.
    const afterFirst = await scanByKey();
    const written = addedItems(before, afterFirst);
    expect(written.filter((i) => i.entity === 'audit-event')).toHaveLength(1);
    expect(written.filter((i) => i.entity === 'idempotency-key')).toHaveLength(1);
    // The route's own record: new, or (a progress update) the record it adds to.
    expect(changedItems(before, afterFirst).filter((i) => i.entity !== 'audit-event' && i.entity !== 'idempotency-key').length).toBeGreaterThan(0);
    const record = written.find((i) => i.entity === 'idempotency-key')!;
    expect(String(record.PK).startsWith(`${p.tenantId}#`)).toBe(true);
    expect(record).toMatchObject({ state: 'done', status: route.status });
    // Kept 24 hours by the table's TTL.
    expect(Number(record.expiresAt) - Date.now() / 1000).toBeGreaterThan(24 * 3600 - 600);
    expect(Number(record.expiresAt) - Date.now() / 1000).toBeLessThanOrEqual(24 * 3600);

    const retry = await api.request('POST', url, { token: c.token(), body, headers: { 'Idempotency-Key': key } });
    expect(retry.status).toBe(first.status);
    expect(retry.text).toBe(first.text);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await scanByKey()).toEqual(afterFirst);

    const other = await c.other();
    const reused = await api.request('POST', other.url, { token: c.token(), body: other.body, headers: { 'Idempotency-Key': key } });
    expect(reused.status, reused.text).toBe(422);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    expect(await scanByKey()).toEqual(afterFirst);
  });
});

describe('keys and callers', () => {
  it('without a key a create behaves as before: each request writes, and no key record is kept', async () => {
    const url = `/authorities/${p.authorities.a}/sessions`;
    const token = p.tokens['authority-editor@a'];
    const before = await scanByKey();
    const one = await api.request('POST', url, { token, body: SESSION });
    const two = await api.request('POST', url, { token, body: SESSION });
    expect([one.status, two.status]).toEqual([201, 201]);
    expect(one.body.id).not.toBe(two.body.id);
    const written = addedItems(before, await scanByKey());
    expect(written.filter((i) => i.entity === 'idempotency-key')).toHaveLength(0);
    expect(written.filter((i) => i.entity === 'audit-event')).toHaveLength(2);
  });

  it('another person of the partnership sending the same key and body gets a 422, never the first answer', async () => {
    const url = `/authorities/${p.authorities.a}/sessions`;
    const key = randomUUID();
    const first = await api.request('POST', url, { token: p.tokens['authority-editor@a'], body: SESSION, headers: { 'Idempotency-Key': key } });
    expect(first.status).toBe(201);
    const other = await api.request('POST', url, { token: p.tokens['authority-lead@a'], body: SESSION, headers: { 'Idempotency-Key': key } });
    expect(other.status).toBe(422);
    expect(other.text).not.toContain(first.body.id);
  });

  it('the same key in two partnerships is two keys', async () => {
    const q = await seedPartnership(api, 'retries-two');
    const key = randomUUID();
    const body = { email: 'same@example.org', role: 'viewer' };
    const a = await api.request('POST', '/users', { token: p.tokens['steering-group'], body, headers: { 'Idempotency-Key': key } });
    const b = await api.request('POST', '/users', { token: q.tokens['steering-group'], body, headers: { 'Idempotency-Key': key } });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
  });

  it('a malformed key is refused before anything runs', async () => {
    const before = await scanByKey();
    const res = await api.request('POST', `/authorities/${p.authorities.a}/sessions`, { token: p.tokens['authority-editor@a'], body: SESSION, headers: { 'Idempotency-Key': 'no spaces allowed here' } });
    expect(res.status).toBe(400);
    expect(res.body.error.errors[0].path).toBe('header.Idempotency-Key');
    expect(await scanByKey()).toEqual(before);
  });

  it('a failed first attempt (4xx) gives the key back: the corrected retry runs', async () => {
    const url = `/authorities/${p.authorities.a}/completions`;
    const token = p.tokens['authority-editor@a'];
    const key = randomUUID();
    const bad = await api.request('POST', url, { token, body: { staffRef: 'X1', courseId: 'no-such-course', completedOn: '2025-01-15' }, headers: { 'Idempotency-Key': key } });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    // Nothing was written, so the key was given back: it carries the corrected request.
    const again = await api.request('POST', url, { token, body: { staffRef: 'X1', courseId: 'home-office-elearning', completedOn: '2025-01-15' }, headers: { 'Idempotency-Key': key } });
    expect(again.status, again.text).toBe(201);
  });

  it('concurrent sends of one create with one key write it once: the others replay or are told it is in flight (409)', async () => {
    const url = `/authorities/${p.authorities.a}/sessions`;
    const token = p.tokens['authority-editor@a'];
    const key = randomUUID();
    const body = { ...SESSION, attendees: 33 };
    const before = await scanByKey();
    const answers = await Promise.all(Array.from({ length: 8 }, () => api.request('POST', url, { token, body, headers: { 'Idempotency-Key': key } })));
    const written = addedItems(before, await scanByKey());
    expect(written.filter((i) => i.entity === 'audit-event')).toHaveLength(1);
    const created = answers.filter((a) => a.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((a) => a.body.id)).size).toBe(1);
    for (const a of answers.filter((x) => x.status !== 201)) {
      expect(a.status).toBe(409);
      expect(a.body.error.code).toBe('idempotency_in_flight');
    }
  });
});

describe('the claim travels in the route\'s own transaction', () => {
  it('a write whose request no longer holds the key writes nothing at all; the holder\'s write marks the key written with it', async () => {
    const table = systemDeps().table;
    const tenantId = p.tenantId;
    const key = randomUUID();
    const claim = await table.claimIdempotency(tenantId, key, 'hash-1', new Date(), 30);
    if (!('claimed' in claim)) throw new Error('expected a fresh claim');
    const thing = (n: number) => ({ PK: `${tenantId}#TEST`, SK: `THING#${key}#${n}` });
    const audit = (n: number) => ({ id: `${key}-${n}`, at: new Date().toISOString(), entityType: 'test', entityId: `${key}-${n}`, action: 'create', actor: 'test' });
    const write = (n: number) => table.write(tenantId, [{ kind: 'create', entity: 'test-thing', key: thing(n), record: { n } }], audit(n) as never);

    // Another request took the key over (its token is not ours): the whole transaction is refused.
    await expect(idempotencyContext.run({ ...claim.claimed, claimToken: 'taken-over' }, () => write(1))).rejects.toMatchObject({ code: 'busy' });
    expect(await table.get(thing(1))).toBeUndefined();
    expect((await table.getIdempotency(tenantId, key))!.state).toBe('in-flight');

    await idempotencyContext.run(claim.claimed, () => write(2));
    expect(await table.get(thing(2))).toBeDefined();
    expect((await table.getIdempotency(tenantId, key))!.state).toBe('written');
    // Only the first write of a request carries the claim.
    await idempotencyContext.run(claim.claimed, () => write(3));
    expect(await table.get(thing(3))).toBeDefined();
    expect(keys.idempotency(tenantId, key).PK.startsWith(`${tenantId}#`)).toBe(true);
  });
});
