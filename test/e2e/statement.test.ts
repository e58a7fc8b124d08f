import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoUser, expectAccessible, signInAs, useWebApp, waitForPage } from './support/web';

const web = useWebApp();

const OPCC_LEAD = 'OPCC Head of Policy and Partnerships (Prevent lead)';
const OPCC_EDITOR = 'OPCC policy officer';
const COUNTY_LEAD = 'County council Prevent lead';
const COUNTY_EDITOR = 'County council safeguarding officer';
const VIEWER = 'Scrutiny member (read-only)';

/**
 * A UK reporting year relative to this one (2026-27 → offset -2 is 2024-25). The seed writes
 * this year's and last year's statements; earlier years are unstarted, so the journeys here
 * start their own without disturbing the seeded ones.
 */
function reportingYear(offset: number, date = new Date()): string {
  const start = (date.getMonth() >= 3 ? date.getFullYear() : date.getFullYear() - 1) + offset;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

/** A call to the API as a user would make it (to arrange data, or to check what was saved). */
async function api(label: string, method: string, path: string, body?: unknown) {
  const token = await web().tokenFor(demoUser(web().users, label));
  const response = await fetch(`${web().url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, body: text ? JSON.parse(text) : undefined };
}

interface Question {
  id: string;
  text: string;
  type: string;
}
interface Benchmark {
  number: number;
  title: string;
  questions: Question[];
}

/** The benchmarks of the statement's framework that apply to the authority (what the task list must list). */
async function applicable(label: string, authorityId: string, year: string): Promise<Benchmark[]> {
  const [statement, frameworks] = await Promise.all([api(label, 'GET', `/authorities/${authorityId}/statements/${year}`), api(label, 'GET', '/frameworks')]);
  expect(statement.status, statement.text).toBe(200);
  const framework = (frameworks.body.items as ({ id: string; version: string; benchmarks: Benchmark[] })[]).find((f) => `${f.id}@${f.version}` === statement.body.framework);
  expect(framework, `framework ${statement.body.framework}`).toBeDefined();
  return framework!.benchmarks.filter((b) => (statement.body.applicableBenchmarks as number[]).includes(b.number));
}

/** A small, valid one-page PDF (header, objects, cross-reference table with true offsets, trailer). */
function smallPdf(text: string): Buffer {
  const content = `BT /F1 18 Tf 72 760 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

const sha256 = async (data: Buffer) => Buffer.from(await crypto.subtle.digest('SHA-256', data)).toString('hex');

/** The id the app gives the input of an API field path (components/ErrorSummary.tsx). */
const fieldId = (path: string) => `field-${path.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
/** A radio of a group: the first option carries the field's id, the n-th (from 1) `-n`. */
const option = (path: string, n: number) => `#${fieldId(path)}${n === 1 ? '' : `-${n}`}`;

const today = () => {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'numeric', year: 'numeric' }).formatToParts(new Date());
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return { day: get('day'), month: get('month'), year: get('year') };
};

/** Waits for the statement's own page (the task list or the read-only statement) after a save. */
async function backOnStatement(page: Page, authorityId: string, year: string) {
  await page.waitForURL((u) => u.pathname === `/app/authorities/${authorityId}/statements/${year}`);
  await waitForPage(page);
}

const taskStatus = (page: Page, key: string) => page.locator(`#task-${key}-status`);

describe('the OPCC lead’s statement', () => {
  const year = reportingYear(-2);
  const base = `/authorities/opcc/statements/${year}`;

  it('fills every applicable benchmark, uploads the signed PDF, is refused without a sign-off, signs off, submits; returned, fixes and resubmits', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, OPCC_LEAD, `/app${base}`);
    await page.getByRole('heading', { level: 1, name: `Annual assurance statement ${year}` }).waitFor();
    await expectAccessible(page, 'statement not started');
    await page.getByRole('button', { name: `Start the ${year} statement` }).click();
    await page.locator('.govuk-task-list').first().waitFor();

    const benchmarks = await applicable(OPCC_LEAD, 'opcc', year);
    // The OPCC is a police-sector authority: benchmarks 1 to 8 apply, not 9 and 10.
    expect(benchmarks.map((b) => b.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const b of benchmarks) await expect(taskStatus(page, `benchmark-${b.number}`).textContent()).resolves.toBe('Not started');
    await expect(page.locator('a', { hasText: /^Benchmark 9:/ }).count()).resolves.toBe(0);
    await expectAccessible(page, 'task list, new statement');

    // Every benchmark: a rating per question (evidence for the first), then its score.
    for (const b of benchmarks) {
      await page.getByRole('link', { name: `Benchmark ${b.number}: ${b.title}` }).click();
      await page.getByRole('heading', { level: 1, name: `Benchmark ${b.number}: ${b.title}` }).waitFor();
      await waitForPage(page);
      const legend = page.locator('legend', { hasText: `${b.questions[0].id} ${b.questions[0].text}` });
      await expect(legend.textContent()).resolves.toContain(b.questions[0].type === 'expectation' ? 'Expectation of compliance' : 'Good practice');
      if (b.number === 1) {
        await expect(page.locator('main').textContent()).resolves.toContain('3 means the duty is met');
        await expectAccessible(page, `benchmark ${b.number}`);
      }
      for (const [i, q] of b.questions.entries()) {
        await page.locator(option(`ratings.${q.id}`, i % 3 === 0 ? 2 : 3)).check();
        if (i === 0) await page.getByLabel(`Evidence notes for ${q.id} (optional)`).fill(`Evidence for ${q.id}: minutes of the internal Prevent group.`);
      }
      await page.locator(option(`scores.${b.number}`, 3)).check();
      if (b.number !== 1) await expectAccessible(page, `benchmark ${b.number} filled`);
      await page.getByRole('button', { name: 'Save and return to the statement' }).click();
      await backOnStatement(page, 'opcc', year);
      await page.locator('.govuk-notification-banner--success', { hasText: `Benchmark ${b.number} saved` }).waitFor();
      await expect(taskStatus(page, `benchmark-${b.number}`).textContent()).resolves.toBe('Completed');
    }
    await page.getByRole('heading', { name: 'All benchmarks completed' }).waitFor();
    await expectAccessible(page, 'task list, benchmarks completed');
    const afterBenchmarks = await api(OPCC_LEAD, 'GET', base);
    expect(Object.keys(afterBenchmarks.body.ratings).sort()).toEqual(benchmarks.flatMap((b) => b.questions.map((q) => q.id)).sort());
    expect(afterBenchmarks.body.ratings['1.1']).toEqual({ rating: 'developing', details: 'Evidence for 1.1: minutes of the internal Prevent group.' });
    expect(afterBenchmarks.body.scores).toEqual(Object.fromEntries(benchmarks.map((b) => [String(b.number), 3])));

    // One narrative section.
    await page.getByRole('link', { name: 'Leadership' }).click();
    await page.getByRole('heading', { level: 1, name: 'Leadership' }).waitFor();
    await page.getByLabel(/^What .* wants to say about leadership$/).fill('The Head of Policy and Partnerships leads on Prevent and reports to the Commissioner each quarter.');
    await expectAccessible(page, 'narrative: leadership');
    await page.getByRole('button', { name: 'Save and return to the statement' }).click();
    await backOnStatement(page, 'opcc', year);
    await expect(taskStatus(page, 'narrative-leadership').textContent()).resolves.toBe('Completed');

    // The signed document: a wrong file is explained before anything is sent, then the PDF goes through the presigned URL.
    await page.getByRole('link', { name: 'Signed document' }).click();
    await page.getByRole('heading', { level: 1, name: 'Signed document' }).waitFor();
    await expectAccessible(page, 'signed document, none attached');
    const fileInput = page.getByLabel('Signed statement');
    await fileInput.setInputFiles({ name: 'statement.txt', mimeType: 'text/plain', buffer: Buffer.from('not a statement') });
    const requested: string[] = [];
    page.on('request', (r) => {
      if (r.method() !== 'GET') requested.push(`${r.method()} ${r.url()}`);
    });
    await page.getByRole('button', { name: 'Upload and attach' }).click();
    const summary = page.locator('.govuk-error-summary');
    await summary.getByRole('link', { name: 'The selected file must be a PDF, DOCX or ODT document: statement.txt is not' }).waitFor();
    await expect(page.locator(`#${fieldId('file')}-error`).textContent()).resolves.toContain('must be a PDF, DOCX or ODT document');
    expect(requested, 'nothing is sent for a wrong file').toEqual([]);
    await expectAccessible(page, 'signed document, wrong file');

    const pdf = smallPdf('Signed annual assurance statement');
    await fileInput.setInputFiles({ name: 'signed-statement.pdf', mimeType: 'application/pdf', buffer: pdf });
    // Hold the upload on its way to storage: meanwhile the page reports it in words and with a bar.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route(
      (url) => !url.href.startsWith(web().url),
      async (route) => {
        if (route.request().method() === 'PUT') await released;
        await route.continue();
      },
    );
    await page.getByRole('button', { name: 'Upload and attach' }).click();
    const status = page.getByRole('status').filter({ hasText: 'signed-statement.pdf' });
    await status.filter({ hasText: new RegExp(`^Uploading signed-statement\\.pdf: \\d+% sent \\(\\d+ bytes of ${pdf.length} bytes\\)$`) }).waitFor();
    await page.locator('progress.app-upload-progress[max="100"]').waitFor();
    await expectAccessible(page, 'signed document uploading');
    release();
    await page.locator('.govuk-notification-banner--success', { hasText: 'signed-statement.pdf is attached to the statement' }).waitFor();
    await status.filter({ hasText: 'Uploaded signed-statement.pdf: 100% sent, checked and attached.' }).waitFor();
    await page.unroute(() => true);
    expect(requested.some((r) => r.startsWith('PUT ') && !r.includes(web().url)), 'the file went straight to storage').toBe(true);
    await page.getByRole('button', { name: 'Download signed-statement.pdf' }).waitFor();
    await expectAccessible(page, 'signed document attached');
    const attached = await api(OPCC_LEAD, 'GET', base);
    expect(attached.body.document).toMatchObject({ fileName: 'signed-statement.pdf', contentType: 'application/pdf', size: pdf.length, sha256: await sha256(pdf) });

    // Check your answers, submit: refused, the sign-off is missing.
    await page.getByRole('link', { name: 'Back to the statement' }).click();
    await backOnStatement(page, 'opcc', year);
    await page.getByRole('link', { name: 'Check your answers' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check your answers before submitting the statement' }).waitFor();
    await expectAccessible(page, 'check your answers');
    await page.getByRole('button', { name: 'Submit the statement' }).click();
    const refused = page.locator('.govuk-error-summary');
    await refused.getByText('The statement is not ready to submit').waitFor();
    await expect(page.title()).resolves.toMatch(/^Error: /);
    await expectAccessible(page, 'submission refused');
    await refused.getByRole('link', { name: 'The statement must be signed off before it is submitted.' }).click();
    await page.waitForURL((u) => u.pathname === `/app${base}/sign-off`);
    await page.getByRole('heading', { level: 1, name: 'Sign-off' }).waitFor();
    await expectAccessible(page, 'sign-off');

    const d = today();
    await page.getByLabel('Full name of the person signing').fill('Robin Example');
    await page.getByLabel('Their role').fill('Head of Policy and Partnerships');
    await page.getByLabel('Day').fill(d.day);
    await page.getByLabel('Month').fill(d.month);
    await page.getByLabel('Year').fill(d.year);
    await page.getByRole('button', { name: 'Save sign-off' }).click();
    await backOnStatement(page, 'opcc', year);
    await expect(taskStatus(page, 'sign-off').textContent()).resolves.toBe('Completed');

    await page.getByRole('link', { name: 'Check your answers' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check your answers before submitting the statement' }).waitFor();
    await page.getByRole('button', { name: 'Submit the statement' }).click();
    await backOnStatement(page, 'opcc', year);
    await page.locator('.govuk-notification-banner--success', { hasText: 'Statement submitted to the steering group (version 1)' }).waitFor();
    const main = page.locator('main');
    await main.getByRole('heading', { name: 'Version 1', exact: true }).waitFor();
    await expect(main.locator('.govuk-tag').first().textContent()).resolves.toBe('Submitted');
    await main.getByRole('heading', { name: 'Figures when submitted' }).waitFor();
    await expect(main.locator('.govuk-task-list').count()).resolves.toBe(0);
    await expect(main.locator('form, input, textarea').count()).resolves.toBe(0);
    await expectAccessible(page, 'submitted statement');

    // The steering group returns it with a comment (through the API, as the steering group would).
    const submitted = await api('Steering group chair', 'GET', base);
    expect(submitted.body).toMatchObject({ status: 'submitted', submissions: 1 });
    const comment = 'Benchmark 4 needs this year’s referral figures.';
    const returned = await api('Prevent Partnership Officer (steering group)', 'POST', `${base}/review`, { outcome: 'return', comment, version: submitted.body.version });
    expect(returned.status, returned.text).toBe(200);

    await page.reload();
    await waitForPage(page);
    const banner = page.locator('.govuk-notification-banner', { hasText: 'Returned by the steering group' });
    await banner.getByText(comment).waitFor();
    await expect(main.locator('.govuk-tag').first().textContent()).resolves.toBe('Returned');
    await expect(taskStatus(page, 'sign-off').textContent()).resolves.toBe('Not started');
    await expectAccessible(page, 'returned statement');

    // Fix benchmark 4, sign off again, confirm the signed document still stands, resubmit.
    const b4 = benchmarks.find((b) => b.number === 4)!;
    await page.getByRole('link', { name: `Benchmark 4: ${b4.title}` }).click();
    await page.getByRole('heading', { level: 1, name: `Benchmark 4: ${b4.title}` }).waitFor();
    await page.getByLabel(`Evidence notes for ${b4.questions[0].id} (optional)`).fill('Referrals this year: 14, of which 5 went to Channel.');
    await page.locator(option(`ratings.${b4.questions[0].id}`, 3)).check();
    await page.getByRole('button', { name: 'Save and return to the statement' }).click();
    await backOnStatement(page, 'opcc', year);
    await page.getByRole('link', { name: 'Sign-off' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign-off' }).waitFor();
    await page.getByLabel('Full name of the person signing').fill('Robin Example');
    await page.getByLabel('Their role').fill('Head of Policy and Partnerships');
    await page.getByLabel('Day').fill(d.day);
    await page.getByLabel('Month').fill(d.month);
    await page.getByLabel('Year').fill(d.year);
    await page.getByRole('button', { name: 'Save sign-off' }).click();
    await backOnStatement(page, 'opcc', year);
    await page.getByRole('link', { name: 'Check your answers' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check your answers before submitting the statement' }).waitFor();
    await expect(main.textContent()).resolves.toContain('Referrals this year: 14, of which 5 went to Channel.');
    await page.getByLabel('The signed document (signed-statement.pdf) still stands for the changed answers').check();
    await expectAccessible(page, 'check your answers, resubmission');
    await page.getByRole('button', { name: 'Submit the statement' }).click();
    await backOnStatement(page, 'opcc', year);
    await page.locator('.govuk-notification-banner--success', { hasText: 'Statement submitted to the steering group (version 2)' }).waitFor();
    await main.getByRole('heading', { name: 'Version 2', exact: true }).waitFor();

    const resubmitted = await api(OPCC_LEAD, 'GET', `${base}/versions/2`);
    expect(resubmitted.status, resubmitted.text).toBe(200);
    expect(resubmitted.body.ratings[b4.questions[0].id]).toEqual({ rating: 'achieving', details: 'Referrals this year: 14, of which 5 went to Channel.' });
    expect(resubmitted.body.documentSha256).toBe(await sha256(pdf));
    expect(resubmitted.body.documentConfirmed).toBeDefined();

    // The earlier version stays readable as it was.
    await main.getByRole('link', { name: 'Version 1, returned' }).click();
    await page.getByRole('heading', { level: 1, name: `Statement ${year}, version 1` }).waitFor();
    await waitForPage(page);
    await expect(main.textContent()).resolves.toContain(comment);
    await expect(main.textContent()).resolves.not.toContain('Referrals this year: 14');
    await expectAccessible(page, 'version 1');
    expect(problems).toEqual([]);
    await context.close();
  });
});
