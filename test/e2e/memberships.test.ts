import { describe, expect, it } from 'vitest';
import { expectAccessible, signInAs, useWebApp, waitForPage } from './support/web';

const web = useWebApp();

/** The demo's one person in two partnerships (infra/local/seed.ts). */
const PAT = 'Police Prevent lead (Demoshire and Northvale)';
const DEMOSHIRE = 'Demoshire Prevent Partnership';
const NORTHVALE = 'Northvale Prevent Partnership';

const headerName = async (page: import('playwright-core').Page) => (await page.locator('.govuk-generic-header__homepage-link').textContent())?.trim();

describe('one person, several partnerships', () => {
  it('asks after sign-in, switches by keyboard alone to the other partnership and its data, and back from the header', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, PAT);
    expect(new URL(page.url()).pathname).toBe('/app/choose-partnership');
    await expect(page.locator('h1').textContent()).resolves.toContain('Choose a partnership');
    // The resolved partnership (the first by id, no choice yet) is where the token is now.
    await expect(page.getByLabel(DEMOSHIRE, { exact: true }).isChecked()).resolves.toBe(true);
    await expect(headerName(page)).resolves.toBe(DEMOSHIRE);
    await expectAccessible(page, 'choose a partnership');

    // Keyboard only: the checked radio, the arrow key to the other, Tab to Continue, Enter.
    await page.getByLabel(DEMOSHIRE, { exact: true }).focus();
    await page.keyboard.press('ArrowDown');
    await expect(page.getByLabel(NORTHVALE, { exact: true }).isChecked()).resolves.toBe(true);
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.textContent')).resolves.toBe('Continue');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/app\/authorities\/police$/);
    await waitForPage(page);
    await page.locator('.govuk-generic-header__homepage-link', { hasText: NORTHVALE }).waitFor();
    // The other partnership's own record of the force, not Demoshire's cached one.
    await page.locator('.app-header__role', { hasText: 'Demoshire Police (Northvale area)' }).waitFor();
    await expect(page.locator('main').textContent()).resolves.not.toContain(DEMOSHIRE);
    await expectAccessible(page, 'Northvale: my authority');

    // Another page of this session does not ask again; the header offers the switch.
    await page.goto('/app/');
    await waitForPage(page);
    expect(new URL(page.url()).pathname).toBe('/app/authorities/police');
    await page.getByRole('link', { name: 'Switch partnership' }).click();
    await page.waitForURL(/\/app\/choose-partnership$/);
    await waitForPage(page);
    await expect(page.getByLabel(NORTHVALE, { exact: true }).isChecked()).resolves.toBe(true);
    await page.getByLabel(DEMOSHIRE, { exact: true }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/\/app\/authorities\/police$/);
    await page.locator('.govuk-generic-header__homepage-link', { hasText: DEMOSHIRE }).waitFor();
    await page.locator('.app-header__role', { hasText: /Demoshire Police$/ }).waitFor();
    await waitForPage(page);
    await expectAccessible(page, 'Demoshire: my authority');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('signs a person in again to the partnership they chose last', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, PAT);
    // The first test left Demoshire chosen; choose Northvale, then sign out and in again.
    await page.getByLabel(NORTHVALE, { exact: true }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('.govuk-generic-header__homepage-link', { hasText: NORTHVALE }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/app\/signed-out$/);
    await signInAs(page, PAT);
    await expect(headerName(page)).resolves.toBe(NORTHVALE);
    await expect(page.getByLabel(NORTHVALE, { exact: true }).isChecked()).resolves.toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a person in one partnership is never asked and has no switch', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, 'Steering group chair');
    expect(new URL(page.url()).pathname).toBe('/app/dashboard');
    await expect(page.getByRole('link', { name: 'Switch partnership' }).count()).resolves.toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
