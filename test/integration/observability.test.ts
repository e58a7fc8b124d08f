import { beforeAll, afterEach, describe, expect, it, vi } from 'vitest';
import { TestApi } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { LMS_PLAN, lmsExport } from '../support/lms-export';
import { useFreshTable } from '../support/table';

// Before any module loads: this file checks what the functions publish, so metrics are on here
// (the rest of the suite runs with them off: vitest.config.ts).
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});

useFreshTable();

let api: TestApi;
let p: PartnershipFixture;

beforeAll(async () => {
  api = await TestApi.create();
  p = await seedPartnership(api, 'observed');
});

afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.ORIGIN_VERIFY_HEADER;
  delete process.env.ORIGIN_VERIFY_SECRET;
});

/** The embedded-metric-format documents the functions wrote to stdout while `run` ran. */
async function published(run: () => Promise<unknown>): Promise<Record<string, any>[]> {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stdout.write);
  await run();
  vi.restoreAllMocks();
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l));
}

describe('readiness', () => {
  it('reads the table and says so', async () => {
    const res = await api.request('GET', '/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', checks: { table: 'ok' } });
  });
});

describe('business metrics', () => {
  it('an import counts the rows stored and rejected, in the PreventCompliance namespace, with no partnership in it', async () => {
    const url = `/authorities/${p.authorities.a}`;
    expect((await api.request('PUT', `${url}/training-plan`, { token: p.tokens['authority-lead@a'], body: LMS_PLAN })).status).toBe(200);
    const { csv } = lmsExport(1_100); // line 1002 is bad
    let status = 0;
    const docs = await published(async () => {
      const res = await api.request('POST', `${url}/completions/import?fileName=x.csv`, { token: p.tokens['authority-editor@a'], rawBody: csv, headers: { 'content-type': 'text/csv' } });
      status = res.status;
    });
    expect(status).toBe(200);
    expect(docs).toHaveLength(1);
    const [doc] = docs;
    expect(doc._aws.CloudWatchMetrics[0].Namespace).toBe('PreventCompliance');
    expect(doc.RowsImported).toBe(1_099);
    expect(doc.RowsRejected).toBe(1);
    expect(JSON.stringify(doc)).not.toContain(p.tenantId);
  });

  it('a read counts nothing and writes no metrics line at all', async () => {
    const docs = await published(() => api.request('GET', '/authorities', { token: p.tokens['steering-group'] }));
    expect(docs).toEqual([]);
  });

  it('a refused write counts nothing', async () => {
    const docs = await published(() =>
      api.request('POST', `/authorities/${p.authorities.a}/completions/import?fileName=x.csv`, { token: p.tokens['viewer@a'], rawBody: 'a,b\n1,2\n', headers: { 'content-type': 'text/csv' } }),
    );
    expect(docs).toEqual([]);
  });
});

describe('origin check (CloudFront adds a secret header on the way to the API)', () => {
  it('refuses a request without the header, before any route runs, and serves one with it', async () => {
    process.env.ORIGIN_VERIFY_HEADER = 'X-Origin-Verify';
    process.env.ORIGIN_VERIFY_SECRET = 's3cret-value-of-the-deployment';
    const bare = await api.request('GET', '/me', { token: p.tokens['steering-group'] });
    expect(bare.status).toBe(403);
    const wrong = await api.request('GET', '/health/live', { headers: { 'x-origin-verify': 's3cret-value-of-the-deploymenX' } });
    expect(wrong.status).toBe(403);
    const ok = await api.request('GET', '/me', { token: p.tokens['steering-group'], headers: { 'x-origin-verify': 's3cret-value-of-the-deployment' } });
    expect(ok.status).toBe(200);
  });
});
