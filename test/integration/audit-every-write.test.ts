import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type RouteId } from '../../functions/api';
import { BUILT_IN_FRAMEWORKS } from '../../domain/statements/frameworks';
import { useLocalImportQueue } from '../../functions/jobs/import-queue';
import { TestApi } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { useFreshTable } from '../support/table';

/**
 * Every kind of write leaves its audit event. Each write route of the contract is called
 * once, and the newest event of the partnership must then be that write's. A write route
 * added to the contract without a step here fails the last test.
 */
useFreshTable();

/** Routes that change nothing in the table, and why. */
const NO_RECORD: Partial<Record<RouteId, string>> = {
  requestStatementUpload: 'only signs an upload URL; the upload is recorded when attached',
  searchCompletions: 'a read: POST only so that the staff reference stays out of the URL',
  requestImportUpload: 'only signs an upload URL; the import is recorded when it starts',
  resumeImport: 'hands a job to the queue again; its record changes (and is audited) when a worker finishes it',
  choosePartnership: 'records which of their partnerships a person acts for next, outside any partnership; no partnership record changes',
};

let api: TestApi;
let p: PartnershipFixture;
const covered = new Set<RouteId>();

beforeAll(async () => {
  // Jobs stay queued: the start is the write audited here (the worker's end is audited too, see import-jobs.test.ts).
  useLocalImportQueue({ enqueue: async () => undefined });
  api = await TestApi.create();
  p = await seedPartnership(api, 'audited');
});

async function write(route: RouteId, token: string, url: string, body: unknown, expected: { entityType: string; action: string }, csv?: string) {
  const { method } = ROUTES[route];
  const res = await api.request(method, url, { token, body, rawBody: csv, headers: csv ? { 'content-type': 'text/csv' } : undefined });
  expect(res.status, `${route}: ${res.text}`).toBeLessThan(300);
  const newest = (await api.request('GET', '/audit?limit=1', { token: p.tokens['steering-group'] })).body.items[0];
  expect(newest, route).toMatchObject({ entityType: expected.entityType, action: expected.action });
  expect(newest.actor.userId, route).toBeTruthy();
  covered.add(route);
  return res.body;
}

describe('the audit trail', () => {
  it('records an event for every kind of write', async () => {
    const sg = p.tokens['steering-group'];
    const lead = p.tokens['authority-lead@a'];
    const editor = p.tokens['authority-editor@a'];
    const a = p.authorities.a;
    const today = new Date().toISOString().slice(0, 10);

    const created = await write('createAuthority', sg, '/authorities', { id: 'audited-police', name: 'Police', sector: 'police', type: 'police-force' }, { entityType: 'authority', action: 'create' });
    await write('updateAuthority', sg, '/authorities/audited-police', { name: 'Shire Police', sector: 'police', type: 'police-force', version: created.version }, { entityType: 'authority', action: 'update' });
    await write('createUser', sg, '/users', { email: 'audited@example.org', role: 'viewer' }, { entityType: 'user', action: 'create' });
    const settings = (await api.request('GET', '/settings', { token: sg })).body;
    await write('putSettings', sg, '/settings', { coverageTarget: 0.9, version: settings.version }, { entityType: 'partnership', action: 'update' });
    const course = await write('createCourse', sg, '/courses', { id: 'local-briefing', name: 'Local briefing', level: 'frontline', refresherMonths: 12, deliveryModes: ['face-to-face'] }, { entityType: 'course', action: 'create' });
    const { id: _i, version: courseVersion, createdAt: _a, createdBy: _b, updatedAt: _c, updatedBy: _d, ...courseFields } = course;
    await write('updateCourse', sg, '/courses/local-briefing', { ...courseFields, refresherMonths: 24, version: courseVersion }, { entityType: 'course', action: 'update' });
    await write('putTrainingPlan', editor, `/authorities/${a}/training-plan`, { version: 0, roles: [{ id: 'staff', name: 'Staff', headcount: 5, requiredCourses: ['wrap'] }] }, { entityType: 'training-plan', action: 'create' });
    await write('putImportMapping', editor, `/authorities/${a}/import-mapping`, { version: 0, columns: { 'Position Title': 'role' }, values: { role: { Caretaker: 'staff' } } }, { entityType: 'import-mapping', action: 'create' });
    await write('recordCompletion', editor, `/authorities/${a}/completions`, { staffRef: 'A1', courseId: 'wrap', completedOn: today }, { entityType: 'completion', action: 'create' });
    await write('importCompletions', editor, `/authorities/${a}/completions/import`, undefined, { entityType: 'training-import', action: 'import' }, 'Staff ID,Course,Date\nA2,WRAP,2025-01-01\n');
    const file = 'Staff ID,Course,Date\nA3,WRAP,2025-01-01\n';
    const upload = (await api.request('POST', `/authorities/${a}/imports/uploads`, { token: editor, body: { contentType: 'text/csv', contentLength: file.length } })).body;
    expect((await fetch(upload.uploadUrl, { method: 'PUT', headers: upload.headers, body: file })).status).toBe(200);
    await write('startImport', editor, `/authorities/${a}/imports`, { key: upload.key }, { entityType: 'training-import', action: 'import' });
    await write('eraseStaffTraining', lead, `/authorities/${a}/erasures`, { staffRef: 'A2' }, { entityType: 'staff-training', action: 'erase' });
    const session = await write('createSession', editor, `/authorities/${a}/sessions`, { date: today, courseId: 'wrap', provider: 'P', audience: 'staff', attendees: 10 }, { entityType: 'session', action: 'create' });
    await write('updateSession', editor, `/authorities/${a}/sessions/${session.id}`, { date: today, courseId: 'wrap', provider: 'P', audience: 'staff', attendees: 12, version: session.version }, { entityType: 'session', action: 'update' });

    const sop = await write(
      'putSop', lead, `/authorities/${a}/sop`,
      { title: 'SOP', ownerName: 'Owner', ownerRole: 'CEO', sopVersion: '1.0', implementationDate: '2025-01-01', nextReviewDate: '2026-01-01', securityClassification: 'OFFICIAL', foiDisclosable: true, riskRating: 'low', equalityAnalysis: 'Low', version: 0 },
      { entityType: 'sop', action: 'create' },
    );
    await write('recordSopReview', lead, `/authorities/${a}/sop/reviews`, { reviewedOn: today, reviewer: 'Chair', outcome: 'unchanged', minuteRef: 'PSG 1', version: sop.version }, { entityType: 'sop', action: 'review' });
    await write('adoptObligationTemplate', lead, `/authorities/${a}/sop/obligations/from-template`, undefined, { entityType: 'obligation', action: 'create' });
    const obligation = await write('createObligation', lead, `/authorities/${a}/sop/obligations`, { section: 'training-programme', commitment: 'Train', cadence: 'annual', ownerRole: 'Lead' }, { entityType: 'obligation', action: 'create' });
    const updated = await write('updateObligation', lead, `/authorities/${a}/sop/obligations/${obligation.id}`, { section: 'training-programme', commitment: 'Train staff', cadence: 'annual', ownerRole: 'Lead', version: obligation.version }, { entityType: 'obligation', action: 'update' });
    const evidenced = await write('recordObligationEvidence', editor, `/authorities/${a}/sop/obligations/${obligation.id}/evidence`, { status: 'developing', evidence: { notes: 'n', links: [] }, evidencedOn: today, version: updated.version }, { entityType: 'obligation', action: 'update' });
    await write('deleteObligation', lead, `/authorities/${a}/sop/obligations/${obligation.id}?version=${evidenced.version}`, undefined, { entityType: 'obligation', action: 'delete' });

    await write('addFramework', sg, '/frameworks', { id: 'audited-framework', version: '1', name: 'F', benchmarks: [{ number: 1, title: 'T', questions: [{ id: '1.1', text: 'Q', type: 'expectation' }] }] }, { entityType: 'framework', action: 'create' });
    await write('putItFilterAssurance', editor, `/authorities/${a}/it-filter-assurances/2025-26`, { reviewedOn: '2025-06-01', assuredBy: { name: 'N', role: 'R', organisation: 'O' }, product: 'P', ctiruListApplied: false, scope: ['corporate-network'], outcome: 'assured', version: 0 }, { entityType: 'it-filter-assurance', action: 'create' });

    const questions = BUILT_IN_FRAMEWORKS[0].benchmarks.flatMap((b) => b.questions.map((q) => q.id));
    const statementUrl = `/authorities/${a}/statements/2025-26`;
    const draft = await write(
      'putStatement', lead, statementUrl,
      { ratings: Object.fromEntries(questions.map((q) => [q, { rating: 'achieving' }])), signOff: { name: 'L', role: 'R', date: today, declaration: 'D' }, version: 0 },
      { entityType: 'statement', action: 'create' },
    );
    const pdf = Buffer.from('%PDF-1.7 audited\n%%EOF\n');
    const grant = (await api.request('POST', `${statementUrl}/document/upload-url`, { token: lead, body: { fileName: 's.pdf', contentType: 'application/pdf', contentLength: pdf.length } })).body;
    expect((await fetch(grant.uploadUrl, { method: 'PUT', headers: grant.headers, body: pdf })).status).toBe(200);
    await write('attachStatementDocument', lead, `${statementUrl}/document`, { key: grant.key, fileName: 's.pdf', version: draft.version }, { entityType: 'statement', action: 'update' });
    const withDoc = (await api.request('GET', statementUrl, { token: lead })).body;
    const submitted = await write('submitStatement', lead, `${statementUrl}/submit`, { version: withDoc.version }, { entityType: 'statement', action: 'submit' });
    await write('reviewStatement', sg, `${statementUrl}/review`, { outcome: 'accept', version: submitted.statement.version }, { entityType: 'statement', action: 'review' });
    await write('setStatementDeadline', sg, '/statement-deadlines/2026-27', { dueOn: '2027-01-31' }, { entityType: 'statement-deadline', action: 'update' });

    // The steering group's own records.
    const themes = [{ id: 'training', number: 3, title: 'Awareness, learning and development' }];
    const plan = await write('createActionPlan', sg, '/action-plans', { id: 'audited-plan', title: 'Plan', firstYear: '2025-26', lastYear: '2026-27', themes }, { entityType: 'action-plan', action: 'create' });
    const planUrl = '/action-plans/audited-plan';
    const renamed = await write('updateActionPlan', sg, planUrl, { title: 'Prevent action plan', themes, version: plan.version }, { entityType: 'action-plan', action: 'update' });
    const action = await write('createAction', sg, `${planUrl}/actions`, { themeId: 'training', number: '3.1', action: 'Deliver WRAP monthly', leadAuthorities: [a], timescale: { kind: 'date', dueOn: '2026-01-31' } }, { entityType: 'action', action: 'create' });
    const changed = await write('updateAction', sg, `${planUrl}/actions/${action.id}`, { themeId: 'training', number: '3.1', action: 'Deliver WRAP every month', leadAuthorities: [a], timescale: { kind: 'recurring', every: 'monthly' }, version: action.version }, { entityType: 'action', action: 'update' });
    const progressed = await write('recordActionProgress', lead, `${planUrl}/actions/${action.id}/progress`, { rag: 'green', text: 'Sessions running', version: changed.version }, { entityType: 'action', action: 'update' });
    const second = await write('createAction', sg, `${planUrl}/actions`, { themeId: 'training', number: '3.2', action: 'Refresher package', otherLeads: ['Trainer'], timescale: { kind: 'ongoing' } }, { entityType: 'action', action: 'create' });
    await write('deleteAction', sg, `${planUrl}/actions/${second.id}?version=${second.version}`, undefined, { entityType: 'action', action: 'delete' });
    await write('closeActionPlanYear', sg, `${planUrl}/close-year`, { year: '2025-26', version: renamed.version }, { entityType: 'action-plan', action: 'update' });
    expect(progressed.rag).toBe('green');
    const quarter = { referrals: { education: 1, police: 6, 'local-authority': 0, health: 0, 'criminal-justice': 0, community: 0, other: 0 }, channelAdopted: 1, channelOpened: 1, channelClosed: 0, hateCrimeReports: 30, version: 0 };
    await write('putDeliveryQuarter', sg, '/delivery-figures/2025-26/quarters/1', quarter, { entityType: 'delivery-figures', action: 'create' });
    await write('putAssessment', sg, '/assessments/2025-26', { scores: { 1: 4 }, version: 0 }, { entityType: 'assessment', action: 'create' });
    await write('putAnnualNarrative', sg, '/reports/annual/2025-26/narrative', { introduction: 'This year…', version: 0 }, { entityType: 'annual-report', action: 'create' });
  });

  it('covers every write route of the contract', () => {
    const writes = (Object.keys(ROUTES) as RouteId[]).filter((id) => ROUTES[id].method !== 'GET' && !(id in NO_RECORD));
    expect([...covered].sort()).toEqual(writes.sort());
  });
});
