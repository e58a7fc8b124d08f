import { beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_FRAMEWORKS } from '../../domain/statements/frameworks';
import { reportingYearOf, toIsoDate } from '../../domain/shared/dates';
import { TestApi, type ApiResponse } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { useFreshTable } from '../support/table';

/**
 * Concurrent clients through the real handlers on DynamoDB Local: K writers of one record at
 * one version → exactly one wins, every other is told 409 (a stale version, or DynamoDB's own
 * TransactionConflict while the winner's transaction was in flight), and the audit trail holds
 * the winner's event only.
 */
useFreshTable();

const K = 20;
let api: TestApi;
let p: PartnershipFixture;
const TODAY = toIsoDate(new Date());
const YEAR = reportingYearOf(TODAY);

async function auditOf(entityType: string, entityId: string): Promise<{ action: string }[]> {
  const res = await api.request('GET', `/audit?entityType=${entityType}&entityId=${encodeURIComponent(entityId)}&limit=100`, { token: p.tokens['steering-group'] });
  expect(res.status, res.text).toBe(200);
  return res.body.items;
}

/** Exactly one 200; every other answer a 409 with a conflict code. */
function oneWinner(answers: ApiResponse[]): ApiResponse {
  const statuses = answers.map((a) => a.status).sort();
  expect(statuses.filter((s) => s === 200), JSON.stringify(statuses)).toHaveLength(1);
  expect(statuses.filter((s) => s === 409)).toHaveLength(answers.length - 1);
  for (const a of answers.filter((x) => x.status === 409)) expect(['version_conflict', 'busy']).toContain(a.body.error.code);
  return answers.find((a) => a.status === 200)!;
}

beforeAll(async () => {
  api = await TestApi.create();
  p = await seedPartnership(api, 'racers');
});

describe(`${K} concurrent writers of one record at one version`, () => {
  it('authority details: 1 success, 19 × 409, one audit event', async () => {
    const id = p.authorities.a;
    const current = (await api.request('GET', `/authorities/${id}`, { token: p.tokens['steering-group'] })).body;
    const before = (await auditOf('authority', id)).length;
    const answers = await Promise.all(
      Array.from({ length: K }, (_, i) =>
        api.request('PUT', `/authorities/${id}`, { token: p.tokens['steering-group'], body: { name: `Council ${i}`, sector: 'local-government', type: 'district-council', version: current.version } }),
      ),
    );
    const winner = oneWinner(answers);
    expect((await api.request('GET', `/authorities/${id}`, { token: p.tokens['steering-group'] })).body).toMatchObject({ name: winner.body.name, version: current.version + 1 });
    expect((await auditOf('authority', id)).length - before).toBe(1);
  });

  it('partnership settings: 1 success, 19 × 409, one audit event', async () => {
    const sg = p.tokens['steering-group'];
    const current = (await api.request('GET', '/settings', { token: sg })).body;
    const before = (await api.request('GET', '/audit?limit=100', { token: sg })).body.items.length;
    expect(before).toBeLessThan(100); // a count within one page
    const answers = await Promise.all(
      Array.from({ length: K }, (_, i) => api.request('PUT', '/settings', { token: sg, body: { coverageTarget: 0.5 + i / 100, trainingRetentionYears: 6, version: current.version } })),
    );
    const winner = oneWinner(answers);
    expect((await api.request('GET', '/settings', { token: sg })).body).toMatchObject({ coverageTarget: winner.body.coverageTarget, version: current.version + 1 });
    expect((await api.request('GET', '/audit?limit=100', { token: sg })).body.items.length - before).toBe(1);
  });

  describe('the annual statement', () => {
    const questions = BUILT_IN_FRAMEWORKS[0].benchmarks.filter((b) => b.number <= 8).flatMap((b) => b.questions.map((q) => q.id));
    const ratings = Object.fromEntries(questions.map((q) => [q, { rating: 'developing', details: `Evidence for ${q}` }]));
    const signOff = { name: 'Alex Lead', role: 'Head of Policy', date: TODAY, declaration: 'I confirm this statement is accurate.' };
    let base: string;
    let lead: string;

    beforeAll(async () => {
      base = `/authorities/${p.authorities.b}/statements/${YEAR}`;
      lead = p.tokens['authority-lead@b'];
      const draft = await api.request('PUT', base, { token: lead, body: { ratings, signOff, version: 0 } });
      expect(draft.status, draft.text).toBe(200);
    });

    it(`${K} submits of one draft: one submission, one frozen version, 19 × 409`, async () => {
      const { version } = (await api.request('GET', base, { token: lead })).body;
      const answers = await Promise.all(Array.from({ length: K }, () => api.request('POST', `${base}/submit`, { token: lead, body: { version } })));
      const winner = oneWinner(answers);
      expect(winner.body.statement).toMatchObject({ status: 'submitted', submissions: 1 });
      expect((await api.request('GET', `${base}/versions/1`, { token: lead })).status).toBe(200);
      expect((await api.request('GET', `${base}/versions/2`, { token: lead })).status).toBe(404);
    });

    it(`returning and accepting the submission at once (${K / 2} each): one review wins and the statement says which`, async () => {
      const sg = p.tokens['steering-group'];
      const { version } = (await api.request('GET', base, { token: lead })).body;
      const before = (await api.request('GET', '/audit?limit=100', { token: sg })).body.items.length;
      expect(before).toBeLessThan(100);
      const answers = await Promise.all(
        Array.from({ length: K }, (_, i) =>
          api.request('POST', `${base}/review`, { token: sg, body: i % 2 ? { outcome: 'accept', version } : { outcome: 'return', comment: 'Please add evidence for 2.1', version } }),
        ),
      );
      const winner = oneWinner(answers);
      const after = (await api.request('GET', base, { token: lead })).body;
      expect(after.status).toBe(winner.body.status);
      expect(['accepted', 'returned']).toContain(after.status);
      expect(after.version).toBe(version + 1);
      expect((await api.request('GET', '/audit?limit=100', { token: sg })).body.items.length - before).toBe(1);
    });
  });

  describe('imports', () => {
    const ROWS = 1500;
    const csv = (prefix: string, rows: number) =>
      `Employee ID,Course Title,Completion Date\n${Array.from({ length: rows }, (_, i) => `${prefix}${i},Prevent e-learning,01/02/2025`).join('\n')}\n`;
    const importCsv = (authority: string, body: string) =>
      api.request('POST', `/authorities/${authority}/completions/import`, { token: p.tokens['steering-group'], rawBody: body, headers: { 'content-type': 'text/csv' } });

    async function completions(authority: string): Promise<{ staffRef: string }[]> {
      const items: { staffRef: string }[] = [];
      let cursor: string | undefined;
      do {
        const res = await api.request('GET', `/authorities/${authority}/completions?limit=500${cursor ? `&cursor=${cursor}` : ''}`, { token: p.tokens['steering-group'] });
        expect(res.status, res.text).toBe(200);
        items.push(...res.body.items);
        cursor = res.body.nextCursor;
      } while (cursor);
      return items;
    }

    it('two imports of one file into one authority at once: one runs, the other is told 409, and the completions are those of one import', async () => {
      const authority = p.authorities.a;
      const file = csv('T', ROWS);
      const [one, two] = await Promise.all([importCsv(authority, file), importCsv(authority, file)]);
      const statuses = [one.status, two.status].sort();
      // Both may also finish one after the other (the second then finds every row a duplicate):
      // what may never happen is two imports writing at once.
      if (statuses[1] === 409) {
        expect(statuses).toEqual([200, 409]);
        expect([one, two].find((a) => a.status === 409)!.body.error.code).toBe('busy');
      } else {
        expect(statuses).toEqual([200, 200]);
        expect([one.body.imported, two.body.imported].sort((a, b) => a - b)).toEqual([0, ROWS]);
      }
      const winner = [one, two].find((a) => a.status === 200 && a.body.imported > 0)!;
      expect(winner.body.imported).toBe(ROWS);
      const stored = await completions(authority);
      expect(stored).toHaveLength(ROWS);
      expect(new Set(stored.map((c) => c.staffRef)).size).toBe(ROWS);
    });

    it('a completion recorded by hand while an import runs: both present, nothing lost', async () => {
      const authority = p.authorities.b;
      const file = csv('I', ROWS);
      const importing = importCsv(authority, file);
      // Recorded by hand while the import holds its lease: a 409 (busy) is the import's lock
      // saying "not now", and the client sends it again; what matters is that it is never lost.
      let byHand: ApiResponse | undefined;
      let attempts = 0;
      for (; attempts < 200; attempts++) {
        byHand = await api.request('POST', `/authorities/${authority}/completions`, { token: p.tokens['authority-editor@b'], body: { staffRef: 'HAND-1', courseId: 'home-office-elearning', completedOn: '2025-01-20' } });
        if (byHand.status !== 409) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(byHand!.status, byHand!.text).toBe(201);
      const imported = await importing;
      expect(imported.status, imported.text).toBe(200);
      expect(imported.body.imported).toBe(ROWS);
      const stored = await completions(authority);
      expect(stored).toHaveLength(ROWS + 1);
      expect(stored.filter((c) => c.staffRef === 'HAND-1')).toHaveLength(1);
    });
  });
});
