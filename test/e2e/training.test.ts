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
    await page.locator(`a[href$="/training/imports/${importId}"]`).click();
    await waitForResult(page);
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
