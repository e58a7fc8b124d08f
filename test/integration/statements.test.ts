import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_FRAMEWORKS } from '../../domain/statements/frameworks';
import { reportingYearOf, toIsoDate, addDays } from '../../domain/shared/dates';
import { TestApi } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { useFreshTable } from '../support/table';

useFreshTable();

let api: TestApi;
let p: PartnershipFixture;
const TODAY = toIsoDate(new Date());
const YEAR = reportingYearOf(TODAY);
let opcc: string;
let base: string;
let lead: string;
let editor: string;
let sg: string;

/** Every question of the 2018 toolkit's benchmarks that apply to the police sector by default. */
const POLICE_BENCHMARKS = [1, 2, 3, 4, 5, 6, 7, 8];
const policeQuestions = BUILT_IN_FRAMEWORKS[0].benchmarks.filter((b) => POLICE_BENCHMARKS.includes(b.number)).flatMap((b) => b.questions.map((q) => q.id));

const ratingsFor = (ids: string[], rating = 'developing') => Object.fromEntries(ids.map((id) => [id, { rating, details: `Evidence for ${id}` }]));
const SIGNED_PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('signed statement'), Buffer.from('\n%%EOF\n')]);
const RESIGNED_PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('signed statement, second version'), Buffer.from('\n%%EOF\n')]);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Uploads a PDF through the presigned URL and attaches it to the statement at `url`. */
async function attachPdf(url: string, pdf: Buffer, fileName: string) {
  const grant = await api.request('POST', `${url}/document/upload-url`, { token: lead, body: { fileName, contentType: 'application/pdf', contentLength: pdf.length } });
  expect(grant.status, grant.text).toBe(200);
  expect((await fetch(grant.body.uploadUrl, { method: 'PUT', headers: grant.body.headers, body: pdf })).status).toBe(200);
  const current = (await api.request('GET', url, { token: lead })).body;
  const attached = await api.request('POST', `${url}/document`, { token: lead, body: { key: grant.body.key, fileName, version: current.version } });
  expect(attached.status, attached.text).toBe(200);
  return attached.body;
}
const SIGN_OFF = { name: 'Alex Lead', role: 'Head of Policy and Partnerships', date: TODAY, declaration: 'I confirm this statement is accurate.' };

beforeAll(async () => {
  api = await TestApi.create();
  p = await seedPartnership(api, 'journey');
  opcc = p.authorities.b; // the OPCC of the fixture partnership (police sector)
  base = `/authorities/${opcc}/statements/${YEAR}`;
  lead = p.tokens['authority-lead@b'];
  editor = p.tokens['authority-editor@b'];
  sg = p.tokens['steering-group'];
  // Figures that the snapshot will freeze: a training plan and one completion, an IT-filter assurance.
  await api.request('PUT', `/authorities/${opcc}/training-plan`, { token: lead, body: { version: 0, roles: [{ id: 'staff', name: 'All staff', headcount: 4, requiredCourses: ['home-office-elearning'] }] } });
  expect((await api.request('POST', `/authorities/${opcc}/completions`, { token: editor, body: { staffRef: 'S1', courseId: 'home-office-elearning', completedOn: TODAY, role: 'staff' } })).status).toBe(201);
  const itf = await api.request('PUT', `/authorities/${opcc}/it-filter-assurances/${YEAR}`, {
    token: editor,
    body: {
      reviewedOn: TODAY, itProvidedBy: p.authorities.a, assuredBy: { name: 'Jo IT', role: 'Head of ICT', organisation: 'Shire Police' },
      product: 'Web filter X', ctiruListApplied: true, ctiruListVersion: '2025-03', scope: ['corporate-network', 'guest-wifi'], outcome: 'assured', evidence: 'ICT assurance letter', version: 0,
    },
  });
  expect(itf.status, itf.text).toBe(200);
});

describe('the OPCC statement journey', () => {
  let v1Figures: any;

  it('drafts and rates; submitting too early lists the unrated questions and the missing sign-off', async () => {
    const draft = await api.request('PUT', base, { token: editor, body: { ratings: ratingsFor(policeQuestions.slice(0, 5)), scores: { '1': 3 }, narrative: { leadership: 'Head of Policy leads.' }, version: 0 } });
    expect(draft.status, draft.text).toBe(200);
    expect(draft.body).toMatchObject({ status: 'draft', framework: 'home-office-toolkit-2018@2018', submissions: 0 });

    const early = await api.request('POST', `${base}/submit`, { token: lead, body: { version: draft.body.version } });
    expect(early.status).toBe(400);
    const paths = early.body.error.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual([...policeQuestions.slice(5).map((q) => `ratings.${q}`), 'signOff']);

    const notApplicable = await api.request('PUT', base, { token: editor, body: { ratings: ratingsFor(['9.1']), version: draft.body.version } });
    expect(notApplicable.status).toBe(400);
    expect(notApplicable.body.error.errors[0].path).toBe('ratings.9.1');

    const read = await api.request('GET', base, { token: p.tokens['viewer@b'] });
    expect(read.body.applicableBenchmarks).toEqual(POLICE_BENCHMARKS);
  });

  it('an editor cannot submit; the lead submits and version 1 freezes the figures', async () => {
    const current = (await api.request('GET', base, { token: lead })).body;
    const full = await api.request('PUT', base, { token: lead, body: { ratings: ratingsFor(policeQuestions), scores: { '1': 3, '7': 4 }, narrative: { training: 'One in four trained.' }, signOff: SIGN_OFF, version: current.version } });
    expect(full.status).toBe(200);
    // Attach the signed PDF through the presigned URL.
    const grant = await api.request('POST', `${base}/document/upload-url`, { token: lead, body: { fileName: 'OPCC statement.pdf', contentType: 'application/pdf', contentLength: SIGNED_PDF.length } });
    expect(grant.status, grant.text).toBe(200);
    expect((await fetch(grant.body.uploadUrl, { method: 'PUT', headers: grant.body.headers, body: SIGNED_PDF })).status).toBe(200);
    const attached = await api.request('POST', `${base}/document`, { token: lead, body: { key: grant.body.key, fileName: 'OPCC statement.pdf', version: full.body.version } });
    expect(attached.status, attached.text).toBe(200);
    const withDocument = (await api.request('GET', base, { token: lead })).body;
    expect((await api.request('POST', `${base}/submit`, { token: editor, body: { version: withDocument.version } })).status).toBe(403);
    const submitted = await api.request('POST', `${base}/submit`, { token: lead, body: { version: withDocument.version } });
    expect(submitted.status, submitted.text).toBe(200);
    expect(submitted.body.statement).toMatchObject({ status: 'submitted', submissions: 1 });
    v1Figures = submitted.body.version.figures;
    expect(submitted.body.version.document).toMatchObject({ fileName: 'OPCC statement.pdf', sha256: createHash('sha256').update(SIGNED_PDF).digest('hex') });
    expect(v1Figures.training).toMatchObject({ headcount: 4, covered: 1, coverage: 0.25, completionsInYear: 1, peopleTrainedInYear: 1 });
    expect(v1Figures.itFilter).toMatchObject({ status: 'current', lastReviewedOn: TODAY, outcomeThisYear: 'assured' });
    expect(v1Figures.sop).toEqual({ present: false });
  });

  it('a submitted statement cannot be edited (409)', async () => {
    const current = (await api.request('GET', base, { token: lead })).body;
    const edit = await api.request('PUT', base, { token: editor, body: { ratings: ratingsFor(policeQuestions), version: current.version } });
    expect(edit.status).toBe(409);
    expect(edit.body.error.code).toBe('immutable');
  });

  it('the steering group returns it with a comment; the lead edits and resubmits; the steering group accepts', async () => {
    let current = (await api.request('GET', base, { token: sg })).body;
    expect((await api.request('POST', `${base}/review`, { token: lead, body: { outcome: 'accept', version: current.version } })).status).toBe(403);
    const noComment = await api.request('POST', `${base}/review`, { token: sg, body: { outcome: 'return', version: current.version } });
    expect(noComment.status).toBe(400);
    const returned = await api.request('POST', `${base}/review`, { token: sg, body: { outcome: 'return', comment: 'Please evidence benchmark 7 with the training plan.', version: current.version } });
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({ status: 'returned', reviews: [{ version: 1, outcome: 'returned', comment: 'Please evidence benchmark 7 with the training plan.' }] });

    // Meanwhile the figures change: two more people trained.
    for (const staffRef of ['S2', 'S3']) {
      expect((await api.request('POST', `/authorities/${opcc}/completions`, { token: editor, body: { staffRef, courseId: 'home-office-elearning', completedOn: TODAY, role: 'staff' } })).status).toBe(201);
    }
    // The return took the sign-off away: the signature was for version 1's content.
    expect(returned.body.signOff).toBeUndefined();
    const edited = await api.request('PUT', base, {
      token: lead,
      body: { ratings: ratingsFor(policeQuestions, 'achieving'), scores: { '1': 3, '7': 4 }, narrative: { training: 'Three in four trained; plan attached.' }, signOff: SIGN_OFF, version: returned.body.version },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.signOff).toEqual(SIGN_OFF);
    // The content changed but the signed PDF is still version 1's: not a signature of this content.
    const stale = await api.request('POST', `${base}/submit`, { token: lead, body: { version: edited.body.version } });
    expect(stale.status, stale.text).toBe(400);
    expect(stale.body.error.errors.map((e: { path: string }) => e.path)).toEqual(['document']);
    await attachPdf(base, RESIGNED_PDF, 'OPCC statement v2.pdf');
    const resigned = (await api.request('GET', base, { token: lead })).body;
    const resubmitted = await api.request('POST', `${base}/submit`, { token: lead, body: { version: resigned.version } });
    expect(resubmitted.status, resubmitted.text).toBe(200);
    expect(resubmitted.body.version.number).toBe(2);
    expect(resubmitted.body.version.documentSha256).toBe(sha256(RESIGNED_PDF));
    expect(resubmitted.body.version.documentConfirmed).toBeUndefined();
    expect(resubmitted.body.version.figures.training).toMatchObject({ covered: 3, coverage: 0.75 });

    current = (await api.request('GET', base, { token: sg })).body;
    const accepted = await api.request('POST', `${base}/review`, { token: sg, body: { outcome: 'accept', version: current.version } });
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('accepted');
    const afterAccept = await api.request('PUT', base, { token: lead, body: { ratings: {}, version: accepted.body.version } });
    expect(afterAccept.status).toBe(409);
  });

  it('reads back version 1 and version 2 unchanged, each with the figures of its own submission', async () => {
    const v1 = await api.request('GET', `${base}/versions/1`, { token: sg });
    const v2 = await api.request('GET', `${base}/versions/2`, { token: p.tokens['viewer@b'] });
    expect(v1.status).toBe(200);
    expect(v1.body.figures).toEqual(v1Figures);
    expect(v1.body.figures.training.covered).toBe(1);
    expect(v1.body.ratings['1.1'].rating).toBe('developing');
    expect(v1.body.narrative.training).toBe('One in four trained.');
    expect(v2.body.figures.training.covered).toBe(3);
    expect(v2.body.ratings['1.1'].rating).toBe('achieving');
    expect((await api.request('GET', `${base}/versions/3`, { token: sg })).status).toBe(404);
    // Version 1's signed document is still there, byte for byte.
    const link = await api.request('GET', `${base}/document/download-url?version=1`, { token: sg });
    expect(link.status).toBe(200);
    expect(Buffer.from(await (await fetch(link.body.url)).arrayBuffer()).equals(SIGNED_PDF)).toBe(true);
    expect(v1.body.document.sha256).toBe(link.body.sha256);
    expect(v1.body.documentSha256).toBe(sha256(SIGNED_PDF));
    expect(v2.body.documentSha256).toBe(sha256(RESIGNED_PDF));
  });

  it('another authority cannot read the draft; another partnership cannot either (404)', async () => {
    expect((await api.request('GET', base, { token: p.tokens['authority-editor@a'] })).status).toBe(404);
    const other = await seedPartnership(api, 'elsewhere');
    expect((await api.request('GET', base, { token: other.tokens['steering-group'] })).status).toBe(404);
  });
});

describe('IT-filter status and frameworks', () => {
  it('derives current, due within 60 days and overdue from the last review', async () => {
    const a = p.authorities.a;
    const put = (year: string, reviewedOn: string, version = 0) =>
      api.request('PUT', `/authorities/${a}/it-filter-assurances/${year}`, {
        token: p.tokens['authority-editor@a'],
        body: { reviewedOn, assuredBy: { name: 'N', role: 'R', organisation: 'O' }, product: 'P', ctiruListApplied: false, scope: ['corporate-network'], outcome: 'partially-assured', actions: 'Apply the CTIRU list.', version },
      });
    expect((await put('2023-24', addDays(TODAY, -400))).status).toBe(200);
    expect((await api.request('GET', `/authorities/${a}/it-filter-assurances`, { token: sg })).body.status).toBe('overdue');
    const dueSoon = await put('2024-25', addDays(TODAY, -330));
    expect(dueSoon.status).toBe(200);
    expect((await api.request('GET', `/authorities/${a}/it-filter-assurances`, { token: sg })).body.status).toBe('due-soon');
    const missingActions = await api.request('PUT', `/authorities/${a}/it-filter-assurances/2025-26`, { token: p.tokens['authority-editor@a'], body: { reviewedOn: TODAY, assuredBy: { name: 'N', role: 'R', organisation: 'O' }, product: 'P', ctiruListApplied: true, scope: ['libraries'], outcome: 'not-assured', version: 0 } });
    expect(missingActions.status).toBe(400);
    expect(missingActions.body.error.errors.map((e: any) => e.path).sort()).toEqual(['actions', 'ctiruListVersion']);
  });

  it('takes a new framework version as data, and a year can use it', async () => {
    const framework = { id: 'prevent-toolkit', version: '2024', name: 'Restructured toolkit (eight sections)', benchmarks: [{ number: 1, title: 'Leadership', questions: [{ id: '1.1', text: 'Is there a named lead?', type: 'expectation' }] }] };
    const res = await api.request('POST', '/frameworks', { token: sg, body: framework });
    expect(res.status).toBe(201);
    expect((await api.request('POST', '/frameworks', { token: sg, body: framework })).status).toBe(409);
    const list = await api.request('GET', '/frameworks', { token: p.tokens['viewer@a'] });
    expect(list.body.items.map((f: any) => `${f.id}@${f.version}`)).toEqual(['home-office-toolkit-2018@2018', 'prevent-toolkit@2024']);
    const settings = (await api.request('GET', '/settings', { token: sg })).body;
    const wrong = await api.request('PUT', '/settings', { token: sg, body: { frameworkByYear: { '2030-32': 'x@1' }, benchmarksBySector: { space: [1] }, version: settings.version } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.errors.map((e: any) => e.path)).toEqual(['frameworkByYear.2030-32', 'benchmarksBySector.space']);
    expect((await api.request('PUT', '/settings', { token: sg, body: { frameworkByYear: { '2019-20': 'prevent-toolkit@2024' }, version: settings.version } })).status).toBe(200);
    const draft = await api.request('PUT', `/authorities/${p.authorities.a}/statements/2019-20`, { token: p.tokens['authority-lead@a'], body: { ratings: { '1.1': { rating: 'achieving' } }, version: 0 } });
    expect(draft.status, draft.text).toBe(200);
    expect(draft.body.framework).toBe('prevent-toolkit@2024');
  });

  it('ships the 2018 toolkit: 10 benchmarks, 38 questions, each an expectation or good practice', () => {
    const f = BUILT_IN_FRAMEWORKS[0];
    expect(f.benchmarks.map((b) => b.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const questions = f.benchmarks.flatMap((b) => b.questions);
    expect(questions).toHaveLength(38);
    expect(questions[0]).toMatchObject({ id: '1.1', type: 'expectation' });
    expect(questions.find((q) => q.id === '8.2')!.text).toMatch(/IT policy/);
    expect(questions.at(-1)).toMatchObject({ id: '10.2', type: 'good-practice' });
  });
});

describe('the signed document', () => {
  const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2048, 'x'), Buffer.from('\n%%EOF\n')]);
  let year: string;
  let url: string;

  beforeAll(async () => {
    year = '2020-21';
    url = `/authorities/${opcc}/statements/${year}`;
    expect((await api.request('PUT', url, { token: lead, body: { narrative: { leadership: 'x' }, version: 0 } })).status).toBe(200);
  });

  const ask = (contentType: string, contentLength: number) =>
    api.request('POST', `${url}/document/upload-url`, { token: lead, body: { fileName: 'statement.pdf', contentType, contentLength } });

  it('uploads through the presigned URL, records its SHA-256 and serves it back through a short-lived link', async () => {
    const grant = await ask('application/pdf', PDF.length);
    expect(grant.status, grant.text).toBe(200);
    expect(grant.body.uploadUrl).toContain('X-Amz-Signature=');
    expect(grant.body.uploadUrl).toContain('content-length%3Bcontent-type');
    const put = await fetch(grant.body.uploadUrl, { method: 'PUT', headers: grant.body.headers, body: PDF });
    expect(put.status).toBe(200);

    const current = (await api.request('GET', url, { token: lead })).body;
    const attached = await api.request('POST', `${url}/document`, { token: lead, body: { key: grant.body.key, fileName: 'OPCC statement 2020-21.pdf', version: current.version } });
    expect(attached.status, attached.text).toBe(200);
    expect(attached.body).toMatchObject({ size: PDF.length, contentType: 'application/pdf', sha256: createHash('sha256').update(PDF).digest('hex') });

    const link = await api.request('GET', `${url}/document/download-url`, { token: sg });
    expect(link.status).toBe(200);
    const download = await fetch(link.body.url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(PDF)).toBe(true);
    expect(download.headers.get('content-disposition')).toContain('OPCC statement 2020-21.pdf');
    // Another authority may not read the statement, so it gets no link either.
    expect((await api.request('GET', `${url}/document/download-url`, { token: p.tokens['viewer@a'] })).status).toBe(404);
  });

  it('refuses the wrong type or more than 20 MB before signing anything', async () => {
    const exe = await ask('application/x-msdownload', 1000);
    expect(exe.status).toBe(400);
    expect(exe.body.error.errors[0]).toMatchObject({ path: 'contentType', message: expect.stringMatching(/PDF, DOCX or ODT/) });
    const huge = await ask('application/pdf', 20 * 1024 * 1024 + 1);
    expect(huge.status).toBe(413);
    expect(huge.body.error.message).toMatch(/at most 20 MB/);
  });

  it('S3 refuses a body that does not match the signed length or type; nothing is stored and nothing can be attached', async () => {
    const grant = await ask('application/pdf', PDF.length);
    const longer = await fetch(grant.body.uploadUrl, { method: 'PUT', headers: { ...grant.body.headers, 'content-length': String(PDF.length + 10) }, body: Buffer.concat([PDF, Buffer.alloc(10)]) });
    expect(longer.status).toBe(403);
    const otherType = await fetch(grant.body.uploadUrl, { method: 'PUT', headers: { ...grant.body.headers, 'content-type': 'text/html' }, body: PDF });
    expect(otherType.status).toBe(403);
    const current = (await api.request('GET', url, { token: lead })).body;
    const attach = await api.request('POST', `${url}/document`, { token: lead, body: { key: grant.body.key, fileName: 'x.pdf', version: current.version } });
    expect(attach.status).toBe(400);
    expect(attach.body.error.errors[0].message).toMatch(/Nothing was uploaded/);
  });

  it('a file that is not what it claims is deleted and not attached', async () => {
    const fake = Buffer.from('MZ this is not a PDF at all');
    const grant = await ask('application/pdf', fake.length);
    expect((await fetch(grant.body.uploadUrl, { method: 'PUT', headers: grant.body.headers, body: fake })).status).toBe(200);
    const current = (await api.request('GET', url, { token: lead })).body;
    const attach = await api.request('POST', `${url}/document`, { token: lead, body: { key: grant.body.key, fileName: 'x.pdf', version: current.version } });
    expect(attach.status).toBe(400);
    expect(attach.body.error.errors[0].message).toMatch(/not a PDF document\. It has been removed/);
    const again = await api.request('POST', `${url}/document`, { token: lead, body: { key: grant.body.key, fileName: 'x.pdf', version: current.version } });
    expect(again.body.error.errors[0].message).toMatch(/Nothing was uploaded/);
  });

  it('an editor cannot upload; a key from another statement cannot be attached', async () => {
    expect((await api.request('POST', `${url}/document/upload-url`, { token: editor, body: { fileName: 'a.pdf', contentType: 'application/pdf', contentLength: 10 } })).status).toBe(403);
    const current = (await api.request('GET', url, { token: lead })).body;
    const foreign = await api.request('POST', `${url}/document`, { token: lead, body: { key: `journey/${p.authorities.a}/${year}/x.pdf`, fileName: 'x.pdf', version: current.version } });
    expect(foreign.status).toBe(400);
  });
});

describe('a resubmitted statement is signed again', () => {
  let url: string;
  let lastYear: string;

  beforeAll(() => {
    lastYear = reportingYearOf(addDays(`${YEAR.slice(0, 4)}-04-01`, -1));
    url = `/authorities/${opcc}/statements/${lastYear}`;
  });

  const get = async () => (await api.request('GET', url, { token: lead })).body;
  const paths = (res: { body: any }) => res.body.error.errors.map((e: { path: string }) => e.path);

  it('refuses a statement for a year that has not started, and a sign-off dated in the future (400 with field errors)', async () => {
    const next = reportingYearOf(addDays(`${YEAR.slice(0, 4)}-04-01`, 366));
    const future = await api.request('PUT', `/authorities/${opcc}/statements/${next}`, { token: lead, body: { ratings: ratingsFor(['1.1']), version: 0 } });
    expect(future.status, future.text).toBe(400);
    expect(paths(future)).toEqual(['path.year']);
    expect(future.body.error.errors[0].message).toMatch(/has not started/);

    const tomorrow = await api.request('PUT', url, { token: lead, body: { ratings: ratingsFor(policeQuestions), signOff: { ...SIGN_OFF, date: addDays(TODAY, 1) }, version: 0 } });
    expect(tomorrow.status, tomorrow.text).toBe(400);
    expect(paths(tomorrow)).toEqual(['signOff.date']);
    expect((await api.request('GET', url, { token: lead })).status).toBe(404);
  });

  it('a return clears the sign-off; an edit that carries a sign-off back unchanged drops it; the resubmission must be signed again', async () => {
    const signed = await api.request('PUT', url, { token: lead, body: { ratings: ratingsFor(policeQuestions), scores: { '1': 3 }, signOff: SIGN_OFF, version: 0 } });
    expect(signed.status, signed.text).toBe(200);
    const doc = await attachPdf(url, SIGNED_PDF, 'last year.pdf');
    const v1 = await api.request('POST', `${url}/submit`, { token: lead, body: { version: (await get()).version } });
    expect(v1.status, v1.text).toBe(200);
    expect(v1.body.version).toMatchObject({ number: 1, documentSha256: doc.sha256, signOff: SIGN_OFF });

    const returned = await api.request('POST', `${url}/review`, { token: sg, body: { outcome: 'return', comment: 'Benchmark 1 needs evidence.', version: v1.body.statement.version } });
    expect(returned.status).toBe(200);
    expect(returned.body.signOff).toBeUndefined();
    // The version keeps the sign-off it was submitted with.
    expect((await api.request('GET', `${url}/versions/1`, { token: sg })).body.signOff).toEqual(SIGN_OFF);

    // Resubmitting without signing again is refused.
    const unsigned = await api.request('POST', `${url}/submit`, { token: lead, body: { version: returned.body.version } });
    expect(unsigned.status).toBe(400);
    expect(paths(unsigned)).toEqual(['signOff']);
    expect(unsigned.body.error.errors[0].message).toMatch(/signed off again/);

    // The lead signs again; then an editor changes a score and sends the sign-off back as it read it: it is dropped.
    const resigned = await api.request('PUT', url, { token: lead, body: { ratings: ratingsFor(policeQuestions), scores: { '1': 3 }, signOff: SIGN_OFF, version: returned.body.version } });
    expect(resigned.body.signOff).toEqual(SIGN_OFF);
    const edited = await api.request('PUT', url, { token: editor, body: { ratings: ratingsFor(policeQuestions), scores: { '1': 4 }, signOff: SIGN_OFF, version: resigned.body.version } });
    expect(edited.status).toBe(200);
    expect(edited.body.signOff).toBeUndefined();
    expect(paths(await api.request('POST', `${url}/submit`, { token: lead, body: { version: edited.body.version } }))).toContain('signOff');

    // Signed again, but the content differs from version 1 and the PDF is version 1's.
    const again = await api.request('PUT', url, { token: lead, body: { ratings: ratingsFor(policeQuestions), scores: { '1': 4 }, signOff: SIGN_OFF, version: edited.body.version } });
    expect(again.body.signOff).toEqual(SIGN_OFF);
    const stale = await api.request('POST', `${url}/submit`, { token: lead, body: { version: again.body.version } });
    expect(stale.status).toBe(400);
    expect(paths(stale)).toEqual(['document']);

    // The lead explicitly confirms that the signed document still stands: recorded on the version and in the audit trail.
    const confirmed = await api.request('POST', `${url}/submit`, { token: lead, body: { version: again.body.version, confirmDocumentStands: true } });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.body.version).toMatchObject({ number: 2, documentSha256: doc.sha256, documentConfirmed: { by: expect.any(String), at: expect.any(String) } });
    const audit = await api.request('GET', `/audit?entityType=statement&entityId=${opcc}-${lastYear}&limit=1`, { token: sg });
    expect(audit.body.items[0]).toMatchObject({ action: 'submit', note: expect.stringMatching(/confirmed that the signed document of version 1/) });
  });

  it('a returned statement resubmitted unchanged keeps its document without confirmation', async () => {
    const current = await get();
    const returned = await api.request('POST', `${url}/review`, { token: sg, body: { outcome: 'return', comment: 'Please resubmit after the board meets.', version: current.version } });
    expect(returned.status).toBe(200);
    const resigned = await api.request('PUT', url, { token: lead, body: { ratings: current.ratings, scores: current.scores, narrative: current.narrative, signOff: SIGN_OFF, version: returned.body.version } });
    expect(resigned.status, resigned.text).toBe(200);
    const v3 = await api.request('POST', `${url}/submit`, { token: lead, body: { version: resigned.body.version } });
    expect(v3.status, v3.text).toBe(200);
    expect(v3.body.version).toMatchObject({ number: 3, documentSha256: sha256(SIGNED_PDF) });
    expect(v3.body.version.documentConfirmed).toBeUndefined();
  });
});

describe('the statement deadline', () => {
  it('reads as null until the steering group sets it, then as set, for every role of the partnership', async () => {
    const year = '2039-40';
    const before = await api.request('GET', `/statement-deadlines/${year}`, { token: lead });
    expect(before.status, before.text).toBe(200);
    expect(before.body).toEqual({ year, dueOn: null });
    expect((await api.request('PUT', `/statement-deadlines/${year}`, { token: sg, body: { dueOn: '2040-01-31' } })).status).toBe(200);
    for (const token of [lead, editor, sg]) {
      expect((await api.request('GET', `/statement-deadlines/${year}`, { token })).body).toEqual({ year, dueOn: '2040-01-31' });
    }
    const bad = await api.request('GET', '/statement-deadlines/2040-45', { token: sg });
    expect(bad.status).toBe(400);
  });
});
