import { describe, expect, it } from 'vitest';
import { demoUser, expectAccessible, useWebApp, waitForPage } from './support/web';

// ID tokens of 80 s: oidc-client-ts renews 60 s before expiry, so renewal comes within 20 s.
const web = useWebApp({ signIn: 'cognito', idTokenSeconds: 80 });

describe('signing in as in AWS (authorization code with PKCE, through oidc-client-ts)', () => {
  it('signs in with a verified PKCE exchange, calls the API with the ID token, renews silently and signs out at the provider', async () => {
    const h = web();
    h.cognito!.signInNext(demoUser(h.users, 'Steering group chair'));
    const { page, context, problems } = await h.newPage();
    await page.goto('/app/report');
    // Through the provider and back to the page asked for, with data from the API.
    await page.waitForURL(/\/app\/report$/);
    await waitForPage(page);
    await expect(page.locator('h1').textContent()).resolves.toContain('Consolidated report');
    await page.locator('table').first().waitFor();
    expect(h.cognito!.log.slice(0, 3)).toEqual(['authorize code S256', 'token authorization_code', 'pkce ok']);

    // Silent renewal with the refresh token, without leaving the page.
    await expect.poll(() => h.cognito!.log.includes('token refresh_token'), { timeout: 120_000, interval: 500 }).toBe(true);
    expect(new URL(page.url()).pathname).toBe('/app/report');
    await expectAccessible(page, 'report after Cognito sign-in and a renewal');
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await waitForPage(page);
    await expect(page.locator('h1').textContent()).resolves.toContain('Dashboard');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/app\/signed-out$/);
    expect(h.cognito!.log).toContain('logout');
    // Signed out for real: a page of the app sends the browser to sign in again.
    await page.goto('/app/dashboard');
    // Through the provider again and back to the page asked for; the page settles before the
    // context closes (it used to close mid-exchange, the likeliest cause of a hang once seen in CI).
    await page.waitForURL(/\/app\/dashboard$/);
    await waitForPage(page);
    await expect(page.locator('h1').textContent()).resolves.toContain('Dashboard');
    expect(h.cognito!.log.filter((l) => l.startsWith('authorize'))).toHaveLength(2);
    expect(h.cognito!.log.filter((l) => l === 'pkce ok')).toHaveLength(2);
    expect(problems).toEqual([]);
    await context.close();
  });
});
