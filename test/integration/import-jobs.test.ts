import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/node';
import { useLocalImportQueue } from '../../functions/jobs/import-queue';
import { systemDeps } from '../../functions/shared/deps';
import { keys } from '../../functions/data/keys';
import { IMPORT_CHUNK_ROWS } from '../../domain/training/import-job';
import { startLocalImportQueue, type LocalImportQueue } from '../../infra/local/import-queue';
import { TestApi } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { LMS_PLAN, lmsExport } from '../support/lms-export';
import { useFreshTable } from '../support/table';

/**
 * Imports as jobs, end to end on this machine: the presigned upload to the S3 stand-in, the
 * job handed to the local queue, the real worker in processes of its own, progress read back
 * through the API — and a worker killed part-way through a 20,000-row file.
 */
useFreshTable();
// A killed worker's lease runs out in seconds here (minutes in AWS).
process.env.IMPORT_LEASE_SECONDS = '3';

let api: TestApi;
let p: PartnershipFixture;
let steering: string;
let queue: LocalImportQueue;

beforeAll(async () => {
  queue = startLocalImportQueue({ visibilityMs: 1000, maxReceives: 10 });
  useLocalImportQueue(queue);
  api = await TestApi.create();
  p = await seedPartnership(api, 'jobs');
  steering = p.tokens['steering-group'];
});
afterAll(() => {
  queue.stop();
  useLocalImportQueue(undefined);
});

async function freshAuthority(name: string): Promise<string> {
  const id = `${p.tenantId}-${name}`;
  const res = await api.request('POST', '/authorities', { token: steering, body: { id, name: `Authority ${name}`, sector: 'local-government', type: 'district-council' } });
  expect(res.status, res.text).toBe(201);
  const plan = await api.request('PUT', `/authorities/${id}/training-plan`, { token: steering, body: LMS_PLAN });
  expect(plan.status, plan.text).toBe(200);
  return id;
}

/** Steps 1 and 2 of a job: the upload URL, the PUT to storage, the start. */
async function startJob(authorityId: string, file: string | Uint8Array, contentType: string, extra: Record<string, unknown> = {}) {
  const bytes = typeof file === 'string' ? Buffer.from(file, 'utf8') : file;
  const upload = await api.request('POST', `/authorities/${authorityId}/imports/uploads`, { token: steering, body: { contentType, contentLength: bytes.length } });
  expect(upload.status, upload.text).toBe(201);
  const put = await fetch(upload.body.uploadUrl, { method: 'PUT', headers: upload.body.headers, body: bytes });
  expect(put.status).toBe(200);
  const started = await api.request('POST', `/authorities/${authorityId}/imports`, { token: steering, body: { key: upload.body.key, ...extra } });
  expect(started.status, started.text).toBe(202);
  expect(started.body).toMatchObject({ status: 'queued', via: 'upload', rowsDone: 0 });
  return { importId: started.body.importId as string, key: upload.body.key as string };
}

const getJob = async (authorityId: string, importId: string) => {
  const res = await api.request('GET', `/authorities/${authorityId}/imports/${importId}`, { token: steering });
  expect(res.status, res.text).toBe(200);
  return res.body;
};

/** Polls the job until `until` holds (no time budget: the suite's timeout is the only limit). */
async function waitFor(authorityId: string, importId: string, until: (job: any) => boolean) {
  for (;;) {
    const job = await getJob(authorityId, importId);
    if (until(job)) return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
const ended = (job: any) => job.status === 'completed' || job.status === 'failed';

/** The authority's current completions and import records, and its lock, read straight from the table. */
async function stored(authorityId: string) {
  const { table } = systemDeps();
  const pk = keys.training.partition(p.tenantId, authorityId);
  const [current, history, importRecords, lock] = await Promise.all([
    table.count({ pk, skPrefix: keys.training.currentPrefix }),
    table.count({ pk, skPrefix: 'HIST#' }),
    table.all<any>({ pk, skPrefix: keys.training.importPrefix }),
    table.get<any>(keys.training.importLock(p.tenantId, authorityId)),
  ]);
  return { current, history, importRecords, lock };
}

describe('an import job over an uploaded file', () => {
  it('stores the file, reports how it went and deletes the upload', async () => {
    const id = await freshAuthority('small');
    const { csv } = lmsExport(3000, { staffPrefix: 'S' });
    const { importId, key } = await startJob(id, csv, 'text/csv');
    const job = await waitFor(id, importId, ended);
    expect(job).toMatchObject({ status: 'completed', via: 'upload', rows: 3000, rowsDone: 3000, imported: 2999, duplicates: 0, rejectedCount: 1, format: 'csv', encoding: 'utf-8', headerLine: 1 });
    expect(job.rejected).toEqual([{ line: 1002, reasons: [expect.stringMatching(/unknown course/)] }]);
    expect(await stored(id)).toMatchObject({ current: 2999, lock: expect.not.objectContaining({ leaseUntil: expect.anything() }) });
    // The uploaded file is personal data: gone once the job ended.
    expect(await systemDeps().importFiles.size(key)).toBeUndefined();
    // Listed with the authority's imports; audited at the start and at the end.
    const list = await api.request('GET', `/authorities/${id}/imports`, { token: steering });
    expect(list.body.items.map((i: any) => i.importId)).toEqual([importId]);
    const audit = await api.request('GET', `/audit?entityType=training-import&entityId=${importId}`, { token: steering });
    expect(audit.body.items.map((e: any) => e.changes.find((c: any) => c.field === 'status')?.to).sort()).toEqual(['completed', 'queued']);
  });

  it('reads an .xlsx upload with a mapping given for this import only: every person gets a role', async () => {
    const id = await freshAuthority('xlsx');
    const header = ['Person Number', 'Position Title', 'Learning Item', 'Date Completed'];
    const rows = [
      ['P1', 'Ward Sister', 'WRAP', new Date(Date.UTC(2024, 4, 1))],
      ['P2', 'Chief Nurse', 'Prevent e-learning', new Date(Date.UTC(2024, 5, 2))],
      ['P3', 'Ward Sister', 'WRAP', new Date(Date.UTC(2024, 6, 3))],
    ];
    const xlsx = await writeXlsxFile([header, ...rows].map((r) => r.map((value) => (value instanceof Date ? { value, type: Date, format: 'dd/mm/yyyy' } : { value }))) as never).toBuffer();
    const { importId } = await startJob(id, xlsx, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', {
      mapping: { columns: { 'Position Title': 'role' }, values: { role: { 'Ward Sister': 'frontline', 'Chief Nurse': 'senior-leader' } } },
    });
    const job = await waitFor(id, importId, ended);
    expect(job).toMatchObject({ status: 'completed', format: 'xlsx', imported: 3, rowsWithoutRole: 0, columnsUsed: { 'Position Title': 'role' } });
    const list = await api.request('GET', `/authorities/${id}/completions?limit=10`, { token: steering });
    expect(list.body.items.map((c: any) => [c.staffRef, c.role, c.completedOn]).sort()).toEqual([
      ['P1', 'frontline', '2024-05-01'],
      ['P2', 'senior-leader', '2024-06-02'],
      ['P3', 'frontline', '2024-07-03'],
    ]);
  });

  it('fails a file without the columns it needs, saying why, and stores nothing', async () => {
    const id = await freshAuthority('bad');
    const { importId } = await startJob(id, 'Name,Colour\nAnn,Blue\n', 'text/csv');
    const job = await waitFor(id, importId, ended);
    expect(job.status).toBe('failed');
    expect(job.error.message).toMatch(/column/i);
    expect((await stored(id)).current).toBe(0);
  });

  it('refuses a key that was not issued for this authority, and a start before the upload', async () => {
    const id = await freshAuthority('keys');
    const other = await api.request('POST', `/authorities/${p.authorities.a}/imports/uploads`, { token: steering, body: { contentType: 'text/csv', contentLength: 10 } });
    const wrong = await api.request('POST', `/authorities/${id}/imports`, { token: steering, body: { key: other.body.key } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.errors[0].path).toBe('key');
    const mine = await api.request('POST', `/authorities/${id}/imports/uploads`, { token: steering, body: { contentType: 'text/csv', contentLength: 10 } });
    const early = await api.request('POST', `/authorities/${id}/imports`, { token: steering, body: { key: mine.body.key } });
    expect(early.status).toBe(400);
    expect(early.body.error.errors[0].message).toMatch(/Nothing has been uploaded/);
    const tooBig = await api.request('POST', `/authorities/${id}/imports/uploads`, { token: steering, body: { contentType: 'text/csv', contentLength: 50 * 1024 * 1024 + 1 } });
    expect(tooBig.status).toBe(400);
  });
});

describe('a worker killed in the middle of a 20,000-row import', () => {
  it('resumes from its last checkpoint: exactly the file’s completions, one completed import record, no lock left', async () => {
    const id = await freshAuthority('killed');
    const { csv } = lmsExport(20_000, { badRows: false, staffPrefix: 'K' });
    const deliveriesBefore = queue.deliveries;
    const { importId } = await startJob(id, csv, 'text/csv');
    // Wait until at least one chunk is checkpointed and more are to come, then kill the worker.
    const partWay = await waitFor(id, importId, (job) => job.rowsDone >= IMPORT_CHUNK_ROWS || ended(job));
    expect(partWay.status).toBe('running');
    expect(partWay.rowsDone).toBeLessThan(20_000);
    expect(queue.killWorkers()).toBe(1);
    // Its lease runs out, the message comes back, another worker carries on from the checkpoint.
    const job = await waitFor(id, importId, ended);
    expect(job).toMatchObject({ status: 'completed', rows: 20_000, rowsDone: 20_000, imported: 20_000, duplicates: 0, rejectedCount: 0 });
    expect(job.attempts).toBeGreaterThanOrEqual(2);
    expect(queue.deliveries - deliveriesBefore).toBeGreaterThanOrEqual(2);
    const after = await stored(id);
    expect(after.current).toBe(20_000);
    expect(after.history).toBe(0);
    expect(after.importRecords.filter((r: any) => r.status === 'completed').map((r: any) => r.id)).toEqual([importId]);
    expect(after.importRecords).toHaveLength(1);
    expect(after.lock.leaseUntil).toBeUndefined();
    expect(after.lock.jobLeaseUntil).toBeUndefined();
    // And the authority takes a hand-recorded completion straight away.
    const one = await api.request('POST', `/authorities/${id}/completions`, { token: steering, body: { staffRef: 'NEW1', courseId: 'wrap', completedOn: '2024-06-01' } });
    expect(one.status, one.text).toBe(201);
  });
});
