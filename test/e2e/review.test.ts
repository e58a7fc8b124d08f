import { describe, expect, it } from 'vitest';
import { demoUser, expectAccessible, signInAs, useWebApp, waitForPage } from './support/web';

const web = useWebApp();

const LEADS: Record<string, string> = {
  opcc: 'OPCC Head of Policy and Partnerships (Prevent lead)',
  'county-council': 'County council Prevent lead',
};

/** A call to the API as another user would make it (to arrange data). */
async function api(token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${web().url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, body: text ? JSON.parse(text) : undefined };
}

const steeringToken = () => web().tokenFor(demoUser(web().users, 'Steering group chair'));

async function leadToken(authorityId: string) {
  const label = LEADS[authorityId];
  if (label) return web().tokenFor(demoUser(web().users, label));
  return web().issuer.mint({ sub: 'lead-test', tenantId: web().tenantId, role: 'authority-lead', authorityId });
}

interface Target {
  authorityId: string;
  name: string;
  year: string;
  missing?: { authorityId: string; name: string };
  other?: { authorityId: string; name: string };
}
let target: Target;

async function findSubmitted(): Promise<Target> {
  const report = await api(await steeringToken(), 'GET', '/reports/consolidated');
  expect(report.status, report.text).toBe(200);
  const rows = report.body.rows as { authorityId: string; name: string; statement: { status: string } }[];
  const submitted = rows.filter((r) => r.statement.status === 'submitted');
  expect(submitted.length).toBeGreaterThan(0);
  const row = submitted.find((r) => r.authorityId === 'opcc') ?? submitted[0];
  const missing = rows.find((r) => r.statement.status === 'missing');
  const other = submitted.find((r) => r !== row);
  return {
    authorityId: row.authorityId,
    name: row.name,
    year: report.body.year,
    missing: missing && { authorityId: missing.authorityId, name: missing.name },
    other: other && { authorityId: other.authorityId, name: other.name },
  };
}

describe('reviewing a statement (steering group)', () => {
  it('reads the submitted statement, refuses a return without a comment, then returns it with one', async () => {
    target = await findSubmitted();
    const { authorityId, name, year } = target;
    const v1 = await api(await steeringToken(), 'GET', `/authorities/${authorityId}/statements/${year}/versions/1`);
    expect(v1.status, v1.text).toBe(200);

    const { page, context, problems } = await web().newPage();
    await signInAs(page, 'Steering group chair', `/app/authorities/${authorityId}/statements/${year}`);
    await expect(page.locator('h1').textContent()).resolves.toContain(`${name}: statement ${year}`);
    const main = page.locator('main');
    await expect(main.locator('.govuk-tag').first().textContent()).resolves.toBe('Submitted');
    await main.getByRole('heading', { name: 'Version 1', exact: true }).waitFor();
    const text = (await main.textContent()) ?? '';
    expect(text).toContain(v1.body.narrative.leadership);
    expect(text).toContain(v1.body.signOff.name);
    const achieving = Object.values(v1.body.ratings as Record<string, { rating: string }>).filter((r) => r.rating === 'achieving').length;
    await expect(main.locator('.govuk-tag', { hasText: /^Achieving$/ }).count()).resolves.toBe(achieving);
    expect(text).toContain('No signed document was attached to this version.');
    expect(text).toContain('Version 1 submitted');
    await expectAccessible(page, 'submitted statement');

    await page.getByLabel('Return to the authority').check();
    await page.getByRole('button', { name: 'Send review' }).click();
    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    await expect(summary.textContent()).resolves.toContain('Say what needs changing');
    await expect(page.locator('#field-comment-error').textContent()).resolves.toContain('Say what needs changing');
    await expect(page.title()).resolves.toMatch(/^Error: /);
    await expect(page.getByLabel('Return to the authority').isChecked()).resolves.toBe(true);
    await expectAccessible(page, 'review without a comment');

    await page.getByLabel('Comment').fill('Please add the referral figures to benchmark 4.');
    await page.getByRole('button', { name: 'Send review' }).click();
    await page.locator('.govuk-notification-banner--success', { hasText: `Statement returned to ${name}` }).waitFor();
    await main.locator('.govuk-tag', { hasText: /^Returned$/ }).waitFor();
    await expect(page.getByRole('button', { name: 'Send review' }).count()).resolves.toBe(0);
    await expect(main.locator('.moj-timeline').textContent()).resolves.toContain('Please add the referral figures to benchmark 4.');
    await expectAccessible(page, 'statement returned');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('after the lead resubmits, reads version 2 and version 1, and accepts', async () => {
    const { authorityId, year } = target;
    const lead = await leadToken(authorityId);
    const base = `/authorities/${authorityId}/statements/${year}`;
    const current = await api(lead, 'GET', base);
    expect(current.status, current.text).toBe(200);
    expect(current.body.status).toBe('returned');
    const today = new Date().toISOString().slice(0, 10);
    const narrative = { ...current.body.narrative, informationSharing: 'Referral figures now reported to the partnership every quarter.' };
    const edited = await api(lead, 'PUT', base, {
      ratings: current.body.ratings,
      scores: current.body.scores,
      narrative,
      signOff: { name: 'Chief Executive (fictional)', role: 'Chief Executive', date: today, declaration: 'I confirm this statement is a true account of our Prevent duty compliance.' },
      version: current.body.version,
    });
    expect(edited.status, edited.text).toBe(200);
    const submitted = await api(lead, 'POST', `${base}/submit`, { version: edited.body.version });
    expect(submitted.status, submitted.text).toBe(200);
    expect(submitted.body.version.number).toBe(2);

    const { page, context, problems } = await web().newPage();
    await signInAs(page, 'Steering group chair', `/app${base}`);
    const main = page.locator('main');
    await main.getByRole('heading', { name: 'Version 2', exact: true }).waitFor();
    await expect(main.locator('.govuk-tag').first().textContent()).resolves.toBe('Submitted');
    await expect(main.textContent()).resolves.toContain('Referral figures now reported to the partnership every quarter.');
    await expectAccessible(page, 'resubmitted statement, version 2');

    await main.getByRole('link', { name: /^Version 1, submitted .*, returned$/ }).click();
    await main.getByRole('heading', { name: 'Version 1', exact: true }).waitFor();
    expect(page.url()).toContain('?version=1');
    await expect(main.textContent()).resolves.not.toContain('Referral figures now reported to the partnership every quarter.');
    await expectAccessible(page, 'version 1');

    await main.getByRole('link', { name: /^Version 2, submitted .*, awaiting review$/ }).click();
    await main.getByRole('heading', { name: 'Version 2', exact: true }).waitFor();
    await page.getByLabel('Accept').check();
    await page.getByRole('button', { name: 'Send review' }).click();
    await page.locator('.govuk-notification-banner--success', { hasText: 'Statement accepted' }).waitFor();
    await main.locator('.govuk-tag', { hasText: /^Accepted$/ }).waitFor();
    await expect(page.getByRole('group', { name: 'What is your decision?' }).count()).resolves.toBe(0);
    await expect(main.locator('.moj-timeline__title').first().textContent()).resolves.toBe('Version 2 accepted');
    await expectAccessible(page, 'statement accepted');

    const after = await api(await steeringToken(), 'GET', base);
    expect(after.body).toMatchObject({ status: 'accepted', submissions: 2 });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('says so when an authority has not started its statement', async () => {
    const missing = target.missing;
    expect(missing, 'the demo seeds authorities without a statement').toBeDefined();
    if (!missing) return;
    const { page, context, problems } = await web().newPage();
    await signInAs(page, 'Steering group chair', `/app/authorities/${missing.authorityId}/statements/${target.year}`);
    await page.getByText(`${missing.name} has not started a statement for ${target.year}.`).waitFor();
    await expectAccessible(page, 'no statement');
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('a review that crosses another', () => {
  it('keeps the typed comment and offers a reload when someone else reviewed the statement meanwhile', async () => {
    const other = target.other;
    expect(other, 'the demo seeds two submitted statements').toBeDefined();
    if (!other) return;
    const base = `/authorities/${other.authorityId}/statements/${target.year}`;
    const { page, context, problems } = await web().newPage();
    await signInAs(page, 'Steering group chair', `/app${base}`);
    await page.getByLabel('Return to the authority').check();
    await page.getByLabel('Comment').fill('Benchmark 2 needs the channel panel attendance.');
    const steering = await steeringToken();
    const current = await api(steering, 'GET', base);
    const accepted = await api(steering, 'POST', `${base}/review`, { outcome: 'accept', version: current.body.version });
    expect(accepted.status, accepted.text).toBe(200);

    await page.getByRole('button', { name: 'Send review' }).click();
    await page.getByText('Someone else changed this statement while you were reviewing it.').waitFor();
    await expect(page.getByLabel('Comment').inputValue()).resolves.toBe('Benchmark 2 needs the channel panel attendance.');
    await expectAccessible(page, 'review conflict');
    await page.getByRole('button', { name: 'Reload the statement' }).click();
    await page.locator('main .govuk-tag', { hasText: /^Accepted$/ }).waitFor();
    await expect(page.getByRole('button', { name: 'Send review' }).count()).resolves.toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('the audit trail', () => {
  it('shows the review events newest first, filters by authority and pages', async () => {
    const { authorityId, name, year } = target;
    const { page, context, problems } = await web().newPage();
    await signInAs(page, 'Steering group chair', '/app/audit');
    const rows = page.locator('table tbody tr');
    await rows.first().waitFor();
    // Newest first: the acceptance, then the resubmission, then the return.
    const texts = await rows.allTextContents();
    const ofStatement = texts.map((t, i) => ({ t, i })).filter(({ t }) => t.includes(`${authorityId}-${year}`));
    expect(ofStatement.slice(0, 3).map(({ t }) => /Reviewed|Submitted|Updated/.exec(t)?.[0])).toEqual(['Reviewed', 'Submitted', 'Updated']);
    const accepted = rows.nth(ofStatement[0].i);
    const times = await page.locator('table tbody tr time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime') ?? ''));
    expect([...times].sort().reverse()).toEqual(times);
    await accepted.getByText('Details').click();
    await expect(accepted.locator('.govuk-details__text').textContent()).resolves.toMatch(/status[\s\S]*submitted[\s\S]*accepted/);
    await expectAccessible(page, 'audit trail');

    await page.getByLabel('Authority').selectOption(authorityId);
    await page.getByLabel('Events per page').selectOption('10');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/authorityId=/);
    await waitForPage(page);
    await expect(rows.count()).resolves.toBe(10);
    const authorities = await page.locator('table tbody tr td:nth-child(5)').allTextContents();
    expect(new Set(authorities)).toEqual(new Set([name]));
    await expectAccessible(page, 'audit trail filtered');

    const firstPage = await rows.allTextContents();
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.locator('caption', { hasText: 'page 2' }).waitFor();
    await waitForPage(page);
    const secondPage = await rows.allTextContents();
    expect(secondPage[0]).not.toEqual(firstPage[0]);
    expect(new Set(await page.locator('table tbody tr td:nth-child(5)').allTextContents())).toEqual(new Set([name]));
    await expectAccessible(page, 'audit trail page 2');
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.locator('caption', { hasText: /^Audit events$/ }).waitFor();
    await waitForPage(page);
    await expect(rows.allTextContents()).resolves.toEqual(firstPage);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForURL((u) => !u.search.includes('authorityId'));
    await expect(page.getByLabel('Authority').inputValue()).resolves.toBe('');
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('the viewer', () => {
  it('reads the statement without any review control, and is refused the audit trail', async () => {
    const { authorityId, year } = target;
    const { page, context, problems } = await web().newPage();
    await signInAs(page, 'Scrutiny member (read-only)', `/app/authorities/${authorityId}/statements/${year}`);
    const main = page.locator('main');
    await main.getByRole('heading', { name: 'Version 2', exact: true }).waitFor();
    await expect(main.locator('.govuk-tag').first().textContent()).resolves.toBe('Accepted');
    // No document was attached, so not even the download button.
    await expect(main.locator('button, input, textarea, select, form').count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: 'Audit trail' }).count()).resolves.toBe(0);
    await expectAccessible(page, 'viewer: statement');

    await page.goto('/app/audit');
    await page.getByText('Your role cannot see this page.').waitFor();
    await expect(page.locator('main form').count()).resolves.toBe(0);
    await expectAccessible(page, 'viewer: audit refused');
    expect(problems).toEqual([]);
    await context.close();
  });
});
