import { request as httpRequest } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type RouteContract, type RouteId } from '../../functions/api';
import { TestApi, type ApiResponse } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { useFreshTable } from '../support/table';
import { VALID_BODIES } from '../fuzz/contract-cases';

/**
 * The bad-input probe: every route of the contract gets malformed path parameters, query
 * strings and bodies (impossible dates and years, lone surrogates, huge numbers, wrong
 * types, percent-garbage) with a valid token of a role that may call it. No answer may be
 * a 5xx, and every 400 must say which field is wrong. Bounded: a fixed list of values per
 * parameter and per top-level body field, sent a few at a time.
 */
useFreshTable();

let api: TestApi;
let p: PartnershipFixture;

beforeAll(async () => {
  api = await TestApi.create();
  p = await seedPartnership(api, 'probe');
});

const LONE_HIGH = '\ud800';
const LONE_LOW = '\udc00';

/** Path segments, inserted into the URL as they are (some are deliberately not valid percent-encoding). */
const PATH_GARBAGE = [
  '%zz', '%C0%AF', '%ED%A0%80', '%FF', '%00', '%23', '%2F', '%2e%2e', '9999-00', '0000-01', '9999-99-99', '2024-02-30',
  '99999999999999999999999', '-1', 'x'.repeat(300), '%F0%9F%98',
];

/** Query values, percent-encoded properly (the decoded value is the garbage) … */
const QUERY_VALUES = ['', '9999-99-99', '2024-02-30', '0000-00-00', '9999-00', '0000-01', '1e400', '-1', '1.5', '99999999999999999999', 'NaN', 'x'.repeat(3000), 'a\ufffd'].map(
  encodeURIComponent,
);
/** … and raw (the encoding itself is broken). */
const QUERY_RAW = ['%zz', '%C0%AF', '%ED%A0%80'];

/** Values for one JSON body field. */
const FIELD_GARBAGE: unknown[] = [LONE_HIGH, `a${LONE_LOW}b`, '', null, -1, 1e308, 1.5, [], { [LONE_HIGH]: 1 }, 'x'.repeat(20_000), '2024-02-30', '9999-00'];

/** Whole bodies that are not what any route takes. */
const RAW_BODIES = ['{', 'null', '[]', '"x"', '123', 'true', '{"a":', `{"x":"${LONE_HIGH}"}`, '{"__proto__":{"polluted":1}}', '['.repeat(2000) + ']'.repeat(2000), '1e400'];

const VALID_PARAMS: Record<string, () => string> = {
  id: () => p.authorities.a,
  obligationId: () => 'probe-obligation',
  sessionId: () => 'probe-session',
  year: () => '2024-25',
  staffRef: () => 'S1',
  number: () => '1',
};

/** A body each JSON route would take (the fuzz suite's samples), so that one bad field at a time reaches past the others. */
const baseBodyOf = (id: RouteId) => VALID_BODIES[id]?.('probe-council', 'probe');

interface Probe {
  method: string;
  url: string;
  rawBody?: string;
  contentType?: string;
}

function tokenFor(route: RouteContract): string | undefined {
  if (route.auth !== 'jwt') return undefined;
  const roles = (route.roles ?? []) as readonly string[];
  if (roles.includes('steering-group')) return p.tokens['steering-group'];
  if (roles.includes('authority-lead')) return p.tokens['authority-lead@a'];
  return p.tokens['viewer@partnership'];
}

function pathWith(route: RouteContract, override: Record<string, string> = {}): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => override[name] ?? encodeURIComponent(VALID_PARAMS[name]?.() ?? 'x'));
}

/** Every probe of one route: each path parameter, each query parameter, each body field, one at a time. */
function probesOf(route: RouteContract): Probe[] {
  const probes: Probe[] = [];
  const method = route.method;
  const base = pathWith(route);
  const json = (body: unknown) => JSON.stringify(body);
  const isCsv = route.bodyContentType === 'text/csv';
  const baseBody = baseBodyOf((Object.entries(ROUTES).find(([, r]) => r === route)?.[0] ?? '') as RouteId);
  const validBody = route.body ? (isCsv ? 'staffRef,course,completedOn\nS1,wrap,2025-01-01\n' : json(baseBody ?? {})) : undefined;
  const withBody = (probe: Probe): Probe => (validBody !== undefined && probe.rawBody === undefined ? { ...probe, rawBody: validBody, contentType: isCsv ? 'text/csv' : 'application/json' } : probe);

  for (const name of route.path.match(/\{(\w+)\}/g)?.map((m) => m.slice(1, -1)) ?? []) {
    for (const garbage of PATH_GARBAGE) probes.push(withBody({ method, url: pathWith(route, { [name]: garbage }) }));
  }

  const queryNames = route.query ? Object.keys(route.query.shape) : [];
  for (const name of queryNames) {
    for (const value of [...QUERY_VALUES, ...QUERY_RAW]) probes.push(withBody({ method, url: `${base}?${name}=${value}` }));
  }
  // Parameters the route does not declare are ignored, whatever they hold.
  for (const value of ['%zz', '9999-99-99']) probes.push(withBody({ method, url: `${base}?unexpected=${value}` }));
  if (queryNames.includes('from') && queryNames.includes('to')) {
    probes.push(withBody({ method, url: `${base}?from=2024-02-30&to=2024-01-01` }));
    probes.push(withBody({ method, url: `${base}?from=2024-06-01&to=2024-01-01` }));
    probes.push(withBody({ method, url: `${base}?from=9999-99-99` }));
    probes.push(withBody({ method, url: `${base}?from=0000-01-01&to=9999-12-31` }));
  }

  if (route.body && isCsv) {
    for (const csv of ['', 'garbage', `staffRef,course,completedOn\n${LONE_HIGH},wrap,2025-01-01\n`, 'staffRef,course,completedOn\nS1,wrap,9999-99-99\nS2,wrap,2024-02-30\n', '"unterminated\n', '\u0000\u0001'.repeat(100)]) {
      probes.push({ method, url: base, rawBody: csv, contentType: 'text/csv' });
    }
  } else if (route.body) {
    for (const raw of RAW_BODIES) probes.push({ method, url: base, rawBody: raw, contentType: 'application/json' });
    probes.push({ method, url: base, rawBody: validBody, contentType: 'text/plain' });
    const fields = new Set(Object.keys(baseBody ?? {}));
    const shape = (route.body as { shape?: Record<string, unknown> }).shape;
    for (const name of Object.keys(shape ?? {})) fields.add(name);
    for (const field of fields) {
      for (const value of FIELD_GARBAGE) probes.push({ method, url: base, rawBody: json({ ...baseBody, [field]: value }), contentType: 'application/json' });
      // One level down where the field holds an object (assuredBy, evidence, narrative).
      const inner = baseBody?.[field];
      if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
        for (const key of Object.keys(inner)) {
          for (const value of [LONE_HIGH, null, []]) {
            probes.push({ method, url: base, rawBody: json({ ...baseBody, [field]: { ...inner, [key]: value } }), contentType: 'application/json' });
          }
        }
      }
    }
  }
  // A method whose route takes no body, sent a JSON content type and none (the browser default in some clients).
  if (!route.body) probes.push({ method, url: base, contentType: 'application/json' });
  return probes;
}

/** What is wrong with an answer, or undefined if it is acceptable. */
function problemWith(res: ApiResponse): string | undefined {
  if (res.status >= 500) return `${res.status} ${res.text.slice(0, 200)}`;
  if (res.status === 400) {
    const errors = res.body?.error?.errors;
    const ok = Array.isArray(errors) && errors.length > 0 && errors.every((e: { path?: unknown; message?: unknown }) => typeof e.path === 'string' && typeof e.message === 'string');
    if (!ok) return `400 without field errors: ${res.text.slice(0, 200)}`;
  }
  return undefined;
}

async function send(probe: Probe, token: string | undefined): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (probe.contentType) headers['content-type'] = probe.contentType;
  return api.request(probe.method, probe.url, { token, rawBody: probe.rawBody, headers });
}

/** Runs the probes a few at a time (DynamoDB Local and the machine are shared). */
async function runAll(probes: Probe[], token: string | undefined, concurrency = 8): Promise<string[]> {
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < probes.length) {
      const probe = probes[next++];
      let problem: string | undefined;
      try {
        problem = problemWith(await send(probe, token));
      } catch (error) {
        problem = `threw ${(error as Error).name}: ${(error as Error).message}`;
      }
      if (problem) failures.push(`${probe.method} ${probe.url.slice(0, 160)} ${probe.rawBody ? `body=${probe.rawBody.slice(0, 120)}` : ''} → ${problem}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return failures;
}

describe('bad input never gets a 5xx, and every 400 names the field', () => {
  const routes = Object.entries(ROUTES) as [RouteId, RouteContract][];
  it.each(routes)('%s', async (_id, route) => {
    const probes = probesOf(route);
    expect(probes.length).toBeGreaterThan(0);
    const failures = await runAll(probes, tokenFor(route));
    expect(failures).toEqual([]);
  });
});

describe('the cases the security probe found', () => {
  const fieldErrors = (res: ApiResponse) => (res.body?.error?.errors ?? []) as { path: string; message: string }[];
  const expect400 = (res: ApiResponse, path: string, message?: RegExp) => {
    expect(res.status, res.text).toBe(400);
    expect(fieldErrors(res).map((e) => e.path)).toContain(path);
    if (message) expect(fieldErrors(res).find((e) => e.path === path)?.message).toMatch(message);
  };
  const sg = () => p.tokens['steering-group'];
  const lead = () => p.tokens['authority-lead@a'];

  it('a staff reference with a lone surrogate is refused as such, by the schema and by the key module', async () => {
    const res = await api.request('POST', `/authorities/${p.authorities.a}/completions`, {
      token: lead(),
      body: { staffRef: LONE_HIGH, courseId: 'home-office-elearning', completedOn: '2025-01-15' },
    });
    expect400(res, 'staffRef', /lone surrogate/);
    // Whatever route lets one through, the key module refuses it as bad input, not with a URIError.
    const { keys } = await import('../../functions/data/keys');
    const { ValidationError } = await import('../../domain/shared/errors');
    expect(() => keys.training.current('probe', 'a', { staffRef: `x${LONE_LOW}`, courseId: 'wrap' })).toThrow(ValidationError);
  });

  it('sessions: impossible dates and a range the wrong way round are refused', async () => {
    const url = `/authorities/${p.authorities.a}/sessions`;
    expect400(await api.request('GET', `${url}?from=2024-02-30&to=2024-01-01`, { token: sg() }), 'query.from');
    expect400(await api.request('GET', `${url}?from=9999-99-99`, { token: sg() }), 'query.from');
    expect400(await api.request('GET', `${url}?from=2024-06-01&to=2024-01-01`, { token: sg() }), 'query.to');
    expect((await api.request('GET', `${url}?from=2024-01-01&to=2024-06-01`, { token: sg() })).status).toBe(200);
  });

  it('a year must be a real reporting year on every route that takes one', async () => {
    for (const year of ['9999-00', '0000-01', '2024-26']) {
      expect400(await api.request('GET', `/authorities/${p.authorities.a}/training-summary?year=${year}`, { token: sg() }), 'query.year');
      expect400(await api.request('GET', `/reports/consolidated?year=${year}`, { token: sg() }), 'query.year');
      expect400(await api.request('GET', `/authorities/${p.authorities.a}/statements/${year}`, { token: sg() }), 'path.year');
      expect400(await api.request('PUT', `/statement-deadlines/${year}`, { token: sg(), body: { dueOn: '2025-03-31' } }), 'path.year');
    }
    const { ReportingYear } = await import('../../domain/shared/dates');
    expect(ReportingYear.safeParse('2024-25').success).toBe(true);
    expect(ReportingYear.safeParse('2099-00').success).toBe(true);
    expect(ReportingYear.safeParse('9999-00').success).toBe(false);
  });

  it('percent-garbage in a path is a 400, not a crash of the gateway', async () => {
    for (const segment of ['%zz', '%C0%AF']) {
      const res = await api.request('GET', `/authorities/${segment}`, { token: sg() });
      expect400(res, 'path.id');
    }
  });

  it('a statement deadline must be a real date', async () => {
    const res = await api.request('PUT', `/statement-deadlines/2041-42`, { token: sg(), body: { dueOn: '2042-02-30' } });
    expect400(res, 'dueOn');
    expect(res.body.authoritiesReminded).toBeUndefined();
  });

  it('a token without `exp` is refused, as API Gateway’s JWT authorizer does', async () => {
    const token = await api.issuer.mint({ sub: 'probe-sg', tenantId: 'probe', role: 'steering-group' }, null);
    expect((await api.request('GET', '/me', { token })).status).toBe(401);
  });

  it('a GET naming a JSON content type with no body is not refused as malformed JSON', async () => {
    const res = await api.request('GET', '/authorities', { token: sg(), headers: { 'content-type': 'application/json' } });
    expect(res.status, res.text).toBe(200);
    // A route that needs a body still says what is missing.
    const post = await api.request('POST', '/authorities', { token: sg(), headers: { 'content-type': 'application/json' } });
    expect(post.status).toBe(400);
    expect(fieldErrors(post).length).toBeGreaterThan(0);
  });

  it('deleting an obligation without `version` says that the version is required', async () => {
    const res = await api.request('DELETE', `/authorities/${p.authorities.a}/sop/obligations/whatever`, { token: lead() });
    expect400(res, 'query.version', /required/i);
    expect(fieldErrors(res)[0].message).not.toMatch(/NaN/);
    expect400(await api.request('DELETE', `/authorities/${p.authorities.a}/sop/obligations/whatever?version=abc`, { token: lead() }), 'query.version', /whole number/);
    expect400(await api.request('GET', `/authorities/${p.authorities.a}/completions?limit=`, { token: sg() }), 'query.limit', /whole number/);
  });
});

describe('document keys are matched exactly, and `..` is not resolved', () => {
  const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(64, 'x'), Buffer.from('\n%%EOF\n')]);
  const put = async (key: string) => {
    const s3Documents = (await import('../../functions/shared/deps')).systemDeps().documents;
    const url = await s3Documents.presignUpload(key, 'application/pdf', PDF.length, 60);
    const res = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/pdf', 'content-length': String(PDF.length) }, body: PDF });
    expect(res.status).toBe(200);
  };

  it('the local S3 keeps `a/../b` as its own key, as S3 does', async () => {
    const s3Documents = (await import('../../functions/shared/deps')).systemDeps().documents;
    await put('other-tenant/doc-1.pdf');
    expect(await s3Documents.inspect('other-tenant/doc-1.pdf')).toBeDefined();
    expect(await s3Documents.inspect('mine/../other-tenant/doc-1.pdf')).toBeUndefined();
  });

  it('an attach key that climbs out of the statement’s prefix is refused', async () => {
    const { reportingYearOf, toIsoDate } = await import('../../domain/shared/dates');
    const year = reportingYearOf(toIsoDate(new Date()));
    const lead = p.tokens['authority-lead@a'];
    const url = `/authorities/${p.authorities.a}/statements/${year}`;
    const draft = await api.request('PUT', url, { token: lead, body: { narrative: { leadership: 'x' }, version: 0 } });
    expect(draft.status, draft.text).toBe(200);
    await put(`other-tenant/their-authority/${year}/01SIGNED.pdf`);
    const key = `probe/${p.authorities.a}/${year}/../../../other-tenant/their-authority/${year}/01SIGNED.pdf`;
    const res = await api.request('POST', `${url}/document`, { token: lead, body: { key, fileName: 'x.pdf', version: draft.body.version } });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.errors[0].path).toBe('key');
  });
});

describe('the local server', () => {
  /** Streams `total` bytes in 64 KB writes, as a browser uploading a big file does; resolves with what the client could read. */
  const upload = (url: string, total: number, declareLength: boolean) =>
    new Promise<string>((resolve) => {
      const req = httpRequest(url, { method: 'POST', headers: declareLength ? { 'content-length': String(total) } : {} }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(`${res.statusCode} ${body}`));
        res.on('error', (e) => resolve(`response error ${e.message}`));
      });
      req.on('error', (e) => resolve(`request error ${(e as NodeJS.ErrnoException).code ?? e.message}`));
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });

  it('answers a 10 MB body with a 413 the client can read, not a connection reset', async () => {
    const { startServer } = await import('../../infra/local/server');
    const server = await startServer({ gateway: { handle: async () => ({ statusCode: 200, headers: {}, body: '{}' }) } });
    try {
      for (const declareLength of [false, true]) {
        const answer = await upload(`${server.url}/authorities/x/completions/import`, 10 * 1024 * 1024, declareLength);
        expect(answer).toMatch(/^413 .*Too Large/);
      }
    } finally {
      await server.close();
    }
  });
});
