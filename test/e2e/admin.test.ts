import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { demoUser, expectAccessible, signInAs, useWebApp, waitForPage } from './support/web';

const web = useWebApp();

async function api(method: string, path: string, body?: unknown, label = 'Steering group chair') {
  const token = await web().tokenFor(demoUser(web().users, label));
  const response = await fetch(`${web().url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Navigates inside the app (paths without /app) and waits for the page to settle. */
async function open(page: Page, path: string) {
  await page.goto(`/app${path}`);
  await waitForPage(page);
}

describe('steering group administration', () => {
  it('adds an authority (errors first), then changes it', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, 'Steering group chair', '/app/authorities');
    await expect(page.getByRole('link', { name: 'Demoshire County Council' }).count()).resolves.toBe(1);
    await expectAccessible(page, 'authorities');

    await page.getByRole('button', { name: 'Add an authority' }).click();
    await page.getByRole('heading', { name: 'Add an authority', level: 1 }).waitFor();
    await expectAccessible(page, 'new authority form');
    await page.getByRole('button', { name: 'Add authority' }).click();
    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    await expect(summary.textContent()).resolves.toContain('Enter the authority’s name');
    await expect(summary.textContent()).resolves.toContain('Select the authority’s Schedule 6 sector');
    await expect(summary.textContent()).resolves.toContain('Select the type of authority');
    await expect(page.locator('#field-name-error').textContent()).resolves.toContain('Enter the authority’s name');
    await expect(page.title()).resolves.toMatch(/^Error: /);
    await expectAccessible(page, 'new authority form with errors');

    await page.getByLabel('Name', { exact: true }).fill('Demoshire Fire and Rescue Service');
    await page.getByLabel('Short code (optional)').fill('fire-rescue');
    await page.getByLabel('Local government').check();
    await page.getByLabel('Type of authority').selectOption('other');
    await page.getByLabel('Prevent lead’s name (optional)').fill('Sam Firelead');
    await page.getByLabel('Prevent lead’s email address (optional)').fill('sam.firelead@example.org');
    await page.getByRole('button', { name: 'Add authority' }).click();
    await page.waitForURL(/\/app\/authorities\/fire-rescue$/);
    await waitForPage(page);
    await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain('Demoshire Fire and Rescue Service added');
    await expect(page.locator('.govuk-summary-list').textContent()).resolves.toContain('sam.firelead@example.org');
    await expectAccessible(page, 'authority page after adding');

    await page.getByRole('link', { name: 'Change Prevent lead’s email' }).click();
    await page.getByRole('heading', { name: /Change an authority/ }).waitFor();
    await expectAccessible(page, 'edit authority');
    await page.getByLabel('Prevent lead’s email address (optional)').fill('prevent@fire.example.org');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/\/app\/authorities\/fire-rescue$/);
    await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain('details saved');
    const stored = await api('GET', '/authorities/fire-rescue');
    expect(stored.body).toMatchObject({ preventLeadEmail: 'prevent@fire.example.org', version: 2 });
    await expectAccessible(page, 'authority page after changing');

    // Someone else saves it meanwhile: the conflict panel, then "Use their version".
    await page.getByRole('link', { name: 'Change name' }).click();
    await page.getByLabel('Prevent lead’s name (optional)').fill('Sam Firelead-Jones');
    const theirs = await api('PUT', '/authorities/fire-rescue', { name: 'Demoshire Fire Service', sector: 'local-government', type: 'other', preventLeadName: 'Sam Firelead', preventLeadEmail: 'prevent@fire.example.org', version: 2 });
    expect(theirs.status).toBe(200);
    await page.getByRole('button', { name: 'Save changes' }).click();
    const panel = page.locator('.app-conflict');
    await panel.waitFor();
    await expect(panel.textContent()).resolves.toContain('Theirs: Demoshire Fire Service');
    await expect(panel.textContent()).resolves.toContain('Yours: Sam Firelead-Jones');
    await expect(page.getByLabel('Prevent lead’s name (optional)').inputValue()).resolves.toBe('Sam Firelead-Jones');
    await expectAccessible(page, 'authority conflict');
    await page.getByRole('button', { name: 'Use their version' }).click();
    await expect(page.getByLabel('Name', { exact: true }).inputValue()).resolves.toBe('Demoshire Fire Service');
    await expect(page.getByLabel('Prevent lead’s name (optional)').inputValue()).resolves.toBe('Sam Firelead');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/\/app\/authorities\/fire-rescue$/);
    await expect(page.locator('h1').textContent()).resolves.toContain('Demoshire Fire Service');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('invites a user through check your answers and lists them', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, 'Steering group chair', '/app/users');
    await expect(page.locator('table').textContent()).resolves.toContain('morgan.chair@example.org');
    await expectAccessible(page, 'users');
    await page.getByRole('button', { name: 'Invite a user' }).click();
    await page.getByRole('heading', { name: 'Invite a user' }).waitFor();
    await expectAccessible(page, 'invite form');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    await expectAccessible(page, 'invite form with errors');

    await page.getByLabel('Email address').fill('Robin.New@Example.org');
    await page.getByLabel('Name (optional)').fill('Robin New');
    await page.getByLabel('Authority editor').check();
    await page.getByLabel('Authority', { exact: true }).selectOption({ label: 'Kingsbrook Borough Council' });
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Check your answers before sending the invitation' }).waitFor();
    await expect(page.locator('.govuk-summary-list').textContent()).resolves.toContain('Kingsbrook Borough Council');
    await expectAccessible(page, 'check your answers');
    // Change goes back to the question with the answer kept.
    await page.getByRole('button', { name: 'Change name' }).click();
    await expect(page.getByLabel('Name (optional)').inputValue()).resolves.toBe('Robin New');
    await page.getByLabel('Name (optional)').fill('Robin Newcomer');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.waitForURL(/\/app\/users$/);
    await waitForPage(page);
    await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain('robin.new@example.org');
    const row = page.getByRole('row', { name: /robin\.new@example\.org/ });
    await expect(row.textContent()).resolves.toContain('Robin Newcomer');
    await expect(row.textContent()).resolves.toContain('Kingsbrook Borough Council');
    await expectAccessible(page, 'users after inviting');

    // The same address again: the API's refusal shown against the email.
    await page.getByRole('button', { name: 'Invite a user' }).click();
    await page.getByLabel('Email address').fill('robin.new@example.org');
    await page.getByLabel('Steering group', { exact: true }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await expect(page.locator('#field-email-error').textContent()).resolves.toContain('already a user');
    await expect(page.getByLabel('Email address').inputValue()).resolves.toBe('robin.new@example.org');
    await expectAccessible(page, 'invite refused as duplicate');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('edits settings, and keeps typed values through a stale-version conflict', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, 'Steering group chair', '/app/settings');
    await expect(page.locator('.govuk-summary-list').textContent()).resolves.toContain('60, 30, 7 and 0 days before');
    await expectAccessible(page, 'settings');
    await page.getByRole('link', { name: 'Change reminders' }).click();
    await page.getByRole('heading', { name: 'Change settings' }).waitFor();
    await expectAccessible(page, 'settings edit');
    await page.getByLabel('Reminders (days before an item is due)').fill('45, 14, 0');
    // The next reporting year's statement deadline (its own route, sent only as changed).
    const now = new Date();
    const start = (now.getMonth() >= 3 ? now.getFullYear() : now.getFullYear() - 1) + 1;
    const nextYear = `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
    await page.getByLabel(`Statement deadline for ${nextYear}`).fill(`${start + 1}-01-31`);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.waitForURL(/\/app\/settings$/);
    await expect(page.locator('.govuk-summary-list').textContent()).resolves.toContain('45, 14 and 0 days before');
    await expect(page.locator('.govuk-summary-list__row', { hasText: `Statement deadline ${nextYear}` }).textContent()).resolves.toContain(`31 January ${start + 1}`);
    await expect(api('GET', `/statement-deadlines/${nextYear}`)).resolves.toMatchObject({ body: { dueOn: `${start + 1}-01-31` } });
    await expectAccessible(page, 'settings saved');

    // Invalid input: errors, nothing lost.
    await page.getByRole('link', { name: 'Change training coverage target' }).click();
    await page.getByLabel('Training coverage target (%)').fill('150');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    await expect(page.locator('#field-coverageTarget-error').count()).resolves.toBe(1);
    await expect(page.getByLabel('Training coverage target (%)').inputValue()).resolves.toBe('150');
    await expectAccessible(page, 'settings with errors');

    // The stale version: the browser's form is now based on an old version.
    await page.getByLabel('Training coverage target (%)').fill('90');
    await page.getByLabel('Steering group email addresses').fill('prevent@demoshire.example.org\nchair@demoshire.example.org');
    const before = await api('GET', '/settings');
    const theirs = await api('PUT', '/settings', { version: before.body.version, reminderThresholds: [30, 7] });
    expect(theirs.status).toBe(200);
    await page.getByRole('button', { name: 'Save settings' }).click();
    const panel = page.locator('.app-conflict');
    await panel.waitFor();
    await expect(panel.textContent()).resolves.toContain('Someone else changed this while you were editing');
    await expect(panel.textContent()).resolves.toContain('Theirs: 30, 7');
    await expect(panel.textContent()).resolves.toContain('Yours: 45, 14, 0');
    await expect(panel.textContent()).resolves.toContain('Training coverage target');
    await expect(page.getByLabel('Training coverage target (%)').inputValue()).resolves.toBe('90');
    await expect(page.getByLabel('Steering group email addresses').inputValue()).resolves.toContain('chair@demoshire.example.org');
    await expectAccessible(page, 'settings conflict');
    await page.getByRole('button', { name: 'Keep my changes' }).click();
    await page.waitForURL(/\/app\/settings$/);
    await waitForPage(page);
    await expect(page.locator('.govuk-summary-list').textContent()).resolves.toContain('90%');
    const after = await api('GET', '/settings');
    expect(after.body).toMatchObject({
      coverageTarget: 0.9,
      reminderThresholds: [45, 14, 0],
      steeringGroupEmails: ['prevent@demoshire.example.org', 'chair@demoshire.example.org'],
    });
    expect(after.body.version).toBe((theirs.body.version as number) + 1);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('adds a course to the catalogue', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, 'Prevent Partnership Officer (steering group)', '/app/settings/courses');
    await expect(page.locator('table').textContent()).resolves.toContain('Workshop to Raise Awareness of Prevent (WRAP)');
    await expectAccessible(page, 'courses');
    await page.getByRole('button', { name: 'Add a course' }).click();
    await page.getByRole('heading', { name: 'Add a course', level: 2 }).waitFor();
    await page.getByRole('button', { name: 'Add course' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    await expectAccessible(page, 'course form with errors');
    await page.getByLabel('Short code').fill('fire-prevent');
    await page.getByLabel('Name', { exact: true }).fill('Prevent for fire crews');
    await page.getByLabel('Level').selectOption('frontline');
    await page.getByLabel('Refresher due after (months)').fill('24');
    await page.getByLabel('E-learning').check();
    await page.getByLabel('Other names (optional)').fill('Fire Prevent');
    await page.getByRole('button', { name: 'Add course' }).click();
    await page.locator('.govuk-notification-banner--success').waitFor();
    const row = page.getByRole('row', { name: /Prevent for fire crews/ });
    await expect(row.textContent()).resolves.toContain('Every 2 years');
    await expectAccessible(page, 'course added');

    await row.getByRole('button', { name: /Edit/ }).click();
    await page.getByLabel('Refresher due after (months)').fill('12');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('.govuk-notification-banner--success').waitFor();
    await expect(page.getByRole('row', { name: /Prevent for fire crews/ }).textContent()).resolves.toContain('Every 1 year');
    const courses = await api('GET', '/courses');
    expect((courses.body.items as { id: string; refresherMonths: number }[]).find((c) => c.id === 'fire-prevent')?.refresherMonths).toBe(12);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('read-only and authority users', () => {
  it('the viewer sees every admin page without a single edit control', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, 'Scrutiny member (read-only)', '/app/authorities');
    const controls = page.getByRole('link', { name: /^(Change|Add|Edit|Invite)/ }).or(page.getByRole('button', { name: /^(Change|Add|Edit|Invite)/ }));
    await expect(page.getByRole('link', { name: 'Demoshire Police' }).count()).resolves.toBe(1);
    await expect(controls.count()).resolves.toBe(0);
    await expectAccessible(page, 'viewer: authorities');
    await open(page, '/authorities/county-council');
    await expect(page.locator('.govuk-summary-list').textContent()).resolves.toContain('County council');
    await expect(controls.count()).resolves.toBe(0);
    await expectAccessible(page, 'viewer: authority');
    await open(page, '/settings');
    await expect(page.locator('.govuk-summary-list').textContent()).resolves.toContain('days before');
    await expect(controls.count()).resolves.toBe(0);
    await expectAccessible(page, 'viewer: settings');
    await open(page, '/settings/courses');
    await expect(page.locator('table').textContent()).resolves.toContain('Channel panel training');
    await expect(controls.count()).resolves.toBe(0);
    await expectAccessible(page, 'viewer: courses');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('an authority lead lands on their own authority, which they may change', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, 'OPCC Head of Policy and Partnerships (Prevent lead)');
    expect(new URL(page.url()).pathname).toBe('/app/authorities/opcc');
    await expect(page.locator('h1').textContent()).resolves.toContain('Office of the Police and Crime Commissioner for Demoshire');
    await expect(page.locator('main').textContent()).resolves.toContain('What is due');
    await expect(page.getByRole('link', { name: /^Change/ }).count()).resolves.toBeGreaterThan(0);
    await expectAccessible(page, 'authority lead: own authority');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('an authority editor sees their authority read-only', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, 'County council safeguarding officer');
    expect(new URL(page.url()).pathname).toBe('/app/authorities/county-council');
    await expect(page.getByRole('link', { name: /^Change/ }).count()).resolves.toBe(0);
    await expectAccessible(page, 'authority editor: own authority');
    expect(problems).toEqual([]);
    await context.close();
  });
});
