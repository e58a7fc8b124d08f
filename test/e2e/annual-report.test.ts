import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { QUARTER_LABELS, REFERRAL_SECTORS } from '../../domain/delivery/figures';
import type { ConsolidatedReport } from '../../domain/reports/report';
import type { AnnualReport } from '../../domain/reports/annual';
import { demoUser, expectAccessible, signInAs, useWebApp, waitForPage } from './support/web';

const web = useWebApp();

const CHAIR = 'Steering group chair';
const VIEWER = 'Scrutiny member (read-only)';
const POLICE_LEAD = 'Police Prevent lead (Demoshire and Northvale)';
const COUNTY_LEAD = 'County council Prevent lead';

interface PublishedCell {
  text: string;
  value?: number;
}
interface PublishedTable {
  title: string;
  rows: { key: string; label: string }[];
  columns: { key: string; label: string }[];
  cells: PublishedCell[][];
  rowTotals?: PublishedCell[];
  columnTotals?: PublishedCell[];
  grandTotal?: PublishedCell;
}
interface Quarter {
  quarter: number;
  version: number;
  referrals: Record<string, number>;
  channelAdopted: number;
  hateCrimeReports: number;
  outreachTraining: { audience: string; events: number; attendees: number; feedbackRespondents?: number; feedbackGoodOrExcellent?: number }[];
  communications: { kind: string; description: string; count: number; reach?: number }[];
}
interface Figures {
  year: string;
  access: 'full' | 'totals';
  quarters?: Quarter[];
  published: { note: string; quartersEntered: number[]; referrals: PublishedTable; channel: PublishedTable; hateCrime: PublishedTable };
}

async function api<T>(label: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const token = await web().tokenFor(demoUser(web().users, label));
  const response = await fetch(`${web().url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as T };
}
async function apiGet<T>(label: string, path: string): Promise<T> {
  const { status, body } = await api<T>(label, path);
  expect(status, path).toBe(200);
  return body;
}

const unescapeXml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;|&#39;/g, "'").replace(/&amp;/g, '&');

/** A Word document's text: every paragraph's, and every table row's cells joined with " | ". */
function docxText(bytes: Uint8Array): { paragraphs: string[]; rows: string[] } {
  const xml = strFromU8(unzipSync(bytes)['word/document.xml']);
  const text = (fragment: string) => unescapeXml([...fragment.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''));
  const paragraphs = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) => text(m[0]));
  const rows = [...xml.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((m) => [...m[0].matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((c) => text(c[0])).join(' | '));
  return { paragraphs, rows };
}

/** A printable page's text the same way: paragraphs, and table rows' cells joined with " | ". */
function htmlText(html: string): { paragraphs: string[]; rows: string[] } {
  const text = (fragment: string) => unescapeXml(fragment.replace(/<br>/g, '\n').replace(/<[^>]+>/g, '')).trim();
  const paragraphs = [...html.matchAll(/<p[^>]*>([\s\S]*?)<\/p>/g)].map((m) => text(m[1]));
  const rows = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => text(c[1])).join(' | '));
  return { paragraphs, rows };
}

/** The annual report's figures must be the consolidated report's for the same year. */
function expectFiguresOf(doc: { paragraphs: string[]; rows: string[] }, report: ConsolidatedReport, what: string) {
  const all = doc.paragraphs.join('\n');
  const t = report.totals;
  expect(all, `${what}: people trained`).toContain(`${t.peopleTrained.toLocaleString('en-GB')} people trained across ${t.authorities} authorities in ${report.year}`);
  expect(all, `${what}: coverage`).toContain(`Training coverage ${t.coverage === null ? '–' : `${Math.round(t.coverage * 100)}%`} against a target of ${Math.round(report.coverageTarget * 100)}%`);
  expect(all, `${what}: statements`).toContain(`${t.statementsExpected} statements expected (one per authority); ${t.statementsAccepted} accepted.`);
  expect(doc.rows, `${what}: statements table`).toContain(`Accepted | ${t.statementsAccepted}`);
  // The referrals' grand total as published (suppressed when a small count would show through it).
  const referrals = report.delivery!.referrals;
  expect(doc.rows.filter((r) => r.startsWith('All sectors | ')).map((r) => r.split(' | ').at(-1)), `${what}: referrals total`).toContain(referrals.grandTotal!.text);
  for (const [i, row] of referrals.rows.entries()) expect(doc.rows, `${what}: referrals from ${row.label}`).toContain([row.label, ...referrals.cells[i].map((c) => c.text), referrals.rowTotals![i].text].join(' | '));
  expect(all, `${what}: suppression note`).toContain(report.delivery!.note);
  // The action plan's totals for the year.
  const p = report.actionPlan!.totals;
  expect(all, `${what}: action plan`).toContain(`${p.total} actions: Red ${p.red}, Amber ${p.amber}, Green ${p.green}, Complete ${p.complete}; ${p.overdue} overdue.`);
  for (const b of report.benchmarks.filter((x) => x.homeOffice !== undefined)) {
    expect(doc.rows.some((r) => r.startsWith(`${b.benchmark}. ${b.name} | `) && r.includes(` | ${b.homeOffice} | `)), `${what}: benchmark ${b.benchmark}`).toBe(true);
  }
}

/** A published cell as the page shows it. */
const shown = (c: PublishedCell | undefined) => (c === undefined ? '–' : c.value !== undefined ? c.value.toLocaleString('en-GB') : c.text);

/** Every row of a published table on the page reads as the API publishes it. */
async function expectTableAsPublished(page: Page, table: PublishedTable) {
  const t = page.getByRole('table', { name: table.title, exact: true });
  for (const [i, row] of table.rows.entries()) {
    const cells = (await t.getByRole('row').filter({ has: page.getByRole('rowheader', { name: row.label, exact: true }) }).locator('th, td').allTextContents()).map((s) => s.trim());
    expect(cells, `${table.title}: ${row.label}`).toEqual([row.label, ...table.cells[i].map(shown), ...(table.rowTotals ? [shown(table.rowTotals[i])] : [])]);
  }
  if (table.grandTotal) {
    const totals = (await t.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'All sectors' }) }).locator('td').allTextContents()).map((s) => s.trim());
    expect(totals.at(-1), `${table.title}: grand total`).toBe(shown(table.grandTotal));
  }
}

/** Buttons a read-only user may see (reading, never editing), and no edit link or form field. */
async function expectNoEditControls(page: Page, what: string) {
  const labels = (await page.locator('main button, header button').allTextContents()).map((t) => t.trim());
  for (const label of labels) expect(label, `${what}: unexpected button`).toMatch(/^(Sign out|Show|Download .*)$/);
  const links = await page.locator('main a').allTextContents();
  for (const link of links) expect(link, `${what}: edit link`).not.toMatch(/^\s*(Change|Edit|Add|Record|Enter)\b/);
  await expect(page.locator('main input, main textarea, main select:not(#field-year)').count()).resolves.toBe(0);
}

describe('delivery figures and the annual report', () => {
  it('the chair enters a quarter, then downloads the annual report, whose figures are the consolidated report’s', async () => {
    await web().settle();
    const current = await apiGet<ConsolidatedReport>(CHAIR, '/reports/consolidated');
    const year = current.year;
    const lastYear = current.previousYear;
    const before = await apiGet<Figures>(CHAIR, `/delivery-figures/${year}`);
    const entered = new Set(before.quarters!.map((q) => q.quarter));
    // This year's first quarter not yet entered; if all are, correct the latest.
    const quarter = [1, 2, 3, 4].find((q) => !entered.has(q)) ?? Math.max(...entered);
    const existing = before.quarters!.find((q) => q.quarter === quarter);
    const label = QUARTER_LABELS[quarter - 1];

    const { page, context, problems } = await web().newPage();
    await signInAs(page, CHAIR);
    await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Delivery figures' }).click();
    await page.waitForURL(/\/app\/delivery$/);
    await waitForPage(page);
    await expect(page.locator('h1').textContent()).resolves.toContain('Delivery figures');
    await expect(page.locator('.govuk-warning-text').first().textContent()).resolves.toContain('OFFICIAL-SENSITIVE');
    const quarters = page.getByRole('table', { name: `Quarters of ${year}` });
    for (const n of [1, 2, 3, 4]) {
      await expect(quarters.getByRole('row').filter({ hasText: QUARTER_LABELS[n - 1] }).textContent()).resolves.toContain(entered.has(n) ? 'Entered' : 'Not entered');
    }
    await expectTableAsPublished(page, before.published.referrals);
    await expectAccessible(page, `delivery figures ${year}`);

    // (a) The quarter, through the form: first a bad count (the API's field error on its field), then the figures.
    await quarters.getByRole('link', { name: `${existing ? 'Change' : 'Enter figures'} for ${label} ${year}` }).click();
    await page.waitForURL(new RegExp(`/app/delivery/${year}/quarters/${quarter}$`));
    await waitForPage(page);
    await expectAccessible(page, `quarter form ${label}`);
    const figures: Record<string, string> = { education: '12', police: '15', 'local-authority': '7', health: '6', 'criminal-justice': '0', community: '3', other: '0' };
    const sectorLabels = ['Education', 'Police', 'Local authority', 'Health', 'Prisons and probation', 'Family, friends and community', 'Other'];
    for (const [i, sector] of REFERRAL_SECTORS.entries()) await page.getByLabel(sectorLabels[i], { exact: true }).fill(sector === 'education' ? 'twelve' : figures[sector]);
    await page.getByLabel('Referrals adopted', { exact: true }).fill('8');
    await page.getByLabel('Cases opened', { exact: true }).fill('6');
    await page.getByLabel('Cases closed', { exact: true }).fill('5');
    await page.getByLabel('Hate-crime reports in the area').fill('97');
    const audiences = existing?.outreachTraining.length ?? 0;
    await page.getByRole('button', { name: /^Add (an|another) audience$/ }).click();
    const audience = page.getByRole('group', { name: `Audience ${audiences + 1}` });
    await audience.getByLabel('Who was trained').fill('Youth workers');
    await audience.getByLabel('Events', { exact: true }).fill('2');
    await audience.getByLabel('Attendees', { exact: true }).fill('40');
    await audience.getByLabel('Gave feedback (optional)').fill('30');
    await audience.getByLabel('Rated it good or excellent (optional)').fill('27');
    const communications = existing?.communications.length ?? 0;
    await page.getByRole('button', { name: /^Add (a|another) communication$/ }).click();
    const communication = page.getByRole('group', { name: `Communication ${communications + 1}` });
    await communication.getByLabel('Kind').selectOption('newsletter');
    await communication.getByLabel('Description').fill('Winter Prevent newsletter');
    await communication.getByLabel('How many').fill('1');
    await communication.getByLabel('People reached (optional)').fill('800');
    await page.getByRole('button', { name: 'Save figures' }).click();
    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    await expect(summary.getByRole('link', { name: 'Enter the referrals from education as a whole number, 0 if none' }).getAttribute('href')).resolves.toBe('#field-referrals-education');
    await expect(page.locator('#field-referrals-education-error').textContent()).resolves.toContain('Enter the referrals from education');
    await expect(page.title()).resolves.toMatch(/^Error: /);
    await expectAccessible(page, 'quarter form with an error');
    await page.getByLabel('Education', { exact: true }).fill('12');
    await page.getByRole('button', { name: 'Save figures' }).click();
    await page.waitForURL(new RegExp(`/app/delivery\\?year=${year}$`));
    await waitForPage(page);
    await page.locator('.govuk-notification-banner--success', { hasText: `Figures for ${label} ${year} saved` }).waitFor();

    // Stored as entered, and the page shows the new published figures.
    const after = await apiGet<Figures>(CHAIR, `/delivery-figures/${year}`);
    const stored = after.quarters!.find((q) => q.quarter === quarter)!;
    expect(stored.version).toBe((existing?.version ?? 0) + 1);
    expect(stored.referrals).toEqual(Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Number(v)])));
    expect(stored.channelAdopted).toBe(8);
    expect(stored.hateCrimeReports).toBe(97);
    expect(stored.outreachTraining.at(-1)).toEqual({ audience: 'Youth workers', events: 2, attendees: 40, feedbackRespondents: 30, feedbackGoodOrExcellent: 27 });
    expect(stored.communications.at(-1)).toEqual({ kind: 'newsletter', description: 'Winter Prevent newsletter', count: 1, reach: 800 });
    expect(after.published.quartersEntered).toContain(quarter);
    await expect(quarters.getByRole('row').filter({ hasText: label }).textContent()).resolves.toContain('Entered');
    for (const table of [after.published.referrals, after.published.channel, after.published.hateCrime]) await expectTableAsPublished(page, table);
    const column = after.published.referrals.columns.findIndex((c) => c.key === `q${quarter}`);
    expect(after.published.referrals.cells[0][column]).toEqual({ text: '12', value: 12 });
    await expect(page.locator('.app-suppression-note').first().textContent()).resolves.toBe(after.published.note);
    await expectAccessible(page, 'delivery figures after saving');
    // The CSV: the same published (suppressed) figures, with the note.
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV (suppressed)' }).click()]);
    expect(csvDownload.suggestedFilename()).toBe(`prevent-delivery-figures-${year}.csv`);
    const csvLines = readFileSync((await csvDownload.path())!, 'utf8').split(/\r?\n/);
    expect(csvLines.find((l) => l.includes(',All sectors,'))?.split(',').at(-1)).toBe(after.published.referrals.grandTotal!.text);
    expect(csvLines.find((l) => l.startsWith('Police,') || l.includes(',Police,'))?.split(',').at(-1)).toBe(after.published.referrals.rowTotals![1].text);
    expect(csvLines.some((l) => l.startsWith('Note,'))).toBe(true);

    // (b) The annual report of last year: the preview, the Word document and the printable page.
    await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Annual report' }).click();
    await page.waitForURL(/\/app\/annual-report$/);
    await waitForPage(page);
    await expect(page.locator('h1').textContent()).resolves.toContain(`Reporting year ${lastYear}`);
    await page.getByRole('heading', { name: '8. Recommendations' }).waitFor();
    await expectAccessible(page, `annual report ${lastYear}`);
    const consolidated = await apiGet<ConsolidatedReport>(CHAIR, `/reports/consolidated?year=${lastYear}`);
    expect(consolidated.delivery, 'last year’s figures are seeded').toBeDefined();
    expect(consolidated.actionPlan, 'an action plan covers last year').toBeDefined();
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain(`${consolidated.totals.peopleTrained.toLocaleString('en-GB')} people trained`);
    expect(main).toContain(consolidated.delivery!.note);
    await expectTableAsPublished(page, consolidated.delivery!.referrals);

    const [docxDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download as Word document (.docx)' }).click()]);
    expect(docxDownload.suggestedFilename()).toBe(`prevent-annual-report-${lastYear}.docx`);
    const docx = docxText(new Uint8Array(readFileSync((await docxDownload.path())!)));
    expectFiguresOf(docx, consolidated, 'the Word document');
    const [htmlDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download printable page (HTML)' }).click()]);
    const html = readFileSync((await htmlDownload.path())!, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expectFiguresOf(htmlText(html), consolidated, 'the printable page');

    // The narrative: a stale save (someone else saved meanwhile) is a conflict; keeping mine saves it.
    const annual = await apiGet<AnnualReport>(CHAIR, `/reports/annual?year=${lastYear}`);
    await page.getByRole('link', { name: `Edit narrative of the ${lastYear} annual report` }).click();
    await page.waitForURL(new RegExp(`/app/annual-report/${lastYear}/narrative$`));
    await waitForPage(page);
    await expect(page.getByLabel('Introduction').inputValue()).resolves.toBe(annual.narrative.introduction);
    await expectAccessible(page, 'narrative form');
    await page.getByRole('button', { name: /^Add (a|another) recommendation$/ }).click();
    const recommendation = page.getByRole('group', { name: `Recommendation ${annual.narrative.recommendations.length + 1}` });
    await recommendation.getByLabel('Recommended action').fill('Publish delivery figures to the board each quarter');
    await recommendation.getByLabel('Lead officer').fill('Channel panel chair');
    const theirs = await api<{ version: number }>(CHAIR, `/reports/annual/${lastYear}/narrative`, {
      method: 'PUT',
      body: { introduction: annual.narrative.introduction, highlights: `${annual.narrative.highlights}\n\nAdded by someone else.`, recommendations: annual.narrative.recommendations, version: annual.narrative.version },
    });
    expect(theirs.status).toBe(200);
    await page.getByRole('button', { name: 'Save narrative' }).click();
    await page.locator('.app-conflict').waitFor();
    await expect(page.locator('.app-conflict').textContent()).resolves.toContain('Added by someone else.');
    await expectAccessible(page, 'narrative form with a conflict');
    await page.getByRole('button', { name: 'Keep my changes' }).click();
    await page.waitForURL(new RegExp(`/app/annual-report\\?year=${lastYear}$`));
    await waitForPage(page);
    await page.getByRole('table', { name: /Recommended actions/ }).getByRole('cell', { name: 'Publish delivery figures to the board each quarter' }).waitFor();
    const saved = await apiGet<AnnualReport>(CHAIR, `/reports/annual?year=${lastYear}`);
    expect(saved.narrative.version).toBe(theirs.body.version + 1);
    expect(saved.narrative.recommendations.at(-1)).toEqual({ action: 'Publish delivery figures to the board each quarter', leadOfficer: 'Channel panel chair' });

    // The Home Office assessment: shown with the benchmarks' short names, then changed through its form.
    await page.getByRole('link', { name: `View the Home Office assessment ${lastYear}` }).click();
    await page.waitForURL(new RegExp(`/app/assessments/${lastYear}$`));
    await waitForPage(page);
    const scores = page.getByRole('table', { name: `Scores and targets by benchmark, ${lastYear}` });
    await expect(scores.getByRole('row').filter({ hasText: '10. Communications' }).textContent()).resolves.toContain('2 (duty not met)');
    await expectAccessible(page, `assessment ${lastYear}`);
    await page.getByRole('link', { name: `Change the assessment for ${lastYear}` }).click();
    await page.waitForURL(new RegExp(`/app/assessments/${lastYear}/edit$`));
    await waitForPage(page);
    const communicationsScore = page.getByRole('group', { name: '10. Communications' }).getByLabel('Home Office score');
    await expect(communicationsScore.inputValue()).resolves.toBe('2');
    await expectAccessible(page, 'assessment form');
    await communicationsScore.selectOption('3');
    await page.getByRole('button', { name: 'Add another area for development' }).click();
    const area = page.getByRole('group', { name: 'Area for development 3' });
    await area.getByLabel('Benchmark (optional)').selectOption('4');
    await area.getByLabel('What the assessment says').fill('Review the referral pathway with schools.');
    await page.getByRole('button', { name: 'Save the assessment' }).click();
    await page.waitForURL(new RegExp(`/app/assessments/${lastYear}$`));
    await waitForPage(page);
    await expect(scores.getByRole('row').filter({ hasText: '10. Communications' }).textContent()).resolves.toContain('3 (duty met)');
    await expect(page.locator('main').textContent()).resolves.toContain('Referral pathway: Review the referral pathway with schools.');
    const assessment = await apiGet<{ scores: Record<string, number>; version: number }>(CHAIR, `/assessments/${lastYear}`);
    expect(assessment.scores['10']).toBe(3);

    // A year with none: said so, with the way to record it.
    await page.goto(`/app/assessments/${year}`);
    await waitForPage(page);
    await expect(page.locator('main').textContent()).resolves.toContain(`No assessment recorded for ${year}`);
    await page.getByRole('link', { name: `Record the Home Office assessment for ${year}` }).waitFor();
    await expectAccessible(page, `assessment ${year} (none)`);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows a viewer the published year totals only, with no edit control', async () => {
    const year = (await apiGet<ConsolidatedReport>(VIEWER, '/reports/consolidated')).year;
    const figures = await apiGet<Figures>(VIEWER, `/delivery-figures/${year}`);
    expect(figures.access).toBe('totals');
    expect(figures.quarters).toBeUndefined();
    const { page, context, problems } = await web().newPage();
    await signInAs(page, VIEWER);
    await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Delivery figures' }).click();
    await page.waitForURL(/\/app\/delivery$/);
    await waitForPage(page);
    await page.getByRole('table', { name: figures.published.referrals.title }).waitFor();
    await expect(page.getByRole('table', { name: `Quarters of ${year}` }).count()).resolves.toBe(0);
    // Year totals only: a row header and the year's column, as published.
    const header = await page.getByRole('table', { name: figures.published.referrals.title }).locator('thead th').allTextContents();
    expect(header).toEqual(['Referring sector', `Year ${year}`]);
    for (const table of [figures.published.referrals, figures.published.channel, figures.published.hateCrime]) await expectTableAsPublished(page, table);
    await expect(page.locator('.app-suppression-note').first().textContent()).resolves.toBe(figures.published.note);
    await expectAccessible(page, 'delivery figures (viewer)');
    await expectNoEditControls(page, 'delivery figures');

    await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Annual report' }).click();
    await page.waitForURL(/\/app\/annual-report$/);
    await waitForPage(page);
    await page.getByRole('heading', { name: '8. Recommendations' }).waitFor();
    await expectAccessible(page, 'annual report (viewer)');
    await expectNoEditControls(page, 'annual report');

    await page.getByRole('link', { name: /^View the Home Office assessment/ }).click();
    await page.waitForURL(/\/app\/assessments\/\d{4}-\d{2}$/);
    await waitForPage(page);
    await page.getByRole('table', { name: /^Scores and targets by benchmark/ }).waitFor();
    await expectAccessible(page, 'assessment (viewer)');
    await expectNoEditControls(page, 'assessment');

    // The forms, asked for directly, offer nothing to a viewer.
    await page.goto(`/app/delivery/${year}/quarters/1`);
    await waitForPage(page);
    await expect(page.locator('main').textContent()).resolves.toContain('Only the steering group and the police');
    await expectNoEditControls(page, 'quarter form');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('gives the police its delivery figures in the menu, and explains the refusal to another authority', async () => {
    const police = await web().newPage();
    await signInAs(police.page, POLICE_LEAD);
    // One person in two partnerships: this one acts for Demoshire.
    if (new URL(police.page.url()).pathname === '/app/choose-partnership') {
      await police.page.getByLabel('Demoshire Prevent Partnership', { exact: true }).check();
      await police.page.getByRole('button', { name: 'Continue' }).click();
      await police.page.waitForURL(/\/app\/authorities\/police$/);
      await waitForPage(police.page);
    }
    await police.page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Delivery figures' }).click();
    await police.page.waitForURL(/\/app\/delivery$/);
    await waitForPage(police.page);
    const quarters = police.page.getByRole('table', { name: /^Quarters of / });
    await expect(quarters.getByRole('link', { name: /^(Enter figures|Change) for Q1/ }).count()).resolves.toBe(1);
    await expectAccessible(police.page, 'delivery figures (police lead)');
    expect(police.problems).toEqual([]);
    await police.context.close();

    const county = await web().newPage();
    await signInAs(county.page, COUNTY_LEAD);
    await expect(county.page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Delivery figures' }).count()).resolves.toBe(0);
    await county.page.goto('/app/delivery');
    await waitForPage(county.page);
    await county.page.getByRole('heading', { name: 'You cannot see the delivery figures' }).waitFor();
    await expect(county.page.locator('main').textContent()).resolves.toContain('OFFICIAL-SENSITIVE');
    await expectAccessible(county.page, 'delivery figures (another authority: refused)');
    expect(county.problems).toEqual([]);
    await county.context.close();
  });
});
