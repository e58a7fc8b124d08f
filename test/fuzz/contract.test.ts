import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type RouteContract, type RouteId } from '../../functions/api';
import { TestApi, type ApiResponse } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { useFreshTable } from '../support/table';
import { tableSnapshot } from '../support/table-scan';
import { casesFor, isFileRoute, isWriteRoute, type Case } from './contract-cases';

/**
 * Generated bad input for every write route of the contract (POST, PUT, DELETE in ROUTES: a new
 * write route joins by being there). Each route gets FUZZ_RUNS invalid requests (30 in `npm test`,
 * 1,000 in `npm run fuzz`) through the real handlers, as a role the route admits, on its own
 * authority: every answer is a 4xx, a 400 names the fields, none is a 5xx, and the table (every
 * item, the audit trail included) is the same afterwards. Then generated valid requests: a 2xx or
 * a domain 4xx, never a 5xx. The seed is fixed (FUZZ_SEED to change it), so a failure replays.
 */
useFreshTable();

const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
const VALID_RUNS = Math.max(10, Math.round(RUNS / 5));
const SEED = Number(process.env.FUZZ_SEED ?? 15);

let api: TestApi;
let p: PartnershipFixture;
const tally: { route: string; sent: number; '2xx': number; '4xx': number; '5xx': number; valid: number; valid2xx: number; valid4xx: number; validCodes: string; validFailures: number }[] = [];

const WRITE_ROUTES = (Object.entries(ROUTES) as [RouteId, RouteContract][]).filter(([, r]) => isWriteRoute(r));
// File bodies (the inline import) get generated files in importer.test.ts.
const FUZZED = WRITE_ROUTES.filter(([, r]) => !isFileRoute(r));

beforeAll(async () => {
  api = await TestApi.create();
  p = await seedPartnership(api, 'fuzz');
});

afterAll(() => {
  if (tally.length) console.log(`contract fuzz (seed ${SEED}, ${RUNS} invalid per route)\n${tally.map((t) => `  ${t.route.padEnd(28)} invalid sent ${t.sent}  4xx ${t['4xx']}  5xx ${t['5xx']}  2xx ${t['2xx']}  | valid sent ${t.valid}  2xx ${t.valid2xx}  4xx ${t.valid4xx} ${t.validCodes}`).join('\n')}`);
});

function tokenOf(role: string): string {
  return role === 'steering-group' ? p.tokens['steering-group'] : p.tokens[`${role}@a`];
}

async function send(c: Case): Promise<ApiResponse> {
  return api.request(c.method ?? 'POST', c.url, { token: tokenOf(c.role), rawBody: c.rawBody, headers: { 'content-type': c.contentType } });
}

const show = (c: Case, res: ApiResponse) => `[${c.kind}] ${c.role} ${c.url.slice(0, 120)} ${c.contentType} body=${(c.rawBody ?? '').slice(0, 160)} → ${res.status} ${res.text.slice(0, 200)}`;

/** Sends the cases a few at a time (DynamoDB Local and the machine are shared); returns the answers in order. */
async function sendAll(cases: Case[], concurrency = 4): Promise<ApiResponse[]> {
  const out: ApiResponse[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      try {
        out[i] = await send(cases[i]);
      } catch (error) {
        // A throw out of the gateway is what a 5xx would be behind API Gateway.
        out[i] = { status: 599, headers: {}, body: undefined, text: `threw ${(error as Error).name}: ${(error as Error).message}` };
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

const hasFieldErrors = (res: ApiResponse) => {
  const errors = res.body?.error?.errors;
  return Array.isArray(errors) && errors.length > 0 && errors.every((e: { path?: unknown; message?: unknown }) => typeof e.path === 'string' && typeof e.message === 'string');
};

describe('every write route of the contract is fuzzed', () => {
  it('enumerates the write routes from ROUTES', () => {
    expect(FUZZED.length).toBeGreaterThan(25);
    expect(WRITE_ROUTES.filter(([, r]) => isFileRoute(r)).map(([id]) => id)).toEqual(['importCompletions']);
  });
});

describe('generated invalid requests: a 4xx every time, and nothing written', () => {
  it.each(FUZZED)('%s', async (id, route) => {
    const { invalid } = casesFor(id, route, { authorityId: p.authorities.a, tenantId: p.tenantId });
    const cases = fc.sample(invalid, { seed: SEED, numRuns: RUNS }).map((c) => ({ ...c, method: route.method }));
    const before = await tableSnapshot();
    const answers = await sendAll(cases);
    const after = await tableSnapshot();

    const failures: string[] = [];
    answers.forEach((res, i) => {
      if (res.status >= 500) failures.push(`5xx: ${show(cases[i], res)}`);
      else if (res.status < 400) failures.push(`accepted: ${show(cases[i], res)}`);
      else if (res.status === 400 && !hasFieldErrors(res)) failures.push(`400 without field errors: ${show(cases[i], res)}`);
    });
    const count = (lo: number, hi: number) => answers.filter((r) => r.status >= lo && r.status < hi).length;
    tally.push({ route: id, sent: cases.length, '2xx': count(200, 300), '4xx': count(400, 500), '5xx': count(500, 600), valid: 0, valid2xx: 0, valid4xx: 0, validCodes: '', validFailures: 0 });
    expect(failures).toEqual([]);
    expect(cases.length).toBe(RUNS);
    // Every item, audit events included: an invalid request leaves no trace in the table.
    expect(after).toEqual(before);
  });
});

describe('generated valid requests: a 2xx or a domain 4xx, never a 5xx', () => {
  /** Ids the creates answered with (a session, an obligation), for the routes that act on one. */
  const learned: Record<string, string> = {};
  /** The version each URL's record is at, from the answers so far (a SOP's, a statement's). */
  const versions = new Map<string, number>();
  const LEARN: Partial<Record<RouteId, string>> = { createSession: 'sessionId', createObligation: 'obligationId', createAction: 'actionId' };

  it.each(FUZZED)('%s', async (id, route) => {
    const { valid } = casesFor(id, route, { authorityId: p.authorities.a, tenantId: p.tenantId, params: learned });
    const cases = fc.sample(valid, { seed: SEED, numRuns: VALID_RUNS }).map((c) => ({ ...c, method: route.method }));
    // One at a time, each at the version the previous write left (the answer's `version`), so the
    // generated values reach the domain's rules and the write rather than stopping at a stale
    // version; concurrent writes of one record are another suite's subject.
    const answers: ApiResponse[] = [];
    // A record's version as earlier answers left it: its own URL's, or for an action on it (…/sop/reviews,
    // …/statements/Y/submit) and a record made by a create (…/sessions/{id}) the URL one level up.
    const path = cases[0]?.url.split('?')[0] ?? '';
    const parent = path.slice(0, path.lastIndexOf('/'));
    const isAction = /\/(submit|review|reviews|evidence)$/.test(path);
    const owner = isAction || Object.values(learned).some((v) => path.endsWith(`/${v}`)) ? parent : undefined;
    let version: number | undefined = versions.get(path) ?? (owner ? versions.get(owner) : undefined);
    for (const [i, c] of cases.entries()) {
      const body = c.rawBody ? JSON.parse(c.rawBody) : undefined;
      if (version !== undefined && body && typeof body === 'object' && 'version' in body) cases[i] = { ...c, rawBody: JSON.stringify({ ...body, version }) };
      const [res] = await sendAll([cases[i]], 1);
      answers.push(res);
      const next = res.body?.version ?? res.body?.sop?.version ?? res.body?.statement?.version;
      if (res.status < 300 && typeof next === 'number') {
        version = next;
        // An action answers with its record (a SOP review's `sop`, a submit's `statement`, a review's statement): the version is the record's.
        versions.set(isAction && owner && (res.body?.sop || res.body?.statement || path.endsWith('/review')) ? owner : path, next);
      }
      const learnAs = LEARN[id];
      if (learnAs && res.status < 300 && typeof res.body?.id === 'string') learned[learnAs] = res.body.id;
    }
    const failures: string[] = [];
    answers.forEach((res, i) => {
      if (res.status >= 500) failures.push(`5xx: ${show(cases[i], res)}`);
      else if (res.status >= 400) {
        // A domain refusal says which rule: a code, and field errors for a 400.
        if (typeof res.body?.error?.code !== 'string') failures.push(`4xx without a code: ${show(cases[i], res)}`);
        if (res.status === 400 && !hasFieldErrors(res)) failures.push(`400 without field errors: ${show(cases[i], res)}`);
      } else if (res.status < 200 || res.status >= 300) failures.push(`unexpected: ${show(cases[i], res)}`);
    });
    const row = tally.find((t) => t.route === id);
    const count = (lo: number, hi: number) => answers.filter((r) => r.status >= lo && r.status < hi).length;
    // Which domain refusals the valid requests met (409 version_conflict, 404 not_found …), for the summary.
    const codes = new Map<string, number>();
    for (const r of answers.filter((a) => a.status >= 400 && a.status < 500)) codes.set(`${r.status} ${r.body?.error?.code}`, (codes.get(`${r.status} ${r.body?.error?.code}`) ?? 0) + 1);
    const validCodes = [...codes].map(([k, n]) => `${k} ×${n}`).join(', ');
    if (row) Object.assign(row, { valid: cases.length, valid2xx: count(200, 300), valid4xx: count(400, 500), validCodes: validCodes && `(${validCodes})`, validFailures: failures.length });
    expect(failures).toEqual([]);
  });
});

describe('what the generated requests found', () => {
  it('a coverage target nearer 0 than DynamoDB can store is a 400 on the field, not a 500', async () => {
    const sg = p.tokens['steering-group'];
    const current = (await api.request('GET', '/settings', { token: sg })).body;
    for (const coverageTarget of [3.4677258781664386e-146, 1e-200, 5e-324, 0.00009]) {
      const res = await api.request('PUT', '/settings', { token: sg, body: { coverageTarget, trainingRetentionYears: 6, version: current.version } });
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.errors.map((e: { path: string }) => e.path)).toEqual(['coverageTarget']);
    }
    const zero = await api.request('PUT', '/settings', { token: sg, body: { coverageTarget: 0, trainingRetentionYears: 6, version: current.version } });
    expect(zero.status, zero.text).toBe(200);
    expect(zero.body.coverageTarget).toBe(0);
  });
});
