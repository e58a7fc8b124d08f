import fc from 'fast-check';
import * as z from 'zod';
import type { RouteContract, RouteId } from '../../functions/api';
import type { Role } from '../../domain/shared/identity';

/**
 * Generated requests for the write routes of the contract (functions/api.ts). Invalid cases are
 * "valid except one thing" (a valid sample with one field broken, removed, or extra keys beside a
 * broken one, a path id that is no id, a wrong content type) as well as garbage bodies; every
 * invalid case is checked against the route's own zod schemas before it is sent, so "invalid"
 * means what the contract says it means. Valid cases are the sample with fields redrawn from the
 * route's JSON Schema (z.toJSONSchema), kept only when the schema accepts them.
 */

/** A request as sent through TestApi. */
export interface Case {
  kind: string;
  /** Set by the suite from the route. */
  method?: string;
  role: Role;
  url: string;
  rawBody?: string;
  contentType: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonSchema = Record<string, any>;

const SESSION = { date: '2025-02-01', courseId: 'wrap', provider: 'Prevent Officer', audience: 'staff', attendees: 20, feedbackRespondents: 10, feedbackGoodOrExcellent: 9 };
const OBLIGATION = { section: 'training-programme', commitment: 'Keep a training plan', cadence: 'quarterly', ownerRole: 'Prevent lead' };
const ASSURANCE = { reviewedOn: '2025-06-01', assuredBy: { name: 'N', role: 'R', organisation: 'O' }, product: 'P', ctiruListApplied: true, ctiruListVersion: '2025-03', scope: ['corporate-network'], outcome: 'assured' };
const AUTHORITY = { name: 'Fuzz College', sector: 'education-childcare', type: 'fe-college' };
const SOP = {
  title: 'SOP', ownerName: 'Owner', ownerRole: 'Lead', sopVersion: '1.0', implementationDate: '2025-01-01', nextReviewDate: '2026-01-01',
  securityClassification: 'OFFICIAL', foiDisclosable: true, riskRating: 'low', equalityAnalysis: 'Done', revisions: [], version: 0,
};

/**
 * A body each JSON write route takes. A write route added to the contract without one here fails
 * the suite with its name (the generators need one valid point to break one thing at a time).
 */
export const VALID_BODIES: Partial<Record<RouteId, (authorityId: string, tenantId: string) => Record<string, Json>>> = {
  choosePartnership: (_a, tenantId) => ({ tenantId }),
  createAuthority: () => ({ id: 'fuzz-new', ...AUTHORITY }),
  updateAuthority: () => ({ ...AUTHORITY, version: 1 }),
  createUser: (a) => ({ email: 'fuzz@example.org', role: 'authority-editor', authorityId: a }),
  putSettings: () => ({ coverageTarget: 0.85, trainingRetentionYears: 6, version: 1 }),
  createCourse: () => ({ id: 'fuzz-course', name: 'Fuzz course', level: 'frontline', refresherMonths: 12, deliveryModes: ['e-learning'] }),
  updateCourse: () => ({ name: 'Fuzz course', level: 'frontline', refresherMonths: 12, deliveryModes: ['e-learning'], version: 1 }),
  putTrainingPlan: () => ({ version: 0, roles: [{ id: 'frontline', name: 'Frontline staff', headcount: 10, requiredCourses: ['home-office-elearning'] }] }),
  searchCompletions: () => ({ staffRef: 'S1' }),
  recordCompletion: () => ({ staffRef: 'S1', courseId: 'home-office-elearning', completedOn: '2025-01-15', role: 'frontline', name: 'Fuzz Person', team: 'Team', provider: 'Provider' }),
  requestImportUpload: () => ({ contentType: 'text/csv', contentLength: 1000 }),
  startImport: (a, t) => ({ key: `${t}/${a}/01FUZZ.csv` }),
  putImportMapping: () => ({ version: 0, columns: { 'Position Title': 'role' }, values: { role: {}, deliveryMode: { 'Teams call': 'virtual-classroom' } } }),
  eraseStaffTraining: () => ({ staffRef: 'S1' }),
  createSession: () => SESSION,
  updateSession: () => ({ ...SESSION, version: 1 }),
  putSop: () => SOP,
  recordSopReview: () => ({ reviewedOn: '2025-01-01', reviewer: 'Chair', outcome: 'unchanged', minuteRef: 'PSG 1', version: 1 }),
  createObligation: () => OBLIGATION,
  updateObligation: () => ({ ...OBLIGATION, version: 1 }),
  recordObligationEvidence: () => ({ status: 'developing', evidence: { notes: 'Minuted', links: ['https://example.org/minutes'] }, evidencedOn: '2025-01-01', version: 1 }),
  addFramework: () => ({ id: 'fuzz-framework', version: '1', name: 'Fuzz', benchmarks: [{ number: 1, title: 'T', questions: [{ id: '1.1', text: 'Q', type: 'expectation' }] }] }),
  putItFilterAssurance: () => ({ ...ASSURANCE, version: 0 }),
  putStatement: () => ({ narrative: { leadership: 'x' }, version: 0 }),
  submitStatement: () => ({ version: 1 }),
  reviewStatement: () => ({ outcome: 'accept', version: 1 }),
  requestStatementUpload: () => ({ fileName: 's.pdf', contentType: 'application/pdf', contentLength: 100 }),
  attachStatementDocument: (a, t) => ({ key: `${t}/${a}/2024-25/x.pdf`, fileName: 's.pdf', version: 1 }),
  setStatementDeadline: () => ({ dueOn: '2025-03-31' }),
  createActionPlan: () => ({ id: 'fuzz-plan', title: 'Fuzz plan', firstYear: '2024-25', lastYear: '2025-26', themes: [{ id: 'fuzz-theme', number: 1, title: 'Theme' }] }),
  updateActionPlan: () => ({ title: 'Fuzz plan', themes: [{ id: 'fuzz-theme', number: 1, title: 'Theme' }], version: 1 }),
  closeActionPlanYear: () => ({ year: '2024-25', version: 1 }),
  createAction: (a) => ({ themeId: 'fuzz-theme', number: '1.1', action: 'Fuzz action', leadAuthorities: [a], otherLeads: ['Faiths Forum'], timescale: { kind: 'date', dueOn: '2025-06-01' }, outcomes: 'Outcome', benchmarks: [3], rag: 'amber' }),
  updateAction: (a) => ({ themeId: 'fuzz-theme', number: '1.1', action: 'Fuzz action', leadAuthorities: [a], otherLeads: [], timescale: { kind: 'recurring', every: 'quarterly' }, benchmarks: [3], version: 1 }),
  recordActionProgress: () => ({ rag: 'green', text: 'Fuzz progress', version: 1 }),
  putDeliveryQuarter: () => ({
    referrals: { education: 1, police: 5, 'local-authority': 0, health: 2, 'criminal-justice': 0, community: 0, other: 0 },
    channelAdopted: 1, channelOpened: 1, channelClosed: 0, hateCrimeReports: 12,
    outreachTraining: [{ audience: 'Faith leaders', events: 1, attendees: 10, feedbackRespondents: 5, feedbackGoodOrExcellent: 4 }],
    communications: [{ kind: 'newsletter', description: 'Newsletter', count: 1, reach: 100 }],
    version: 0,
  }),
  putAssessment: () => ({ assessedOn: '2025-02-01', scores: { '1': 4, '10': 2 }, targets: { '10': 4 }, strengths: [{ benchmark: 1, text: 'Strong' }], developmentAreas: [{ text: 'Communications' }], version: 0 }),
  putAnnualNarrative: () => ({ introduction: 'Intro', highlights: 'Highlights', recommendations: [{ theme: '1', action: 'Do', leadOfficer: 'Prevent Partnership Officer', partners: 'All' }], version: 0 }),
};

/** Path parameters a route takes, valid. */
export const VALID_PARAMS: Record<string, (authorityId: string) => string> = {
  id: (a) => a,
  obligationId: () => 'fuzz-obligation',
  sessionId: () => 'fuzz-session',
  importId: () => 'fuzz-import',
  year: () => '2024-25',
  number: () => '1',
  planId: () => 'fuzz-plan',
  actionId: () => 'fuzz-action',
  quarter: () => '1',
};
export const VALID_QUERY: Record<string, string> = { version: '1' };

export const isWriteRoute = (r: RouteContract) => r.method !== 'GET';
/** A file body is the importer's: generated files are sent to it by importer.test.ts. */
export const isFileRoute = (r: RouteContract) => r.bodyContentType === 'text/csv';

// ---------------------------------------------------------------------------------------------
// Bad values

const LONE = ['\ud800', 'a\udc00b', '\udfff\ud800'];
const ODD_TEXT = [
  '\u0000', 'a\u0000b', '\u0001\u0002\u001f', '\u202eevil\u202c', '\u200b', '\u200d\u200c', '\ufeff', '\u0085', '\u2028\u2029', '\uffff', '\ufffe',
  '🏴\u200d☠️', 'e\u0301'.repeat(50), '\u0661\u0662', '\x1b[31m', '<script>alert(1)</script>', "'; DROP TABLE x; --", '../..', '%00', '%zz', '#', 'a#b', ' ', '\t\n',
];
const NUMBERISH = ['NaN', 'Infinity', '-Infinity', '1e400', '-0', '0x10', '1_000', ' 1', '١٢'];
const IMPOSSIBLE_DATES = ['2025-02-30', '2023-02-29', '2024-13-01', '2024-00-10', '0000-00-00', '9999-99-99', '2025-2-3', '31/02/2024', '2024-02-30T00:00:00Z', '2024-06-31'];
const ODD_NUMBERS = [-1, 0, 1.5, -0.5, 1e308, -1e308, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1e-320, 4294967296];

/** Nested arrays or objects `depth` deep: JSON that stresses recursive parsers and validators. */
function nested(depth: number, asObject: boolean): Json {
  let v: Json = 1;
  for (let i = 0; i < depth; i++) v = asObject ? { a: v } : [v];
  return v;
}

/** An object whose own keys are the ones that reach prototypes when code copies carelessly. */
const prototypeKeys = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__');
const protoObject: fc.Arbitrary<Json> = fc.tuple(prototypeKeys, fc.constantFrom<Json>({ polluted: true }, null, 'x', 1, { prototype: { polluted: true } })).map(([k, v]) => JSON.parse(`{${JSON.stringify(k)}:${JSON.stringify(v)}}`));

/** Any bad value for a field, whatever it should hold. */
export const garbage: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: fc.constantFrom<Json>(null, true, false, 0, -1, '', [], {}), weight: 3 },
  { arbitrary: fc.constantFrom<Json>(...ODD_NUMBERS), weight: 2 },
  { arbitrary: fc.double().map((n) => (Number.isFinite(n) ? n : String(n))), weight: 1 },
  { arbitrary: fc.constantFrom<Json>(...NUMBERISH), weight: 2 },
  { arbitrary: fc.constantFrom<Json>(...IMPOSSIBLE_DATES), weight: 2 },
  { arbitrary: fc.constantFrom<Json>(...LONE, ...ODD_TEXT), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.integer({ min: 201, max: 20_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
  // Oversized: more than a Lambda takes in one event's worth of a field; rare, it is slow to send.
  { arbitrary: fc.constant('y'.repeat(1_100_000)), weight: 1 },
  { arbitrary: fc.integer({ min: 20, max: 1_000 }).chain((d) => fc.boolean().map((o) => nested(d, o))), weight: 1 },
  { arbitrary: protoObject, weight: 2 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>, weight: 2 },
);

// ---------------------------------------------------------------------------------------------
// The schema's own boundaries

/** The JSON Schema of a value at a path of the sample, or undefined where the schema has none. */
function schemaAt(schema: JsonSchema | undefined, path: (string | number)[], root: JsonSchema): JsonSchema | undefined {
  let s = schema;
  for (const part of path) {
    if (!s) return undefined;
    s = resolve(s, root);
    if (typeof part === 'number') s = s.items ?? s.prefixItems?.[part];
    else s = s.properties?.[part] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined) ?? s.allOf?.map((x: JsonSchema) => x.properties?.[part]).find(Boolean);
  }
  return s && resolve(s, root);
}

function resolve(s: JsonSchema, root: JsonSchema): JsonSchema {
  if (s.$ref && typeof s.$ref === 'string') {
    const name = s.$ref.replace(/^#\/(\$defs|definitions)\//, '');
    return root.$defs?.[name] ?? root.definitions?.[name] ?? s;
  }
  if (Array.isArray(s.anyOf)) return s.anyOf.find((x: JsonSchema) => x.type !== 'null') ?? s;
  return s;
}

/** Values just outside what the field's JSON Schema allows: one past each bound, a non-member, the wrong type. */
function violationsOf(s: JsonSchema | undefined): Json[] {
  if (!s) return [];
  const out: Json[] = [];
  if (s.enum) out.push(`${s.enum[0]}x`, String(s.enum[0]).toUpperCase(), ` ${s.enum[0]}`);
  if (s.const !== undefined) out.push(s.const === true ? false : null);
  if (s.type === 'string') {
    out.push(12345, true, ['a']);
    if (typeof s.maxLength === 'number') out.push('z'.repeat(s.maxLength + 1), '\u00e9'.repeat(s.maxLength + 1));
    if (typeof s.minLength === 'number' && s.minLength > 0) out.push('z'.repeat(s.minLength - 1));
    if (s.pattern) out.push('has space', 'a#b', '\u0000', 'x'.repeat(65), 'ü');
    if (s.format === 'email') out.push('not-an-email', 'a@b', '@example.org');
    if (s.format === 'uri') out.push('not a uri', 'javascript:alert(1)');
  }
  if (s.type === 'integer' || s.type === 'number') {
    out.push('1', '', 'NaN', 'Infinity', true);
    if (typeof s.maximum === 'number') out.push(s.maximum + 1, s.maximum + 0.5);
    if (typeof s.minimum === 'number') out.push(s.minimum - 1, s.minimum - 0.5);
    if (typeof s.exclusiveMinimum === 'number') out.push(s.exclusiveMinimum);
    if (s.type === 'integer') out.push(1.5);
  }
  if (s.type === 'boolean') out.push('true', 1, 0, 'yes');
  if (s.type === 'array') {
    out.push('a', { 0: 'a' });
    if (typeof s.maxItems === 'number') out.push(Array.from({ length: s.maxItems + 1 }, () => 'a'));
    if (typeof s.minItems === 'number' && s.minItems > 0) out.push([]);
  }
  if (s.type === 'object') out.push([], 'object', 1);
  return out;
}

/** A value the field's JSON Schema allows (an arbitrary), or undefined where it cannot say (dates are zod refinements). */
function validOf(s: JsonSchema | undefined, root: JsonSchema, depth = 0): fc.Arbitrary<Json> | undefined {
  if (!s || depth > 4) return undefined;
  s = resolve(s, root);
  if (s.enum) return fc.constantFrom(...(s.enum as Json[]));
  if (s.const !== undefined) return fc.constant(s.const as Json);
  switch (s.type) {
    case 'string': {
      if (s.format) return undefined;
      const maxLength = Math.min(s.maxLength ?? 60, 60);
      const minLength = s.minLength ?? 0;
      if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length >= minLength && v.length <= (s!.maxLength ?? Infinity));
      if (!('minLength' in s) && !('maxLength' in s)) return undefined; // a refined string (a date, say): only its sample is known good
      return fc.string({ unit: 'grapheme', minLength, maxLength: Math.max(minLength, maxLength) });
    }
    case 'integer':
      return fc.integer({ min: Math.max(s.minimum ?? -1e6, (s.exclusiveMinimum ?? -Infinity) + 1, -1e9), max: Math.min(s.maximum ?? 1e6, 1e9) });
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const item = validOf(s.items, root, depth + 1);
      return item && fc.array(item, { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 4, 4) });
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// One thing broken

type Path = (string | number)[];

/** Every path in a JSON value (objects and arrays), the root excluded. */
function pathsOf(value: Json, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...pathsOf(v, [...prefix, i])]);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
  return [];
}
function objectPaths(value: Json, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => objectPaths(v, [...prefix, i]));
  if (value && typeof value === 'object') return [prefix, ...Object.entries(value).flatMap(([k, v]) => objectPaths(v, [...prefix, k]))];
  return [];
}

const clone = (v: Json): Json => JSON.parse(JSON.stringify(v));

/** Sets (or with `undefined`, removes) the value at a path; own properties only, `__proto__` included. */
function setAt(root: Json, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  const copy = clone(root);
  let parent: any = copy;
  for (const part of path.slice(0, -1)) {
    parent = parent?.[part];
    // An earlier operation replaced or removed what this path goes through: nothing to do.
    if (!parent || typeof parent !== 'object') return copy;
  }
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else Object.defineProperty(parent, last, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

type Op = { op: 'replace'; path: Path; value: Json } | { op: 'remove'; path: Path } | { op: 'extra'; path: Path; key: string; value: Json };

function applyOps(base: Json, ops: Op[]): Json {
  let body = base;
  for (const o of ops) {
    if (o.op === 'replace') body = setAt(body, o.path, o.value);
    else if (o.op === 'remove') body = setAt(body, o.path, undefined);
    else {
      const target = o.path.reduce<any>((v, p) => v?.[p], body);
      if (target && typeof target === 'object' && !Array.isArray(target)) body = setAt(body, [...o.path, o.key], o.value);
    }
  }
  return body;
}

/** The body sample with one or two things broken, the replacement values drawn from the schema's boundaries and from garbage. */
function brokenBody(base: Json, schema: JsonSchema): fc.Arbitrary<Json> {
  const paths = pathsOf(base);
  const objects = objectPaths(base);
  const replace: fc.Arbitrary<Op> = fc.constantFrom(...paths).chain((path) => {
    const violations = violationsOf(schemaAt(schema, path, schema));
    const value = violations.length ? fc.oneof(fc.constantFrom(...violations), garbage) : garbage;
    return value.map((v): Op => ({ op: 'replace', path, value: v }));
  });
  const remove: fc.Arbitrary<Op> = fc.constantFrom(...paths).map((path): Op => ({ op: 'remove', path }));
  const extra: fc.Arbitrary<Op> = fc
    .tuple(fc.constantFrom(...objects), fc.oneof(prototypeKeys, fc.string({ unit: 'binary', minLength: 1, maxLength: 12 })), garbage)
    .map(([path, key, value]): Op => ({ op: 'extra', path, key, value }));
  const oneOp = fc.oneof({ arbitrary: replace, weight: 5 }, { arbitrary: remove, weight: 2 });
  // Extra keys alone are allowed (zod drops unknown keys), so they come with a broken field.
  const ops = fc.oneof(
    { arbitrary: oneOp.map((o) => [o]), weight: 6 },
    { arbitrary: fc.tuple(extra, oneOp).map(([a, b]) => [a, b]), weight: 2 },
    { arbitrary: fc.tuple(oneOp, oneOp).map(([a, b]) => [a, b]), weight: 1 },
  );
  return ops.map((o) => applyOps(base, o));
}

/** Bodies that are not what any route takes. */
const RAW_GARBAGE = fc.oneof(
  fc.constantFrom(
    '', '{', '}', '{"a":', '[', 'null', '[]', '"x"', '123', 'true', '1e400', 'NaN', 'Infinity', '{"a":NaN}', "{'a':1}", '{"a":1,}', '{a:1}',
    '\u0000', '\ufeff{}', '{"a":"\ud800"}', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}',
    '<?xml version="1.0"?><a/>', 'a=1&b=2', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
  ),
  fc.integer({ min: 100, max: 20_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 100, max: 20_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
  fc.integer({ min: 100, max: 5_000 }).map((n) => '['.repeat(n)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
);

/** Content types the JSON parser does not take: the body reaches the schema as a string. */
const NOT_JSON = ['text/plain', 'text/csv', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', 'application/octet-stream', 'image/png'];
/** The same body sent as JSON under names the parser does take (so the body is judged as JSON). */
const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/vnd.api+json'];

/** Path ids that are not ids, as decoded values (sent percent-encoded) and as raw broken encodings. */
const BAD_IDS = fc.oneof(
  fc.constantFrom('', ' ', '..', '.', 'a b', 'a#b', 'a/b', 'a?b', 'x'.repeat(65), 'x'.repeat(5000), '\u0000', 'é', '\u202e', '\u200b', '-1', 'null', 'undefined', '__proto__', 'constructor', '9999-00', '2024-26', '0', '1.5', 'NaN'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }),
);
const RAW_BAD_SEGMENTS = ['%zz', '%C0%AF', '%ED%A0%80', '%FF', '%00', '%2F', '%2e%2e', '%F0%9F%98', '%'];

const isWellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

// ---------------------------------------------------------------------------------------------

export interface RouteCases {
  /** Requests the contract refuses (checked against its schemas before sending). */
  invalid: fc.Arbitrary<Case>;
  /** Requests the contract takes: 2xx or a domain 4xx. */
  valid: fc.Arbitrary<Case>;
}

/** True when the route's schemas accept a request as the gateway would hand it to the handler. */
function acceptedBy(route: RouteContract, params: Record<string, string>, query: Record<string, string>, body: unknown): boolean {
  if (route.params && !route.params.safeParse(params).success) return false;
  if (route.query && !route.query.safeParse(query).success) return false;
  if (route.body && !route.body.safeParse(body).success) return false;
  return true;
}

/**
 * The context cases are drawn in: the authority acted on, and path parameters learned from earlier
 * answers (the id a create returned), so valid requests can reach a record that exists.
 */
export interface CaseContext {
  authorityId: string;
  tenantId: string;
  params?: Record<string, string>;
}

export function casesFor(id: RouteId, route: RouteContract, ctx: CaseContext): RouteCases {
  const roles = (route.roles ?? []) as Role[];
  const role = fc.constantFrom(...roles);
  const paramNames = route.path.match(/\{(\w+)\}/g)?.map((m) => m.slice(1, -1)) ?? [];
  // `{id}` is an authority everywhere but under /courses, where it is the course the valid createCourse sample makes.
  const paramOf = (n: string) => ctx.params?.[n] ?? (n === 'id' && route.path.startsWith('/courses/') ? 'fuzz-course' : VALID_PARAMS[n]?.(ctx.authorityId)) ?? 'fuzz-x';
  const validParams = Object.fromEntries(paramNames.map((n) => [n, paramOf(n)]));
  const queryNames = route.query ? Object.keys(route.query.shape) : [];
  const validQuery = Object.fromEntries(queryNames.filter((n) => VALID_QUERY[n]).map((n) => [n, VALID_QUERY[n]]));
  const urlOf = (segments: Record<string, string>, query: Record<string, string>) => {
    const qs = Object.entries(query).map(([k, v]) => `${k}=${v}`).join('&');
    return route.path.replace(/\{(\w+)\}/g, (_, n: string) => segments[n]) + (qs ? `?${qs}` : '');
  };
  const encoded = (params: Record<string, string>) => Object.fromEntries(Object.entries(params).map(([k, v]) => [k, encodeURIComponent(v)]));
  const validUrl = urlOf(encoded(validParams), Object.fromEntries(Object.entries(validQuery).map(([k, v]) => [k, encodeURIComponent(v)])));

  const sample = VALID_BODIES[id]?.(ctx.authorityId, ctx.tenantId);
  if (route.body && !sample) throw new Error(`No valid body sample for the write route ${id}: add one to VALID_BODIES in test/fuzz/contract-cases.ts`);
  if (route.body && !route.body.safeParse(sample).success) throw new Error(`The body sample of ${id} is not valid for its schema: ${route.body.safeParse(sample).error?.message}`);
  const schema: JsonSchema = route.body ? (z.toJSONSchema(route.body, { io: 'input', unrepresentable: 'any' }) as JsonSchema) : {};
  const sampleText = sample ? JSON.stringify(sample) : undefined;

  const kinds: { arbitrary: fc.Arbitrary<Case>; weight: number }[] = [];

  // A path parameter that is no id (one at a time; the body is valid).
  if (paramNames.length) {
    const badSegment = fc.tuple(fc.constantFrom(...paramNames), fc.oneof({ arbitrary: BAD_IDS, weight: 4 }, { arbitrary: fc.constantFrom(...RAW_BAD_SEGMENTS), weight: 1 })).filter(([name, value]) => {
      if (RAW_BAD_SEGMENTS.includes(value)) return true;
      if (!isWellFormed(value)) return true;
      return !acceptedBy(route, { ...validParams, [name]: value }, validQuery, sample);
    });
    kinds.push({
      weight: route.body ? 2 : 8,
      arbitrary: fc.tuple(role, badSegment).map(([r, [name, value]]): Case => {
        const segment = RAW_BAD_SEGMENTS.includes(value) ? value : isWellFormed(value) ? encodeURIComponent(value) : '%ED%A0%80';
        return { kind: 'path id', role: r, url: urlOf({ ...encoded(validParams), [name]: segment }, validQuery), rawBody: sampleText, contentType: 'application/json' };
      }),
    });
  }
  // A query parameter out of its range (deleteObligation's version).
  if (queryNames.length) {
    const badQuery = fc
      .tuple(fc.constantFrom(...queryNames), fc.oneof(fc.constantFrom('', '0', '-1', '1.5', 'NaN', 'Infinity', '1e400', '99999999999999999999', 'abc', '%zz', '%00'), garbage.map((g) => (typeof g === 'string' ? g : JSON.stringify(g)))))
      .filter(([name, value]) => value.startsWith('%') || !acceptedBy(route, validParams, { ...validQuery, [name]: value }, sample));
    kinds.push({
      weight: 2,
      arbitrary: fc.tuple(role, badQuery, fc.boolean()).map(([r, [name, value], drop]): Case => {
        const query = { ...Object.fromEntries(Object.entries(validQuery).map(([k, v]) => [k, encodeURIComponent(v)])) };
        if (drop && name in query) delete query[name];
        else query[name] = value.startsWith('%') ? value : isWellFormed(value) ? encodeURIComponent(value) : '%ED%A0%80';
        return { kind: 'query', role: r, url: urlOf(encoded(validParams), query), rawBody: sampleText, contentType: 'application/json' };
      }),
    });
  }
  if (route.body && sample) {
    // Valid except one thing (or two), judged by the route's schema.
    kinds.push({
      weight: 10,
      arbitrary: fc
        .tuple(role, brokenBody(sample, schema), fc.constantFrom(...JSON_TYPES))
        .filter(([, body]) => !acceptedBy(route, validParams, validQuery, body))
        .map(([r, body, contentType]): Case => ({ kind: 'one field', role: r, url: validUrl, rawBody: JSON.stringify(body), contentType })),
    });
    // Garbage in place of the body.
    kinds.push({
      weight: 3,
      arbitrary: fc
        .tuple(role, RAW_GARBAGE)
        .filter(([, raw]) => {
          try {
            return raw === '' ? !acceptedBy(route, validParams, validQuery, undefined) : !acceptedBy(route, validParams, validQuery, JSON.parse(raw));
          } catch {
            return true;
          }
        })
        .map(([r, raw]): Case => ({ kind: 'garbage body', role: r, url: validUrl, rawBody: raw, contentType: 'application/json' })),
    });
    // The valid body under a content type that is not JSON.
    kinds.push({
      weight: 1,
      arbitrary: fc.tuple(role, fc.constantFrom(...NOT_JSON)).map(([r, contentType]): Case => ({ kind: 'content type', role: r, url: validUrl, rawBody: sampleText, contentType })),
    });
  }

  const invalid = fc.oneof(...kinds);

  // Valid: the sample with up to three fields redrawn from the schema (kept only if the schema takes it).
  const redraw = pathsOf(sample ?? {})
    .map((path) => ({ path, arb: validOf(schemaAt(schema, path, schema), schema) }))
    .filter((x): x is { path: Path; arb: fc.Arbitrary<Json> } => !!x.arb)
    .map(({ path, arb }) => arb.map((value): Op => ({ op: 'replace', path, value })));
  const validBody: fc.Arbitrary<Json | undefined> = !sample
    ? fc.constant(undefined)
    : redraw.length
      ? fc.array(fc.oneof(...redraw), { maxLength: 3 }).map((ops) => applyOps(sample, ops)).filter((b) => acceptedBy(route, validParams, validQuery, b))
      : fc.constant(sample);
  const valid = fc.tuple(role, validBody).map(([r, body]): Case => ({ kind: 'valid', role: r, url: validUrl, rawBody: body === undefined ? undefined : JSON.stringify(body), contentType: 'application/json' }));

  return { invalid, valid };
}
