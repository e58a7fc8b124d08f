import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type RouteId } from '../../functions/api';
import { BUILT_IN_FRAMEWORKS } from '../../domain/statements/frameworks';
import { LocalIssuer, LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../infra/local/issuer';
import { SignJWT } from 'jose';
import { useLocalImportQueue } from '../../functions/jobs/import-queue';
import type { Role } from '../../domain/shared/identity';
import { userService } from '../../domain/users/user';
import { dynamo, tenantDynamo } from '../../functions/data/client';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../functions/data/keys';
import { identityRepository } from '../../functions/data/repositories';
import { systemDeps } from '../../functions/shared/deps';
import { TestApi } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { useFreshTable } from '../support/table';

/**
 * The authorization matrix: every route × every role × own authority / another authority
 * of the same partnership / an authority of another partnership, plus every way a token can
 * be bad (missing, forged, wrong issuer or audience, `alg: none`, no `exp`, not yet valid,
 * expired, tenant-less). Expected statuses are written out in full; every body is searched
 * for the other partnership's data, and every body sent to a caller bound to one authority for
 * the other authority's data. The other partnership reuses one of our authority ids, so a
 * lookup that forgets the tenant finds a record instead of nothing. A route added to
 * functions/api.ts without a row here fails the completeness test. `npm run mutation`
 * (test/mutation/run.ts) proves the matrix fails when a check is taken out of the product.
 */
useFreshTable();

type Target = 'own' | 'other' | 'foreign';
function scoped(own: number, other: number, foreign = 404) {
  return { own, other, foreign };
}
type Who = 'steering-group' | 'authority-lead' | 'authority-editor' | 'viewer@authority' | 'viewer@partnership';
const WHO: Who[] = ['steering-group', 'authority-lead', 'authority-editor', 'viewer@authority', 'viewer@partnership'];
const TARGETS: Target[] = ['own', 'other', 'foreign'];

interface Ctx {
  alpha: PartnershipFixture;
  beta: PartnershipFixture;
  /** The steering-group token of the partnership that owns the target authority. */
  ownerToken(target: Target): string;
  /** Creates a fixture record as the owning steering group and returns its body. */
  setUp(target: Target, method: string, url: string, body: unknown): Promise<any>;
  /** The same, as the Prevent lead of the target authority (SOPs are the lead's). */
  asLead(target: Target, method: string, url: string, body?: unknown): Promise<any>;
  /** Authority id for the target, seen from a caller in alpha whose own authority is `a`. */
  authority(target: Target): string;
  version(authorityId: string): Promise<number>;
  unique(): string;
}

interface Row {
  /** Builds the request; `target` only matters for routes about one authority. */
  request(ctx: Ctx, target: Target): Promise<{ method: string; url: string; body?: unknown; csv?: string }>;
  /** Expected status per caller; a number applies to all targets. */
  expect: Record<Who, number | Record<Target, number>>;
  /** Routes that name no authority are checked once, not per target. */
  targeted?: boolean;
}

const EDITORS = { 'steering-group': scoped(200, 200), 'authority-lead': scoped(200, 404), 'authority-editor': scoped(200, 404), 'viewer@authority': scoped(403, 403, 403), 'viewer@partnership': scoped(403, 403, 403) };
const READERS = { 'steering-group': scoped(200, 200), 'authority-lead': scoped(200, 404), 'authority-editor': scoped(200, 404), 'viewer@authority': scoped(200, 404), 'viewer@partnership': scoped(200, 200) };
const LEAD_ONLY = { ...all(403), 'authority-lead': scoped(200, 404) };
/** The same expectations, with 201 where a write succeeds. */
const created = (e: Row['expect']): Row['expect'] =>
  Object.fromEntries(
    Object.entries(e).map(([who, t]) => [who, typeof t === 'number' ? t : Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v === 200 ? 201 : v]))]),
  ) as Row['expect'];
const completionBody = (staffRef: string) => ({ staffRef, courseId: 'home-office-elearning', completedOn: '2025-01-15', role: 'frontline' });

/** The same expectations, with `status` where a write succeeds (202 for a job handed on). */
const withStatus = (e: Row['expect'], status: number): Row['expect'] =>
  Object.fromEntries(
    Object.entries(e).map(([who, t]) => [who, typeof t === 'number' ? t : Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v === 200 ? status : v]))]),
  ) as Row['expect'];

/** A small export uploaded for the target authority by its owning steering group; its key. */
async function uploadedFile(ctx: Ctx, t: Target): Promise<string> {
  const csv = `Employee ID,Course Title,Completion Date\nU${ctx.unique()},Prevent e-learning,01/02/2025\n`;
  const upload = await ctx.setUp(t, 'POST', `/authorities/${ctx.authority(t)}/imports/uploads`, { contentType: 'text/csv', contentLength: Buffer.byteLength(csv) });
  const put = await fetch(upload.uploadUrl, { method: 'PUT', headers: upload.headers, body: csv });
  if (!put.ok) throw new Error(`upload fixture: ${put.status}`);
  return upload.key;
}

function all(status: number): Row['expect'] {
  return Object.fromEntries(WHO.map((w) => [w, status])) as Row['expect'];
}


/** A fresh action plan of the target's partnership (made by its steering group), with one action led by the target authority. */
const THEMES = [{ id: 'governance', number: 2, title: 'Leadership, governance and accountability' }];
async function planWithAction(ctx: Ctx, t: Target) {
  const planId = `plan-${ctx.unique()}`;
  const plan = await ctx.setUp(t, 'POST', '/action-plans', { id: planId, title: 'Matrix plan', firstYear: '2025-26', lastYear: '2026-27', themes: THEMES });
  const authorityId = ctx.authority(t);
  // The other authority's action carries the canary: a caller bound to the council must never see it.
  const text = authorityId.endsWith('-opcc') ? `Review the ${OTHER_AUTHORITY_CANARY} terms of reference` : 'Review the terms of reference';
  const action = await ctx.setUp(t, 'POST', `/action-plans/${planId}/actions`, { themeId: 'governance', number: '2.1', action: text, leadAuthorities: [authorityId], timescale: { kind: 'date', dueOn: '2026-06-30' } });
  return { planId, planVersion: plan.version as number, actionId: action.id as string, version: action.version as number };
}
const QUARTER = {
  referrals: { education: 3, police: 8, 'local-authority': 0, health: 1, 'criminal-justice': 0, community: 0, other: 0 },
  channelAdopted: 2, channelOpened: 1, channelClosed: 0, hateCrimeReports: 40, outreachTraining: [], communications: [],
};
let assessmentYears = 1950;
const freshAssessmentYear = () => `${assessmentYears}-${String(++assessmentYears % 100).padStart(2, '0')}`;

const MATRIX: Record<RouteId, Row | 'public'> = {
  health: 'public',
  ready: 'public',
  openapi: 'public',
  me: { request: async () => ({ method: 'GET', url: '/me' }), expect: all(200) },
  // Every caller of alpha is a member of alpha only (memberOf in beforeAll): their own list, never beta's people.
  listMemberships: { request: async () => ({ method: 'GET', url: '/me/memberships' }), expect: all(200) },
  // own: the caller's partnership; other: a partnership that does not exist; foreign: beta, which
  // exists but the caller is no member of. Both refusals are the same 404 (the describe below
  // shows nothing is written).
  choosePartnership: {
    targeted: true,
    request: async (_ctx, t) => ({ method: 'PUT', url: '/me/partnership', body: { tenantId: t === 'own' ? 'alpha' : t === 'other' ? 'nowhere-shire' : 'beta' } }),
    expect: Object.fromEntries(WHO.map((w) => [w, scoped(200, 404, 404)])) as Row['expect'],
  },
  listAuthorities: { request: async () => ({ method: 'GET', url: '/authorities' }), expect: all(200) },
  createAuthority: {
    request: async (ctx) => ({
      method: 'POST',
      url: '/authorities',
      body: { id: `new-${ctx.unique()}`, name: 'Matrix College', sector: 'education-childcare', type: 'fe-college' },
    }),
    expect: { ...all(403), 'steering-group': 201 },
  },
  getAuthority: {
    targeted: true,
    request: async (ctx, t) => ({ method: 'GET', url: `/authorities/${ctx.authority(t)}` }),
    expect: {
      'steering-group': scoped(200, 200),
      'authority-lead': scoped(200, 404),
      'authority-editor': scoped(200, 404),
      'viewer@authority': scoped(200, 404),
      'viewer@partnership': scoped(200, 200),
    },
  },
  updateAuthority: {
    targeted: true,
    request: async (ctx, t) => {
      const id = ctx.authority(t);
      const version = t === 'foreign' ? 1 : await ctx.version(id);
      const isOpcc = id.endsWith('-opcc');
      return {
        method: 'PUT',
        url: `/authorities/${id}`,
        body: isOpcc
          ? { name: `OPCC ${ctx.unique()}`, sector: 'police', type: 'opcc', version }
          : { name: `Council ${ctx.unique()}`, sector: 'local-government', type: 'district-council', version },
      };
    },
    expect: {
      'steering-group': scoped(200, 200),
      'authority-lead': scoped(200, 404),
      'authority-editor': scoped(403, 403, 403),
      'viewer@authority': scoped(403, 403, 403),
      'viewer@partnership': scoped(403, 403, 403),
    },
  },
  listUsers: { request: async () => ({ method: 'GET', url: '/users' }), expect: { ...all(403), 'steering-group': 200 } },
  createUser: {
    request: async (ctx) => ({
      method: 'POST',
      url: '/users',
      body: { email: `user-${ctx.unique()}@example.org`, role: 'authority-editor', authorityId: ctx.alpha.authorities.a },
    }),
    expect: { ...all(403), 'steering-group': 201 },
  },
  listAudit: { request: async () => ({ method: 'GET', url: '/audit?limit=100' }), expect: { ...all(403), 'steering-group': 200 } },
  getSettings: { request: async () => ({ method: 'GET', url: '/settings' }), expect: all(200) },
  putSettings: {
    request: async (ctx) => {
      const { version } = await ctx.setUp('own', 'GET', '/settings', undefined);
      return { method: 'PUT', url: '/settings', body: { coverageTarget: 0.85, trainingRetentionYears: 6, version } };
    },
    expect: { ...all(403), 'steering-group': 200 },
  },
  listCourses: { request: async () => ({ method: 'GET', url: '/courses' }), expect: all(200) },
  createCourse: {
    request: async (ctx) => ({
      method: 'POST',
      url: '/courses',
      body: { id: `course-${ctx.unique()}`, name: 'Matrix course', level: 'frontline', refresherMonths: 12, deliveryModes: ['e-learning'] },
    }),
    expect: { ...all(403), 'steering-group': 201 },
  },
  updateCourse: {
    request: async (ctx) => {
      const courses = await ctx.setUp('own', 'GET', '/courses', undefined);
      const { id, version, createdAt: _c, createdBy: _cb, updatedAt: _u, updatedBy: _ub, ...fields } = courses.items.find((c: { id: string }) => c.id === 'prevent-awareness');
      return { method: 'PUT', url: `/courses/${id}`, body: { ...fields, version } };
    },
    expect: { ...all(403), 'steering-group': 200 },
  },
  getTrainingPlan: { targeted: true, request: async (ctx, t) => ({ method: 'GET', url: `/authorities/${ctx.authority(t)}/training-plan` }), expect: READERS },
  putTrainingPlan: {
    targeted: true,
    request: async (ctx, t) => {
      const url = `/authorities/${ctx.authority(t)}/training-plan`;
      const { version } = await ctx.setUp(t, 'GET', url, undefined);
      return { method: 'PUT', url, body: { version, roles: [{ id: 'frontline', name: 'Frontline staff', headcount: 10, requiredCourses: ['home-office-elearning'] }] } };
    },
    expect: EDITORS,
  },
  getImportMapping: { targeted: true, request: async (ctx, t) => ({ method: 'GET', url: `/authorities/${ctx.authority(t)}/import-mapping` }), expect: READERS },
  putImportMapping: {
    targeted: true,
    request: async (ctx, t) => {
      const url = `/authorities/${ctx.authority(t)}/import-mapping`;
      const { version } = await ctx.setUp(t, 'GET', url, undefined);
      return { method: 'PUT', url, body: { version, columns: { 'Position Title': 'role' }, values: { deliveryMode: { 'Teams call': 'virtual-classroom' } } } };
    },
    expect: EDITORS,
  },
  listCompletions: { targeted: true, request: async (ctx, t) => ({ method: 'GET', url: `/authorities/${ctx.authority(t)}/completions` }), expect: READERS },
  searchCompletions: {
    targeted: true,
    request: async (ctx, t) => ({ method: 'POST', url: `/authorities/${ctx.authority(t)}/completions/search`, body: { staffRef: `S${ctx.unique()}` } }),
    expect: READERS,
  },
  recordCompletion: {
    targeted: true,
    request: async (ctx, t) => ({ method: 'POST', url: `/authorities/${ctx.authority(t)}/completions`, body: completionBody(`M${ctx.unique()}`) }),
    expect: created(EDITORS),
  },
  requestImportUpload: {
    targeted: true,
    request: async (ctx, t) => ({ method: 'POST', url: `/authorities/${ctx.authority(t)}/imports/uploads`, body: { contentType: 'text/csv', contentLength: 100 } }),
    expect: created(EDITORS),
  },
  startImport: {
    targeted: true,
    request: async (ctx, t) => {
      const url = `/authorities/${ctx.authority(t)}/imports`;
      return { method: 'POST', url, body: { key: await uploadedFile(ctx, t) } };
    },
    expect: withStatus(EDITORS, 202),
  },
  listImports: { targeted: true, request: async (ctx, t) => ({ method: 'GET', url: `/authorities/${ctx.authority(t)}/imports` }), expect: READERS },
  getImport: {
    targeted: true,
    request: async (ctx, t) => {
      const job = await ctx.setUp(t, 'POST', `/authorities/${ctx.authority(t)}/imports`, { key: await uploadedFile(ctx, t) });
      return { method: 'GET', url: `/authorities/${ctx.authority(t)}/imports/${job.importId}` };
    },
    expect: READERS,
  },
  resumeImport: {
    targeted: true,
    request: async (ctx, t) => {
      // A queued job (no worker runs in this test) may be handed to the workers again.
      const job = await ctx.setUp(t, 'POST', `/authorities/${ctx.authority(t)}/imports`, { key: await uploadedFile(ctx, t) });
      return { method: 'POST', url: `/authorities/${ctx.authority(t)}/imports/${job.importId}/resume` };
    },
    expect: withStatus(EDITORS, 202),
  },
  importCompletions: {
    targeted: true,
    request: async (ctx, t) => ({
      method: 'POST',
      url: `/authorities/${ctx.authority(t)}/completions/import`,
      csv: `Employee ID,Course Title,Completion Date,Role\nI${ctx.unique()},Prevent e-learning,01/02/2025,Frontline staff\n`,
    }),
    expect: EDITORS,
  },
  eraseStaffTraining: {
    targeted: true,
    request: async (ctx, t) => {
      const staffRef = `E${ctx.unique()}`;
      await ctx.setUp(t, 'POST', `/authorities/${ctx.authority(t)}/completions`, completionBody(staffRef));
      return { method: 'POST', url: `/authorities/${ctx.authority(t)}/erasures`, body: { staffRef } };
    },
    expect: { ...all(403), 'authority-lead': scoped(200, 404) },
  },
  listSessions: { targeted: true, request: async (ctx, t) => ({ method: 'GET', url: `/authorities/${ctx.authority(t)}/sessions` }), expect: READERS },
  createSession: {
    targeted: true,
    request: async (ctx, t) => ({ method: 'POST', url: `/authorities/${ctx.authority(t)}/sessions`, body: SESSION }),
    expect: created(EDITORS),
  },
  updateSession: {
    targeted: true,
    request: async (ctx, t) => {
      const session = await ctx.setUp(t, 'POST', `/authorities/${ctx.authority(t)}/sessions`, SESSION);
      return { method: 'PUT', url: `/authorities/${ctx.authority(t)}/sessions/${session.id}`, body: { ...SESSION, attendees: 21, version: session.version } };
    },
    expect: EDITORS,
  },
  trainingSummary: { targeted: true, request: async (ctx, t) => ({ method: 'GET', url: `/authorities/${ctx.authority(t)}/training-summary` }), expect: READERS },
  partnershipCoverage: { request: async () => ({ method: 'GET', url: '/training/coverage' }), expect: all(200) },
  listSops: { request: async () => ({ method: 'GET', url: '/sops' }), expect: all(200) },
  getSop: { targeted: true, request: async (ctx, t) => ({ method: 'GET', url: `/authorities/${ctx.authority(t)}/sop` }), expect: READERS },
  putSop: {
    targeted: true,
    request: async (ctx, t) => {
      const url = `/authorities/${ctx.authority(t)}/sop`;
      const { authorityId: _a, lastReviewedOn: _l, createdAt: _c, createdBy: _cb, updatedAt: _u, updatedBy: _ub, ...sop } = await ctx.asLead(t, 'GET', url);
      return { method: 'PUT', url, body: { ...sop, title: `SOP ${ctx.unique()}` } };
    },
    expect: LEAD_ONLY,
  },
  listSopVersions: { targeted: true, request: async (ctx, t) => ({ method: 'GET', url: `/authorities/${ctx.authority(t)}/sop/versions` }), expect: READERS },
  listSopReviews: { targeted: true, request: async (ctx, t) => ({ method: 'GET', url: `/authorities/${ctx.authority(t)}/sop/reviews` }), expect: READERS },
  recordSopReview: {
    targeted: true,
    request: async (ctx, t) => {
      const url = `/authorities/${ctx.authority(t)}/sop`;
      const { version } = await ctx.asLead(t, 'GET', url);
      return { method: 'POST', url: `${url}/reviews`, body: { reviewedOn: TODAY, reviewer: 'Chair', outcome: 'unchanged', minuteRef: `PSG ${ctx.unique()}`, version } };
    },
    expect: created(LEAD_ONLY),
  },
  listObligations: { targeted: true, request: async (ctx, t) => ({ method: 'GET', url: `/authorities/${ctx.authority(t)}/sop/obligations` }), expect: READERS },
  createObligation: {
    targeted: true,
    request: async (ctx, t) => ({ method: 'POST', url: `/authorities/${ctx.authority(t)}/sop/obligations`, body: OBLIGATION }),
    expect: created(LEAD_ONLY),
  },
  adoptObligationTemplate: {
    targeted: true,
    request: async (ctx, t) => ({ method: 'POST', url: `/authorities/${ctx.authority(t)}/sop/obligations/from-template` }),
    expect: LEAD_ONLY,
  },
  getObligation: {
    targeted: true,
    request: async (ctx, t) => {
      const o = await ctx.asLead(t, 'POST', `/authorities/${ctx.authority(t)}/sop/obligations`, OBLIGATION);
      return { method: 'GET', url: `/authorities/${ctx.authority(t)}/sop/obligations/${o.id}` };
    },
    expect: READERS,
  },
  updateObligation: {
    targeted: true,
    request: async (ctx, t) => {
      const o = await ctx.asLead(t, 'POST', `/authorities/${ctx.authority(t)}/sop/obligations`, OBLIGATION);
      return { method: 'PUT', url: `/authorities/${ctx.authority(t)}/sop/obligations/${o.id}`, body: { ...OBLIGATION, cadence: 'annual', version: o.version } };
    },
    expect: LEAD_ONLY,
  },
  recordObligationEvidence: {
    targeted: true,
    request: async (ctx, t) => {
      const o = await ctx.asLead(t, 'POST', `/authorities/${ctx.authority(t)}/sop/obligations`, OBLIGATION);
      return {
        method: 'PUT',
        url: `/authorities/${ctx.authority(t)}/sop/obligations/${o.id}/evidence`,
        body: { status: 'developing', evidence: { notes: 'Minuted', links: ['https://example.org/minutes'] }, evidencedOn: TODAY, version: o.version },
      };
    },
    expect: { ...all(403), 'authority-lead': scoped(200, 404), 'authority-editor': scoped(200, 404) },
  },
  listFrameworks: { request: async () => ({ method: 'GET', url: '/frameworks' }), expect: all(200) },
  addFramework: {
    request: async (ctx) => ({
      method: 'POST',
      url: '/frameworks',
      body: { id: 'matrix-framework', version: ctx.unique(), name: 'Matrix', benchmarks: [{ number: 1, title: 'T', questions: [{ id: '1.1', text: 'Q', type: 'expectation' }] }] },
    }),
    expect: { ...all(403), 'steering-group': 201 },
  },
  listItFilterAssurances: { targeted: true, request: async (ctx, t) => ({ method: 'GET', url: `/authorities/${ctx.authority(t)}/it-filter-assurances` }), expect: READERS },
  putItFilterAssurance: {
    targeted: true,
    request: async (ctx, t) => {
      const year = freshYear(ctx.authority(t));
      return { method: 'PUT', url: `/authorities/${ctx.authority(t)}/it-filter-assurances/${year}`, body: { ...ASSURANCE, version: 0 } };
    },
    expect: EDITORS,
  },
  getStatement: {
    targeted: true,
    request: async (ctx, t) => {
      const { url } = await statementIn(ctx, t, freshYear(ctx.authority(t)), 'draft');
      return { method: 'GET', url };
    },
    expect: READERS,
  },
  putStatement: {
    targeted: true,
    request: async (ctx, t) => ({ method: 'PUT', url: `/authorities/${ctx.authority(t)}/statements/${freshYear(ctx.authority(t))}`, body: { narrative: { leadership: 'x' }, version: 0 } }),
    expect: { ...all(403), 'authority-lead': scoped(200, 404), 'authority-editor': scoped(200, 404) },
  },
  submitStatement: {
    targeted: true,
    request: async (ctx, t) => {
      const { url, version } = await statementIn(ctx, t, freshYear(ctx.authority(t)), 'ready');
      return { method: 'POST', url: `${url}/submit`, body: { version } };
    },
    expect: LEAD_ONLY,
  },
  reviewStatement: {
    targeted: true,
    request: async (ctx, t) => {
      const { url, version } = await statementIn(ctx, t, freshYear(ctx.authority(t)), 'submitted');
      return { method: 'POST', url: `${url}/review`, body: { outcome: 'accept', version } };
    },
    expect: { ...all(403), 'steering-group': scoped(200, 200) },
  },
  getStatementVersion: {
    targeted: true,
    request: async (ctx, t) => {
      const { url } = await statementIn(ctx, t, freshYear(ctx.authority(t)), 'submitted');
      return { method: 'GET', url: `${url}/versions/1` };
    },
    expect: READERS,
  },
  requestStatementUpload: {
    targeted: true,
    request: async (ctx, t) => {
      const { url } = await statementIn(ctx, t, freshYear(ctx.authority(t)), 'draft');
      return { method: 'POST', url: `${url}/document/upload-url`, body: { fileName: 's.pdf', contentType: 'application/pdf', contentLength: PDF.length } };
    },
    expect: LEAD_ONLY,
  },
  attachStatementDocument: {
    targeted: true,
    request: async (ctx, t) => {
      const { url, version, key } = await uploaded(ctx, t);
      return { method: 'POST', url: `${url}/document`, body: { key, fileName: 's.pdf', version } };
    },
    expect: LEAD_ONLY,
  },
  statementDownloadUrl: {
    targeted: true,
    request: async (ctx, t) => {
      const { url, version, key } = await uploaded(ctx, t);
      await ctx.asLead(t, 'POST', `${url}/document`, { key, fileName: 's.pdf', version });
      return { method: 'GET', url: `${url}/document/download-url` };
    },
    expect: READERS,
  },
  consolidatedReport: {
    request: async () => ({ method: 'GET', url: '/reports/consolidated' }),
    expect: { ...all(403), 'steering-group': 200, 'viewer@authority': 200, 'viewer@partnership': 200 },
  },
  getStatementDeadline: { request: async () => ({ method: 'GET', url: `/statement-deadlines/${YEAR}` }), expect: all(200) },
  setStatementDeadline: {
    request: async () => ({ method: 'PUT', url: `/statement-deadlines/${YEAR}`, body: { dueOn: '2026-03-31' } }),
    expect: { ...all(403), 'steering-group': 200 },
  },
  deleteObligation: {
    targeted: true,
    request: async (ctx, t) => {
      const o = await ctx.asLead(t, 'POST', `/authorities/${ctx.authority(t)}/sop/obligations`, OBLIGATION);
      return { method: 'DELETE', url: `/authorities/${ctx.authority(t)}/sop/obligations/${o.id}?version=${o.version}` };
    },
    expect: LEAD_ONLY,
  },
  listActionPlans: { request: async () => ({ method: 'GET', url: '/action-plans' }), expect: all(200) },
  createActionPlan: {
    request: async (ctx) => ({ method: 'POST', url: '/action-plans', body: { id: `plan-${ctx.unique()}`, title: 'Plan', firstYear: '2025-26', lastYear: '2026-27', themes: THEMES } }),
    expect: { ...all(403), 'steering-group': 201 },
  },
  // One plan with an action of each of alpha's authorities: a caller bound to the council sees its own (the OPCC's canary never).
  getActionPlan: {
    request: async (ctx) => {
      const { planId } = await planWithAction(ctx, 'own');
      await ctx.setUp('own', 'POST', `/action-plans/${planId}/actions`, { themeId: 'governance', number: '2.2', action: `The ${OTHER_AUTHORITY_CANARY} action`, leadAuthorities: [ctx.alpha.authorities.b], timescale: { kind: 'ongoing' } });
      return { method: 'GET', url: `/action-plans/${planId}` };
    },
    expect: all(200),
  },
  updateActionPlan: {
    request: async (ctx) => {
      const { planId, planVersion } = await planWithAction(ctx, 'own');
      return { method: 'PUT', url: `/action-plans/${planId}`, body: { title: 'Renamed', themes: THEMES, version: planVersion } };
    },
    expect: { ...all(403), 'steering-group': 200 },
  },
  closeActionPlanYear: {
    request: async (ctx) => {
      const { planId, planVersion } = await planWithAction(ctx, 'own');
      return { method: 'POST', url: `/action-plans/${planId}/close-year`, body: { year: '2025-26', version: planVersion } };
    },
    expect: { ...all(403), 'steering-group': 200 },
  },
  createAction: {
    request: async (ctx) => {
      const { planId } = await planWithAction(ctx, 'own');
      return { method: 'POST', url: `/action-plans/${planId}/actions`, body: { themeId: 'governance', number: '2.9', action: 'New action', leadAuthorities: [ctx.alpha.authorities.a], timescale: { kind: 'ongoing' } } };
    },
    expect: { ...all(403), 'steering-group': 201 },
  },
  updateAction: {
    request: async (ctx) => {
      const { planId, actionId, version } = await planWithAction(ctx, 'own');
      return { method: 'PUT', url: `/action-plans/${planId}/actions/${actionId}`, body: { themeId: 'governance', number: '2.1', action: 'Changed', leadAuthorities: [ctx.alpha.authorities.a], timescale: { kind: 'recurring', every: 'quarterly' }, version } };
    },
    expect: { ...all(403), 'steering-group': 200 },
  },
  deleteAction: {
    request: async (ctx) => {
      const { planId, actionId, version } = await planWithAction(ctx, 'own');
      return { method: 'DELETE', url: `/action-plans/${planId}/actions/${actionId}?version=${version}` };
    },
    expect: { ...all(403), 'steering-group': 200 },
  },
  // own: an action the caller's authority leads; other: one the OPCC leads; foreign: one of beta's plans.
  recordActionProgress: {
    targeted: true,
    request: async (ctx, t) => {
      const { planId, actionId, version } = await planWithAction(ctx, t);
      return { method: 'POST', url: `/action-plans/${planId}/actions/${actionId}/progress`, body: { rag: 'amber', text: 'Terms drafted', version } };
    },
    expect: {
      'steering-group': scoped(201, 201),
      'authority-lead': scoped(201, 404),
      'authority-editor': scoped(201, 404),
      'viewer@authority': scoped(403, 403, 403),
      'viewer@partnership': scoped(403, 403, 403),
    },
  },
  // OFFICIAL-SENSITIVE: the council's lead and editor are not police (403); viewers get the suppressed totals.
  getDeliveryFigures: {
    request: async (ctx) => {
      const year = freshAssessmentYear();
      await ctx.setUp('own', 'PUT', `/delivery-figures/${year}/quarters/1`, { ...QUARTER, version: 0 });
      return { method: 'GET', url: `/delivery-figures/${year}` };
    },
    expect: { ...all(200), 'authority-lead': 403, 'authority-editor': 403 },
  },
  putDeliveryQuarter: {
    request: async () => ({ method: 'PUT', url: `/delivery-figures/${freshAssessmentYear()}/quarters/2`, body: { ...QUARTER, version: 0 } }),
    expect: { ...all(403), 'steering-group': 200 },
  },
  listAssessments: { request: async () => ({ method: 'GET', url: '/assessments' }), expect: all(200) },
  getAssessment: {
    request: async (ctx) => {
      const year = freshAssessmentYear();
      await ctx.setUp('own', 'PUT', `/assessments/${year}`, { scores: { 1: 4 }, version: 0 });
      return { method: 'GET', url: `/assessments/${year}` };
    },
    expect: all(200),
  },
  putAssessment: {
    request: async () => ({ method: 'PUT', url: `/assessments/${freshAssessmentYear()}`, body: { scores: { 1: 4, 10: 2 }, targets: { 10: 4 }, version: 0 } }),
    expect: { ...all(403), 'steering-group': 200 },
  },
  putAnnualNarrative: {
    request: async () => ({ method: 'PUT', url: `/reports/annual/${freshAssessmentYear()}/narrative`, body: { introduction: 'Intro', version: 0 } }),
    expect: { ...all(403), 'steering-group': 200 },
  },
  // The partnership's report to its board: not for one authority's users, nor a viewer bound to one.
  annualReport: { request: async () => ({ method: 'GET', url: '/reports/annual' }), expect: { ...all(403), 'steering-group': 200, 'viewer@partnership': 200 } },
};

const TODAY = new Date().toISOString().slice(0, 10);
const YEAR = '2025-26';
const ASSURANCE = { reviewedOn: '2025-06-01', assuredBy: { name: 'N', role: 'R', organisation: 'O' }, product: 'P', ctiruListApplied: true, ctiruListVersion: '2025-03', scope: ['corporate-network'], outcome: 'assured' };
/** A statement in the state a row needs, written by the target authority's lead (and reviewed by its steering group). */
async function statementIn(ctx: Ctx, t: Target, year: string, state: 'draft' | 'ready' | 'submitted') {
  const url = `/authorities/${ctx.authority(t)}/statements/${year}`;
  const questions = BUILT_IN_FRAMEWORKS[0].benchmarks.filter((b) => b.number <= (ctx.authority(t).endsWith('-opcc') ? 8 : 10)).flatMap((b) => b.questions.map((q) => q.id));
  const body = {
    ratings: Object.fromEntries(questions.map((q) => [q, { rating: 'developing' }])),
    signOff: { name: 'Lead', role: 'Lead', date: '2025-06-01', declaration: 'True and accurate.' },
  };
  const draft = await ctx.asLead(t, 'PUT', url, { ...(state === 'draft' ? {} : body), version: 0 });
  if (state !== 'submitted') return { url, version: draft.version };
  const { statement } = await ctx.asLead(t, 'POST', `${url}/submit`, { version: draft.version });
  return { url, version: statement.version };
}
const PDF = Buffer.from('%PDF-1.7 matrix fixture\n%%EOF\n');
/** A draft statement whose lead has uploaded a PDF through the presigned URL. */
async function uploaded(ctx: Ctx, t: Target) {
  const { url, version } = await statementIn(ctx, t, freshYear(ctx.authority(t)), 'draft');
  const grant = await ctx.asLead(t, 'POST', `${url}/document/upload-url`, { fileName: 's.pdf', contentType: 'application/pdf', contentLength: PDF.length });
  const put = await fetch(grant.uploadUrl, { method: 'PUT', headers: grant.headers, body: PDF });
  if (put.status !== 200) throw new Error(`upload fixture: ${put.status}`);
  return { url, version, key: grant.key as string };
}
const yearsUsed = new Map<string, number>();
/**
 * A fresh reporting year of the authority per request, so each row starts from an empty
 * statement. Past years: a statement for a year that has not started is refused.
 */
function freshYear(authorityId: string): string {
  const n = yearsUsed.get(authorityId) ?? 0;
  yearsUsed.set(authorityId, n + 1);
  const start = 1900 + n;
  // Reporting years run from 1900 (domain/shared/dates.ts) and must have started.
  if (start >= 2025) throw new Error('The matrix ran out of past reporting years');
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}
const OBLIGATION = { section: 'training-programme', commitment: 'Keep a training plan', cadence: 'quarterly', ownerRole: 'Prevent lead' };

const SESSION = { date: '2025-02-01', courseId: 'wrap', provider: 'Prevent Officer', audience: 'staff', attendees: 20, feedbackRespondents: 10, feedbackGoodOrExcellent: 9 };

let api: TestApi;
let ctx: Ctx;
/** The lead of beta's authority whose id is alpha's council's. */
let collisionLead: string;
const tokenOf: Record<Who, string> = {} as Record<Who, string>;

beforeAll(async () => {
  // Jobs are handed on and stay queued: this test is about who may start and see them.
  useLocalImportQueue({ enqueue: async () => undefined });
  api = await TestApi.create();
  const alpha = await seedPartnership(api, 'alpha');
  const beta = await seedPartnership(api, 'beta');
  // Give the other partnership users and audit events of its own, so leaks would show.
  await api.request('POST', '/users', { token: beta.tokens['steering-group'], body: { email: 'someone@beta.example', role: 'viewer' } });
  let n = 0;
  // Both partnerships' authorities get a training plan, so completions with a role are valid.
  for (const [p, ids] of [[alpha, [alpha.authorities.a, alpha.authorities.b]], [beta, [beta.authorities.a, beta.authorities.b]]] as const) {
    for (const id of ids) {
      const res = await api.request('PUT', `/authorities/${id}/training-plan`, {
        token: p.tokens['steering-group'],
        body: { version: 0, roles: [{ id: 'frontline', name: 'Frontline staff', headcount: 10, requiredCourses: ['home-office-elearning'] }] },
      });
      if (res.status !== 200) throw new Error(`plan fixture: ${res.text}`);
    }
  }
  // …and an SOP, written by each authority's lead.
  for (const [p, side] of [[alpha, 'a'], [alpha, 'b'], [beta, 'a'], [beta, 'b']] as const) {
    const res = await api.request('PUT', `/authorities/${p.authorities[side]}/sop`, {
      token: p.tokens[`authority-lead@${side}`],
      body: {
        title: 'Prevent Standard Operating Model', ownerName: 'Chief Executive', ownerRole: 'Chief Executive', sopVersion: '1.0',
        implementationDate: '2024-10-01', nextReviewDate: '2025-10-01', securityClassification: 'OFFICIAL', foiDisclosable: true,
        riskRating: 'low', equalityAnalysis: 'Low', revisions: [], version: 0,
      },
    });
    if (res.status !== 200) throw new Error(`SOP fixture: ${res.text}`);
  }
  badTokens = await mintBadTokens(api.issuer);
  // Canaries in the other authority of alpha (the OPCC), which alpha's council callers must never see.
  const opccLead = alpha.tokens['authority-lead@b'];
  for (const i of [1, 2]) {
    const res = await api.request('POST', `/authorities/${alpha.authorities.b}/completions`, { token: opccLead, body: completionBody(`${OTHER_AUTHORITY_CANARY}${i}`) });
    if (res.status !== 201) throw new Error(`canary completion: ${res.text}`);
  }
  const canaryStatement = await api.request('PUT', `/authorities/${alpha.authorities.b}/statements/${freshYear(alpha.authorities.b)}`, {
    token: opccLead,
    body: { narrative: { leadership: `The ${OTHER_AUTHORITY_CANARY} narrative` }, version: 0 },
  });
  if (canaryStatement.status !== 200) throw new Error(`canary statement: ${canaryStatement.text}`);
  // Beta reuses alpha's council id for an authority of its own, with data of its own under it: a
  // lookup that lost the tenant would find beta's record where alpha's (or nothing) is expected.
  const collision = await api.request('POST', '/authorities', {
    token: beta.tokens['steering-group'],
    body: { id: alpha.authorities.a, name: 'Collision council of Partnership beta', sector: 'local-government', type: 'district-council', preventLeadEmail: 'lead@beta.collision.example' },
  });
  if (collision.status !== 201) throw new Error(`collision authority: ${collision.text}`);
  collisionLead = await api.token({ sub: 'beta-collision-lead', tenantId: 'beta', role: 'authority-lead', authorityId: alpha.authorities.a });
  for (const [url, body] of [
    [`/authorities/${alpha.authorities.a}/training-plan`, { version: 0, roles: [{ id: 'frontline', name: 'Frontline staff', headcount: 10, requiredCourses: ['home-office-elearning'] }] }],
    [`/authorities/${alpha.authorities.a}/completions`, completionBody('beta-collision-1')],
    [`/authorities/${alpha.authorities.a}/completions`, completionBody('beta-collision-2')],
    [`/authorities/${alpha.authorities.a}/statements/${freshYear(alpha.authorities.a)}`, { narrative: { leadership: 'Partnership beta collision narrative' }, version: 0 }],
  ] as const) {
    const res = await api.request(url.endsWith('completions') ? 'POST' : 'PUT', url, { token: url.endsWith('training-plan') ? beta.tokens['steering-group'] : collisionLead, body });
    if (res.status >= 300) throw new Error(`collision fixture ${url}: ${res.text}`);
  }
  const collisionSop = await api.request('PUT', `/authorities/${alpha.authorities.a}/sop`, {
    token: collisionLead,
    body: {
      title: 'SOP of Partnership beta', ownerName: 'Beta Chief', ownerRole: 'Chief Executive', sopVersion: '9.9',
      implementationDate: '2024-10-01', nextReviewDate: '2025-10-01', securityClassification: 'OFFICIAL', foiDisclosable: true,
      riskRating: 'low', equalityAnalysis: 'Low', revisions: [], version: 0,
    },
  });
  if (collisionSop.status !== 200) throw new Error(`collision SOP: ${collisionSop.text}`);
  ctx = {
    alpha,
    beta,
    ownerToken: (t) => (t === 'foreign' ? beta : alpha).tokens['steering-group'],
    setUp: async (t, method, url, body) => {
      const res = await api.request(method, url, { token: ctx.ownerToken(t), body });
      if (res.status >= 300) throw new Error(`set-up ${method} ${url}: ${res.status} ${res.text}`);
      return res.body;
    },
    asLead: async (t, method, url, body) => {
      const token = t === 'own' ? alpha.tokens['authority-lead@a'] : t === 'other' ? alpha.tokens['authority-lead@b'] : beta.tokens['authority-lead@a'];
      const res = await api.request(method, url, { token, body });
      if (res.status >= 300) throw new Error(`set-up as lead ${method} ${url}: ${res.status} ${res.text}`);
      return res.body;
    },
    authority: (t) => (t === 'own' ? alpha.authorities.a : t === 'other' ? alpha.authorities.b : beta.authorities.a),
    version: async (id) => (await api.request('GET', `/authorities/${id}`, { token: alpha.tokens['steering-group'] })).body.version,
    unique: () => `${Date.now().toString(36)}${(n++).toString(36)}`,
  };
  tokenOf['steering-group'] = alpha.tokens['steering-group'];
  tokenOf['authority-lead'] = alpha.tokens['authority-lead@a'];
  tokenOf['authority-editor'] = alpha.tokens['authority-editor@a'];
  tokenOf['viewer@authority'] = alpha.tokens['viewer@a'];
  tokenOf['viewer@partnership'] = alpha.tokens['viewer@partnership'];
  // The fixture's callers are people with a membership each (as the sign-in trigger requires).
  await memberOf('alpha', 'alpha-sg', 'steering-group');
  await memberOf('alpha', 'alpha-authority-lead-a', 'authority-lead', alpha.authorities.a);
  await memberOf('alpha', 'alpha-authority-editor-a', 'authority-editor', alpha.authorities.a);
  await memberOf('alpha', 'alpha-viewer-a', 'viewer', alpha.authorities.a);
  await memberOf('alpha', 'alpha-viewer', 'viewer');
  await memberOf('beta', 'beta-sg', 'steering-group');
});

/** Makes `sub` a user of the partnership, through the users service (a directory that knows the person already). */
async function memberOf(tenantId: string, sub: string, role: Role, authorityId?: string) {
  const d = systemDeps();
  const directory = { ensureUser: async () => ({ userId: sub, created: false }), deleteUser: async () => undefined };
  const users = userService({ store: d.users, directory, authorities: d.authorities, clock: d.clock, ids: d.ids });
  await users.create({ tenantId, userId: `${tenantId}-sg`, role: 'steering-group' }, { email: `${sub}@${tenantId}.example`, role, authorityId });
}

/**
 * Nothing of partnership beta may appear in any answer to a caller of alpha: every identifier
 * and name of beta's fixtures contains "beta-", "beta." or "Partnership beta" (generated ids
 * have neither hyphens nor dots, so they cannot match by chance).
 */
function expectNoForeignData(text: string) {
  expect(text).not.toMatch(/beta[-.]|Partnership beta|"beta"/);
}

/** Callers whose reach is their own authority (alpha's council): the OPCC's data is not theirs. */
const BOUND_TO_ONE_AUTHORITY: Who[] = ['authority-lead', 'authority-editor', 'viewer@authority'];
/**
 * Nothing of the other authority of the same partnership (alpha's OPCC) may reach a caller bound
 * to alpha's council: its id, its name, and canaries planted in its completions, statement and
 * SOP (beforeAll). A 404 for the OPCC's URL must not echo what it refused either.
 */
const OTHER_AUTHORITY_CANARY = 'opcccanary';
function expectNoOtherAuthorityData(text: string) {
  expect(text).not.toMatch(new RegExp(`alpha-opcc|Office of the Police and Crime Commissioner|${OTHER_AUTHORITY_CANARY}`, 'i'));
}

/**
 * Tokens API Gateway's JWT authorizer refuses, each otherwise a valid steering-group token of
 * alpha (so accepting one would answer 2xx, not 403). Minted once in beforeAll.
 */
const BAD_TOKENS = ['signed with another key', 'wrong iss', 'wrong aud', 'no aud, wrong client_id', 'no aud, no client_id', 'alg none', 'alg HS256', 'no exp', 'nbf in the future', 'expired'] as const;
let badTokens: Record<(typeof BAD_TOKENS)[number], string>;
async function mintBadTokens(issuer: LocalIssuer): Promise<typeof badTokens> {
  const subject = { sub: 'alpha-sg', tenantId: 'alpha', role: 'steering-group' };
  const forger = await LocalIssuer.ephemeral();
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const claims = { sub: 'alpha-sg', 'custom:tenantId': 'alpha', 'cognito:groups': ['steering-group'], token_use: 'id', iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 3600 };
  return {
    'signed with another key': await forger.mint(subject),
    'wrong iss': await issuer.mintVariant(subject, { issuer: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_other' }),
    'wrong aud': await issuer.mintVariant(subject, { audience: 'another-app-client' }),
    'no aud, wrong client_id': await issuer.mintVariant({ ...subject, claims: { client_id: 'another-app-client' } }, { audience: null }),
    'no aud, no client_id': await issuer.mintVariant(subject, { audience: null }),
    'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`,
    // The algorithm-confusion attack: HMAC with a secret instead of the pool's ECDSA key.
    'alg HS256': await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(LOCAL_AUDIENCE.padEnd(32, '!'))),
    'no exp': await issuer.mintVariant(subject, { expiresIn: null }),
    'nbf in the future': await issuer.mintVariant(subject, { notBefore: '1h' }),
    expired: await issuer.mintVariant(subject, { expiresIn: '-1m' }),
  };
}

describe('authorization matrix', () => {
  it('has a row for every route in the API contract', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(Object.keys(ROUTES).sort());
  });

  for (const [routeId, row] of Object.entries(MATRIX) as [RouteId, Row | 'public'][]) {
    const contract = ROUTES[routeId];
    if (row === 'public') {
      it(`${routeId}: ${contract.method} ${contract.path} answers without a token`, async () => {
        const res = await api.request(contract.method, contract.path);
        expect(res.status).toBe(200);
      });
      continue;
    }

    for (const who of WHO) {
      const targets: Target[] = row.targeted ? TARGETS : ['own'];
      for (const target of targets) {
        const expected = typeof row.expect[who] === 'number' ? (row.expect[who] as number) : (row.expect[who] as Record<Target, number>)[target];
        const label = row.targeted ? `${who} → ${target} authority` : who;
        it(`${routeId}: ${label} → ${expected}`, async () => {
          const req = await row.request(ctx, target);
          const res = await api.request(req.method, req.url, { token: tokenOf[who], body: req.body, rawBody: req.csv, headers: req.csv ? { 'content-type': 'text/csv' } : undefined });
          expect(res.status, res.text).toBe(expected);
          expectNoForeignData(res.text);
          if (BOUND_TO_ONE_AUTHORITY.includes(who)) expectNoOtherAuthorityData(res.text);
        });
      }
    }

    it(`${routeId}: no token or a bad token (${BAD_TOKENS.join(', ')}) → 401, token without a partnership → 403`, async () => {
      const req = await row.request(ctx, 'own');
      expect((await api.request(req.method, req.url, { body: req.body })).status).toBe(401);

      // Each bad token is a steering-group token of alpha in every other respect: accepted, it would pass.
      for (const [name, token] of Object.entries(badTokens)) {
        const res = await api.request(req.method, req.url, { token, body: req.body });
        expect(res.status, `${name} token: ${res.text}`).toBe(401);
      }

      const noTenant = await api.token({ sub: 'x', role: 'steering-group' });
      const res = await api.request(req.method, req.url, { token: noTenant, body: req.body });
      expect(res.status).toBe(403);
      expectNoForeignData(res.text);

      const noRole = await api.token({ sub: 'x', tenantId: 'alpha' });
      expect((await api.request(req.method, req.url, { token: noRole, body: req.body })).status).toBe(403);

      const twoRoles = await api.token({ sub: 'x', tenantId: 'alpha', claims: { 'cognito:groups': ['viewer', 'steering-group'] } });
      expect((await api.request(req.method, req.url, { token: twoRoles, body: req.body })).status).toBe(403);

      const leadWithoutAuthority = await api.token({ sub: 'x', tenantId: 'alpha', role: 'authority-lead' });
      expect((await api.request(req.method, req.url, { token: leadWithoutAuthority, body: req.body })).status).toBe(403);
    });
  }
});

describe('the local authorizer is API Gateway’s', () => {
  it('takes client_id for the audience when a token has no aud (a Cognito access token), as API Gateway does', async () => {
    const access = await api.issuer.mintVariant({ sub: 'alpha-sg', tenantId: 'alpha', role: 'steering-group', claims: { client_id: LOCAL_AUDIENCE, token_use: 'access' } }, { audience: null });
    expect((await api.request('GET', '/me', { token: access })).status).toBe(200);
  });
});

describe('ids in paths and bodies never widen access', () => {
  it('an authority-scoped caller sees only its own authority in lists', async () => {
    const res = await api.request('GET', '/authorities', { token: tokenOf['authority-editor'] });
    expect(res.body.items.map((a: { id: string }) => a.id)).toEqual([ctx.alpha.authorities.a]);
  });

  it('the steering group lists its own partnership only', async () => {
    const res = await api.request('GET', '/authorities', { token: tokenOf['steering-group'] });
    const ids = res.body.items.map((a: { id: string }) => a.id);
    expect(ids).toEqual(expect.arrayContaining([ctx.alpha.authorities.a, ctx.alpha.authorities.b]));
    expect(ids.every((id: string) => !id.startsWith('beta'))).toBe(true);
  });

  it('a tenant id in the body is ignored: the record lands in the caller’s partnership', async () => {
    const res = await api.request('POST', '/authorities', {
      token: ctx.beta.tokens['steering-group'],
      body: { id: 'smuggled', tenantId: 'alpha', name: 'Smuggled', sector: 'police', type: 'police-force' },
    });
    expect(res.status).toBe(201);
    expect((await api.request('GET', '/authorities/smuggled', { token: tokenOf['steering-group'] })).status).toBe(404);
    expect((await api.request('GET', '/authorities/smuggled', { token: ctx.beta.tokens['steering-group'] })).status).toBe(200);
  });

  it('a user cannot be placed in an authority of another partnership', async () => {
    const res = await api.request('POST', '/users', {
      token: tokenOf['steering-group'],
      body: { email: 'cross@example.org', role: 'authority-lead', authorityId: ctx.beta.authorities.a },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.errors[0].path).toBe('authorityId');
  });

  it('an audit cursor of another partnership is refused', async () => {
    const foreign = await api.request('GET', '/audit?limit=1', { token: ctx.beta.tokens['steering-group'] });
    expect(foreign.body.nextCursor).toBeTruthy();
    const res = await api.request('GET', `/audit?limit=1&cursor=${foreign.body.nextCursor}`, { token: tokenOf['steering-group'] });
    expect(res.status).toBe(400);
    expectNoForeignData(res.text);
  });
});

describe('memberships never cross people or partnerships', () => {
  it('a partnership the caller does not belong to is a 404 that writes nothing, whether it exists or not', async () => {
    const identities = identityRepository(dynamo());
    expect((await api.request('PUT', '/me/partnership', { token: tokenOf['viewer@partnership'], body: { tenantId: 'alpha' } })).status).toBe(200);
    const before = await identities.choice('alpha-viewer');
    expect(before?.tenantId).toBe('alpha');
    const exists = await api.request('PUT', '/me/partnership', { token: tokenOf['viewer@partnership'], body: { tenantId: 'beta' } });
    const missing = await api.request('PUT', '/me/partnership', { token: tokenOf['viewer@partnership'], body: { tenantId: 'nowhere-shire' } });
    expect([exists.status, missing.status]).toEqual([404, 404]);
    expect(exists.body).toEqual(missing.body);
    expect(await identities.choice('alpha-viewer')).toEqual(before);
    // A person who never chose gets no choice from a refusal either.
    await memberOf('alpha', 'fresh-person', 'viewer');
    const fresh = await api.token({ sub: 'fresh-person', tenantId: 'alpha', role: 'viewer' });
    expect((await api.request('PUT', '/me/partnership', { token: fresh, body: { tenantId: 'beta' } })).status).toBe(404);
    expect(await identities.choice('fresh-person')).toBeUndefined();
  });

  it('lists only the caller’s own memberships: a person in both partnerships sees both, no one else sees theirs', async () => {
    await memberOf('alpha', 'both-person', 'viewer');
    await memberOf('beta', 'both-person', 'authority-lead', ctx.beta.authorities.a);
    const both = await api.token({ sub: 'both-person', tenantId: 'alpha', role: 'viewer' });
    const mine = await api.request('GET', '/me/memberships', { token: both });
    expect(mine.body.items).toEqual([
      { tenantId: 'alpha', partnershipName: 'Partnership alpha', role: 'viewer', current: true },
      { tenantId: 'beta', partnershipName: 'Partnership beta', role: 'authority-lead', authorityId: ctx.beta.authorities.a, authorityName: 'Riverside District Council', current: false },
    ]);
    for (const who of WHO) {
      const res = await api.request('GET', '/me/memberships', { token: tokenOf[who] });
      expect(res.body.items.map((m: { tenantId: string }) => m.tenantId), who).toEqual(['alpha']);
      expectNoForeignData(res.text);
    }
  });
});

describe('ids that exist in both partnerships, and keys, cursors and IT providers as inputs', () => {
  const council = () => ctx.alpha.authorities.a;

  it('an authority id both partnerships use resolves in the caller’s partnership only, both ways', async () => {
    const mine = await api.request('GET', `/authorities/${council()}`, { token: tokenOf['steering-group'] });
    const theirs = await api.request('GET', `/authorities/${council()}`, { token: ctx.beta.tokens['steering-group'] });
    // (The matrix's updateAuthority rows rename our council as they go; beta's keeps its name.)
    expect(mine.status).toBe(200);
    expectNoForeignData(mine.text);
    expect(theirs.body.name).toBe('Collision council of Partnership beta');
    for (const path of ['sop', 'completions', 'training-plan', 'statements/1900-01']) {
      const ours = await api.request('GET', `/authorities/${council()}/${path}`, { token: tokenOf['authority-lead'] });
      expectNoForeignData(ours.text);
      const beta = await api.request('GET', `/authorities/${council()}/${path}`, { token: collisionLead });
      expect(beta.text, path).not.toMatch(/alpha-sg|alpha-authority|Prevent Standard Operating Model/);
    }
    const report = await api.request('GET', '/reports/consolidated', { token: ctx.beta.tokens['steering-group'] });
    expect(report.text).not.toMatch(/alpha-opcc|alpha-sg/);
    expect(report.body.rows.filter((r: { authorityId: string }) => r.authorityId === council()).map((r: { name: string }) => r.name)).toEqual(['Collision council of Partnership beta']);
  });

  it('a completions cursor of the other authority, or of the same authority id in the other partnership, is refused', async () => {
    const other = await api.request('GET', `/authorities/${ctx.alpha.authorities.b}/completions?limit=1`, { token: tokenOf['steering-group'] });
    const foreign = await api.request('GET', `/authorities/${council()}/completions?limit=1`, { token: collisionLead });
    expect([other.body.nextCursor, foreign.body.nextCursor].every(Boolean)).toBe(true);
    for (const cursor of [other.body.nextCursor, foreign.body.nextCursor]) {
      for (const who of WHO) {
        const res = await api.request('GET', `/authorities/${council()}/completions?limit=1&cursor=${cursor}`, { token: tokenOf[who] });
        expect(res.status, `${who}: ${res.text}`).toBe(400);
        expectNoForeignData(res.text);
        expectNoOtherAuthorityData(res.text);
      }
    }
  });

  it('a document key issued to another authority, or to the same authority id in the other partnership, cannot be attached', async () => {
    const year = freshYear(council());
    const url = `/authorities/${council()}/statements/${year}`;
    const draft = await api.request('PUT', url, { token: tokenOf['authority-lead'], body: { version: 0 } });
    expect(draft.status).toBe(200);
    // Keys issued for real uploads: alpha's OPCC, and beta's authority with our council's id (same year).
    const grant = async (token: string, authorityId: string) => {
      const y = `/authorities/${authorityId}/statements/${year}`;
      await api.request('PUT', y, { token, body: { version: 0 } });
      const g = await api.request('POST', `${y}/document/upload-url`, { token, body: { fileName: 's.pdf', contentType: 'application/pdf', contentLength: PDF.length } });
      expect(g.status, g.text).toBe(200);
      expect((await fetch(g.body.uploadUrl, { method: 'PUT', headers: g.body.headers, body: PDF })).status).toBe(200);
      return g.body.key as string;
    };
    const keysTried = [await grant(ctx.alpha.tokens['authority-lead@b'], ctx.alpha.authorities.b), await grant(collisionLead, council())];
    for (const key of [...keysTried, `alpha/${council()}/${year}/../../../beta/${council()}/x.pdf`]) {
      const res = await api.request('POST', `${url}/document`, { token: tokenOf['authority-lead'], body: { key, fileName: 's.pdf', version: draft.body.version } });
      expect(res.status, `${key}: ${res.text}`).toBe(400);
    }
    expect((await api.request('GET', `${url}/document/download-url`, { token: tokenOf['authority-lead'] })).status).toBe(404);
  });

  it('an import upload key of another authority or partnership cannot start an import', async () => {
    const upload = async (token: string, authorityId: string) =>
      (await api.request('POST', `/authorities/${authorityId}/imports/uploads`, { token, body: { contentType: 'text/csv', contentLength: 100 } })).body.key as string;
    for (const key of [await upload(ctx.alpha.tokens['authority-lead@b'], ctx.alpha.authorities.b), await upload(collisionLead, council())]) {
      const res = await api.request('POST', `/authorities/${council()}/imports`, { token: tokenOf['authority-lead'], body: { key } });
      expect(res.status, `${key}: ${res.text}`).toBe(400);
      expectNoForeignData(res.text);
    }
  });

  it('an IT provider must be an authority of the caller’s own partnership', async () => {
    const body = (itProvidedBy: string, version: number) => ({ name: 'Riverside District Council', sector: 'local-government', type: 'district-council', itProvidedBy, version });
    const version = await ctx.version(council());
    // beta's own ids (only in beta) are refused; so is an id alpha has only as its own.
    const res = await api.request('PUT', `/authorities/${council()}`, { token: tokenOf['steering-group'], body: body(ctx.beta.authorities.b, version) });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.errors[0].path).toBe('itProvidedBy');
    const fromBeta = await api.request('POST', '/authorities', {
      token: ctx.beta.tokens['steering-group'],
      body: { id: `beta-it-${ctx.unique()}`, name: 'Beta school', sector: 'education-childcare', type: 'fe-college', itProvidedBy: ctx.alpha.authorities.b },
    });
    expect(fromBeta.status, fromBeta.text).toBe(400);
    expect(fromBeta.body.error.errors[0].path).toBe('itProvidedBy');
    expect(await ctx.version(council())).toBe(version);
  });

  it('under the handlers, a partnership’s DynamoDB client refuses a key of another partnership before it is sent', async () => {
    const alphaClient = tenantDynamo('alpha');
    await expect(alphaClient.doc.send(new GetCommand({ TableName: alphaClient.tableName, Key: keys.authority('beta', council()) }))).rejects.toThrow(/Tenant guard refused/);
    const own = await alphaClient.doc.send(new GetCommand({ TableName: alphaClient.tableName, Key: keys.authority('alpha', council()) }));
    expect(own.Item?.name).not.toMatch(/beta/);
    expect(own.Item?.id).toBe(council());
  });
});
