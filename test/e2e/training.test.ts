import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/node';
import { demoUser, expectAccessible, signInAs, useWebApp, waitForPage } from './support/web';
import { csvText, EXPECTED, HEADER, messyRows, REJECTED } from './fixtures/training/messy-export';

/**
 * The authority's training pages: an import through the browser (upload, the job's progress,
 * the result with every rejected row), the same file in other encodings and as a workbook,
 * coverage, one completion added by hand, and a viewer who sees no edit control.
 */
const web = useWebApp({ imports: true });

const COUNCIL = 'county-council';
const EDITOR = 'County council safeguarding officer';

async function api(method: string, path: string, body?: unknown, label = 'Steering group chair') {
  const token = await web().tokenFor(demoUser(web().users, label));
  const response = await fetch(`${web().url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** A person's completions through the API (the reference goes in the body). */
async function completionsOf(staffRef: string) {
  const res = await api('POST', `/authorities/${COUNCIL}/completions/search`, { staffRef });
  expect(res.status).toBe(200);
  return res.body.items as { staffRef: string; name?: string; role?: string; courseId: string; completedOn: string; deliveryMode?: string }[];
}

/** What an import stored, per person of the file (prefix taken off), to compare copies of the file. */
async function storedFor(prefix: string) {
  const out = [];
  for (const ref of ['001', '002', '003', '004', '005', '006']) {
    for (const c of await completionsOf(`${prefix}${ref}`)) {
      out.push({ ref, name: c.name, role: c.role, courseId: c.courseId, completedOn: c.completedOn, deliveryMode: c.deliveryMode });
    }
  }
  return out;
}

/** A date relative to today (UTC, as the API's clock), as a date input takes it. */
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
/** 5 March 2026 */
const inWords = (iso: string) => new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** Chooses the file on the import page, uploads it and waits for the job's page. */
async function importThrough(page: Page, file: { name: string; mimeType: string; buffer: Buffer }) {
  await page.goto(`/app/authorities/${COUNCIL}/training/import`);
  await waitForPage(page);
  await page.getByRole('heading', { name: 'Import training records', level: 1 }).waitFor();
  await page.setInputFiles('#field-file', file);
  await page.getByRole('button', { name: 'Upload and import' }).click();
  await page.waitForURL(/\/training\/imports\/[^/]+$/);
  const importId = page.url().split('/').pop()!;
  return importId;
}

/** Waits on the job's page until the import has ended, as the page reports it. */
async function waitForResult(page: Page) {
  await page.getByRole('heading', { name: /Import complete|The import failed/, level: 1 }).waitFor();
  await waitForPage(page);
}

describe('importing training records through the browser', () => {
  it('an editor imports a messy export, follows its progress and sees every rejected line', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, EDITOR, `/app/authorities/${COUNCIL}/training`);
    await page.getByRole('heading', { name: 'Training records', level: 1 }).waitFor();
    await expectAccessible(page, 'training overview');
    await page.getByRole('link', { name: 'Import training records' }).first().click();
    await page.getByRole('heading', { name: 'Import training records', level: 1 }).waitFor();
    await expectAccessible(page, 'import page');

    // Checked before anything is sent: the type.
    await page.setInputFiles('#field-file', { name: 'export.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4') });
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('must be a CSV file');
    await expectAccessible(page, 'import page with an error');

    // While the first answers about the job say "running", the page shows rows done of rows
    // (a 8-row file is over in a moment: the answer is held at a running state to see it).
    let holdRunning = true;
    await page.route(/\/authorities\/county-council\/imports\/[^/]+$/, async (route) => {
      const response = await route.fetch();
      const job = await response.json();
      if (holdRunning) Object.assign(job, { status: 'running', rows: 8, rowsDone: 5, finishedAt: undefined });
      await route.fulfill({ response, json: job });
    });
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csvText(messyRows('MSY')), 'utf8')]);
    const importId = await importThrough(page, { name: 'lms-export.csv', mimeType: 'text/csv', buffer: bytes });
    await page.getByRole('heading', { name: 'Importing training records', level: 1 }).waitFor();
    await expect(page.getByRole('status').filter({ hasText: 'rows checked' }).textContent()).resolves.toContain('5 of 8 rows checked and stored');
    await expectAccessible(page, 'import in progress');

    // Leaving and coming back: the history lists it, and its page shows the job again.
    await page.getByRole('link', { name: 'Back to imports' }).click();
    await page.getByRole('heading', { name: 'Import training records', level: 1 }).waitFor();
    await waitForPage(page);
    holdRunning = false;
    await page.unrouteAll({ behavior: 'wait' });
    // Who started it, by name (the API names the people an answer mentions).
    await expect(page.locator(`a[href$="/training/imports/${importId}"]`).locator('xpath=ancestor::tr').textContent()).resolves.toContain('Jordan Records');
    await page.locator(`a[href$="/training/imports/${importId}"]`).click();
    await waitForResult(page);
    await expect(page.locator('main').textContent()).resolves.toContain('by Jordan Records');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/Import complete$/);
    const summary = await page.locator('.govuk-summary-list').textContent();
    expect(summary).toMatch(/Rows read\s*8/);
    expect(summary).toMatch(/New completions stored\s*3/);
    expect(summary).toMatch(/Already recorded\s*1/);
    expect(summary).toMatch(/Rejected\s*4/);
    expect(summary).toContain('CSV, UTF-8, separated by comma');

    // Every rejected line with its reasons, in a table.
    const rows = page.getByRole('table', { name: /Rejected rows/ }).locator('tbody tr');
    await expect(rows.count()).resolves.toBe(4);
    for (const [i, [line, reason]] of Object.entries(REJECTED).entries()) {
      await expect(rows.nth(i).locator('td').first().textContent()).resolves.toBe(line);
      await expect(rows.nth(i).locator('td').nth(1).textContent()).resolves.toMatch(reason);
    }
    await expectAccessible(page, 'import result');

    // The download: the rejected rows as they were in the file (still in this tab), with the reasons.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the rejected rows (CSV)' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe(['Line', ...HEADER, 'Reasons'].join(','));
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/^5,MSY003,"O’Brien, Siân",frontline,Underwater basket weaving,01\/03\/2025,E-learning,.*unknown course/);
    expect(lines[3]).toMatch(/^7,,No Reference,frontline,WRAP,/);

    // Through the API: what was stored, accents and commas intact, dates read as UK dates.
    const job = await api('GET', `/authorities/${COUNCIL}/imports/${importId}`);
    expect(job.body).toMatchObject({ status: 'completed', rows: 8, imported: 3, duplicates: 1, rejectedCount: 4, encoding: 'utf-8', delimiter: ',' });
    expect(await storedFor('MSY')).toEqual(EXPECTED);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the same export as .xlsx and as a Windows-1252 CSV stores the same completions as the UTF-8 CSV', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, EDITOR, `/app/authorities/${COUNCIL}/training/import`);
    await page.getByRole('heading', { name: 'Import training records', level: 1 }).waitFor();

    const utf8 = await importThrough(page, { name: 'utf8.csv', mimeType: 'text/csv', buffer: Buffer.from(csvText(messyRows('UTF')), 'utf8') });
    await waitForResult(page);
    const cp1252 = await importThrough(page, { name: 'windows.csv', mimeType: 'application/vnd.ms-excel', buffer: iconv.encode(csvText(messyRows('WIN')), 'windows-1252') });
    await waitForResult(page);
    await expect(page.locator('.govuk-summary-list').textContent()).resolves.toContain('CSV, Windows-1252, separated by comma');
    await expectAccessible(page, 'Windows-1252 import result');
    const sheet = [HEADER, ...messyRows('XLS')].map((row) => row.map((value) => ({ value: value === '' ? null : value })));
    const xlsx = Buffer.from(await writeXlsxFile(sheet as never).toBuffer());
    const workbook = await importThrough(page, { name: 'export.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: xlsx });
    await waitForResult(page);
    await expect(page.locator('.govuk-summary-list').textContent()).resolves.toContain('Excel workbook (.xlsx)');
    await expectAccessible(page, 'xlsx import result');
    // The workbook was read in the browser too: the download gives back the rejected rows' cells.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the rejected rows (CSV)' }).click()]);
    const rejectedRows = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(rejectedRows.map((l) => l.split(',')[0])).toEqual(['Line', '5', '6', '7', '9']);
    expect(rejectedRows[2]).toMatch(/^6,XLS004,Renée Dubois,frontline,Prevent e-learning,31\/02\/2025,E-learning,.*impossible date/);

    const jobs = await Promise.all([utf8, cp1252, workbook].map((id) => api('GET', `/authorities/${COUNCIL}/imports/${id}`)));
    for (const job of jobs) {
      expect(job.body).toMatchObject({ status: 'completed', rows: 8, imported: 3, duplicates: 1, rejectedCount: 4 });
      expect(job.body.rejected.map((r: { line: number }) => r.line)).toEqual([5, 6, 7, 9]);
    }
    expect(jobs.map((j) => j.body.format)).toEqual(['csv', 'csv', 'xlsx']);
    expect(jobs[1].body.encoding).toBe('windows-1252');
    const reference = await storedFor('UTF');
    expect(reference).toEqual(EXPECTED);
    expect(await storedFor('WIN')).toEqual(reference);
    expect(await storedFor('XLS')).toEqual(reference);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('matching the columns of an unfamiliar export', () => {
  it('asks which column is which and which role each job title is, saves that for the authority, and the next import needs no questions', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, EDITOR, `/app/authorities/${COUNCIL}/training/import`);
    await page.getByRole('heading', { name: 'Import training records', level: 1 }).waitFor();
    const file = (prefix: string) => ({
      name: 'hr-system.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        ['Staff Number;Learning Item Title;Date Passed;Position Title', `${prefix}1;WRAP;02/05/2025;Head of Service`, `${prefix}2;Prevent e-learning;03/05/2025;Youth Worker`, `${prefix}3;WRAP;04/05/2025;Volunteer`].join('\n'),
      ),
    });
    await page.setInputFiles('#field-file', file('MAP'));
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await page.getByRole('heading', { name: 'Match your columns', level: 1 }).waitFor();
    await expectAccessible(page, 'match your columns');

    // Nothing chosen yet: the error summary says what to do, field by field.
    await page.getByRole('button', { name: 'Save and import' }).click();
    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    await expect(summary.textContent()).resolves.toContain('Select the column that holds the staff reference');
    await expect(summary.textContent()).resolves.toContain('Select the column that holds the completion date');
    await expectAccessible(page, 'match your columns with errors');

    await page.getByLabel('Staff reference').selectOption({ label: 'Staff Number' });
    await page.getByLabel('Course').selectOption({ label: 'Learning Item Title' });
    await page.getByLabel('Completion date').selectOption({ label: 'Date Passed' });
    await page.getByLabel('Role (job title) (optional)').selectOption({ label: 'Position Title' });
    // The job titles of that column that are not plan roles, each to match (or leave, to reject).
    await page.getByLabel('Head of Service').selectOption({ label: 'Senior leaders' });
    await page.getByLabel('Youth Worker').selectOption({ label: 'Frontline staff' });
    await expect(page.getByLabel('Volunteer').inputValue()).resolves.toBe('');
    await page.getByRole('button', { name: 'Save and import' }).click();
    await page.waitForURL(/\/training\/imports\/[^/]+$/);
    await waitForResult(page);
    await expect(page.locator('.govuk-summary-list').textContent()).resolves.toContain('separated by semicolon');
    const rejected = page.getByRole('table', { name: /Rejected rows/ }).locator('tbody tr');
    await expect(rejected.count()).resolves.toBe(1);
    await expect(rejected.first().textContent()).resolves.toMatch(/^4.*role is not in the authority's training plan/);
    await expectAccessible(page, 'import result after matching');

    const mapping = await api('GET', `/authorities/${COUNCIL}/import-mapping`);
    expect(mapping.body).toMatchObject({
      version: 1,
      columns: { 'Staff Number': 'staffRef', 'Learning Item Title': 'course', 'Date Passed': 'completedOn', 'Position Title': 'role' },
      values: { role: { 'Head of Service': 'senior-leader', 'Youth Worker': 'frontline' } },
    });
    expect((await completionsOf('MAP1'))[0]).toMatchObject({ role: 'senior-leader', courseId: 'wrap', completedOn: '2025-05-02' });
    expect((await completionsOf('MAP2'))[0]).toMatchObject({ role: 'frontline', courseId: 'home-office-elearning' });

    // The next export of the same system: straight to the import (only the unmatched title is asked about).
    await page.goto(`/app/authorities/${COUNCIL}/training/import`);
    await waitForPage(page);
    await page.setInputFiles('#field-file', { ...file('MAQ'), buffer: Buffer.from(file('MAQ').buffer.toString().split('\n').slice(0, 3).join('\n')) });
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await page.waitForURL(/\/training\/imports\/[^/]+$/);
    await waitForResult(page);
    await expect(page.locator('.govuk-summary-list').textContent()).resolves.toMatch(/New completions stored\s*2/);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('coverage, one completion, and what a viewer sees', () => {
  it('shows coverage by role with its figures, and an editor adds a completion that counts', async () => {
    const { page, context, problems } = await web().newPage();
    const before = (await api('GET', `/authorities/${COUNCIL}/training-summary`)).body;
    await signInAs(page, EDITOR, `/app/authorities/${COUNCIL}/training`);
    await page.getByRole('heading', { name: 'Training records', level: 1 }).waitFor();
    const pct = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)}%`);
    for (const role of before.coverage.roles) {
      const section = page.getByRole('region', { name: role.name });
      await expect(section.textContent()).resolves.toContain(`${role.covered.toLocaleString('en-GB')} of ${role.headcount.toLocaleString('en-GB')} covered (${pct(role.coverage)})`);
      await expect(section.textContent()).resolves.toContain(role.meetsTarget ? 'Meets target' : 'Below target');
    }
    await expect(page.locator('main').textContent()).resolves.toContain(`${before.refreshersDueWithin60Days} due in the next 60 days`);
    await expect(page.locator('main').textContent()).resolves.toContain(`${before.refreshersOverdue} overdue`);
    await expectAccessible(page, 'coverage');

    await page.getByRole('button', { name: 'Add a completion' }).click();
    await page.getByRole('heading', { name: 'Add a completion', level: 1 }).waitFor();
    await expectAccessible(page, 'add a completion');
    await page.getByRole('button', { name: 'Save completion' }).click();
    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    await expect(summary.textContent()).resolves.toContain('Enter the person’s staff reference');
    await expect(summary.textContent()).resolves.toContain('Select the course');
    await expectAccessible(page, 'add a completion with errors');
    await page.getByLabel('Staff reference').fill('ADD001');
    await page.getByLabel('Role in the training plan (optional)').selectOption({ label: 'Frontline staff' });
    await page.getByLabel('Course').selectOption({ label: 'Home Office Prevent e-learning' });
    const completedOn = daysAgo(30);
    await page.getByLabel('Date completed').fill(completedOn);
    await page.getByRole('button', { name: 'Save completion' }).click();
    await page.waitForURL(/\/training$/);
    await waitForPage(page);
    await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain('Completion recorded: ADD001');

    const after = (await api('GET', `/authorities/${COUNCIL}/training-summary`)).body;
    const frontline = (s: typeof before) => s.coverage.roles.find((r: { roleId: string }) => r.roleId === 'frontline');
    expect(frontline(after).covered).toBe(frontline(before).covered + 1);
    await expect(page.getByRole('region', { name: 'Frontline staff' }).textContent()).resolves.toContain(`${frontline(after).covered} of ${frontline(after).headcount} covered`);
    expect(await completionsOf('ADD001')).toMatchObject([{ courseId: 'home-office-elearning', completedOn, role: 'frontline', source: 'manual' }]);
    await expectAccessible(page, 'coverage after adding');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a viewer sees the training pages without a single edit control', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, 'Scrutiny member (read-only)', `/app/authorities/${COUNCIL}/training`);
    await page.getByRole('heading', { name: 'Training records', level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Frontline staff' }).waitFor();
    const main = page.locator('main');
    for (const name of [/Import training records/, /Add a completion/, /Record a delivered session/, /Change the training plan/, /Erase/]) {
      await expect(main.getByRole('link', { name }).count()).resolves.toBe(0);
      await expect(main.getByRole('button', { name }).count()).resolves.toBe(0);
    }
    await expectAccessible(page, 'coverage as a viewer');

    await main.getByRole('link', { name: 'Every import so far' }).click();
    await page.getByRole('heading', { name: 'Import training records', level: 1 }).waitFor();
    await page.getByRole('table', { name: /Import history/ }).waitFor();
    await expect(page.locator('input[type=file]').count()).resolves.toBe(0);
    await expectAccessible(page, 'imports as a viewer');
    await page.getByRole('table', { name: /Import history/ }).getByRole('link').first().click();
    await waitForResult(page);
    await expect(main.getByRole('button', { name: /Carry on/ }).count()).resolves.toBe(0);
    await expectAccessible(page, 'an import as a viewer');

    for (const [path, title] of [['completions/new', 'Add a completion'], ['sessions/new', 'Record a delivered session'], ['plan', 'Change the training plan'], ['erase', 'Erase a person’s training records']]) {
      await page.goto(`/app/authorities/${COUNCIL}/training/${path}`);
      await page.getByRole('heading', { name: title, level: 1 }).waitFor();
      await waitForPage(page);
      await expect(main.locator('input, select, textarea, button').count()).resolves.toBe(0);
      await expectAccessible(page, `${title} as a viewer`);
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('sessions, the plan and erasure', () => {
  it('an editor records a delivered session (errors first) and changes the training plan', async () => {
    const { page, context, problems } = await web().newPage();
    const before = (await api('GET', `/authorities/${COUNCIL}/training-summary`)).body;
    await signInAs(page, EDITOR, `/app/authorities/${COUNCIL}/training/sessions/new`);
    await page.getByRole('heading', { name: 'Record a delivered session', level: 1 }).waitFor();
    await expectAccessible(page, 'record a session');
    const sessionDate = daysAgo(0);
    await page.getByLabel('Date of the session').fill(sessionDate);
    await page.getByLabel('What it covered').selectOption({ label: 'Prevent awareness' });
    await page.getByLabel('Delivered by').fill('In-house safeguarding team');
    await page.getByLabel('Elected members').check();
    await page.getByLabel('Number of attendees').fill('12');
    await page.getByLabel('How many gave feedback (optional)').fill('15');
    await page.getByRole('button', { name: 'Save session' }).click();
    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    await expect(summary.textContent()).resolves.toContain('More respondents than attendees');
    await expect(page.getByLabel('Delivered by').inputValue()).resolves.toBe('In-house safeguarding team');
    await expectAccessible(page, 'record a session with errors');
    await page.getByLabel('How many gave feedback (optional)').fill('10');
    await page.getByLabel('How many rated it good or excellent (optional)').fill('9');
    await page.getByRole('button', { name: 'Save session' }).click();
    await page.waitForURL(/\/training$/);
    await waitForPage(page);
    await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain('Session recorded');
    const after = (await api('GET', `/authorities/${COUNCIL}/training-summary`)).body;
    expect(after.sessions.count).toBe(before.sessions.count + 1);
    expect(after.sessions.attendees).toBe(before.sessions.attendees + 12);
    await page.getByText(/^The sessions \(\d+\)$/).click();
    const row = page.getByRole('table', { name: /Sessions delivered in/ }).locator('tbody tr').filter({ hasText: inWords(sessionDate) }).filter({ hasText: 'Elected members' });
    await expect(row.textContent()).resolves.toMatch(/Prevent awareness.*Elected members.*12.*9 of 10/);
    await expectAccessible(page, 'coverage with the sessions open');

    await page.getByRole('link', { name: /Change the training plan/ }).click();
    await page.getByRole('heading', { name: 'Change the training plan', level: 1 }).waitFor();
    await expectAccessible(page, 'change the plan');
    await page.getByRole('button', { name: 'Add another role' }).click();
    const fieldset = page.locator('fieldset').filter({ has: page.locator('#field-roles-3-name') });
    await page.locator('#field-roles-3-name').fill('Elected members');
    await page.locator('#field-roles-3-headcount').fill('40');
    await page.getByRole('button', { name: 'Save the training plan' }).click();
    await summary.waitFor();
    await expect(summary.textContent()).resolves.toContain('Say which courses or which level this role requires');
    await expectAccessible(page, 'change the plan with errors');
    await fieldset.getByLabel('Elected member briefing').check();
    await page.getByRole('button', { name: 'Save the training plan' }).click();
    await page.waitForURL(/\/training$/);
    await waitForPage(page);
    await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain('Training plan saved');
    await page.getByRole('region', { name: 'Elected members' }).waitFor();
    const plan = (await api('GET', `/authorities/${COUNCIL}/training-plan`)).body;
    expect(plan.roles[3]).toMatchObject({ id: 'elected-members', name: 'Elected members', headcount: 40, requiredCourses: ['elected-member-briefing'] });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('only the lead erases one person’s records, after seeing what will go', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, EDITOR, `/app/authorities/${COUNCIL}/training`);
    await page.getByRole('heading', { name: 'Training records', level: 1 }).waitFor();
    await expect(page.getByRole('link', { name: /Erase/ }).count()).resolves.toBe(0);
    await context.close();

    const lead = await web().newPage();
    await signInAs(lead.page, 'County council Prevent lead', `/app/authorities/${COUNCIL}/training`);
    await lead.page.getByRole('link', { name: 'Erase one person’s training records' }).click();
    await lead.page.getByRole('heading', { name: 'Erase a person’s training records', level: 1 }).waitFor();
    await expectAccessible(lead.page, 'erase');
    await lead.page.getByLabel('Staff reference').fill('MSY001');
    await lead.page.getByRole('button', { name: 'Find their records' }).click();
    const table = lead.page.getByRole('table', { name: /will be erased/ });
    await table.waitFor();
    await expect(table.textContent()).resolves.toContain('Zoë Brontë, MBE');
    await expectAccessible(lead.page, 'erase: what will go');
    await lead.page.getByRole('button', { name: 'Erase 1 record' }).click();
    await lead.page.waitForURL(/\/training$/);
    await waitForPage(lead.page);
    await expect(lead.page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain('1 training record erased');
    expect(await completionsOf('MSY001')).toEqual([]);
    expect(lead.problems).toEqual([]);
    expect(problems).toEqual([]);
    await lead.context.close();
  });
});

describe('when a save does not go through', () => {
  it('a network failure keeps what was typed, and trying again saves it once', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, EDITOR, `/app/authorities/${COUNCIL}/training/completions/new`);
    await page.getByRole('heading', { name: 'Add a completion', level: 1 }).waitFor();
    // Twice: the app sends a POST whose answer never came once more by itself (same Idempotency-Key).
    await page.route(/\/authorities\/county-council\/completions$/, (route) => route.abort('internetdisconnected'), { times: 2 });
    await page.getByLabel('Staff reference').fill('NET001');
    await page.getByLabel('Course').selectOption({ label: 'Workshop to Raise Awareness of Prevent (WRAP)' });
    await page.getByLabel('Date completed').fill('2025-09-01');
    await page.getByRole('button', { name: 'Save completion' }).click();
    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    await expect(summary.textContent()).resolves.toContain('could not be reached');
    await expect(page.getByLabel('Staff reference').inputValue()).resolves.toBe('NET001');
    await expect(page.getByLabel('Date completed').inputValue()).resolves.toBe('2025-09-01');
    await expectAccessible(page, 'add a completion after a network failure');
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.waitForURL(/\/training$/);
    await waitForPage(page);
    expect(await completionsOf('NET001')).toMatchObject([{ courseId: 'wrap', completedOn: '2025-09-01' }]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('an answer lost after the save landed: the app sends it again with the same key, and the completion is stored once', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, EDITOR, `/app/authorities/${COUNCIL}/training/completions/new`);
    await page.getByRole('heading', { name: 'Add a completion', level: 1 }).waitFor();
    const keys: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && /\/authorities\/county-council\/completions$/.test(request.url())) keys.push(request.headers()['idempotency-key'] ?? '');
    });
    // The API gets the request and records the completion; the browser never sees the answer.
    await page.route(
      /\/authorities\/county-council\/completions$/,
      async (route) => {
        const landed = await route.fetch();
        expect(landed.status()).toBe(201);
        await route.abort('internetdisconnected');
      },
      { times: 1 },
    );
    await page.getByLabel('Staff reference').fill('NET002');
    await page.getByLabel('Course').selectOption({ label: 'Workshop to Raise Awareness of Prevent (WRAP)' });
    await page.getByLabel('Date completed').fill('2025-09-02');
    await page.getByRole('button', { name: 'Save completion' }).click();
    await page.waitForURL(/\/training$/);
    await waitForPage(page);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(await completionsOf('NET002')).toMatchObject([{ courseId: 'wrap', completedOn: '2025-09-02' }]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the training plan saved by someone else meanwhile: the conflict panel, then the user keeps their changes', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, EDITOR, `/app/authorities/${COUNCIL}/training/plan`);
    await page.getByRole('heading', { name: 'Change the training plan', level: 1 }).waitFor();
    await page.locator('#field-roles-1-headcount').fill('35');
    const current = (await api('GET', `/authorities/${COUNCIL}/training-plan`)).body;
    const roles = current.roles.map((r: { id: string; headcount: number }) => (r.id === 'senior-leader' ? { ...r, headcount: r.headcount + 5 } : r));
    const theirs = await api('PUT', `/authorities/${COUNCIL}/training-plan`, { version: current.version, roles }, 'County council Prevent lead');
    expect(theirs.status).toBe(200);
    await page.getByRole('button', { name: 'Save the training plan' }).click();
    const panel = page.locator('.app-conflict');
    await panel.waitFor();
    await expect(panel.textContent()).resolves.toContain('Someone else changed the training plan');
    await expect(page.locator('#field-roles-1-headcount').inputValue()).resolves.toBe('35');
    await expectAccessible(page, 'plan conflict');
    await page.getByRole('button', { name: 'Keep my changes' }).click();
    await page.waitForURL(/\/training$/);
    await waitForPage(page);
    const saved = (await api('GET', `/authorities/${COUNCIL}/training-plan`)).body;
    expect(saved.version).toBe(current.version + 2);
    expect(saved.roles[1].headcount).toBe(35);
    expect(problems).toEqual([]);
    await context.close();
  });
});
