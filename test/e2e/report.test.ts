import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ConsolidatedReport } from '../../domain/reports/report';
import { demoUser, expectAccessible as axeCheck, useWebApp } from './support/web';

const web = useWebApp();

/**
 * Waits for the heading and for every loading message to go, through locators. (The harness's
 * waitForPage polls a string predicate, which this app's CSP refuses to evaluate after its
 * first try: it fails whenever the page is still loading when called.)
 */
async function waitForPage(page: Page): Promise<void> {
  await page.locator('h1').first().waitFor();
  await page.locator('.app-loading').first().waitFor({ state: 'detached' });
}

/** As the harness's signInAs, waiting with the locator-based waitForPage above. */
async function signInAs(page: Page, label: string): Promise<void> {
  await page.goto('/app/');
  await page.waitForURL(/\/local\/sign-in/);
  await page.getByLabel(label, { exact: true }).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/app/') && !u.pathname.startsWith('/app/auth/'));
  await waitForPage(page);
}

async function expectAccessible(page: Page, what: string): Promise<void> {
  await waitForPage(page);
  await axeCheck(page, what);
}

interface SopsResponse {
  asAt: string;
  items: { authorityId: string; sopVersion: string; nextReviewDate: string; reviewOverdue: boolean; reviewDueWithin60Days: boolean }[];
}

async function apiGet<T>(label: string, path: string): Promise<T> {
  const token = await web().tokenFor(demoUser(web().users, label));
  const response = await fetch(`${web().url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

/** RFC 4180: quoted cells may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      row.push(cell), rows.push(row), (row = []), (cell = '');
    } else cell += c;
  }
  if (cell || row.length) row.push(cell), rows.push(row);
  const [header, ...data] = rows;
  return data.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

const daysFrom = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** The heading of an attention list says its count; the list holds exactly the expected names. */
async function expectAttention(page: Page, title: string, names: string[]) {
  const region = page.getByRole('region', { name: new RegExp(`^${title}`) });
  await expect(region.getByRole('heading').first().textContent()).resolves.toContain(`(${names.length})`);
  if (names.length === 0) return;
  const items = (await region.getByRole('listitem').allTextContents()).map((t) => t.trim());
  expect(items).toHaveLength(names.length);
  for (const name of names) expect(items.some((t) => t.startsWith(name)), `${title}: ${name}`).toBe(true);
}

/** Buttons a read-only user may see: downloads, the year's Show, sign out, column sorting and the table filters (reading, not editing). */
async function expectNoEditControls(page: Page, what: string) {
  const buttons = page.locator('main button, header button');
  const labels = await buttons.evaluateAll((els) =>
    els.filter((el) => !el.closest('th[aria-sort]')).map((el) => (el.textContent ?? '').trim()),
  );
  for (const label of labels) expect(label, `${what}: unexpected button`).toMatch(/^(Sign out|Show|Download CSV.*|Download printable version.*|Apply filters|Clear filters)$/);
  const links = await page.locator('main a').allTextContents();
  for (const link of links) expect(link, `${what}: edit link`).not.toMatch(/^\s*(Change|Edit|Add)\b/);
  // The filter form's fields choose what to read; anything else would edit.
  await expect(page.locator('main input:not([type=hidden]):not(form.app-filter input), main textarea').count()).resolves.toBe(0);
}

describe('dashboard, consolidated report and SOPs (steering group and viewers)', () => {
  it('shows the steering group what needs attention, the report by year with its downloads, and the SOPs', async () => {
    const chair = 'Steering group chair';
    // The summaries have consumed every change so far: the API's figures below are the page's.
    await web().settle();
    const report = await apiGet<ConsolidatedReport>(chair, '/reports/consolidated');
    const sops = await apiGet<SopsResponse>(chair, '/sops');
    const deadline = await apiGet<{ year: string; dueOn: string | null }>(chair, `/statement-deadlines/${report.year}`);
    const names = new Map(report.rows.map((r) => [r.authorityId, r.name]));

    const { page, context, problems } = await web().newPage();
    await signInAs(page, chair);
    expect(new URL(page.url()).pathname).toBe('/app/dashboard');
    await expect(page.locator('h1').textContent()).resolves.toContain('Dashboard');

    // What needs attention: each list as the API's figures have it.
    const submitted = report.rows.filter((r) => r.statement.status === 'submitted');
    expect(submitted.length).toBeGreaterThan(0);
    await expectAttention(page, 'Statements waiting for review', submitted.map((r) => r.name));
    const reviewLinks = await page
      .getByRole('region', { name: /^Statements waiting for review/ })
      .locator('a')
      .evaluateAll((els) => els.map((a) => [a.getAttribute('href'), (a.textContent ?? '').trim()]));
    expect(reviewLinks).toEqual(submitted.map((r) => [`/app/authorities/${r.authorityId}/statements/${report.year}`, `${r.name}: review the ${report.year} statement`]));
    await expectAttention(page, 'SOP reviews overdue', sops.items.filter((s) => s.reviewOverdue).map((s) => names.get(s.authorityId)!));
    const filtersDue = report.rows.filter((r) => ['overdue', 'due-soon', 'missing'].includes(r.itFilter.status));
    expect(filtersDue.length).toBeGreaterThan(0);
    await expectAttention(page, 'IT-filter reviews overdue or due', filtersDue.map((r) => r.name));
    expect(deadline.dueOn, 'the demo seeds a deadline').not.toBeNull();
    if (daysFrom(report.asAt, deadline.dueOn!) <= 60) {
      const notIn = report.rows.filter((r) => ['missing', 'draft', 'returned'].includes(r.statement.status));
      expect(notIn.length).toBeGreaterThan(0);
      await expectAttention(page, 'Authorities with no statement submitted', notIn.map((r) => r.name));
    }

    // Every authority in the table, with its coverage against the target; sortable.
    const table = page.getByRole('table', { name: /Every authority/ });
    for (const r of report.rows) {
      const row = table.getByRole('row').filter({ has: page.getByRole('link', { name: r.name, exact: true }) });
      await expect(row.count()).resolves.toBe(1);
      if (r.training.coverage !== null) {
        await expect(row.textContent()).resolves.toContain(`${Math.round(r.training.coverage * 100)}% (target ${Math.round(report.coverageTarget * 100)}%)`);
        await expect(row.textContent()).resolves.toContain(r.training.coverage >= report.coverageTarget ? 'Meets target' : 'Below target');
      }
    }
    await expectAccessible(page, 'dashboard (steering group)');
    // The order is kept in the address: the table re-renders once the navigation lands, so wait for it.
    await table.getByRole('button', { name: 'Overdue items' }).click();
    await expect.poll(() => table.locator('th[aria-sort="ascending"]').textContent()).toBe('Overdue items');
    await table.getByRole('button', { name: 'Overdue items' }).click();
    await expect.poll(() => table.locator('th[aria-sort="descending"]').textContent()).toBe('Overdue items');
    const firstOverdue = await table.locator('tbody tr').first().locator('td').last().textContent();
    const most = Math.max(...report.rows.map((r) => r.training.refreshersOverdue + (r.sop.reviewOverdue ? 1 : 0) + (r.itFilter.status === 'overdue' ? 1 : 0)));
    expect(Number(firstOverdue)).toBe(most);

    // The consolidated report of the current year.
    await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Report', exact: true }).click();
    await page.waitForURL(/\/app\/report$/);
    await waitForPage(page);
    await expect(page.locator('h1').textContent()).resolves.toContain('Consolidated report');
    await page.getByRole('table', { name: /Partnership totals year on year/ }).waitFor();
    if (report.partYear) await expect(page.locator('main').textContent()).resolves.toContain(`a part year, compared with the whole of ${report.previousYear}`);
    // The heatmap prints the score of every submitted or accepted statement.
    const heat = page.getByRole('table', { name: /Benchmark scores by authority/ });
    const scored = report.rows.find((r) => r.statement.status === 'accepted' && Object.keys(r.statement.scores).length > 0);
    expect(scored, 'an accepted statement with scores in the demo').toBeDefined();
    const heatRow = heat.getByRole('row').filter({ has: page.getByRole('link', { name: scored!.name, exact: true }) });
    const benchmarkHeaders = (await heat.locator('thead th.app-heat').allTextContents()).map((t) => Number.parseInt(t, 10));
    for (const [benchmark, score] of Object.entries(scored!.statement.scores)) {
      const cell = heatRow.locator('td.app-heat').nth(benchmarkHeaders.indexOf(Number(benchmark)));
      await expect(cell.textContent()).resolves.toBe(String(score));
      await expect(cell.getAttribute('class')).resolves.toContain(`app-heat--${score - 1}`);
    }
    await expect(page.locator('.app-heat-key').textContent()).resolves.toContain('3: duty met');
    await expectAccessible(page, `report ${report.year}`);

    // Last year, through the year picker.
    const year = report.previousYear;
    await page.getByLabel('Reporting year').selectOption(year);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(new RegExp(`/app/report\\?year=${year}$`));
    await page.getByRole('table', { name: new RegExp(`Partnership totals, ${year} compared with`) }).waitFor();
    await page.getByRole('table', { name: /Partnership totals year on year/ }).waitFor();
    await expectAccessible(page, `report ${year}`);
    const last = await apiGet<ConsolidatedReport>(chair, `/reports/consolidated?year=${year}`);
    const totals = page.getByRole('table', { name: new RegExp(`Partnership totals, ${year}`) });
    await expect(totals.getByRole('row').filter({ hasText: 'People trained' }).locator('td').first().textContent()).resolves.toBe(last.totals.peopleTrained.toLocaleString('en-GB'));

    // The CSV of that year: the same authorities and figures as the JSON.
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Download CSV/ }).click()]);
    expect(csvDownload.suggestedFilename()).toBe(`prevent-report-${year}.csv`);
    const csv = parseCsv(readFileSync((await csvDownload.path())!, 'utf8'));
    expect(csv.map((r) => r.authority_id)).toEqual(last.rows.map((r) => r.authorityId));
    for (const [i, r] of last.rows.entries()) {
      expect(csv[i].authority).toBe(r.name);
      expect(csv[i].statement_status).toBe(r.statement.status);
      expect(csv[i].training_coverage).toBe(r.training.coverage === null ? '' : String(Math.round(r.training.coverage * 10_000) / 10_000));
      expect(csv[i].it_filter_status).toBe(r.itFilter.status);
      expect(csv[i].year).toBe(year);
    }
    // The printable version, saved as a file (a blob: page would inherit the app's CSP and lose its styles).
    const [htmlDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Download printable version/ }).click()]);
    const html = readFileSync((await htmlDownload.path())!, 'utf8');
    expect(html).toContain(`consolidated compliance report ${year}`);
    for (const r of last.rows) expect(html).toContain(r.name.replace(/&/g, '&amp;').replace(/'/g, '&#39;'));
    await expectAccessible(page, `report ${year} after downloads`);

    // SOPs: every authority, those with none said so (a new authority has none yet).
    const token = await web().tokenFor(demoUser(web().users, chair));
    const created = await fetch(`${web().url}/authorities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'westbrook-test', name: 'Westbrook Town Council (test)', sector: 'local-government', type: 'other' }),
    });
    expect(created.status).toBe(201);
    const withNew = await apiGet<{ items: { id: string; name: string }[] }>(chair, '/authorities');
    expect(withNew.items.map((a) => a.id)).toContain('westbrook-test');
    await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'SOPs' }).click();
    await page.waitForURL(/\/app\/sops$/);
    await waitForPage(page);
    const sopTable = page.getByRole('table', { name: 'SOPs of every authority' });
    await expect(sopTable.locator('tbody tr').count()).resolves.toBe(withNew.items.length);
    for (const r of withNew.items) {
      const row = sopTable.getByRole('row').filter({ has: page.getByRole('link', { name: r.name, exact: true }) });
      const sop = sops.items.find((s) => s.authorityId === r.id);
      const text = await row.textContent();
      if (r.id === 'westbrook-test') expect(sop).toBeUndefined();
      if (!sop) expect(text).toContain('No SOP recorded');
      else {
        expect(text).toContain(sop.sopVersion);
        expect(text).toContain(sop.reviewOverdue ? 'Review overdue' : sop.reviewDueWithin60Days ? 'Review due soon' : 'In date');
      }
    }
    await expect(sopTable.getByRole('link', { name: report.rows[0].name, exact: true }).getAttribute('href')).resolves.toBe(`/app/authorities/${report.rows[0].authorityId}`);
    await expectAccessible(page, 'SOPs');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows a viewer the same pages read-only: no edit control anywhere', async () => {
    const viewer = 'Scrutiny member (read-only)';
    const report = await apiGet<ConsolidatedReport>(viewer, '/reports/consolidated');
    const { page, context, problems } = await web().newPage();
    await signInAs(page, viewer);
    expect(new URL(page.url()).pathname).toBe('/app/dashboard');
    await page.getByRole('table', { name: /Every authority/ }).waitFor();
    for (const r of report.rows) await page.getByRole('table', { name: /Every authority/ }).getByRole('link', { name: r.name, exact: true }).waitFor();
    await expectAccessible(page, 'dashboard (viewer)');
    await expectNoEditControls(page, 'dashboard');

    await page.goto('/app/report');
    await waitForPage(page);
    await page.getByRole('table', { name: /Partnership totals year on year/ }).waitFor();
    await page.getByRole('table', { name: /Benchmark scores by authority/ }).waitFor();
    await expectAccessible(page, 'report (viewer)');
    await expectNoEditControls(page, 'report');
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Download CSV/ }).click()]);
    const csv = parseCsv(readFileSync((await csvDownload.path())!, 'utf8'));
    expect(csv.map((r) => r.authority)).toEqual(report.rows.map((r) => r.name));

    // A year the API refuses: the page says so, still accessible, and still offers the years.
    await page.goto('/app/report?year=2025-27');
    await waitForPage(page);
    await page.locator('.govuk-error-summary').waitFor();
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('There is a problem');
    await expect(page.getByLabel('Reporting year').inputValue()).resolves.toBe('2025-27');
    await expectAccessible(page, 'report of a refused year (viewer)');

    await page.goto('/app/sops');
    await waitForPage(page);
    await page.getByRole('table', { name: 'SOPs of every authority' }).waitFor();
    await expectAccessible(page, 'SOPs (viewer)');
    await expectNoEditControls(page, 'SOPs');
    expect(problems).toEqual([]);
    await context.close();
  });
});
