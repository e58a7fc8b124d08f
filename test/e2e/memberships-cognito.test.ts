import { describe, expect, it } from 'vitest';
import { demoUser, expectAccessible, useWebApp, waitForPage } from './support/web';

// The AWS sign-in code (oidc-client-ts) against the Cognito stand-in, whose tokens carry the
// resolved membership as the pre-token trigger would put it there.
const web = useWebApp({ signIn: 'cognito' });

describe('switching partnership with Cognito sign-in', () => {
  it('takes the new partnership from a refresh-token grant (the trigger runs again), without signing in again', async () => {
    const h = web();
    h.cognito!.signInNext(demoUser(h.users, 'Police Prevent lead (Demoshire and Northvale)'));
    const { page, context, problems } = await h.newPage();
    await page.goto('/app/');
    await page.waitForURL(/\/app\/choose-partnership$/);
    await waitForPage(page);
    await page.getByLabel('Northvale Prevent Partnership', { exact: true }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/\/app\/authorities\/police$/);
    await page.locator('.govuk-generic-header__homepage-link', { hasText: 'Northvale Prevent Partnership' }).waitFor();
    await waitForPage(page);
    await expectAccessible(page, 'Northvale after a Cognito refresh');
    expect(h.cognito!.log.filter((l) => l.startsWith('authorize'))).toHaveLength(1);
    expect(h.cognito!.log).toContain('token refresh_token');
    expect(problems).toEqual([]);
    await context.close();
  });
});
