import * as z from 'zod';
import { auditEvent, type AuditEvent } from '../audit/audit';
import { IsoDate, isReportingYear, toIsoDate } from '../shared/dates';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../shared/errors';
import { requireRole, type Caller } from '../shared/identity';
import type { Clock, IdGenerator } from '../shared/ports';
import { newMeta, nextMeta, RecordMeta } from '../shared/records';
import { BUILT_IN_FRAMEWORKS } from '../statements/frameworks';

/**
 * The Home Office's assessment of the area (seed 003, Thurrock's 2022 benchmarking): per year,
 * the area's 1–5 score per toolkit benchmark (3 = duty met), the strengths and development areas
 * it named, and the partnership's own target score per benchmark. The reports show it beside the
 * authorities' self-assessed scores, so the gap is visible.
 */
const Score = z.number().int().min(1).max(5);
const BenchmarkScores = z.record(z.string().regex(/^\d{1,2}$/, 'a benchmark number'), Score).describe('Benchmark number → score 1–5');
const Finding = z.object({ benchmark: z.number().int().min(1).max(50).optional(), text: z.string().trim().min(1).max(2000) });

export const AssessmentFields = z.object({
  assessedOn: IsoDate.optional().describe('When the Home Office assessed the area'),
  assessedBy: z.string().trim().max(200).optional().describe('e.g. "Home Office Regional Prevent Adviser" (a role, not a name)'),
  scores: BenchmarkScores,
  targets: BenchmarkScores.default({}).describe('The partnership’s target score per benchmark'),
  strengths: z.array(Finding).max(30).default([]),
  developmentAreas: z.array(Finding).max(30).default([]),
});
export type AssessmentFields = z.infer<typeof AssessmentFields>;
export const PutAssessment = AssessmentFields.extend({ version: z.number().int().min(0).describe('0 to record the year’s assessment') });
export const Assessment = AssessmentFields.extend({ year: z.string() }).extend(RecordMeta.shape);
export type Assessment = z.infer<typeof Assessment>;

/** The toolkit's benchmarks (number and title): what scores, targets and findings may name. */
export const TOOLKIT_BENCHMARKS = BUILT_IN_FRAMEWORKS[0].benchmarks.map((b) => ({ number: b.number, title: b.title }));
const SHORT_TITLES = ['Risk assessment', 'Multi-agency partnership board', 'Prevent partnership plan', 'Referral pathway', 'Channel panel', 'Prevent problem-solving process', 'Training', 'Venue hire and IT policies', 'Engagement activity', 'Communications'];
/** Short names of the ten benchmarks, as the Home Office's letters to areas list them (seed 003). */
export function benchmarkName(n: number): string {
  return SHORT_TITLES[n - 1] ?? `Benchmark ${n}`;
}

export interface AssessmentStore {
  list(tenantId: string): Promise<Assessment[]>;
  get(tenantId: string, year: string): Promise<Assessment | undefined>;
  /** The latest assessment of a year on or before `year` (one Query). */
  latestOnOrBefore(tenantId: string, year: string): Promise<Assessment | undefined>;
  put(tenantId: string, a: Assessment, expectedVersion: number, audit: AuditEvent): Promise<void>;
}

function rules(input: AssessmentFields, today: string): FieldError[] {
  const known = new Set(TOOLKIT_BENCHMARKS.map((b) => String(b.number)));
  const errors: FieldError[] = [];
  for (const field of ['scores', 'targets'] as const) {
    for (const key of Object.keys(input[field])) if (!known.has(String(Number(key)))) errors.push({ path: `${field}.${key}`, message: `The toolkit has benchmarks 1 to ${known.size}.` });
  }
  for (const field of ['strengths', 'developmentAreas'] as const) {
    input[field].forEach((f, i) => {
      if (f.benchmark !== undefined && !known.has(String(f.benchmark))) errors.push({ path: `${field}.${i}.benchmark`, message: `The toolkit has benchmarks 1 to ${known.size}.` });
    });
  }
  if (input.assessedOn && input.assessedOn > today) errors.push({ path: 'assessedOn', message: 'An assessment cannot be in the future.' });
  return errors;
}

export function assessmentService(deps: { store: AssessmentStore; clock: Clock; ids: IdGenerator }) {
  const checkYear = (year: string) => {
    if (!isReportingYear(year)) throw new ValidationError([{ path: 'path.year', message: 'A UK financial year such as 2024-25.' }]);
  };
  return {
    async list(caller: Caller) {
      return (await deps.store.list(caller.tenantId)).sort((a, b) => b.year.localeCompare(a.year));
    },
    async get(caller: Caller, year: string): Promise<Assessment> {
      checkYear(year);
      const a = await deps.store.get(caller.tenantId, year);
      if (!a) throw new NotFoundError('Assessment');
      return a;
    },
    async put(caller: Caller, year: string, input: z.infer<typeof PutAssessment>): Promise<Assessment> {
      requireRole(caller, 'steering-group');
      checkYear(year);
      const now = deps.clock.now();
      const { version, ...fields } = input;
      const errors = rules(fields, toIsoDate(now));
      if (errors.length) throw new ValidationError(errors);
      const current = await deps.store.get(caller.tenantId, year);
      if (version !== (current?.version ?? 0)) throw new ConflictError('This assessment was changed by someone else; reload it and try again.', { reason: 'stale_version', currentVersion: current?.version ?? 0 });
      const next = { year, ...fields, ...(current ? nextMeta(current, caller, now) : newMeta(caller, now)) } as Assessment;
      await deps.store.put(caller.tenantId, next, version, auditEvent(caller, now, deps.ids, { action: current ? 'update' : 'create', entityType: 'assessment', entityId: year, before: current, after: next }));
      return next;
    },
  };
}
