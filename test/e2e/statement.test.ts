import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoUser, expectAccessible, signInAs, useWebApp, WAIT_MS, waitForPage } from './support/web';

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
    // The submission's message was shown once; a reload does not repeat it.
    await expect(page.locator('.govuk-notification-banner--success').count()).resolves.toBe(0);
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
    // The answers changed but the signed document did not: the API asks for a new one or the lead's word that it stands.
    await page.getByRole('button', { name: 'Submit the statement' }).click();
    await refused.getByRole('link', { name: /^The answers changed since version 1, but the signed document is the one submitted with it/ }).click();
    const stands = page.getByLabel('The signed document (signed-statement.pdf) still stands for the changed answers');
    await expect(focused(page, `#${fieldId('confirmDocumentStands')}`)).resolves.toBe(true);
    await expectAccessible(page, 'check your answers, resubmission refused');
    await stands.check();
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

/** Whether the focused element matches the selector (read from the page; nothing is clicked). */
const focused = (page: Page, selector: string) => page.evaluate<boolean>(`!!document.activeElement && document.activeElement.matches(${JSON.stringify(selector)})`);

/** Presses Tab (or Shift+Tab) until the element matching the selector has the focus, as a keyboard user would. */
async function tabTo(page: Page, selector: string, { back = false, max = 120 } = {}) {
  for (let i = 0; i <= max; i++) {
    if (await focused(page, selector)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${back ? 'Shift+Tab' : 'Tab'} did not reach ${selector} in ${max} presses`);
}

/** Follows a link by keyboard: tabs to it, presses Enter, waits for the page it leads to. */
async function follow(page: Page, selector: string, path: string) {
  await tabTo(page, selector);
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.pathname === `/app${path}`);
  await headingFocused(page);
}

/**
 * After an in-app navigation the new page's heading takes the focus (PageTitle, in an effect
 * after the page renders). Keys pressed before that would start from the wrong place, so the
 * keyboard user's next Tab waits for it, as a screen-reader user hears the heading first.
 */
async function headingFocused(page: Page) {
  await waitForPage(page);
  await expect.poll(() => focused(page, 'h1'), { timeout: WAIT_MS }).toBe(true);
}

describe('the statement by keyboard alone', () => {
  const year = reportingYear(-3);
  const base = `/authorities/opcc/statements/${year}`;

  it('starts, answers every benchmark, writes a section, signs off, attaches the PDF and submits without a pointer', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, OPCC_LEAD, `/app${base}`);
    await page.getByRole('button', { name: `Start the ${year} statement` }).waitFor();
    await expectAccessible(page, 'keyboard: statement not started');
    await tabTo(page, 'main button.govuk-button');
    await page.keyboard.press('Enter');
    await page.locator('.govuk-task-list').first().waitFor();
    await waitForPage(page);
    await expectAccessible(page, 'keyboard: task list');

    const benchmarks = await applicable(OPCC_LEAD, 'opcc', year);
    for (const b of benchmarks) {
      // The page's heading has the focus after the navigation (follow waits for it): the questions follow it.
      await follow(page, `a[href$="${base}/benchmarks/${b.number}"]`, `${base}/benchmarks/${b.number}`);
      for (const [i, q] of b.questions.entries()) {
        // Tab lands on the first radio of a group with none chosen; each arrow moves and chooses.
        await tabTo(page, option(`ratings.${q.id}`, 1));
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowDown');
        await expect(page.locator(option(`ratings.${q.id}`, 3)).isChecked()).resolves.toBe(true);
        if (i === 0) {
          await tabTo(page, `#${fieldId(`ratings.${q.id}.details`)}`);
          await page.keyboard.type(`Typed evidence for ${q.id}.`);
        }
      }
      await tabTo(page, option(`scores.${b.number}`, 1));
      // From 1, two steps down is 3 (the duty met); Shift+Tab back and forward again keeps the choice.
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Shift+Tab');
      await tabTo(page, `${option(`scores.${b.number}`, 3)}:checked`);
      if (b.number === 1) await expectAccessible(page, 'keyboard: benchmark 1 answered');
      await tabTo(page, 'main form button[type="submit"]');
      await page.keyboard.press('Enter');
      await backOnStatement(page, 'opcc', year);
      await headingFocused(page);
      await expect(taskStatus(page, `benchmark-${b.number}`).textContent()).resolves.toBe('Completed');
    }

    await follow(page, `a[href$="${base}/narrative/partnershipWorking"]`, `${base}/narrative/partnershipWorking`);
    await tabTo(page, `#${fieldId('narrative.partnershipWorking')}`);
    await page.keyboard.type('We sit on the steering group and the Channel panel.');
    await expectAccessible(page, 'keyboard: narrative');
    await tabTo(page, 'main form button[type="submit"]');
    await page.keyboard.press('Enter');
    await backOnStatement(page, 'opcc', year);
    await headingFocused(page);

    // The signed document: the file chooser opens from the keyboard.
    await follow(page, `a[href$="${base}/document"]`, `${base}/document`);
    await tabTo(page, `#${fieldId('file')}`);
    const chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Space');
    const pdf = smallPdf('Signed by keyboard');
    await (await chooser).setFiles({ name: 'keyboard-statement.pdf', mimeType: 'application/pdf', buffer: pdf });
    await tabTo(page, 'main form button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Uploaded keyboard-statement.pdf: 100% sent, checked and attached.' }).waitFor();
    await expectAccessible(page, 'keyboard: document attached');
    await follow(page, 'a.govuk-back-link', base);

    const d = today();
    await follow(page, `a[href$="${base}/sign-off"]`, `${base}/sign-off`);
    for (const [field, text] of [
      ['signOff.name', 'Robin Example'],
      ['signOff.role', 'Head of Policy and Partnerships'],
      ['signOff.date', d.day],
      ['signOff.date-month', d.month],
      ['signOff.date-year', d.year],
    ] as const) {
      await tabTo(page, `#${fieldId(field)}`);
      await page.keyboard.type(text);
    }
    await expectAccessible(page, 'keyboard: sign-off');
    await tabTo(page, 'main form button[type="submit"]');
    await page.keyboard.press('Enter');
    await backOnStatement(page, 'opcc', year);
    await headingFocused(page);
    await expect(taskStatus(page, 'sign-off').textContent()).resolves.toBe('Completed');

    await follow(page, `a[href$="${base}/check"]`, `${base}/check`);
    await expectAccessible(page, 'keyboard: check your answers');
    await tabTo(page, 'main form button[type="submit"]');
    await page.keyboard.press('Enter');
    await backOnStatement(page, 'opcc', year);
    await headingFocused(page);
    await page.locator('.govuk-notification-banner--success', { hasText: 'Statement submitted to the steering group (version 1)' }).waitFor();
    await expectAccessible(page, 'keyboard: submitted');

    const version = await api(OPCC_LEAD, 'GET', `${base}/versions/1`);
    expect(version.status, version.text).toBe(200);
    const questions = benchmarks.flatMap((b) => b.questions.map((q) => q.id));
    expect(Object.keys(version.body.ratings).sort()).toEqual([...questions].sort());
    expect(new Set(Object.values(version.body.ratings as Record<string, { rating: string }>).map((r) => r.rating))).toEqual(new Set(['achieving']));
    expect(version.body.ratings['1.1'].details).toBe('Typed evidence for 1.1.');
    expect(version.body.scores).toEqual(Object.fromEntries(benchmarks.map((b) => [String(b.number), 3])));
    expect(version.body.narrative).toEqual({ partnershipWorking: 'We sit on the steering group and the Channel panel.' });
    expect(version.body.signOff).toMatchObject({ name: 'Robin Example', date: `${d.year}-${d.month.padStart(2, '0')}-${d.day.padStart(2, '0')}` });
    expect(version.body.documentSha256).toBe(await sha256(pdf));
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('a save when the network fails', () => {
  const year = reportingYear(-2);
  const base = `/authorities/county-council/statements/${year}`;

  it('keeps the input with a clear message, and saves exactly once when retried', async () => {
    const started = await api(COUNTY_LEAD, 'PUT', base, { ratings: {}, scores: {}, narrative: {}, version: 0 });
    expect(started.status, started.text).toBe(200);
    const { page, context, problems } = await web().newPage();
    await signInAs(page, COUNTY_LEAD, `/app${base}/benchmarks/1`);
    await page.getByRole('heading', { level: 1, name: /Benchmark 1: / }).waitFor();
    await page.locator(option('ratings.1.1', 3)).check();
    const notes = page.getByLabel('Evidence notes for 1.1 (optional)');
    await notes.fill('Risk assessment refreshed after the CTLP briefing in May.');
    await page.locator(option('scores.1', 4)).check();

    // The connection drops as the save is sent.
    let cut = 0;
    await page.route(`**${base}`, async (route) => {
      if (route.request().method() === 'PUT') {
        cut++;
        await route.abort('internetdisconnected');
      } else await route.continue();
    });
    await page.getByRole('button', { name: 'Save and return to the statement' }).click();
    const summary = page.locator('.govuk-error-summary');
    await summary.getByText('Your changes have not been saved: the service could not be reached.', { exact: false }).waitFor();
    expect(cut).toBe(1);
    await expect(page.title()).resolves.toMatch(/^Error: /);
    expect(page.url()).toContain(`${base}/benchmarks/1`);
    await expect(page.locator(option('ratings.1.1', 3)).isChecked()).resolves.toBe(true);
    await expect(page.locator(option('scores.1', 4)).isChecked()).resolves.toBe(true);
    await expect(notes.inputValue()).resolves.toBe('Risk assessment refreshed after the CTLP briefing in May.');
    await expectAccessible(page, 'save failed: network');
    const unchanged = await api(COUNTY_LEAD, 'GET', base);
    expect(unchanged.body).toMatchObject({ version: started.body.version, ratings: {}, scores: {} });

    // Back online: one more press of the button saves it, once.
    await page.unroute(`**${base}`);
    await page.getByRole('button', { name: 'Save and return to the statement' }).click();
    await backOnStatement(page, 'county-council', year);
    await page.locator('.govuk-notification-banner--success', { hasText: 'Benchmark 1 saved' }).waitFor();
    await expectAccessible(page, 'saved after the network came back');
    const saved = await api(COUNTY_LEAD, 'GET', base);
    expect(saved.body.version).toBe(started.body.version + 1);
    expect(saved.body.ratings).toEqual({ '1.1': { rating: 'achieving', details: 'Risk assessment refreshed after the CTLP briefing in May.' } });
    expect(saved.body.scores).toEqual({ '1': 4 });
    const audit = await api('Steering group chair', 'GET', `/audit?entityType=statement&entityId=county-council-${year}`);
    expect(audit.status, audit.text).toBe(200);
    expect((audit.body.items as { action: string }[]).map((e) => e.action).sort()).toEqual(['create', 'update']);

    // The save arrives but its answer is lost on the way back: the retry finds it saved and sends nothing twice.
    await page.getByRole('link', { name: 'Leadership' }).click();
    await page.getByRole('heading', { level: 1, name: 'Leadership' }).waitFor();
    const text = page.getByLabel(/^What .* wants to say about leadership$/);
    await text.fill('The Director of Children’s Services chairs the internal Prevent board.');
    let delivered = 0;
    await page.route(`**${base}`, async (route) => {
      if (route.request().method() !== 'PUT') return route.continue();
      const response = await route.fetch();
      expect(response.status()).toBe(200);
      delivered++;
      await route.abort('connectionreset');
    });
    await page.getByRole('button', { name: 'Save and return to the statement' }).click();
    await summary.getByText('Your changes have not been saved: the service could not be reached.', { exact: false }).waitFor();
    expect(delivered).toBe(1);
    await expect(text.inputValue()).resolves.toBe('The Director of Children’s Services chairs the internal Prevent board.');
    await page.unroute(`**${base}`);
    const puts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'PUT') puts.push(r.url());
    });
    await page.getByRole('button', { name: 'Save and return to the statement' }).click();
    await backOnStatement(page, 'county-council', year);
    await page.locator('.govuk-notification-banner--success', { hasText: 'Leadership saved' }).waitFor();
    // The retry met the version the lost save made (409), found the same text there, and stopped.
    expect(puts).toHaveLength(1);
    const once = await api(COUNTY_LEAD, 'GET', base);
    expect(once.body.version).toBe(saved.body.version + 1);
    expect(once.body.narrative).toEqual({ leadership: 'The Director of Children’s Services chairs the internal Prevent board.' });
    const audited = await api('Steering group chair', 'GET', `/audit?entityType=statement&entityId=county-council-${year}`);
    expect((audited.body.items as { action: string }[]).map((e) => e.action).sort()).toEqual(['create', 'update', 'update']);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('what each role is offered', () => {
  // The seed's own: this year the OPCC's statement is submitted.
  const viewerYear = reportingYear(0);
  const editorYear = reportingYear(-3);

  it('a viewer reads the statement and its task pages without a single edit or submit control', async () => {
    const base = `/authorities/opcc/statements/${viewerYear}`;
    const { page, context, problems } = await web().newPage();
    await signInAs(page, VIEWER, `/app${base}`);
    const main = page.locator('main');
    // The review page, read-only: the submitted version and its history.
    await main.getByRole('heading', { name: /^Version \d+$/ }).first().waitFor();
    await expect(main.locator('form, input, textarea, select, .govuk-task-list').count()).resolves.toBe(0);
    for (const name of await main.getByRole('button').allTextContents()) expect(name).toMatch(/^Download signed statement/);
    await expectAccessible(page, 'viewer: statement');
    for (const task of ['benchmarks/1', 'narrative/leadership', 'sign-off', 'document', 'check']) {
      await page.goto(`/app${base}/${task}`);
      await waitForPage(page);
      await main.getByText('Only Office of the Police and Crime Commissioner for Demoshire’s Prevent lead and editors change its statement.').waitFor();
      await expect(main.locator('form, input, textarea, select, button').count()).resolves.toBe(0);
      await expectAccessible(page, `viewer: ${task}`);
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  it('an editor writes the draft but sees that the lead uploads and submits', async () => {
    const base = `/authorities/county-council/statements/${editorYear}`;
    const started = await api(COUNTY_EDITOR, 'PUT', base, { ratings: {}, scores: {}, narrative: { training: 'Drafted by the safeguarding officer.' }, version: 0 });
    expect(started.status, started.text).toBe(200);
    const { page, context, problems } = await web().newPage();
    await signInAs(page, COUNTY_EDITOR, `/app${base}`);
    const main = page.locator('main');
    await main.locator('.govuk-task-list').first().waitFor();
    await expect(taskStatus(page, 'narrative-training').textContent()).resolves.toBe('Completed');
    // The county council is local government: all ten benchmarks apply.
    await expect(main.locator('a', { hasText: /^Benchmark \d+:/ }).count()).resolves.toBe(10);
    await expect(main.textContent()).resolves.toContain('your Prevent lead submits the statement to the steering group');
    await expectAccessible(page, 'editor: task list');

    await main.getByRole('link', { name: 'Check your answers' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check your answers' }).waitFor();
    await main.getByText('Only Demoshire County Council’s Prevent lead can submit the statement.', { exact: false }).waitFor();
    await expect(main.getByRole('button').count()).resolves.toBe(0);
    await expect(main.locator('form').count()).resolves.toBe(0);
    await expectAccessible(page, 'editor: check your answers');

    await page.goto(`/app${base}/document`);
    await waitForPage(page);
    await main.getByText('Your Prevent lead uploads the signed document').waitFor();
    await expect(main.locator('input, form, button').count()).resolves.toBe(0);
    await expectAccessible(page, 'editor: signed document');

    // A submitted statement is read-only for the editor too.
    await page.goto(`/app/authorities/county-council/statements/${reportingYear(0)}`);
    await waitForPage(page);
    await main.getByRole('heading', { name: /^Version \d+$/ }).first().waitFor();
    await main.getByText(/^The steering group accepted version 1 on \d{1,2} \w+ \d{4}/).waitFor();
    await expect(main.locator('form, input, textarea, .govuk-task-list').count()).resolves.toBe(0);
    await expectAccessible(page, 'editor: accepted statement');
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('two people on one statement', () => {
  const year = reportingYear(-4);
  const base = `/authorities/opcc/statements/${year}`;

  it('shows the editor what the lead changed meanwhile, and keeps the editor’s answers over the lead’s other changes', async () => {
    const started = await api(OPCC_EDITOR, 'PUT', base, { ratings: {}, scores: {}, narrative: {}, version: 0 });
    expect(started.status, started.text).toBe(200);
    const { page, context, problems } = await web().newPage();
    await signInAs(page, OPCC_EDITOR, `/app${base}/benchmarks/2`);
    await page.getByRole('heading', { level: 1, name: /Benchmark 2: / }).waitFor();
    await page.locator(option('ratings.2.1', 3)).check();
    await page.getByLabel('Evidence notes for 2.1 (optional)').fill('Board minutes, March.');

    // Meanwhile the lead rates the same question differently and writes a narrative section.
    const lead = await api(OPCC_LEAD, 'PUT', base, {
      ratings: { '2.1': { rating: 'developing', details: 'Board not yet quorate.' } },
      scores: {},
      narrative: { leadership: 'Written by the lead.' },
      version: started.body.version,
    });
    expect(lead.status, lead.text).toBe(200);

    await page.getByRole('button', { name: 'Save and return to the statement' }).click();
    const panel = page.locator('.app-conflict');
    await panel.getByText('Someone else changed benchmark 2').waitFor();
    const rows = panel.locator('.govuk-summary-list__row');
    await expect(rows.locator('dt').allTextContents()).resolves.toEqual(['2.1 rating', '2.1 evidence notes']);
    await expect(rows.nth(0).textContent()).resolves.toBe('2.1 ratingTheirs: DevelopingYours: Achieving');
    await expect(page.locator(option('ratings.2.1', 3)).isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('Evidence notes for 2.1 (optional)').inputValue()).resolves.toBe('Board minutes, March.');
    await expectAccessible(page, 'conflict on a benchmark');

    await panel.getByRole('button', { name: 'Keep my changes' }).click();
    await backOnStatement(page, 'opcc', year);
    await page.locator('.govuk-notification-banner--success', { hasText: 'Benchmark 2 saved' }).waitFor();
    const saved = await api(OPCC_LEAD, 'GET', base);
    expect(saved.body.version).toBe(lead.body.version + 1);
    expect(saved.body.ratings).toEqual({ '2.1': { rating: 'achieving', details: 'Board minutes, March.' } });
    expect(saved.body.narrative).toEqual({ leadership: 'Written by the lead.' });
    expect(problems).toEqual([]);
    await context.close();
  });
});
