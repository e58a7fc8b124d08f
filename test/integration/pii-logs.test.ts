import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BUILT_IN_FRAMEWORKS } from '../../domain/statements/frameworks';
import { reportingYearOf, toIsoDate } from '../../domain/shared/dates';
import { logger } from '../../functions/shared/logger';
import { TestApi } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { useFreshTable } from '../support/table';
import { scanTable } from '../support/table-scan';

/**
 * Personal data never reaches a log line or an audit event. Canary values (a staff name, an
 * email, a staff reference, a bearer token) go through the main journeys — an authority and a
 * user, completions by hand and by CSV import, a statement saved, signed, submitted and reviewed,
 * the SOP and its review, the report, an erasure — with logging at DEBUG and every line written
 * to stdout, stderr or the console captured at the process level; then no line, and no audit
 * event in the table, holds any canary (as written, lower-cased, or percent-encoded).
 * The canaries go where personal data goes (names, emails, staff references, file names, the
 * sign-off, the SOP's owner and reviewer); free text (a narrative, a review comment) is recorded
 * as its author wrote it, so it holds none here.
 */
useFreshTable();

// The logger takes its level from LOG_LEVEL when it is built (functions/shared/logger.ts), which
// the vitest config sets to SILENT, and Powertools goes back to that first level at every
// invocation: so it must be DEBUG before any import builds the logger (vi.hoisted runs first).
vi.hoisted(() => {
  process.env.LOG_LEVEL = 'DEBUG';
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
});

const CANARY = {
  name: 'Quillon Canarybrook',
  email: 'quillon.canarybrook@canary-mail.example',
  staffRef: 'CNRY-7731-XQ',
};

let api: TestApi;
let p: PartnershipFixture;
/** The bearer token of the person doing most of the journey: a canary of its own. */
let canaryToken: string;
const TODAY = toIsoDate(new Date());
const YEAR = reportingYearOf(TODAY);

/** Everything written to the process's output while the journeys ran. */
const captured: string[] = [];
const restore: (() => void)[] = [];

function capture() {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write;
    stream.write = function (chunk: unknown, ...rest: unknown[]) {
      captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (write as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
    } as typeof stream.write;
    restore.push(() => (stream.write = write));
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      captured.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 10 }))).join(' '));
      original.apply(console, args);
    };
    restore.push(() => (console[method] = original));
  }
}

/** The canaries as they could appear: as written, lower-case, percent-encoded, and the token's signature alone. */
function needles(): string[] {
  const values = [CANARY.name, CANARY.email, CANARY.staffRef, canaryToken, canaryToken.split('.')[2]];
  return [...new Set(values.flatMap((v) => [v, v.toLowerCase(), encodeURIComponent(v), encodeURIComponent(v).toLowerCase()]))];
}
const holding = (text: string) => needles().filter((n) => text.toLowerCase().includes(n.toLowerCase()));

beforeAll(async () => {
  api = await TestApi.create();
  p = await seedPartnership(api, 'canary');
  canaryToken = p.tokens['authority-lead@a'];
  capture();
});

afterAll(() => {
  for (const undo of restore.reverse()) undo();
});

describe('with logging at DEBUG, the journeys leave no canary in any log line or audit event', () => {
  it('logs at DEBUG, and the capture sees what the logger writes', () => {
    expect(logger.getLevelName()).toBe('DEBUG');
    const before = captured.length;
    logger.debug('capture check', { marker: 'pii-capture-check' });
    expect(captured.slice(before).join('')).toContain('pii-capture-check');
  });

  it('runs the journeys', async () => {
    const sg = p.tokens['steering-group'];
    const lead = canaryToken;
    const a = `/authorities/${p.authorities.a}`;
    const ok = (res: { status: number; text: string }, status = 200) => expect(res.status, res.text).toBe(status);

    // An authority whose Prevent lead is the canary, and a user with the canary's email.
    ok(await api.request('POST', '/authorities', { token: sg, body: { id: 'canary-college', name: 'Canary College', sector: 'education-childcare', type: 'fe-college', preventLeadName: CANARY.name, preventLeadEmail: CANARY.email } }), 201);
    ok(await api.request('POST', '/users', { token: sg, body: { email: CANARY.email, displayName: CANARY.name, role: 'authority-editor', authorityId: p.authorities.a } }), 201);
    // A refused request carrying the canaries: refusals are logged too.
    expect((await api.request('POST', '/users', { token: sg, body: { email: CANARY.email, displayName: CANARY.name, role: 'authority-editor', authorityId: p.authorities.a } })).status).toBe(409);
    expect((await api.request('POST', `${a}/completions`, { token: lead, body: { staffRef: CANARY.staffRef, name: CANARY.name, courseId: 'home-office-elearning', completedOn: '2025-02-30' } })).status).toBe(400);

    // Completions: by hand, then by CSV import (one row stored, one refused with its reasons).
    ok(await api.request('PUT', `${a}/training-plan`, { token: lead, body: { version: 0, roles: [{ id: 'staff', name: 'All staff', headcount: 5, requiredCourses: ['home-office-elearning'] }] } }));
    ok(await api.request('POST', `${a}/completions`, { token: lead, body: { staffRef: CANARY.staffRef, name: CANARY.name, team: CANARY.email, courseId: 'home-office-elearning', completedOn: TODAY, role: 'staff' } }), 201);
    const csv = ['Employee ID,Full Name,Team,Course Title,Completion Date', `${CANARY.staffRef},${CANARY.name},${CANARY.email},WRAP,${TODAY}`, `${CANARY.staffRef},${CANARY.name},x,${CANARY.name} course,2024-02-30`].join('\r\n');
    const imported = await api.request('POST', `${a}/completions/import?fileName=${encodeURIComponent(`${CANARY.name}.csv`)}`, { token: lead, rawBody: csv, headers: { 'content-type': 'text/csv' } });
    ok(imported);
    expect(imported.body).toMatchObject({ imported: 1, rejected: [{ line: 3 }] });
    ok(await api.request('POST', `${a}/completions/search`, { token: lead, body: { staffRef: CANARY.staffRef } }));

    // The SOP (its owner is the canary) and its annual review (by the canary).
    const sop = await api.request('PUT', `${a}/sop`, {
      token: lead,
      body: {
        title: 'Prevent SOP', ownerName: CANARY.name, ownerRole: 'Prevent lead', sopVersion: '1.0', implementationDate: '2025-01-01', nextReviewDate: '2026-01-01',
        securityClassification: 'OFFICIAL', foiDisclosable: true, riskRating: 'low', equalityAnalysis: 'Done', revisions: [], version: 0,
      },
    });
    ok(sop);
    ok(await api.request('POST', `${a}/sop/reviews`, { token: lead, body: { reviewedOn: TODAY, reviewer: CANARY.name, outcome: 'unchanged', minuteRef: 'PSG 12', version: sop.body.version } }), 201);

    // A statement: drafted, signed off by the canary, the signed document attached, submitted, returned, accepted.
    const st = `${a}/statements/${YEAR}`;
    const current = (await api.request('GET', st, { token: lead })).body;
    const questions = (current.applicableQuestions as string[]) ?? BUILT_IN_FRAMEWORKS[0].benchmarks.flatMap((b) => b.questions.map((q) => q.id));
    const ratings = Object.fromEntries(questions.map((q) => [q, { rating: 'developing', details: 'Evidence in the minutes' }]));
    const signOff = { name: CANARY.name, role: 'Prevent lead', date: TODAY, declaration: 'I confirm this statement is accurate.' };
    const draft = await api.request('PUT', st, { token: lead, body: { ratings, narrative: { leadership: 'Led by the Prevent lead' }, signOff, version: current.version ?? 0 } });
    ok(draft);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('signed statement'), Buffer.from('\n%%EOF\n')]);
    const grant = await api.request('POST', `${st}/document/upload-url`, { token: lead, body: { fileName: `${CANARY.name}.pdf`, contentType: 'application/pdf', contentLength: pdf.length } });
    ok(grant);
    expect((await fetch(grant.body.uploadUrl, { method: 'PUT', headers: grant.body.headers, body: pdf })).status).toBe(200);
    const attached = await api.request('POST', `${st}/document`, { token: lead, body: { key: grant.body.key, fileName: `${CANARY.name}.pdf`, version: draft.body.version } });
    ok(attached);
    const withDocument = (await api.request('GET', st, { token: lead })).body;
    const submitted = await api.request('POST', `${st}/submit`, { token: lead, body: { version: withDocument.version } });
    ok(submitted);
    const returned = await api.request('POST', `${st}/review`, { token: sg, body: { outcome: 'return', comment: 'Add the referral figures', version: submitted.body.statement.version } });
    ok(returned);
    // A returned statement is signed off again before it goes back.
    const resigned = await api.request('PUT', st, { token: lead, body: { ratings, narrative: { leadership: 'Led by the Prevent lead' }, signOff, version: returned.body.version } });
    ok(resigned);
    const again = await api.request('POST', `${st}/submit`, { token: lead, body: { version: resigned.body.version, confirmDocumentStands: true } });
    ok(again);
    ok(await api.request('POST', `${st}/review`, { token: sg, body: { outcome: 'accept', version: again.body.statement.version } }));

    // Reads: the report in every format, the audit trail, the completions.
    for (const format of ['', '&format=csv', '&format=html']) ok(await api.request('GET', `/reports/consolidated?year=${YEAR}${format}`, { token: sg }));
    ok(await api.request('GET', '/audit?limit=100', { token: sg }));
    ok(await api.request('GET', `${a}/completions`, { token: lead }));

    // The erasure of the canary's training records.
    const erased = await api.request('POST', `${a}/erasures`, { token: lead, body: { staffRef: CANARY.staffRef } });
    ok(erased);
    expect(erased.body.erased).toBeGreaterThan(0);
  });

  it('no log line holds a canary', () => {
    // The journeys were logged: DEBUG produces lines (the refusals above at least).
    expect(captured.length).toBeGreaterThan(2);
    const leaks = captured.filter((line) => holding(line).length).map((line) => `${holding(line).join(', ')} in: ${line.slice(0, 400)}`);
    expect(leaks).toEqual([]);
  });

  it('no audit event holds a canary', async () => {
    const events = (await scanTable()).filter((i) => typeof i.PK === 'string' && /#AUDIT$/.test(i.PK));
    expect(events.length).toBeGreaterThan(10);
    const leaks = events.map((e) => JSON.stringify(e)).filter((text) => holding(text).length).map((text) => `${holding(text).join(', ')} in: ${text.slice(0, 400)}`);
    expect(leaks).toEqual([]);
  });
});
