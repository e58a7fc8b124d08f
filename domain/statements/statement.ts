import * as z from 'zod';
import { auditEvent, type AuditEvent } from '../audit/audit';
import type { Authority } from '../authorities/authority';
import { settingsOf, type Partnership, type PartnershipSettings } from '../partnerships/partnership';
import { isReportingYear, reportingYearRange, toIsoDate } from '../shared/dates';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../shared/errors';
import { assertCanSeeAuthority, requireRole, type Caller } from '../shared/identity';
import { EntityId } from '../shared/ids';
import type { Clock, IdGenerator } from '../shared/ports';
import { newMeta, nextMeta, RecordMeta } from '../shared/records';
import { firstReminderOn, recipientsFor, type DueItem } from '../reminders/due';
import { IsoDate } from '../training/completions';
import { applicableQuestions, BUILT_IN_FRAMEWORKS, DEFAULT_FRAMEWORK, Framework, frameworkErrors, frameworkKey, Rating } from './frameworks';

// ----------------------------------------------------------------------------------------
// The annual assurance statement an authority submits to the steering group (seed 004 §4–5)
// ----------------------------------------------------------------------------------------

export const NARRATIVE_SECTIONS = [
  'leadership',
  'partnershipWorking',
  'understandingAndManagingRisk',
  'informationSharing',
  'training',
  'communicationsAndEngagement',
  'holdingToAccount',
] as const;

const StatementDocumentRef = z.object({
  key: z.string(), fileName: z.string(), contentType: z.string(), size: z.number(), sha256: z.string(), uploadedAt: z.string(), uploadedBy: z.string(),
});

export const StatementContent = z.object({
  ratings: z
    .record(z.string().regex(/^\d+\.\d+$/), z.object({ rating: Rating, details: z.string().trim().max(4000).optional() }))
    .default({})
    .describe('Per question (1.1 … 10.2): the self-assessment tool’s rating and supporting details'),
  scores: z.record(z.string().regex(/^\d+$/), z.number().int().min(1).max(5)).default({}).describe('Per benchmark: the Home Office 1–5 score (3 = duty met)'),
  narrative: z.partialRecord(z.enum(NARRATIVE_SECTIONS), z.string().trim().max(10_000)).default({}),
  signOff: z
    .object({
      name: z.string().trim().min(1).max(200).describe('Personal data'),
      role: z.string().trim().min(1).max(200),
      date: IsoDate,
      declaration: z.string().trim().min(1).max(2000),
    })
    .optional(),
});
export type StatementContent = z.infer<typeof StatementContent>;
export const PutStatement = StatementContent.extend({ version: z.number().int().min(0).describe('0 to start the year’s statement') });

export const STATUSES = ['draft', 'submitted', 'returned', 'accepted'] as const;

export const FiguresSnapshot = z.object({
  takenAt: z.string(),
  training: z.object({
    coverage: z.number().nullable(),
    headcount: z.number(),
    covered: z.number(),
    target: z.number(),
    completionsInYear: z.number(),
    peopleTrainedInYear: z.number(),
    sessionsInYear: z.number(),
    attendeesInYear: z.number(),
  }),
  itFilter: z.object({ status: z.string(), lastReviewedOn: z.string().optional(), nextReviewDue: z.string().optional(), outcomeThisYear: z.string().optional() }),
  sop: z.object({ present: z.boolean(), sopVersion: z.string().optional(), nextReviewDate: z.string().optional(), reviewOverdue: z.boolean().optional(), lastReviewedOn: z.string().optional() }),
});
export type FiguresSnapshot = z.infer<typeof FiguresSnapshot>;

export const Statement = z
  .object({
    authorityId: EntityId,
    year: z.string(),
    framework: z.string().describe('Framework id@version the year uses'),
    status: z.enum(STATUSES),
    submissions: z.number().int().describe('How many versions have been submitted'),
    reviews: z.array(z.object({ version: z.number(), outcome: z.enum(['accepted', 'returned']), comment: z.string().optional(), at: z.string(), by: z.string() })),
    document: StatementDocumentRef.optional().describe('The signed statement as a document'),
  })
  .extend(StatementContent.shape)
  .extend(RecordMeta.shape);
export type Statement = z.infer<typeof Statement>;

export const StatementVersion = z
  .object({
    authorityId: EntityId,
    year: z.string(),
    number: z.number().int(),
    framework: z.string(),
    figures: FiguresSnapshot,
    submittedAt: z.string(),
    submittedBy: z.string(),
    document: StatementDocumentRef.optional(),
    documentSha256: z.string().nullable().optional().describe('SHA-256 of the signed document this version was submitted with; null if none was attached'),
    documentConfirmed: z
      .object({ at: z.string(), by: z.string() })
      .optional()
      .describe('Set when the content changed since the previous version and the lead confirmed that its signed document still stands'),
  })
  .extend(StatementContent.shape);
export type StatementVersion = z.infer<typeof StatementVersion>;

export const SubmitStatement = z.object({
  version: z.number().int().positive(),
  confirmDocumentStands: z
    .literal(true)
    .optional()
    .describe('On a resubmission whose content changed: the lead confirms that the signed document attached to the previous version still stands (audited)'),
});
export const ReviewStatement = z.object({
  outcome: z.enum(['accept', 'return']),
  comment: z.string().trim().min(1).max(4000).optional().describe('Required when returning'),
  version: z.number().int().positive(),
});

export interface StatementStore {
  get(tenantId: string, authorityId: string, year: string): Promise<Statement | undefined>;
  /** Creates (expectedVersion 0) or updates the working statement, with optional new immutable version and due-item change. */
  put(
    tenantId: string,
    statement: Statement,
    expectedVersion: number,
    audit: AuditEvent,
    extra?: { version?: StatementVersion; due?: DueItem; dropDue?: { kind: 'statement'; itemId: string } },
  ): Promise<void>;
  version(tenantId: string, authorityId: string, year: string, n: number): Promise<StatementVersion | undefined>;
}

export interface FrameworkStore {
  list(tenantId: string): Promise<Framework[]>;
  create(tenantId: string, framework: Framework, audit: AuditEvent): Promise<void>;
}

/** What was true when the statement was signed: read at submission, frozen in the version. */
export interface FiguresSource {
  snapshot(tenantId: string, authority: Authority, year: string, settings: PartnershipSettings, today: string): Promise<Omit<FiguresSnapshot, 'takenAt'>>;
}

export const statementItemId = (authorityId: string, year: string) => `${authorityId}-${year}`;

/** JSON with object keys sorted, so two stored copies compare equal whatever order the store gives back. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What a signature vouches for: the ratings, scores and narrative. */
export function sameContent(a: Pick<StatementContent, 'ratings' | 'scores' | 'narrative'>, b: Pick<StatementContent, 'ratings' | 'scores' | 'narrative'>): boolean {
  return canonical({ r: a.ratings, s: a.scores, n: a.narrative }) === canonical({ r: b.ratings, s: b.scores, n: b.narrative });
}

export const sameSignOff = (a: StatementContent['signOff'], b: StatementContent['signOff']) => canonical(a ?? null) === canonical(b ?? null);

export function statementDue(tenantId: string, authority: Authority, year: string, dueOn: string, settings: PartnershipSettings, today: string): DueItem {
  return {
    tenantId,
    kind: 'statement',
    itemId: statementItemId(authority.id, year),
    authorityId: authority.id,
    authorityName: authority.name,
    title: `Annual assurance statement ${year}`,
    dueOn,
    path: `/authorities/${authority.id}/statements/${year}`,
    ...recipientsFor(authority, settings),
    thresholds: settings.reminderThresholds,
    nextRemindOn: firstReminderOn(dueOn, settings.reminderThresholds, today),
  };
}

export function statementService(deps: {
  statements: StatementStore;
  frameworks: FrameworkStore;
  figures: FiguresSource;
  authorities: { get(tenantId: string, id: string): Promise<Authority | undefined>; list(tenantId: string): Promise<Authority[]> };
  partnerships: { get(tenantId: string): Promise<Partnership | undefined> };
  deadlines: { get(tenantId: string, year: string): Promise<string | undefined>; put(tenantId: string, year: string, dueOn: string, dues: DueItem[], audit: AuditEvent): Promise<void> };
  clock: Clock;
  ids: IdGenerator;
}) {
  const { statements, clock, ids } = deps;

  async function frameworks(tenantId: string) {
    return [...BUILT_IN_FRAMEWORKS, ...(await deps.frameworks.list(tenantId))];
  }

  async function context(caller: Caller, authorityId: string, year: string) {
    assertCanSeeAuthority(caller, authorityId);
    if (!isReportingYear(year)) throw new ValidationError([{ path: 'path.year', message: 'A UK financial year such as 2024-25.' }]);
    const [authority, partnership] = await Promise.all([deps.authorities.get(caller.tenantId, authorityId), deps.partnerships.get(caller.tenantId)]);
    if (!authority) throw new NotFoundError('Authority');
    const settings = settingsOf(partnership);
    const key = settings.frameworkByYear[year] ?? DEFAULT_FRAMEWORK;
    const framework = (await frameworks(caller.tenantId)).find((f) => frameworkKey(f) === key);
    if (!framework) throw new ValidationError([{ path: 'settings.frameworkByYear', message: `The framework ${key} chosen for ${year} is not available.` }]);
    const applicable = applicableQuestions(framework, settings.benchmarksBySector[authority.sector]);
    return { authority, settings, framework, applicable, now: clock.now() };
  }

  function contentErrors(content: StatementContent, applicable: { benchmarks: number[]; questions: string[] }): FieldError[] {
    const errors: FieldError[] = [];
    const questions = new Set(applicable.questions);
    const benchmarks = new Set(applicable.benchmarks.map(String));
    for (const q of Object.keys(content.ratings)) if (!questions.has(q)) errors.push({ path: `ratings.${q}`, message: 'Not a question that applies to this authority this year.' });
    for (const b of Object.keys(content.scores)) if (!benchmarks.has(b)) errors.push({ path: `scores.${b}`, message: 'Not a benchmark that applies to this authority this year.' });
    return errors;
  }

  async function requireStatement(caller: Caller, authorityId: string, year: string) {
    const s = await statements.get(caller.tenantId, authorityId, year);
    if (!s) throw new NotFoundError('Statement');
    return s;
  }

  /** A statement is for a year that has started: nothing can be signed for a year still to come. */
  function yearErrors(year: string, today: string): FieldError[] {
    const { from } = reportingYearRange(year);
    return from > today ? [{ path: 'path.year', message: `The ${year} reporting year has not started yet (it starts on ${from}).` }] : [];
  }

  function signOffErrors(signOff: StatementContent['signOff'], today: string, notBefore?: string): FieldError[] {
    if (!signOff) return [];
    if (signOff.date > today) return [{ path: 'signOff.date', message: `A sign-off cannot be dated in the future (today is ${today}).` }];
    if (notBefore && signOff.date < notBefore) return [{ path: 'signOff.date', message: `The statement was returned on ${notBefore}; sign it off again on or after that date.` }];
    return [];
  }

  /** The date of the last return, if the statement was returned: a sign-off for the changed statement cannot predate it. */
  const returnedOn = (s: Statement | undefined) => {
    const last = s?.reviews.at(-1);
    return last?.outcome === 'returned' ? last.at.slice(0, 10) : undefined;
  };

  function checkVersion(given: number, current: number) {
    if (given !== current) throw new ConflictError('This statement was changed by someone else; reload it and try again.', { reason: 'stale_version', currentVersion: current });
  }

  return {
    async listFrameworks(_caller: Caller) {
      return frameworks(_caller.tenantId);
    },

    async addFramework(caller: Caller, framework: Framework) {
      requireRole(caller, 'steering-group');
      const errors = frameworkErrors(framework);
      if (errors.length) throw new ValidationError(errors);
      if ((await frameworks(caller.tenantId)).some((f) => frameworkKey(f) === frameworkKey(framework))) {
        throw new ConflictError(`Framework ${frameworkKey(framework)} already exists; publish changes as a new version.`, { reason: 'already_exists' });
      }
      const now = clock.now();
      await deps.frameworks.create(caller.tenantId, framework, auditEvent(caller, now, ids, { action: 'create', entityType: 'framework', entityId: frameworkKey(framework), after: { id: framework.id, version: framework.version, benchmarks: framework.benchmarks.length } }));
      return framework;
    },

    /** The working statement, with the questions that apply to the authority this year. */
    async get(caller: Caller, authorityId: string, year: string) {
      const { applicable } = await context(caller, authorityId, year);
      const s = await requireStatement(caller, authorityId, year);
      return { ...s, applicableQuestions: applicable.questions, applicableBenchmarks: applicable.benchmarks };
    },

    async version(caller: Caller, authorityId: string, year: string, n: number) {
      await context(caller, authorityId, year);
      const v = await statements.version(caller.tenantId, authorityId, year, n);
      if (!v) throw new NotFoundError('Statement version');
      return v;
    },

    /** Editors and the lead write the draft (or a returned statement); a submitted or accepted one is frozen. */
    async put(caller: Caller, authorityId: string, year: string, input: z.infer<typeof PutStatement>): Promise<Statement> {
      requireRole(caller, 'authority-lead', 'authority-editor');
      const { framework, applicable, now } = await context(caller, authorityId, year);
      const current = await statements.get(caller.tenantId, authorityId, year);
      checkVersion(input.version, current?.version ?? 0);
      if (current && (current.status === 'submitted' || current.status === 'accepted')) {
        throw new ConflictError(`This statement is ${current.status}; it can no longer be changed.`, { reason: 'immutable' });
      }
      const { version, ...content } = input;
      const today = toIsoDate(now);
      const errors = [...yearErrors(year, today), ...contentErrors(content, applicable), ...signOffErrors(content.signOff, today, returnedOn(current))];
      if (errors.length) throw new ValidationError(errors);
      // A sign-off vouches for the content it was given with: an edit of the ratings, scores
      // or narrative that carries the stored sign-off back unchanged drops it. Signing again
      // (a different sign-off in the same request, or after the change) restores it.
      if (current?.signOff && content.signOff && !sameContent(current, content) && sameSignOff(current.signOff, content.signOff)) delete content.signOff;
      const statement: Statement = {
        authorityId,
        year,
        framework: current?.framework ?? frameworkKey(framework),
        status: current?.status ?? 'draft',
        submissions: current?.submissions ?? 0,
        reviews: current?.reviews ?? [],
        ...(current?.document ? { document: current.document } : {}),
        ...content,
        ...(current ? nextMeta(current, caller, now) : newMeta(caller, now)),
      };
      await statements.put(caller.tenantId, statement, version, auditEvent(caller, now, ids, { action: current ? 'update' : 'create', entityType: 'statement', entityId: statementItemId(authorityId, year), authorityId, before: current, after: statement, personalFields: ['signOff'] }));
      return statement;
    },

    /**
     * The lead submits: every applicable question rated and a sign-off present. The
     * submission becomes an immutable version with the authority's figures frozen in it.
     */
    async submit(caller: Caller, authorityId: string, year: string, input: z.infer<typeof SubmitStatement>) {
      requireRole(caller, 'authority-lead');
      const { authority, settings, applicable, now } = await context(caller, authorityId, year);
      const current = await requireStatement(caller, authorityId, year);
      checkVersion(input.version, current.version);
      if (current.status === 'submitted' || current.status === 'accepted') throw new ConflictError(`This statement is already ${current.status}.`, { reason: 'immutable' });
      const today = toIsoDate(now);
      const errors: FieldError[] = [
        ...yearErrors(year, today),
        ...applicable.questions.filter((q) => !current.ratings[q]).map((q) => ({ path: `ratings.${q}`, message: 'Rate this question before submitting.' })),
      ];
      if (!current.signOff) errors.push({ path: 'signOff', message: current.submissions ? 'The statement was returned: it must be signed off again before it is resubmitted.' : 'The statement must be signed off before it is submitted.' });
      else errors.push(...signOffErrors(current.signOff, today, returnedOn(current)));
      // A resubmission whose content changed needs a new signed document, or the lead's
      // explicit confirmation that the document signed for the previous version still stands.
      const previous = current.submissions ? await statements.version(caller.tenantId, authorityId, year, current.submissions) : undefined;
      const changed = previous ? !sameContent(previous, current) : false;
      const sameDocument = !!previous?.document && previous.document.sha256 === current.document?.sha256;
      const needsConfirmation = changed && sameDocument;
      if (needsConfirmation && !input.confirmDocumentStands) {
        errors.push({
          path: 'document',
          message: `The content changed since version ${previous!.number}, but the signed document is the one submitted with it. Attach a newly signed document, or confirm that the signed document still stands (confirmDocumentStands: true).`,
        });
      }
      if (errors.length) throw new ValidationError(errors, 'The statement is not ready to submit.');
      const figures = { takenAt: now.toISOString(), ...(await deps.figures.snapshot(caller.tenantId, authority, year, settings, today)) };
      const number = current.submissions + 1;
      const statement: Statement = { ...current, status: 'submitted', submissions: number, ...nextMeta(current, caller, now) };
      const version: StatementVersion = {
        authorityId,
        year,
        number,
        framework: current.framework,
        ratings: current.ratings,
        scores: current.scores,
        narrative: current.narrative,
        signOff: current.signOff,
        ...(current.document ? { document: current.document } : {}),
        documentSha256: current.document?.sha256 ?? null,
        ...(needsConfirmation ? { documentConfirmed: { at: now.toISOString(), by: caller.userId } } : {}),
        figures,
        submittedAt: now.toISOString(),
        submittedBy: caller.userId,
      };
      await statements.put(caller.tenantId, statement, current.version, auditEvent(caller, now, ids, {
        action: 'submit',
        entityType: 'statement',
        entityId: statementItemId(authorityId, year),
        authorityId,
        before: { status: current.status },
        after: { status: 'submitted', submission: number, documentSha256: version.documentSha256 },
        ...(needsConfirmation ? { note: `The lead confirmed that the signed document of version ${previous!.number} (SHA-256 ${previous!.document!.sha256}) still stands for the changed content.` } : {}),
      }), {
        version,
        dropDue: { kind: 'statement', itemId: statementItemId(authorityId, year) },
      });
      return { statement, version };
    },

    /** The steering group accepts a submitted statement or returns it with comments. */
    async review(caller: Caller, authorityId: string, year: string, input: z.infer<typeof ReviewStatement>) {
      requireRole(caller, 'steering-group');
      const { authority, settings, now } = await context(caller, authorityId, year);
      const current = await requireStatement(caller, authorityId, year);
      checkVersion(input.version, current.version);
      if (current.status !== 'submitted') throw new ConflictError(`Only a submitted statement can be reviewed; this one is ${current.status}.`, { reason: 'immutable' });
      if (input.outcome === 'return' && !input.comment) throw new ValidationError([{ path: 'comment', message: 'Say what needs changing when returning a statement.' }]);
      const outcome = input.outcome === 'accept' ? 'accepted' : 'returned';
      // A returned statement will change: its sign-off no longer vouches for it, and the
      // resubmission must be signed again (the version keeps the sign-off it was submitted with).
      const { signOff: _dropped, ...kept } = current;
      const statement: Statement = {
        ...(outcome === 'returned' ? kept : current),
        status: outcome,
        reviews: [...current.reviews, { version: current.submissions, outcome, ...(input.comment ? { comment: input.comment } : {}), at: now.toISOString(), by: caller.userId }],
        ...nextMeta(current, caller, now),
      };
      // A returned statement is due again: its deadline reminder comes back.
      const deadline = outcome === 'returned' ? await deps.deadlines.get(caller.tenantId, year) : undefined;
      await statements.put(
        caller.tenantId,
        statement,
        current.version,
        auditEvent(caller, now, ids, {
          action: 'review',
          entityType: 'statement',
          entityId: statementItemId(authorityId, year),
          authorityId,
          before: { status: current.status, ...(outcome === 'returned' && current.signOff ? { signOff: current.signOff } : {}) },
          after: { status: outcome },
          personalFields: ['signOff'],
          note: input.comment,
        }),
        deadline ? { due: statementDue(caller.tenantId, authority, year, deadline, settings, toIsoDate(now)) } : undefined,
      );
      return statement;
    },

    /** The year's deadline, for everyone in the partnership (their own tenant's, from the claims). */
    async getDeadline(caller: Caller, year: string) {
      if (!isReportingYear(year)) throw new ValidationError([{ path: 'path.year', message: 'A UK financial year such as 2024-25.' }]);
      return { year, dueOn: (await deps.deadlines.get(caller.tenantId, year)) ?? null };
    },

    /** The steering group sets the year's deadline; every authority without a submitted statement is reminded. */
    async setDeadline(caller: Caller, year: string, dueOn: string) {
      requireRole(caller, 'steering-group');
      if (!isReportingYear(year)) throw new ValidationError([{ path: 'path.year', message: 'A UK financial year such as 2024-25.' }]);
      const { from } = reportingYearRange(year);
      if (dueOn < from) throw new ValidationError([{ path: 'dueOn', message: `The deadline cannot be before the year starts (${from}).` }]);
      const now = clock.now();
      const today = toIsoDate(now);
      const [authorities, partnership] = await Promise.all([deps.authorities.list(caller.tenantId), deps.partnerships.get(caller.tenantId)]);
      const settings = settingsOf(partnership);
      const open = await Promise.all(authorities.map(async (a) => ({ a, s: await statements.get(caller.tenantId, a.id, year) })));
      const dues = open.filter(({ s }) => !s || s.status === 'draft' || s.status === 'returned').map(({ a }) => statementDue(caller.tenantId, a, year, dueOn, settings, today));
      await deps.deadlines.put(caller.tenantId, year, dueOn, dues, auditEvent(caller, now, ids, { action: 'update', entityType: 'statement-deadline', entityId: year, after: { dueOn, reminded: dues.length } }));
      return { year, dueOn, authoritiesReminded: dues.length };
    },
  };
}

