import * as z from 'zod';
import { AuditEvent, AuditQuery } from '../domain/audit/audit';
import { Authority, CreateAuthority, UpdateAuthority } from '../domain/authorities/authority';
import { EntityId } from '../domain/shared/ids';
import { IsoDate, ReportingYear } from '../domain/shared/dates';
import { wholeNumber } from '../domain/shared/query';
import { Role, type Role as RoleT } from '../domain/shared/identity';
import { CreateUser, People, User } from '../domain/users/user';
import { ChoosePartnership, MembershipView } from '../domain/users/membership';
import { PutSettings, SettingsView } from '../domain/partnerships/partnership';
import { Course, CreateCourse, UpdateCourse } from '../domain/training/courses';
import { PutPlan, TrainingPlan } from '../domain/training/plan';
import { ImportMapping, PutImportMapping } from '../domain/training/import-mapping';
import { Completion, CompletionInput, EraseStaff } from '../domain/training/completions';
import { CompletionQuery, SearchCompletions } from '../domain/training/service';
import { IMPORT_ENCODINGS, IMPORT_FILE_TYPES, MAX_JOB_BYTES, MAX_JOB_ROWS } from '../domain/training/import-format';
import { RequestImportUpload, StartImport } from '../domain/training/import-job';
import { Session, SessionFields } from '../domain/training/sessions';
import { Assurance, PutAssurance } from '../domain/itfilter/assurance';
import { Framework } from '../domain/statements/frameworks';
import { AttachDocument, RequestUpload, StatementDocument } from '../domain/statements/document';
import { PutStatement, ReviewStatement, Statement, StatementVersion, SubmitStatement } from '../domain/statements/statement';
import { ConsolidatedReport } from '../domain/reports/report';
import { ReportQuery } from '../domain/reports/service';
import { Action, ActionPlan, CloseYear, CreateAction, CreatePlan, RecordProgress, UpdateAction, UpdatePlan } from '../domain/actionplan/plan';
import { Assessment, PutAssessment } from '../domain/assessment/assessment';
import { PublishedFigures, PutQuarter, Quarter } from '../domain/delivery/figures';
import { AnnualReport, PutNarrative, StoredNarrative } from '../domain/reports/annual';
import { Obligation, ObligationFields, PutSop, RecordEvidence, RecordReview, Sop, SopReview, UpdateObligation } from '../domain/sop/sop';

/**
 * The API contract: every route, once. The CDK stack wires API Gateway routes from it,
 * the local server dispatches with it, the OpenAPI document is generated from it, and
 * the authorization matrix test fails if a route here has no row.
 *
 * Handlers are grouped into one Lambda function per resource group (see README).
 */
export const GROUPS = {
  // No table access but the readiness probe: one GetItem of the `HEALTH` key (infra/stack.ts).
  public: { entry: 'functions/handlers/public.ts', table: 'none', readiness: true },
  me: { entry: 'functions/handlers/me.ts', table: 'RO' },
  authorities: { entry: 'functions/handlers/authorities.ts', table: 'RW' },
  users: { entry: 'functions/handlers/users.ts', table: 'RW' },
  audit: { entry: 'functions/handlers/audit.ts', table: 'RO' },
  partnership: { entry: 'functions/handlers/partnership.ts', table: 'RW' },
  // The synchronous CSV import parses and writes up to 20,000 rows: more memory (and so CPU), and
  // close to API Gateway's 30-second integration limit. Larger files go through the imports bucket
  // and queue to the import worker (functions/jobs/import-worker.ts), which has 15 minutes per run.
  training: { entry: 'functions/handlers/training.ts', table: 'RW', memoryMB: 1024, timeoutSeconds: 29, imports: true },
  sop: { entry: 'functions/handlers/sop.ts', table: 'RW' },
  assurance: { entry: 'functions/handlers/assurance.ts', table: 'RW', documents: true },
  reports: { entry: 'functions/handlers/reports.ts', table: 'RO' },
  // The steering group's own records: the action plan, delivery figures, Home Office assessments, the annual report's narrative.
  steering: { entry: 'functions/handlers/steering.ts', table: 'RW' },
  // A person's partnerships and their choice among them: the one API group that reads across
  // partnerships, only the caller's own memberships (by the token's subject). `identity` gives
  // it no partnership's data at all: only the identity items, the membership index and the
  // partnership and authority names (infra/constructs/sign-in-trigger.ts grants exactly that).
  identity: { entry: 'functions/handlers/identity.ts', table: 'identity' },
} as const satisfies Record<string, { entry: string; table: 'none' | 'RO' | 'RW' | 'identity'; memoryMB?: number; timeoutSeconds?: number; documents?: boolean; imports?: boolean; readiness?: boolean }>;
export type GroupName = keyof typeof GROUPS;

/** A group's Lambda size and time limit, with the defaults every group gets. */
export function groupLimits(group: GroupName): { memoryMB: number; timeoutSeconds: number } {
  const spec = GROUPS[group] as { memoryMB?: number; timeoutSeconds?: number };
  return { memoryMB: spec.memoryMB ?? 512, timeoutSeconds: spec.timeoutSeconds ?? 10 };
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteContract {
  method: Method;
  path: string;
  group: GroupName;
  /** `none` only for /health and /openapi.json; everything else sits behind the JWT authorizer. */
  auth: 'jwt' | 'none';
  summary: string;
  /** Roles that may call the route at all; finer rules (own authority) live in the domain. */
  roles?: readonly RoleT[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Other representations the route can answer with (chosen by a `format` query parameter). */
  produces?: readonly string[];
  /**
   * `text/csv` marks a file body: it reaches the route as bytes (a Buffer, base64-decoded
   * when API Gateway encoded it), whichever of `fileTypes` it was sent as. Everything else is JSON.
   */
  bodyContentType?: 'application/json' | 'text/csv';
  /** The content types a file body is accepted as (documented in the OpenAPI document). */
  fileTypes?: readonly string[];
  response: z.ZodType;
  status?: number;
  /**
   * A create: accepts an `Idempotency-Key` header, and a retry with the same key and body within
   * 24 hours gets the first answer back without writing again (functions/shared/http.ts).
   * Every POST answering 201 or 202 must say true or false (test/integration/idempotency.test.ts
   * fails otherwise), so a new create route cannot join without deciding.
   */
  idempotent?: boolean;
}

const ALL_ROLES = Role.options;
const IdParam = z.object({ id: EntityId });
const Health = z.object({ status: z.literal('ok'), time: z.string() });
const Readiness = Health.extend({
  checks: z.object({ table: z.literal('ok').describe('A read of the table answered') }),
});
const Me = z.object({
  tenantId: z.string(),
  partnershipName: z.string().optional(),
  userId: z.string(),
  role: Role,
  authorityId: z.string().optional(),
  authorityName: z.string().optional(),
});
const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().optional().describe('Pass as `cursor` for the next page') });

const AuthorityParam = z.object({ id: EntityId.describe('Authority id') });
const ObligationParam = AuthorityParam.extend({ obligationId: EntityId });
const YearParam = z.object({ year: ReportingYear });
const AuthorityYearParam = AuthorityParam.extend(YearParam.shape);
const YearQuery = z.object({ year: ReportingYear.optional().describe('UK financial year, e.g. 2024-25; default: the current one') });
const DateRange = z
  .object({ from: IsoDate.optional(), to: IsoDate.optional() })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'on or after `from`' });
const RoleCoverage = z.object({
  roleId: z.string(), name: z.string(), headcount: z.number(), staffRecorded: z.number(), covered: z.number(),
  coverage: z.number().nullable(), meetsTarget: z.boolean(),
});
const CoverageTotal = z.object({ headcount: z.number(), covered: z.number(), coverage: z.number().nullable(), meetsTarget: z.boolean() });
const Coverage = z.object({
  authorityId: z.string(), asOf: z.string(), target: z.number(), roles: z.array(RoleCoverage), total: CoverageTotal, staffWithoutRole: z.number(),
});
const TrainingSummary = z.object({
  authorityId: z.string(),
  year: z.string(),
  asAt: z.string().describe('The date the figures are taken at: the last day of a past year, today for the current one'),
  coverage: Coverage,
  completions: z.number(),
  peopleTrained: z.number(),
  courses: z.array(z.object({ courseId: z.string(), completions: z.number(), people: z.number() })),
  sessions: z.object({
    count: z.number(), attendees: z.number(), feedbackRespondents: z.number(), feedbackGoodOrExcellent: z.number(), feedbackShare: z.number().nullable(),
  }),
  refreshersOverdue: z.number(),
  refreshersDueWithin60Days: z.number(),
});
/** A file body: the bytes as sent (absent when nothing was sent, which the importer refuses in words). */
const FileBody = z.custom<Uint8Array | undefined>((v) => v === undefined || v instanceof Uint8Array, { message: 'Send the file itself as the request body.' });
const ImportResult = z.object({
  importId: z.string(),
  rows: z.number().describe('Data rows in the file (header and any title rows above it excluded)'),
  imported: z.number().describe('New completions stored'),
  duplicates: z.number().describe('Rows already recorded (same staff reference, course and date)'),
  rejected: z.array(z.object({ line: z.number().describe('Line in the file (row in a spreadsheet), counted from the top of the file'), reasons: z.array(z.string()) })),
  format: z.enum(['csv', 'xlsx']).describe('How the file was read'),
  encoding: z.enum([...IMPORT_ENCODINGS, 'utf-16be']).optional().describe('CSV: the text encoding the file was read with'),
  delimiter: z.string().optional().describe('CSV: the field separator found (comma, semicolon, tab or pipe)'),
  headerLine: z.number().describe('Line (or row) of the header; 1 unless title rows sit above it'),
  columnsUsed: z.record(z.string(), z.string()).describe('Header in the file → the field it was read as'),
  columnsIgnored: z.array(z.string()).describe('Headers of the file that no field uses'),
  rowsWithoutRole: z.number().describe('Rows imported without a plan role (map a job-title column to `role` to give them one)'),
});

const ImportJob = z.object({
  importId: z.string(),
  authorityId: z.string(),
  status: z.enum(['queued', 'running', 'interrupted', 'completed', 'failed']).describe('`interrupted`: the worker stopped; the job resumes from its last checkpoint (the queue retries it, or POST …/resume)'),
  via: z.enum(['request', 'upload']).describe('`request`: the file came with POST …/completions/import; `upload`: a job over an uploaded file'),
  rows: z.number().describe('Data rows in the file (0 until the worker has read it)'),
  rowsDone: z.number().describe('Rows stored or checked so far (progress: rowsDone of rows)'),
  imported: z.number().describe('New completions stored'),
  duplicates: z.number().describe('Rows already recorded (same staff reference, course and date)'),
  rejectedCount: z.number(),
  rejected: z.array(z.object({ line: z.number(), reasons: z.array(z.string()) })).describe('The first 1,000 rejected rows: line and reasons (naming the column, never a cell)'),
  format: z.enum(['csv', 'xlsx']).optional(),
  encoding: z.enum([...IMPORT_ENCODINGS, 'utf-16be']).optional(),
  delimiter: z.string().optional(),
  headerLine: z.number().optional(),
  columnsUsed: z.record(z.string(), z.string()).optional(),
  columnsIgnored: z.array(z.string()).optional(),
  rowsWithoutRole: z.number().optional(),
  error: z.object({ message: z.string(), errors: z.array(z.object({ path: z.string(), message: z.string() })).optional() }).optional().describe('Why a failed import failed (a file-level problem: columns, encoding, limits)'),
  attempts: z.number().describe('How many times a worker took the job'),
  requestedBy: z.string().optional().describe('The user who started the import (their name is in `people` where the route gives it)'),
  requestedByRole: Role.optional(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
});
/**
 * 100000 → "100,000", as toLocaleString('en-GB') writes it: without Intl, whose first use with a
 * locale (here, while the contract is built in every function) costs several ms of a cold start.
 */
const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

const ImportParam = AuthorityParam.extend({ importId: EntityId });
const PlanParam = z.object({ planId: EntityId.describe('Action plan id, e.g. 2025-2027') });
const ActionParam = PlanParam.extend({ actionId: EntityId });

function route<const R extends RouteContract>(r: R): R {
  return r;
}

export const ROUTES = {
  health: route({
    method: 'GET', path: '/health/live', group: 'public', auth: 'none',
    summary: 'Liveness: the function answers. Touches nothing else, so it stays 200 while the database is down (use it to restart a dead process, not to route traffic)',
    response: Health,
  }),
  ready: route({
    method: 'GET', path: '/health/ready', group: 'public', auth: 'none',
    summary: 'Readiness: the function reaches the table (one small read). 503 with Retry-After when it cannot: use it for uptime monitors and traffic decisions',
    response: Readiness,
  }),
  openapi: route({
    method: 'GET', path: '/openapi.json', group: 'public', auth: 'none',
    summary: 'This OpenAPI document', response: z.record(z.string(), z.unknown()),
  }),
  me: route({
    method: 'GET', path: '/me', group: 'me', auth: 'jwt', roles: ALL_ROLES,
    summary: 'Who the token says you are', response: Me,
  }),
  listMemberships: route({
    method: 'GET', path: '/me/memberships', group: 'identity', auth: 'jwt', roles: ALL_ROLES,
    summary: 'The partnerships you belong to (your own memberships only), and which one this token acts for',
    response: z.object({ items: z.array(MembershipView) }),
  }),
  choosePartnership: route({
    method: 'PUT', path: '/me/partnership', group: 'identity', auth: 'jwt', roles: ALL_ROLES,
    summary: 'Act for another of your partnerships: recorded for your next token (sign in again or refresh it); 404 for a partnership you do not belong to',
    body: ChoosePartnership, response: MembershipView,
  }),
  listAuthorities: route({
    method: 'GET', path: '/authorities', group: 'authorities', auth: 'jwt', roles: ALL_ROLES,
    summary: 'Authorities you can see (all of the partnership for the steering group)',
    response: z.object({ items: z.array(Authority) }),
  }),
  createAuthority: route({
    method: 'POST', path: '/authorities', group: 'authorities', auth: 'jwt', idempotent: true, roles: ['steering-group'],
    summary: 'Add an authority to the partnership', body: CreateAuthority, response: Authority, status: 201,
  }),
  getAuthority: route({
    method: 'GET', path: '/authorities/{id}', group: 'authorities', auth: 'jwt', roles: ALL_ROLES,
    summary: 'One authority', params: IdParam, response: Authority,
  }),
  updateAuthority: route({
    method: 'PUT', path: '/authorities/{id}', group: 'authorities', auth: 'jwt', roles: ['steering-group', 'authority-lead'],
    summary: 'Replace an authority’s details (steering group, or the authority’s own lead)',
    params: IdParam, body: UpdateAuthority, response: Authority,
  }),
  listUsers: route({
    method: 'GET', path: '/users', group: 'users', auth: 'jwt', roles: ['steering-group'],
    summary: 'Users of the partnership', response: z.object({ items: z.array(User) }),
  }),
  createUser: route({
    method: 'POST', path: '/users', group: 'users', auth: 'jwt', idempotent: true, roles: ['steering-group'],
    summary: 'Invite a person to the partnership with one role: a membership of their one identity, made for them if they have none (the answer is the same either way; 409 only if they are already a user of this partnership)', body: CreateUser, response: User, status: 201,
  }),
  listAudit: route({
    method: 'GET', path: '/audit', group: 'audit', auth: 'jwt', roles: ['steering-group'],
    summary: 'The partnership’s audit trail, newest first', query: AuditQuery, response: pageOf(AuditEvent),
  }),
  getSettings: route({
    method: 'GET', path: '/settings', group: 'partnership', auth: 'jwt', roles: ALL_ROLES,
    summary: 'The partnership’s settings (coverage target, retention)', response: SettingsView,
  }),
  putSettings: route({
    method: 'PUT', path: '/settings', group: 'partnership', auth: 'jwt', roles: ['steering-group'],
    summary: 'Change the partnership’s settings', body: PutSettings, response: SettingsView,
  }),
  listCourses: route({
    method: 'GET', path: '/courses', group: 'training', auth: 'jwt', roles: ALL_ROLES,
    summary: 'The partnership’s course catalogue', response: z.object({ items: z.array(Course) }),
  }),
  createCourse: route({
    method: 'POST', path: '/courses', group: 'training', auth: 'jwt', idempotent: true, roles: ['steering-group'],
    summary: 'Add a course to the catalogue', body: CreateCourse, response: Course, status: 201,
  }),
  updateCourse: route({
    method: 'PUT', path: '/courses/{id}', group: 'training', auth: 'jwt', roles: ['steering-group'],
    summary: 'Change a course (level, refresher interval, aliases)', params: IdParam, body: UpdateCourse, response: Course,
  }),
  getTrainingPlan: route({
    method: 'GET', path: '/authorities/{id}/training-plan', group: 'training', auth: 'jwt', roles: ALL_ROLES,
    summary: 'Which roles need which training, with headcounts', params: AuthorityParam, response: TrainingPlan.partial({ createdAt: true, createdBy: true, updatedAt: true, updatedBy: true }).extend({ version: z.number().int() }),
  }),
  putTrainingPlan: route({
    method: 'PUT', path: '/authorities/{id}/training-plan', group: 'training', auth: 'jwt', roles: ['steering-group', 'authority-lead', 'authority-editor'],
    summary: 'Replace the authority’s training plan', params: AuthorityParam, body: PutPlan, response: TrainingPlan,
  }),
  listCompletions: route({
    method: 'GET', path: '/authorities/{id}/completions', group: 'training', auth: 'jwt', roles: ALL_ROLES,
    summary: 'Completions, filtered by course, role, date range or refreshers due within N days; paged',
    params: AuthorityParam, query: CompletionQuery, response: pageOf(Completion),
  }),
  searchCompletions: route({
    method: 'POST', path: '/authorities/{id}/completions/search', group: 'training', auth: 'jwt', roles: ALL_ROLES,
    summary: 'Every completion of one staff reference, current and superseded, newest first (the reference goes in the body, never in a URL)',
    params: AuthorityParam, body: SearchCompletions, response: z.object({ items: z.array(Completion) }),
  }),
  recordCompletion: route({
    method: 'POST', path: '/authorities/{id}/completions', group: 'training', auth: 'jwt', idempotent: true, roles: ['steering-group', 'authority-lead', 'authority-editor'],
    summary: 'Record one completion', params: AuthorityParam, body: CompletionInput, response: Completion, status: 201,
  }),
  importCompletions: route({
    method: 'POST', path: '/authorities/{id}/completions/import', group: 'training', auth: 'jwt', roles: ['steering-group', 'authority-lead', 'authority-editor'],
    summary: 'Import completions from a learning system’s export sent as the request body, inline: CSV (any separator; UTF-8, UTF-16 or Windows-1252) or .xlsx (columns in the README; at most 5 MB and 20,000 rows — larger files go through POST …/imports/uploads as a job)',
    params: AuthorityParam,
    query: z.object({
      fileName: z.string().max(200).optional().describe('Accepted for older clients and ignored: file names can name people, so none is kept'),
      encoding: z.enum(IMPORT_ENCODINGS).optional().describe('The text encoding of a CSV without a byte-order mark; default: UTF-8 if the bytes are valid UTF-8, else Windows-1252'),
    }),
    body: FileBody, bodyContentType: 'text/csv', fileTypes: IMPORT_FILE_TYPES, response: ImportResult,
  }),
  requestImportUpload: route({
    method: 'POST', path: '/authorities/{id}/imports/uploads', group: 'training', auth: 'jwt',
    // Writes nothing: a repeat only signs another short-lived upload URL (and a saved answer
    // would replay a URL past its expiry), so it needs no key.
    idempotent: false, roles: ['steering-group', 'authority-lead', 'authority-editor'],
    summary: `Step 1 of an import job: a presigned URL to PUT the file to (type and size signed into it; at most ${MAX_JOB_BYTES / 1024 / 1024} MB and ${thousands(MAX_JOB_ROWS)} rows)`,
    params: AuthorityParam, body: RequestImportUpload,
    response: z.object({ key: z.string(), uploadUrl: z.string(), method: z.literal('PUT'), headers: z.record(z.string(), z.string()), expiresInSeconds: z.number() }), status: 201,
  }),
  startImport: route({
    method: 'POST', path: '/authorities/{id}/imports', group: 'training', auth: 'jwt', idempotent: true, roles: ['steering-group', 'authority-lead', 'authority-editor'],
    summary: 'Step 2: import the uploaded file as a job (202; follow it with GET …/imports/{importId})',
    params: AuthorityParam, body: StartImport, response: ImportJob, status: 202,
  }),
  listImports: route({
    method: 'GET', path: '/authorities/{id}/imports', group: 'training', auth: 'jwt', roles: ALL_ROLES,
    summary: 'The authority’s imports, newest first (the latest 100)', params: AuthorityParam, response: z.object({ items: z.array(ImportJob), people: People }),
  }),
  getImport: route({
    method: 'GET', path: '/authorities/{id}/imports/{importId}', group: 'training', auth: 'jwt', roles: ALL_ROLES,
    summary: 'An import’s status and progress (rows done of rows), and its result', params: ImportParam, response: ImportJob.extend({ people: People }),
  }),
  resumeImport: route({
    method: 'POST', path: '/authorities/{id}/imports/{importId}/resume', group: 'training', auth: 'jwt',
    // Creates nothing: a repeat finds the job already handed over (409 not_resumable) or running.
    idempotent: false, roles: ['steering-group', 'authority-lead', 'authority-editor'],
    summary: 'Hand an interrupted import job to the workers again (it carries on from its last checkpoint)', params: ImportParam, response: ImportJob, status: 202,
  }),
  getImportMapping: route({
    method: 'GET', path: '/authorities/{id}/import-mapping', group: 'training', auth: 'jwt', roles: ALL_ROLES,
    summary: 'The authority’s saved import mapping (headers → fields, file values → plan roles and delivery modes); empty at version 0 if none',
    params: AuthorityParam, response: ImportMapping.partial({ createdAt: true, createdBy: true, updatedAt: true, updatedBy: true }).extend({ version: z.number().int() }),
  }),
  putImportMapping: route({
    method: 'PUT', path: '/authorities/{id}/import-mapping', group: 'training', auth: 'jwt', roles: ['steering-group', 'authority-lead', 'authority-editor'],
    summary: 'Save the import mapping every import of the authority applies (explicit columns win over the built-in header names)',
    params: AuthorityParam, body: PutImportMapping, response: ImportMapping,
  }),
  eraseStaffTraining: route({
    method: 'POST', path: '/authorities/{id}/erasures', group: 'training', auth: 'jwt', roles: ['authority-lead'],
    summary: 'Erase every training record of one staff reference (data subject request); the reference goes in the body, never in a URL',
    params: AuthorityParam, body: EraseStaff, response: z.object({ erased: z.number() }),
  }),
  listSessions: route({
    method: 'GET', path: '/authorities/{id}/sessions', group: 'training', auth: 'jwt', roles: ALL_ROLES,
    summary: 'Delivered sessions by date range', params: AuthorityParam, query: DateRange, response: z.object({ items: z.array(Session) }),
  }),
  createSession: route({
    method: 'POST', path: '/authorities/{id}/sessions', group: 'training', auth: 'jwt', idempotent: true, roles: ['steering-group', 'authority-lead', 'authority-editor'],
    summary: 'Record a delivered session', params: AuthorityParam, body: SessionFields, response: Session, status: 201,
  }),
  updateSession: route({
    method: 'PUT', path: '/authorities/{id}/sessions/{sessionId}', group: 'training', auth: 'jwt', roles: ['steering-group', 'authority-lead', 'authority-editor'],
    summary: 'Correct a delivered session', params: AuthorityParam.extend({ sessionId: EntityId }),
    body: SessionFields.and(z.object({ version: z.number().int().positive() })), response: Session,
  }),
  trainingSummary: route({
    method: 'GET', path: '/authorities/{id}/training-summary', group: 'training', auth: 'jwt', roles: ALL_ROLES,
    summary: 'Coverage against the plan, counts per course, sessions and refreshers for a year',
    params: AuthorityParam, query: YearQuery, response: TrainingSummary,
  }),
  partnershipCoverage: route({
    method: 'GET', path: '/training/coverage', group: 'training', auth: 'jwt', roles: ALL_ROLES,
    summary: 'Training coverage of every authority you can see',
    response: z.object({
      asAt: z.string().describe('The date the figures are taken at (today)'),
      staffWithoutRole: z.number().describe('People with current training but no role of their authority’s plan, across the authorities listed: in no role’s coverage'),
      items: z.array(CoverageTotal.extend({ authorityId: z.string(), name: z.string(), sector: z.string(), target: z.number(), roles: z.array(RoleCoverage), staffWithoutRole: z.number() })),
    }),
  }),
  listSops: route({
    method: 'GET', path: '/sops', group: 'sop', auth: 'jwt', roles: ALL_ROLES,
    summary: 'The SOPs you can see, with whether each review is overdue or due within 60 days',
    response: z.object({ asAt: z.string().describe('The date the figures are taken at (today)'), items: z.array(Sop.extend({ reviewOverdue: z.boolean(), reviewDueWithin60Days: z.boolean() })) }),
  }),
  getSop: route({
    method: 'GET', path: '/authorities/{id}/sop', group: 'sop', auth: 'jwt', roles: ALL_ROLES,
    summary: 'The authority’s Prevent SOP', params: AuthorityParam, response: Sop,
  }),
  putSop: route({
    method: 'PUT', path: '/authorities/{id}/sop', group: 'sop', auth: 'jwt', roles: ['authority-lead'],
    summary: 'Create (version 0) or edit the SOP (the authority’s lead)', params: AuthorityParam, body: PutSop, response: Sop,
  }),
  listSopVersions: route({
    method: 'GET', path: '/authorities/{id}/sop/versions', group: 'sop', auth: 'jwt', roles: ALL_ROLES,
    summary: 'Every past version of the SOP record, unchanged', params: AuthorityParam, response: z.object({ items: z.array(Sop) }),
  }),
  listSopReviews: route({
    method: 'GET', path: '/authorities/{id}/sop/reviews', group: 'sop', auth: 'jwt', roles: ALL_ROLES,
    summary: 'Annual reviews of the SOP', params: AuthorityParam, response: z.object({ items: z.array(SopReview) }),
  }),
  recordSopReview: route({
    method: 'POST', path: '/authorities/{id}/sop/reviews', group: 'sop', auth: 'jwt', idempotent: true, roles: ['authority-lead'],
    summary: 'Record the annual review (moves the next review date on)', params: AuthorityParam, body: RecordReview,
    response: z.object({ sop: Sop, review: SopReview }), status: 201,
  }),
  listObligations: route({
    method: 'GET', path: '/authorities/{id}/sop/obligations', group: 'sop', auth: 'jwt', roles: ALL_ROLES,
    summary: 'What the SOP commits the authority to, with status, evidence and next due date', params: AuthorityParam,
    response: z.object({ items: z.array(Obligation) }),
  }),
  createObligation: route({
    method: 'POST', path: '/authorities/{id}/sop/obligations', group: 'sop', auth: 'jwt', idempotent: true, roles: ['authority-lead'],
    summary: 'Add an obligation', params: AuthorityParam, body: ObligationFields, response: Obligation, status: 201,
  }),
  adoptObligationTemplate: route({
    method: 'POST', path: '/authorities/{id}/sop/obligations/from-template', group: 'sop', auth: 'jwt', roles: ['authority-lead'],
    summary: 'Copy the template obligations (modelled on an OPCC SOP) that the authority does not have yet',
    params: AuthorityParam, response: z.object({ items: z.array(Obligation) }),
  }),
  getObligation: route({
    method: 'GET', path: '/authorities/{id}/sop/obligations/{obligationId}', group: 'sop', auth: 'jwt', roles: ALL_ROLES,
    summary: 'One obligation', params: ObligationParam, response: Obligation,
  }),
  updateObligation: route({
    method: 'PUT', path: '/authorities/{id}/sop/obligations/{obligationId}', group: 'sop', auth: 'jwt', roles: ['authority-lead'],
    summary: 'Edit an obligation', params: ObligationParam, body: UpdateObligation, response: Obligation,
  }),
  recordObligationEvidence: route({
    method: 'PUT', path: '/authorities/{id}/sop/obligations/{obligationId}/evidence', group: 'sop', auth: 'jwt', roles: ['authority-lead', 'authority-editor'],
    summary: 'Record evidence and status; the next due date follows from the cadence', params: ObligationParam, body: RecordEvidence, response: Obligation,
  }),
  deleteObligation: route({
    method: 'DELETE', path: '/authorities/{id}/sop/obligations/{obligationId}', group: 'sop', auth: 'jwt', roles: ['authority-lead'],
    summary: 'Remove an obligation', params: ObligationParam, query: z.object({ version: wholeNumber(1).describe('The version you are deleting (optimistic locking)') }),
    response: z.object({ deleted: z.literal(true) }),
  }),
  listFrameworks: route({
    method: 'GET', path: '/frameworks', group: 'assurance', auth: 'jwt', roles: ALL_ROLES,
    summary: 'Benchmark frameworks available to the partnership (the 2018 toolkit built in)', response: z.object({ items: z.array(Framework) }),
  }),
  addFramework: route({
    method: 'POST', path: '/frameworks', group: 'assurance', auth: 'jwt', idempotent: true, roles: ['steering-group'],
    summary: 'Add a framework version (e.g. a restructured toolkit) as data', body: Framework, response: Framework, status: 201,
  }),
  listItFilterAssurances: route({
    method: 'GET', path: '/authorities/{id}/it-filter-assurances', group: 'assurance', auth: 'jwt', roles: ALL_ROLES,
    summary: 'IT-filter assurances by year, and whether the authority is current, due within 60 days or overdue',
    params: AuthorityParam,
    response: z.object({ asAt: z.string().describe('The date the figures are taken at (today)'), items: z.array(Assurance), status: z.enum(['current', 'due-soon', 'overdue', 'missing']), nextReviewDue: z.string().optional() }),
  }),
  putItFilterAssurance: route({
    method: 'PUT', path: '/authorities/{id}/it-filter-assurances/{year}', group: 'assurance', auth: 'jwt', roles: ['steering-group', 'authority-lead', 'authority-editor'],
    summary: 'Record (version 0) or correct the year’s IT-filter assurance', params: AuthorityYearParam, body: PutAssurance, response: Assurance,
  }),
  getStatement: route({
    method: 'GET', path: '/authorities/{id}/statements/{year}', group: 'assurance', auth: 'jwt', roles: ALL_ROLES,
    summary: 'The year’s annual assurance statement (working copy, status and reviews)', params: AuthorityYearParam,
    response: Statement.extend({ applicableQuestions: z.array(z.string()), applicableBenchmarks: z.array(z.number()), people: People }),
  }),
  putStatement: route({
    method: 'PUT', path: '/authorities/{id}/statements/{year}', group: 'assurance', auth: 'jwt', roles: ['authority-lead', 'authority-editor'],
    summary: 'Write the draft (or a returned statement): ratings, scores, narrative, sign-off', params: AuthorityYearParam, body: PutStatement, response: Statement,
  }),
  submitStatement: route({
    method: 'POST', path: '/authorities/{id}/statements/{year}/submit', group: 'assurance', auth: 'jwt', roles: ['authority-lead'],
    summary: 'Submit to the steering group: freezes a version with the authority’s figures', params: AuthorityYearParam, body: SubmitStatement,
    response: z.object({ statement: Statement, version: StatementVersion }),
  }),
  reviewStatement: route({
    method: 'POST', path: '/authorities/{id}/statements/{year}/review', group: 'assurance', auth: 'jwt', roles: ['steering-group'],
    summary: 'Accept a submitted statement, or return it with comments', params: AuthorityYearParam, body: ReviewStatement, response: Statement,
  }),
  getStatementVersion: route({
    method: 'GET', path: '/authorities/{id}/statements/{year}/versions/{number}', group: 'assurance', auth: 'jwt', roles: ALL_ROLES,
    summary: 'One submitted version, exactly as submitted', params: AuthorityYearParam.extend({ number: wholeNumber(1) }), response: StatementVersion.extend({ people: People }),
  }),
  requestStatementUpload: route({
    method: 'POST', path: '/authorities/{id}/statements/{year}/document/upload-url', group: 'assurance', auth: 'jwt', roles: ['authority-lead'],
    summary: 'A presigned URL to upload the signed statement (PDF, DOCX or ODT, at most 20 MB; type and length are signed in)',
    params: AuthorityYearParam, body: RequestUpload,
    response: z.object({ key: z.string(), uploadUrl: z.string(), method: z.literal('PUT'), headers: z.record(z.string(), z.string()), expiresIn: z.number() }),
  }),
  attachStatementDocument: route({
    method: 'POST', path: '/authorities/{id}/statements/{year}/document', group: 'assurance', auth: 'jwt', roles: ['authority-lead'],
    summary: 'Attach the uploaded document: its type and content are checked and its SHA-256 recorded', params: AuthorityYearParam, body: AttachDocument, response: StatementDocument,
  }),
  statementDownloadUrl: route({
    method: 'GET', path: '/authorities/{id}/statements/{year}/document/download-url', group: 'assurance', auth: 'jwt', roles: ALL_ROLES,
    summary: 'A short-lived link to the signed document (of the working copy, or of a submitted version with ?version=)',
    params: AuthorityYearParam, query: z.object({ version: wholeNumber(1).optional() }),
    response: z.object({ url: z.string(), expiresIn: z.number(), fileName: z.string(), sha256: z.string() }),
  }),
  getStatementDeadline: route({
    method: 'GET', path: '/statement-deadlines/{year}', group: 'assurance', auth: 'jwt', roles: ALL_ROLES,
    summary: 'The year’s deadline for statements (null until the steering group sets one)', params: YearParam,
    response: z.object({ year: z.string(), dueOn: z.string().nullable() }),
  }),
  setStatementDeadline: route({
    method: 'PUT', path: '/statement-deadlines/{year}', group: 'assurance', auth: 'jwt', roles: ['steering-group'],
    summary: 'Set the year’s deadline for statements; authorities yet to submit are reminded', params: YearParam,
    body: z.object({ dueOn: IsoDate }),
    response: z.object({ year: z.string(), dueOn: z.string(), authoritiesReminded: z.number() }),
  }),
  consolidatedReport: route({
    method: 'GET', path: '/reports/consolidated', group: 'reports', auth: 'jwt', roles: ['steering-group', 'viewer'],
    summary: 'The consolidated compliance report of the partnership for a year: JSON, CSV (format=csv) or printable HTML (format=html)',
    query: ReportQuery, response: ConsolidatedReport, produces: ['text/csv', 'text/html'],
  }),
  listActionPlans: route({
    method: 'GET', path: '/action-plans', group: 'steering', auth: 'jwt', roles: ALL_ROLES,
    summary: 'The partnership’s Prevent action plans (a plan covers a period, with a version per year), newest first',
    response: z.object({ items: z.array(ActionPlan) }),
  }),
  createActionPlan: route({
    method: 'POST', path: '/action-plans', group: 'steering', auth: 'jwt', idempotent: true, roles: ['steering-group'],
    summary: 'Start an action plan for a period, with its themes', body: CreatePlan, response: ActionPlan, status: 201,
  }),
  getActionPlan: route({
    method: 'GET', path: '/action-plans/{planId}', group: 'steering', auth: 'jwt', roles: ALL_ROLES,
    summary: 'A plan year: the plan and its actions in plan order (an authority’s users see the actions their authority leads)',
    params: PlanParam, query: z.object({ year: ReportingYear.optional().describe('A year of the plan; default its open year') }),
    response: z.object({
      plan: ActionPlan, year: z.string(), years: z.array(z.string()), asAt: z.string(), editable: z.boolean().describe('Whether the year is open for updates'), actions: z.array(Action),
      authorityNames: z.record(z.string(), z.string()).describe('Names of the authorities that lead the actions shown, or whose people wrote their updates'),
      people: People,
    }),
  }),
  updateActionPlan: route({
    method: 'PUT', path: '/action-plans/{planId}', group: 'steering', auth: 'jwt', roles: ['steering-group'],
    summary: 'Rename the plan or change its themes', params: PlanParam, body: UpdatePlan, response: ActionPlan,
  }),
  closeActionPlanYear: route({
    method: 'POST', path: '/action-plans/{planId}/close-year', group: 'steering', auth: 'jwt',
    // Creates copies, but a repeat finds the year already closed (409): nothing twice.
    idempotent: false, roles: ['steering-group'],
    summary: 'Close the open year: its actions stay as they stand, open ones are carried into the next year (closing the last year closes the plan)',
    params: PlanParam, body: CloseYear, response: ActionPlan.extend({ carried: z.number() }),
  }),
  createAction: route({
    method: 'POST', path: '/action-plans/{planId}/actions', group: 'steering', auth: 'jwt', idempotent: true, roles: ['steering-group'],
    summary: 'Add a key action to the plan’s open year (one due by a date is reminded to its lead authority)', params: PlanParam, body: CreateAction, response: Action, status: 201,
  }),
  updateAction: route({
    method: 'PUT', path: '/action-plans/{planId}/actions/{actionId}', group: 'steering', auth: 'jwt', roles: ['steering-group'],
    summary: 'Change an action (its RAG moves with progress updates)', params: ActionParam, body: UpdateAction, response: Action,
  }),
  deleteAction: route({
    method: 'DELETE', path: '/action-plans/{planId}/actions/{actionId}', group: 'steering', auth: 'jwt', roles: ['steering-group'],
    summary: 'Remove an action from the open year', params: ActionParam, query: z.object({ version: wholeNumber(1).describe('The version you are deleting (optimistic locking)') }),
    response: z.object({ deleted: z.literal(true) }),
  }),
  recordActionProgress: route({
    method: 'POST', path: '/action-plans/{planId}/actions/{actionId}/progress', group: 'steering', auth: 'jwt', idempotent: true, roles: ['steering-group', 'authority-lead', 'authority-editor'],
    summary: 'A dated progress update and the RAG status it leaves (the steering group, or a lead or editor of an authority that leads the action)',
    params: ActionParam, body: RecordProgress, response: Action, status: 201,
  }),
  getDeliveryFigures: route({
    method: 'GET', path: '/delivery-figures/{year}', group: 'steering', auth: 'jwt', roles: ALL_ROLES,
    summary: 'The year’s delivery figures (OFFICIAL-SENSITIVE): the quarters and their published, suppressed form for the steering group and the police; the suppressed year totals for viewers; 403 for anyone else. format=csv: the published form as CSV',
    params: YearParam, query: z.object({ format: z.enum(['json', 'csv']).default('json') }), produces: ['text/csv'],
    response: z.object({ year: z.string(), access: z.enum(['full', 'totals']), quarters: z.array(Quarter).optional(), published: PublishedFigures }),
  }),
  putDeliveryQuarter: route({
    method: 'PUT', path: '/delivery-figures/{year}/quarters/{quarter}', group: 'steering', auth: 'jwt', roles: ['steering-group', 'authority-lead', 'authority-editor'],
    summary: 'Enter (version 0) or correct a quarter’s figures: the steering group, or a lead or editor of a police-sector authority',
    params: YearParam.extend({ quarter: wholeNumber(1, 4).describe('1 = April–June … 4 = January–March') }), body: PutQuarter, response: Quarter,
  }),
  listAssessments: route({
    method: 'GET', path: '/assessments', group: 'steering', auth: 'jwt', roles: ALL_ROLES,
    summary: 'The Home Office’s assessments of the area, newest first', response: z.object({ items: z.array(Assessment) }),
  }),
  getAssessment: route({
    method: 'GET', path: '/assessments/{year}', group: 'steering', auth: 'jwt', roles: ALL_ROLES,
    summary: 'The year’s Home Office assessment: scores per benchmark, strengths, development areas and the partnership’s targets', params: YearParam, response: Assessment,
  }),
  putAssessment: route({
    method: 'PUT', path: '/assessments/{year}', group: 'steering', auth: 'jwt', roles: ['steering-group'],
    summary: 'Record (version 0) or correct the year’s Home Office assessment', params: YearParam, body: PutAssessment, response: Assessment,
  }),
  putAnnualNarrative: route({
    method: 'PUT', path: '/reports/annual/{year}/narrative', group: 'steering', auth: 'jwt', roles: ['steering-group'],
    summary: 'Save the annual report’s narrative: introduction, highlights and recommendations (version 0 the first time)', params: YearParam, body: PutNarrative, response: StoredNarrative,
  }),
  annualReport: route({
    method: 'GET', path: '/reports/annual', group: 'reports', auth: 'jwt', roles: ['steering-group', 'viewer'],
    summary: 'The annual report to the board, assembled from the records with the saved narrative: JSON, printable HTML (format=html) or a Word document (format=docx); delivery figures suppressed. Not for a viewer of one authority',
    query: z.object({ year: ReportingYear.optional().describe('UK financial year, e.g. 2024-25; default the current one'), format: z.enum(['json', 'html', 'docx']).default('json') }),
    response: AnnualReport, produces: ['text/html', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  }),
} satisfies Record<string, RouteContract>;

export type RouteId = keyof typeof ROUTES;
export type RoutesOf<G extends GroupName> = {
  [K in RouteId]: (typeof ROUTES)[K]['group'] extends G ? K : never;
}[RouteId];

export function routeKey(r: Pick<RouteContract, 'method' | 'path'>): string {
  return `${r.method} ${r.path}`;
}
