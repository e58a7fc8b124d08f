import { beforeAll, describe, expect, it } from 'vitest';
import { reportingYearOf, toIsoDate } from '../../domain/shared/dates';
import type { DemoUser } from '../../infra/local/web';
import { DEMO_TENANT_ID, seedDemo } from '../../infra/local/seed';
import { TestApi } from '../support/api';
import { useFreshTable } from '../support/table';

useFreshTable();

/**
 * "Accepted by whom", "started by whom": the answers that name users by id carry their display
 * names in `people`, so an authority's pages can say who without the user list (steering group
 * only). Ids of no user of the partnership (the demo seed) are absent.
 */
let api: TestApi;
let users: readonly DemoUser[];
let names: Record<string, string>;
const year = reportingYearOf(toIsoDate(new Date()));
const user = (label: string) => users.find((u) => u.label === label)!;
const tokenOf = (u: DemoUser) => api.token({ sub: u.sub, tenantId: DEMO_TENANT_ID, role: u.role as never, authorityId: u.authorityId });

beforeAll(async () => {
  ({ users } = await seedDemo());
  api = await TestApi.create();
  const listed = await api.request('GET', '/users', { token: await tokenOf(user('Steering group chair')) });
  names = Object.fromEntries(listed.body.items.map((u: { id: string; displayName?: string }) => [u.id, u.displayName]));
});

describe('who did it, by name', () => {
  it('names the steering-group member who accepted a statement, to the authority’s lead', async () => {
    const chair = user('Steering group chair');
    const lead = user('OPCC Head of Policy and Partnerships (Prevent lead)');
    const path = `/authorities/opcc/statements/${year}`;
    const before = await api.request('GET', path, { token: await tokenOf(lead) });
    expect(before.status).toBe(200);
    expect(before.body.status).toBe('submitted');
    expect(before.body.people).toEqual({});

    const review = await api.request('POST', `${path}/review`, { token: await tokenOf(chair), body: { outcome: 'accept', version: before.body.version } });
    expect(review.status).toBe(200);

    const after = await api.request('GET', path, { token: await tokenOf(lead) });
    expect(after.body.reviews.at(-1).by).toBe(chair.sub);
    expect(names[chair.sub]).toBe('Morgan Chair');
    expect(after.body.people).toEqual({ [chair.sub]: 'Morgan Chair' });
    // The version was submitted by the demo seed, which is no user: no name, and the page says the role.
    const version = await api.request('GET', `${path}/versions/${before.body.submissions}`, { token: await tokenOf(lead) });
    expect(version.body.submittedBy).toBe('demo-seed');
    expect(version.body.people).toEqual({});
  });

  it('names who started each import in the history and on the import’s page', async () => {
    const officer = user('County council safeguarding officer');
    const token = await tokenOf(officer);
    const started = await api.request('POST', '/authorities/county-council/completions/import?fileName=names.csv', {
      token,
      rawBody: 'Staff ID,Course,Date\nPPL-1,WRAP,2025-01-01\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(started.status).toBe(200);
    const history = await api.request('GET', '/authorities/county-council/imports', { token });
    const mine = history.body.items.find((i: { importId: string }) => i.importId === started.body.importId);
    expect(mine).toMatchObject({ requestedBy: officer.sub, requestedByRole: 'authority-editor' });
    expect(names[officer.sub]).toBeTruthy();
    // Only the people named: the officer (the demo's own imports were started by the seed, no user).
    expect(history.body.people).toEqual({ [officer.sub]: names[officer.sub] });
    const one = await api.request('GET', `/authorities/county-council/imports/${started.body.importId}`, { token });
    expect(one.body.people).toEqual({ [officer.sub]: names[officer.sub] });
  });
});
