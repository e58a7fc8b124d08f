import { describe, expect, it } from 'vitest';
import { DEMO_USER_SPECS } from '../../infra/local/seed';
import { expectAccessible, signInAs, useWebApp } from './support/web';

const web = useWebApp();

describe('signing in (local runtime)', () => {
  it('offers every demo user by role on an accessible page, and refuses a submission with none chosen', async () => {
    const { page, context, problems } = await web().newPage();
    await page.goto('/');
    await page.waitForURL(/\/local\/sign-in/);
    for (const spec of DEMO_USER_SPECS) await expect(page.getByLabel(spec.label, { exact: true }).count()).resolves.toBe(1);
    await expectAccessible(page, 'sign-in page');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('Choose a demo user');
    await expect(page.title()).resolves.toMatch(/^Error: /);
    expect(problems).toEqual([]);
    await context.close();
  });

  it.each([
    ['Steering group chair', /\/app\/dashboard$/],
    ['Scrutiny member (read-only)', /\/app\/dashboard$/],
    ['OPCC Head of Policy and Partnerships (Prevent lead)', /\/app\/authorities\/opcc$/],
    ['County council safeguarding officer', /\/app\/authorities\/county-council$/],
  ])('%s lands on their home page, under the same CSP as AWS, and can sign out', async (label, home) => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, label);
    expect(page.url()).toMatch(home);
    await expectAccessible(page, `${label}: home`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/app\/signed-out$/);
    await expect(page.locator('h1').textContent()).resolves.toContain('signed out');
    await expectAccessible(page, 'signed out');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('returns to the page a signed-out user asked for', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, 'Steering group chair', '/app/report');
    expect(new URL(page.url()).pathname).toBe('/app/report');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('is operable by keyboard: skip link first, then the menu, and focus moves to the new page\'s heading', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, 'Prevent Partnership Officer (steering group)');
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.textContent')).resolves.toBe('Skip to main content');
    // Tab on through the header and the menu until the report's link, then follow it with Enter.
    let focused = '';
    for (let i = 0; i < 15 && focused !== 'Report'; i++) {
      await page.keyboard.press('Tab');
      focused = String(await page.evaluate('document.activeElement.textContent')).trim();
    }
    expect(focused).toBe('Report');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/app\/report$/);
    await page.locator('h1:focus').waitFor();
    await expect(page.locator('h1:focus').textContent()).resolves.toContain('Consolidated report');
    expect(problems).toEqual([]);
    await context.close();
  });
});
