import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoUser, expectAccessible, signInAs, useWebApp, waitForPage } from './support/web';

const web = useWebApp();

const CHAIR = 'Steering group chair';
const COUNTY_LEAD = 'County council Prevent lead';
const VIEWER = 'Scrutiny member (read-only)';

async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown, label = CHAIR): Promise<{ status: number; body: T }> {
  const token = await web().tokenFor(demoUser(web().users, label));
  const response = await fetch(`${web().url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

interface Action {
  id: string;
  themeId: string;
  number: string;
  action: string;
  leadAuthorities: string[];
  otherLeads: string[];
  rag: 'red' | 'amber' | 'green' | 'complete';
  overdue: boolean;
  version: number;
  progress: { by: string; role: string; rag: string; text: string; on: string }[];
}
interface PlanYear {
  plan: { id: string; title: string; currentYear: string; closedYears: string[]; themes: { id: string; number: number; title: string }[] };
  year: string;
  years: string[];
  editable: boolean;
  actions: Action[];
}

async function planYear(label = CHAIR, year?: string): Promise<PlanYear> {
  const plans = await api<{ items: { id: string }[] }>('GET', '/action-plans', undefined, label);
  expect(plans.status).toBe(200);
  expect(plans.body.items, 'the demo has one plan').toHaveLength(1);
  const got = await api<PlanYear>('GET', `/action-plans/${plans.body.items[0].id}${year ? `?year=${year}` : ''}`, undefined, label);
  expect(got.status).toBe(200);
  return got.body;
}

const count = (page: Page) => page.locator('main p[role="status"]').textContent();
const rowOf = (page: Page, a: Pick<Action, 'id'>): Locator => page.locator(`#action-${a.id}`);

/** Opens an action's update form in place, chooses a status and writes the update. */
async function fillUpdate(page: Page, a: Pick<Action, 'id' | 'number'>, rag: string, text: string) {
  const form = page.locator(`#progress-row-${a.id}`);
  if (!(await form.count())) {
    await rowOf(page, a).getByRole('button', { name: `Update progress on action ${a.number}` }).click();
    await form.getByRole('heading', { name: `Update progress on action ${a.number}` }).waitFor();
  }
  await form.getByLabel(rag, { exact: true }).check();
  await form.getByLabel('What has happened since the last update').fill(text);
  return form;
}

describe('the action plan', () => {
  it('the steering group reads the plan by theme, filters it in the address, updates an action in place, and opens its forms', async () => {
    const before = await planYear();
    const { plan } = before;
    const a63 = before.actions.find((a) => a.number === '6.3' && a.themeId === 'communications')!;
    expect(a63, 'the demo’s action 6.3').toBeDefined();
    expect(a63.rag).not.toBe('green');

    const { page, context, problems } = await web().newPage();
    await signInAs(page, CHAIR);
    await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Action plan' }).click();
    await page.waitForURL(/\/app\/action-plans$/);
    await page.getByRole('heading', { name: plan.title, level: 2 }).waitFor();
    await expect(page.locator('main').textContent()).resolves.toContain(`Open year${plan.currentYear}`);
    await expectAccessible(page, 'action plans');

    await page.getByRole('link', { name: /^View the plan/ }).click();
    await page.waitForURL(new RegExp(`/app/action-plans/${plan.id}$`));
    await page.getByRole('heading', { name: plan.title, level: 1 }).waitFor();
    for (const t of plan.themes) await page.getByRole('heading', { name: `${t.number}. ${t.title}`, level: 2 }).waitFor();
    const row63 = rowOf(page, a63);
    await expect(row63.textContent()).resolves.toContain('Write a communications plan');
    await expect(row63.locator('th').textContent()).resolves.toBe('6.3');
    await expect(row63.textContent()).resolves.toContain('Demoshire County Council');
    await expect(row63.textContent()).resolves.toContain('10. Communications');
    await expect(row63.textContent()).resolves.toContain(a63.progress.at(-1)!.text);
    await expect(count(page)).resolves.toBe(`Showing ${before.actions.length} of ${before.actions.length} actions`);
    // Status is a word, never colour alone; overdue actions say so.
    const overdue = before.actions.filter((a) => a.overdue);
    expect(overdue.length, 'the demo has overdue actions').toBeGreaterThan(0);
    await expect(rowOf(page, overdue[0]).locator('.govuk-tag').allTextContents()).resolves.toContain('Overdue');
    await expectAccessible(page, 'action plan (steering group)');

    // Filters, kept in the address: status red, then a lead authority.
    const reds = before.actions.filter((a) => a.rag === 'red');
    expect(reds.length).toBeGreaterThan(0);
    await page.getByLabel('Status', { exact: true }).selectOption('red');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/[?&]status=red(&|$)/);
    await expect.poll(() => count(page)).toBe(`Showing ${reds.length} of ${before.actions.length} actions (filtered)`);
    await expect(page.locator('tr[id^="action-"]').count()).resolves.toBe(reds.length);
    for (const tags of await page.locator('tr[id^="action-"] .app-plan-status').allTextContents()) expect(tags).toContain('Red');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForURL(/\/action-plans\/[^?]+$/);
    const police = before.actions.filter((a) => a.leadAuthorities.includes('police'));
    expect(police.length).toBeGreaterThan(0);
    await page.getByLabel('Lead', { exact: true }).selectOption({ label: 'Demoshire Police' });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/[?&]lead=police(&|$)/);
    await expect.poll(() => count(page)).toBe(`Showing ${police.length} of ${before.actions.length} actions (filtered)`);
    await expect(page.locator('tr[id^="action-"]').count()).resolves.toBe(police.length);
    await expectAccessible(page, 'action plan filtered by lead');
    // The filtered address is a link that opens the same rows.
    await page.goto(`/app/action-plans/${plan.id}?lead=police&status=green`);
    await waitForPage(page);
    const policeGreen = police.filter((a) => a.rag === 'green');
    await expect.poll(() => count(page)).toBe(`Showing ${policeGreen.length} of ${before.actions.length} actions (filtered)`);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForURL(/\/action-plans\/[^?]+$/);

    // Update 6.3 in place: nothing written first (errors), then Green with what happened.
    await row63.getByRole('button', { name: 'Update progress on action 6.3' }).click();
    const form = page.locator(`#progress-row-${a63.id}`);
    await form.getByRole('heading', { name: 'Update progress on action 6.3' }).waitFor();
    await expect(form.getByLabel(a63.rag === 'amber' ? 'Amber' : 'Red', { exact: true }).isChecked()).resolves.toBe(true);
    await form.getByRole('button', { name: /^Save/ }).click();
    await form.locator('.govuk-error-summary').waitFor();
    await expect(form.locator('.govuk-error-summary').textContent()).resolves.toContain('Describe what has happened since the last update');
    await expect(page.title()).resolves.toMatch(/^Error: /);
    await expectAccessible(page, 'inline progress update with errors');
    const text = `Plan approved by the steering group; campaign starts next month (${Date.now()}).`;
    await fillUpdate(page, a63, 'Green', text);
    await form.getByRole('button', { name: /^Save/ }).click();
    const banner = page.locator('.govuk-notification-banner--success');
    await banner.waitFor();
    await expect(banner.textContent()).resolves.toContain('Action 6.3 updated: it is now Green.');
    await form.waitFor({ state: 'detached' });
    await expect(row63.locator('.app-plan-status').textContent()).resolves.toContain('Green');
    await expect(row63.textContent()).resolves.toContain(text);
    // Once the plan year is read again, the update names its author.
    await expect.poll(() => row63.locator('.app-plan-update').first().textContent()).toContain('Morgan Chair');
    await expect(row63.getByText(/^\d+ earlier updates?/).count()).resolves.toBe(1);
    const after = (await planYear()).actions.find((a) => a.id === a63.id)!;
    expect(after.rag).toBe('green');
    expect(after.version).toBe(a63.version + 1);
    expect(after.progress).toHaveLength(a63.progress.length + 1);
    expect(after.progress.at(-1)).toMatchObject({ rag: 'green', text, role: 'steering-group', by: demoUser(web().users, CHAIR).sub });
    await expectAccessible(page, 'action plan after an update');

    // The add-action form (with its errors), not saved.
    await page.getByRole('button', { name: 'Add an action' }).click();
    await page.getByRole('heading', { name: 'Add an action', level: 1 }).waitFor();
    await expectAccessible(page, 'add an action');
    await page.getByRole('button', { name: 'Add the action' }).click();
    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    await expect(summary.textContent()).resolves.toContain('Select the theme the action belongs to');
    await expect(summary.textContent()).resolves.toContain('Describe the action');
    await expect(summary.textContent()).resolves.toContain('Select when the action is due');
    await expect(page.locator('#field-timescale-kind-error').count()).resolves.toBe(1);
    await expectAccessible(page, 'add an action with errors');
    // The rest answered: the lead is missing (the API checks it once the fields are valid). The number follows the theme.
    await page.getByLabel('Theme', { exact: true }).selectOption({ label: '6. Intelligence and communications' });
    await expect(page.getByLabel('Action number').inputValue()).resolves.toBe('6.4');
    await page.getByLabel('Action', { exact: true }).fill('Publish the communications plan on partners’ websites');
    await page.getByLabel('Ongoing').check();
    await page.getByRole('button', { name: 'Add the action' }).click();
    await page.locator('#field-leadAuthorities-error').waitFor();
    await expect(summary.textContent()).resolves.toContain('Name at least one lead');
    await expect(summary.getByRole('link', { name: /Name at least one lead/ }).getAttribute('href')).resolves.toBe('#field-leadAuthorities');

    // The close-year page, not confirmed (the other tests share this plan).
    await page.getByRole('link', { name: 'Back to the plan' }).click();
    await page.getByRole('link', { name: `Close year ${plan.currentYear}` }).click();
    await page.getByRole('heading', { name: `Close the ${plan.currentYear} year`, level: 1 }).waitFor();
    const open = before.actions.filter((a) => a.rag !== 'complete').length + (a63.rag === 'complete' ? 1 : 0);
    await expect(page.locator('main').textContent()).resolves.toContain(`${open} of ${before.actions.length} actions are not complete and will be carried into`);
    await expectAccessible(page, 'close the year');

    // Last year, closed: read-only.
    const lastYear = plan.closedYears[0];
    await page.getByRole('link', { name: 'Back to the plan' }).click();
    await page.getByLabel('Plan year').selectOption(lastYear);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(new RegExp(`\\?year=${lastYear}$`));
    await page.locator('.govuk-inset-text', { hasText: `The ${lastYear} year is closed` }).waitFor();
    await expect(page.getByLabel('Plan year').inputValue()).resolves.toBe(lastYear);
    await expect(page.getByRole('button', { name: /^Update progress/ }).count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: /^Edit/ }).count()).resolves.toBe(0);
    await expectAccessible(page, 'closed year');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a county council lead sees and updates only the actions the council leads (through a conflict); a viewer has no update control', async () => {
    const all = await planYear();
    const theirs = all.actions.filter((a) => a.leadAuthorities.includes('county-council'));
    const mine = await planYear(COUNTY_LEAD);
    expect(mine.actions.map((a) => a.id).sort()).toEqual(theirs.map((a) => a.id).sort());
    expect(theirs.length).toBeLessThan(all.actions.length);
    const target = theirs.find((a) => a.number !== '6.3' && a.rag !== 'amber')!;

    const { page, context, problems } = await web().newPage();
    await signInAs(page, COUNTY_LEAD);
    await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Action plan' }).click();
    await page.waitForURL(/\/app\/action-plans$/);
    await page.getByRole('link', { name: /^See and update your authority’s actions/ }).waitFor();
    await expectAccessible(page, 'action plans (county lead)');
    await page.getByRole('link', { name: /^See and update your authority’s actions/ }).click();
    await page.getByRole('heading', { name: 'Actions Demoshire County Council leads', level: 1 }).waitFor();
    await expect(count(page)).resolves.toBe(`Showing ${theirs.length} of ${theirs.length} actions`);
    const shown = await page.locator('tr[id^="action-"]').evaluateAll((rows) => rows.map((r) => r.id.replace(/^action-/, '')));
    expect(shown.sort()).toEqual(theirs.map((a) => a.id).sort());
    await expect(page.getByRole('button', { name: /^Update progress/ }).count()).resolves.toBe(theirs.length);
    const changes = /^(Edit|Add an action|Change plan details|Close year|Start a new action plan)/;
    await expect(page.getByRole('link', { name: changes }).or(page.getByRole('button', { name: changes })).count()).resolves.toBe(0);
    await expectAccessible(page, 'action plan (county lead)');

    // Someone else updates the action while the lead writes: told so, nothing lost, saved on the second try.
    const form = await fillUpdate(page, target, 'Amber', 'Trainer recruited; the refresher package is being written.');
    const other = await api('POST', `/action-plans/${all.plan.id}/actions/${target.id}/progress`, { rag: 'red', text: 'Steering group: still waiting for the trainer.', version: target.version });
    expect(other.status).toBe(201);
    await form.getByRole('button', { name: /^Save/ }).click();
    await form.getByText('Someone else updated this action').waitFor();
    await expect(form.getByLabel('What has happened since the last update').inputValue()).resolves.toBe('Trainer recruited; the refresher package is being written.');
    await expect.poll(() => rowOf(page, target).textContent()).toContain('Steering group: still waiting for the trainer.');
    await expectAccessible(page, 'progress update conflict');
    await form.getByRole('button', { name: /^Save/ }).click();
    await page.locator('.govuk-notification-banner--success', { hasText: `Action ${target.number} updated: it is now Amber.` }).waitFor();
    await expect(rowOf(page, target).locator('.app-plan-status').textContent()).resolves.toContain('Amber');
    const saved = (await planYear(COUNTY_LEAD)).actions.find((a) => a.id === target.id)!;
    expect(saved).toMatchObject({ rag: 'amber', version: target.version + 2 });
    expect(saved.progress.at(-1)).toMatchObject({ rag: 'amber', role: 'authority-lead', text: 'Trainer recruited; the refresher package is being written.' });
    await expectAccessible(page, 'after the county lead’s update');
    expect(problems).toEqual([]);
    await context.close();

    // The viewer: the whole plan, not one control that changes it.
    const viewer = await web().newPage();
    await signInAs(viewer.page, VIEWER);
    await viewer.page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Action plan' }).click();
    await viewer.page.getByRole('link', { name: /^View the plan/ }).click();
    await viewer.page.getByRole('heading', { name: all.plan.title, level: 1 }).waitFor();
    await expect(count(viewer.page)).resolves.toBe(`Showing ${all.actions.length} of ${all.actions.length} actions`);
    await expect(viewer.page.getByRole('button', { name: /^Update progress/ }).count()).resolves.toBe(0);
    await expect(viewer.page.getByRole('link', { name: changes }).or(viewer.page.getByRole('button', { name: changes })).count()).resolves.toBe(0);
    await expect(viewer.page.locator('main textarea, main input[type=radio]').count()).resolves.toBe(0);
    await expectAccessible(viewer.page, 'action plan (viewer)');
    expect(viewer.problems).toEqual([]);
    await viewer.context.close();
  });

  it('the steering group adds an action through its form, changes it and removes it', async () => {
    const before = await planYear();
    const { page, context, problems } = await web().newPage();
    await signInAs(page, 'Prevent Partnership Officer (steering group)');
    await page.goto(`/app/action-plans/${before.plan.id}/actions/new`);
    await page.getByRole('heading', { name: 'Add an action', level: 1 }).waitFor();
    await page.getByLabel('Theme', { exact: true }).selectOption({ label: '6. Intelligence and communications' });
    await page.getByLabel('Action', { exact: true }).fill('Brief local media on reporting Prevent concerns');
    await page.getByLabel('Demoshire Police', { exact: true }).check();
    await page.getByLabel('Other leads (optional)').fill('Police communications team');
    await page.getByLabel('By a date').check();
    const due = new Date(Date.now() + 90 * 86_400_000);
    await page.getByLabel('Day').fill(String(due.getUTCDate()));
    await page.getByLabel('Month').fill(String(due.getUTCMonth() + 1));
    await page.getByLabel('Year', { exact: true }).fill(String(due.getUTCFullYear()));
    await page.getByLabel('10. Communications').check();
    await page.getByLabel('Amber', { exact: true }).check();
    await page.getByRole('button', { name: 'Add the action' }).click();
    await page.waitForURL(new RegExp(`/app/action-plans/${before.plan.id}$`));
    await page.locator('.govuk-notification-banner--success', { hasText: 'Action 6.4 added' }).waitFor();
    const added = (await planYear()).actions.find((a) => a.number === '6.4')!;
    expect(added).toMatchObject({ themeId: 'communications', leadAuthorities: ['police'], otherLeads: ['Police communications team'], rag: 'amber', benchmarks: [10] });
    const row = rowOf(page, added);
    await expect(row.textContent()).resolves.toContain('Police communications team');
    await expect(row.textContent()).resolves.toMatch(/By \d{1,2} \w+ \d{4}/);
    await expect(row.locator('.app-plan-status').textContent()).resolves.toBe('Amber');

    await row.getByRole('link', { name: 'Edit action 6.4' }).click();
    await page.getByRole('heading', { name: 'Change action 6.4', level: 1 }).waitFor();
    await page.getByLabel('Ongoing').check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('.govuk-notification-banner--success', { hasText: 'Action 6.4 saved' }).waitFor();
    await expect(row.locator('td').nth(2).textContent()).resolves.toBe('Ongoing');

    await row.getByRole('link', { name: 'Edit action 6.4' }).click();
    await page.getByRole('button', { name: 'Remove this action' }).click();
    await expectAccessible(page, 'remove an action');
    await page.getByRole('button', { name: 'Yes, remove action 6.4' }).click();
    await page.locator('.govuk-notification-banner--success', { hasText: 'Action 6.4 removed' }).waitFor();
    await expect(row.count()).resolves.toBe(0);
    expect((await planYear()).actions.map((a) => a.id).sort()).toEqual(before.actions.map((a) => a.id).sort());
    expect(problems).toEqual([]);
    await context.close();
  });
});
