import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addMonths, toIsoDate } from '../../domain/shared/dates';
import { demoUser, expectAccessible, signInAs, useWebApp, waitForPage } from './support/web';

const web = useWebApp();

const OPCC_LEAD = 'OPCC Head of Policy and Partnerships (Prevent lead)';
const OPCC_EDITOR = 'OPCC policy officer';
const COUNTY_LEAD = 'County council Prevent lead';

/** A call to the API as a demo user (to arrange data, or to check what the browser saved). */
async function api(label: string, method: string, path: string, body?: unknown) {
  const token = await web().tokenFor(demoUser(web().users, label));
  const response = await fetch(`${web().url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, body: (text ? JSON.parse(text) : undefined) as any };
}

/** Navigates inside the app (paths without /app) and waits for the page to settle. */
async function open(page: Page, path: string) {
  await page.goto(`/app${path}`);
  await waitForPage(page);
}

/** As the app writes dates: 5 March 2026. */
const long = (iso: string) => new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const today = () => toIsoDate(new Date());

/** Anything that changes a record: a link or button whose name starts with one of these words. */
const editControls = (page: Page) =>
  page
    .getByRole('link', { name: /^(Change|Add|Edit|Invite|Record|Copy|Save)/ })
    .or(page.getByRole('button', { name: /^(Change|Add|Edit|Invite|Record|Copy|Save|Keep|Use)/ }));

describe('the authority’s home', () => {
  it('lists what is due and overdue in date order, each item linking to where it is dealt with', async () => {
    const lead = COUNTY_LEAD;
    const id = 'county-council';
    // What the seed holds for the county council (infra/local/seed-sops.ts, seed-assurance.ts, seed-training.ts).
    const sop = await api(lead, 'GET', `/authorities/${id}/sop`);
    const filter = await api(lead, 'GET', `/authorities/${id}/it-filter-assurances`);
    const obligations = await api(lead, 'GET', `/authorities/${id}/sop/obligations`);
    const training = await api(lead, 'GET', `/authorities/${id}/training-summary`);
    const expiring = await api(lead, 'GET', `/authorities/${id}/completions?expiringWithinDays=60&limit=50`);
    for (const r of [sop, filter, obligations, training, expiring]) expect(r.status, r.text).toBe(200);
    // The seed: SOP review in 7 days, IT filter reviewed 320 days ago (due in about 45), statement accepted.
    expect(sop.body.nextReviewDate < filter.body.nextReviewDue).toBe(true);

    const soon = toIsoDate(new Date(Date.now() + 60 * 86_400_000));
    const expected: { title: string; dueOn: string }[] = [
      { title: 'Annual review of the SOP', dueOn: sop.body.nextReviewDate },
      { title: 'IT-filter assurance', dueOn: filter.body.nextReviewDue },
      ...(obligations.body.items as { commitment: string; nextDueOn: string }[])
        .filter((o) => o.nextDueOn <= soon)
        .map((o) => ({ title: `SOP obligation: ${o.commitment.length > 90 ? `${o.commitment.slice(0, 87)}…` : o.commitment}`, dueOn: o.nextDueOn })),
      ...(training.body.refreshersDueWithin60Days > 0
        ? [{ title: `Training refreshers due within 60 days: ${training.body.refreshersDueWithin60Days}`, dueOn: (expiring.body.items as { expiresOn: string }[]).find((c) => c.expiresOn > today())!.expiresOn }]
        : []),
    ].sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.title.localeCompare(b.title));

    const { page, context, problems } = await web().newPage();
    await signInAs(page, lead);
    expect(new URL(page.url()).pathname).toBe(`/app/authorities/${id}`);
    const rows = page.locator('.app-due-item');
    await rows.first().waitFor();
    const titles = await rows.locator('td:nth-child(1) a').allTextContents();
    const dues = await rows.locator('td:nth-child(2)').allTextContents();
    const seen = titles.map((title, i) => ({ title, due: dues[i] }));
    // Undated items (overdue refreshers: lapsed, no single date) come first; then the dated ones in date order.
    const dated = seen.filter((r) => r.due !== 'Now');
    expect(dated.map((r) => r.title)).toEqual(expected.map((e) => e.title));
    for (const [i, e] of expected.entries()) expect(dated[i].due).toContain(long(e.dueOn));
    const undated = seen.filter((r) => r.due === 'Now').map((r) => r.title);
    expect(undated).toEqual(training.body.refreshersOverdue > 0 ? [`Training refreshers overdue: ${training.body.refreshersOverdue}`] : []);
    expect(seen.slice(0, undated.length).map((r) => r.title)).toEqual(undated);
    // The statement is accepted, so it is not due; it is still shown with its status.
    expect(seen.map((r) => r.title).join('|')).not.toContain('Annual assurance statement');
    await expect(page.locator('main').textContent()).resolves.toContain('Accepted');
    await expect(page.locator('#training-coverage').textContent()).resolves.toMatch(/target is \d+%/);
    // The lead may still change the authority's details.
    await expect(page.getByRole('link', { name: 'Change Prevent lead’s email' }).count()).resolves.toBe(1);
    await expectAccessible(page, 'home: county council lead');

    // Each item leads to the page that resolves it.
    await page.getByRole('link', { name: 'Annual review of the SOP' }).click();
    await page.waitForURL(/\/app\/authorities\/county-council\/sop$/);
    await page.getByRole('heading', { name: /Standard operating procedure/, level: 1 }).waitFor();
    await expectAccessible(page, 'SOP from the home page');
    await page.goBack();
    await rows.first().waitFor();
    await page.getByRole('link', { name: 'IT-filter assurance', exact: true }).click();
    await page.waitForURL(/\/app\/authorities\/county-council\/it-filter-assurances$/);
    await page.getByRole('heading', { name: /IT-filter assurance/, level: 1 }).waitFor();
    await expectAccessible(page, 'IT filter from the home page');
    await page.goBack();
    await rows.first().waitFor();
    if (training.body.refreshersDueWithin60Days > 0) {
      await page.getByRole('link', { name: /^Training refreshers due within 60 days/ }).click();
      await page.waitForURL(/\/app\/authorities\/county-council\/training$/);
      await waitForPage(page);
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('the SOP', () => {
  it('the lead records the annual review (errors first) and sees the next review move 12 months on', async () => {
    const before = await api(OPCC_LEAD, 'GET', '/authorities/opcc/sop');
    expect(before.status, before.text).toBe(200);
    const { page, context, problems } = await web().newPage();
    await signInAs(page, OPCC_LEAD, '/app/authorities/opcc/sop');
    await page.locator('#sop-next-review').waitFor();
    await expect(page.locator('#sop-next-review').textContent()).resolves.toContain(`Next review by ${long(before.body.nextReviewDate)}`);
    await expect(page.locator('.govuk-summary-list').textContent()).resolves.toContain('Prevent Duty — OPCC Standard Operating Model');
    // The template's obligations, grouped by toolkit section.
    await page.getByRole('table', { name: 'Multi-agency partnership group' }).waitFor();
    await page.getByRole('table', { name: 'Monitoring and assurance' }).waitFor();
    await expectAccessible(page, 'SOP: OPCC lead');

    await page.getByRole('link', { name: 'Record the annual review' }).click();
    await page.getByRole('heading', { name: /Record the annual review of the SOP/ }).waitFor();
    await expectAccessible(page, 'SOP review form');
    await page.getByLabel('Revised').check();
    await page.getByRole('button', { name: 'Record the review' }).click();
    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    await expect(summary.textContent()).resolves.toContain('Enter who reviewed the SOP');
    await expect(summary.textContent()).resolves.toContain('Enter the steering group minute');
    await expect(page.title()).resolves.toMatch(/^Error: /);
    await expectAccessible(page, 'SOP review form with errors');

    // Revised without a new version: the API's own rule, on its field; what was typed stays.
    await page.getByLabel('Reviewed by').fill('Robin Example, Head of Policy and Partnerships');
    await page.getByLabel('Steering group minute').fill('PSG 2026/11 item 5');
    await page.getByRole('button', { name: 'Record the review' }).click();
    await expect(page.locator('#field-newSopVersion-error').textContent()).resolves.toContain('Give the new version number');
    await expect(page.locator('#field-reviewer-error').count()).resolves.toBe(0);
    await expect(page.getByLabel('Reviewed by').inputValue()).resolves.toBe('Robin Example, Head of Policy and Partnerships');
    await page.getByLabel('New version number').fill('1.1');
    await page.getByLabel('Nature of the revision (optional)').fill('Updated for the new Prevent duty guidance');

    // Someone else saves the SOP meanwhile: the review is refused as stale, with nothing typed lost.
    const fields = ['title', 'ownerName', 'ownerRole', 'sopVersion', 'implementationDate', 'nextReviewDate', 'securityClassification', 'foiDisclosable', 'riskRating', 'equalityAnalysis', 'revisions'];
    const theirs = await api(OPCC_LEAD, 'PUT', '/authorities/opcc/sop', { ...Object.fromEntries(fields.map((f) => [f, before.body[f]])), ownerRole: 'Chief Executive and Monitoring Officer', version: before.body.version });
    expect(theirs.status, theirs.text).toBe(200);
    await page.getByRole('button', { name: 'Record the review' }).click();
    const changed = page.getByRole('region', { name: 'The SOP has changed' });
    await changed.waitFor();
    await expect(page.getByLabel('New version number').inputValue()).resolves.toBe('1.1');
    await expectAccessible(page, 'SOP review: the SOP changed meanwhile');
    await page.getByRole('button', { name: 'Use the SOP as it is now' }).click();
    await changed.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Record the review' }).click();
    await page.waitForURL(/\/app\/authorities\/opcc\/sop$/);
    await waitForPage(page);
    const next = addMonths(today(), 12);
    await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain(`The next review is due by ${long(next)}`);
    await expect(page.locator('#sop-next-review').textContent()).resolves.toContain(`Next review by ${long(next)}`);
    await expect(page.locator('#sop-next-review').textContent()).resolves.toContain(`Last reviewed on ${long(today())}`);
    await expect(page.getByRole('table', { name: 'Annual reviews' }).textContent()).resolves.toContain('Revised: version 1.0 to 1.1');
    await expect(page.getByRole('table', { name: 'Revision record' }).textContent()).resolves.toContain('Updated for the new Prevent duty guidance');
    await expect(page.getByRole('table', { name: 'Version history' }).locator('tbody tr').count()).resolves.toBe(3);
    await expectAccessible(page, 'SOP after the review');
    const after = await api(OPCC_LEAD, 'GET', '/authorities/opcc/sop');
    expect(after.body).toMatchObject({ nextReviewDate: next, lastReviewedOn: today(), sopVersion: '1.1', ownerRole: 'Chief Executive and Monitoring Officer', version: before.body.version + 2 });
    expect(next > before.body.nextReviewDate).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });
  it('the lead changes the SOP’s details through a conflict and a network failure, edits, removes and copies back an obligation from the template', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, OPCC_LEAD, '/app/authorities/opcc/sop');
    await page.locator('#sop-next-review').waitFor();
    await page.getByRole('link', { name: 'Change equality analysis' }).click();
    await page.getByRole('heading', { name: /Change the SOP’s details/ }).waitFor();
    await expectAccessible(page, 'SOP details form');
    await page.getByLabel('Equality analysis').fill('Low: checked again in November');

    // Someone else saves the SOP meanwhile.
    const current = (await api(OPCC_LEAD, 'GET', '/authorities/opcc/sop')).body;
    const fields = ['title', 'ownerName', 'ownerRole', 'sopVersion', 'implementationDate', 'nextReviewDate', 'securityClassification', 'foiDisclosable', 'riskRating', 'equalityAnalysis', 'revisions'];
    const theirs = await api(OPCC_LEAD, 'PUT', '/authorities/opcc/sop', {
      ...Object.fromEntries(fields.map((f) => [f, current[f]])),
      title: 'Prevent Duty — OPCC Standard Operating Model (restyled)',
      version: current.version,
    });
    expect(theirs.status, theirs.text).toBe(200);
    await page.getByRole('button', { name: 'Save changes' }).click();
    const panel = page.locator('.app-conflict');
    await panel.waitFor();
    await expect(panel.textContent()).resolves.toContain('Theirs: Prevent Duty — OPCC Standard Operating Model (restyled)');
    await expect(panel.textContent()).resolves.toContain('Yours: Prevent Duty — OPCC Standard Operating Model');
    await expect(page.getByLabel('Equality analysis').inputValue()).resolves.toBe('Low: checked again in November');
    await expectAccessible(page, 'SOP details conflict');

    // The network fails on keeping mine: a clear message, nothing lost; trying again saves once.
    await page.route('**/authorities/opcc/sop', (route) => (route.request().method() === 'PUT' ? route.abort('internetdisconnected') : route.fallback()));
    await page.getByRole('button', { name: 'Keep my changes' }).click();
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('could not be reached');
    await expect(page.getByLabel('Equality analysis').inputValue()).resolves.toBe('Low: checked again in November');
    await expectAccessible(page, 'SOP details after a network failure');
    await page.unroute('**/authorities/opcc/sop');
    await page.getByRole('button', { name: 'Keep my changes' }).click();
    await page.waitForURL(/\/app\/authorities\/opcc\/sop$/);
    await waitForPage(page);
    await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain('SOP details saved');
    await expect(page.locator('.govuk-summary-list').textContent()).resolves.toContain('Low: checked again in November');
    const saved = (await api(OPCC_LEAD, 'GET', '/authorities/opcc/sop')).body;
    expect(saved).toMatchObject({ equalityAnalysis: 'Low: checked again in November', version: theirs.body.version + 1 });

    // An obligation made to fit: its status and evidence stay as recorded.
    const list = (await api(OPCC_LEAD, 'GET', '/authorities/opcc/sop/obligations')).body.items as { id: string; commitment: string; status: string; evidence: unknown }[];
    const target = list.find((o) => o.status === 'achieving')!;
    await page.getByRole('link', { name: target.commitment }).click();
    await page.getByRole('link', { name: /^Edit this obligation/ }).click();
    await page.getByRole('heading', { name: 'Edit an obligation' }).waitFor();
    await expectAccessible(page, 'obligation edit form');
    await page.getByLabel('Owner', { exact: true }).fill('Head of Policy and Partnerships');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(new RegExp(`/sop/obligations/${target.id}$`));
    await page.locator('.govuk-notification-banner--success').waitFor();
    await expect(page.locator('.govuk-summary-list').textContent()).resolves.toContain('Head of Policy and Partnerships');
    await expectAccessible(page, 'obligation after editing');
    const edited = (await api(OPCC_LEAD, 'GET', `/authorities/opcc/sop/obligations/${target.id}`)).body;
    expect(edited).toMatchObject({ ownerRole: 'Head of Policy and Partnerships', status: 'achieving', evidence: target.evidence });

    // Removed (after a confirmation), then copied in again from the template: only that one comes back.
    await page.getByRole('link', { name: /^Edit this obligation/ }).click();
    await page.getByRole('button', { name: 'Remove this obligation' }).click();
    await page.getByRole('button', { name: 'Yes, remove this obligation' }).waitFor();
    await expectAccessible(page, 'obligation removal confirmation');
    await page.getByRole('button', { name: 'Yes, remove this obligation' }).click();
    await page.waitForURL(/\/app\/authorities\/opcc\/sop$/);
    await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain('Obligation removed');
    await page.getByRole('table', { name: 'Local risk assessment' }).waitFor();
    await expect(page.getByRole('link', { name: target.commitment }).count()).resolves.toBe(0);
    expect((await api(OPCC_LEAD, 'GET', '/authorities/opcc/sop/obligations')).body.items).toHaveLength(list.length - 1);
    await page.getByRole('button', { name: 'Copy obligations from the template' }).click();
    await page.locator('.govuk-notification-banner--success', { hasText: '1 obligation copied from the template' }).waitFor();
    await page.getByRole('link', { name: target.commitment }).waitFor();
    expect((await api(OPCC_LEAD, 'GET', '/authorities/opcc/sop/obligations')).body.items).toHaveLength(list.length);
    await page.getByRole('button', { name: 'Copy obligations from the template' }).click();
    await page.locator('.govuk-notification-banner--success', { hasText: 'You already have every obligation of the template' }).waitFor();
    await expectAccessible(page, 'SOP after copying the template');
    expect((await api(OPCC_LEAD, 'GET', '/authorities/opcc/sop/obligations')).body.items).toHaveLength(list.length);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('evidence and the IT filter', () => {
  it('an editor records evidence on an obligation', async () => {
    const list = await api(OPCC_EDITOR, 'GET', '/authorities/opcc/sop/obligations');
    const target = (list.body.items as { id: string; commitment: string; status: string; cadence: string; lastEvidencedOn?: string }[]).find(
      (o) => o.commitment.startsWith('Share and promote the Situational Assessment'),
    )!;
    expect(target).toMatchObject({ status: 'not-yet-started', cadence: 'annual' });
    expect(target.lastEvidencedOn).toBeUndefined();

    const { page, context, problems } = await web().newPage();
    await signInAs(page, OPCC_EDITOR, '/app/authorities/opcc/sop');
    await page.getByRole('table', { name: 'Local risk assessment' }).waitFor();
    // An editor records evidence, but neither reviews the SOP nor changes it or its obligations.
    await expect(page.getByRole('link', { name: 'Record the annual review' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: /Copy obligations/ }).count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: /^Change/ }).count()).resolves.toBe(0);
    await expectAccessible(page, 'SOP: editor');

    await page.getByRole('link', { name: target.commitment }).click();
    await page.waitForURL(new RegExp(`/sop/obligations/${target.id}$`));
    await page.getByRole('heading', { name: 'Record evidence' }).waitFor();
    await expect(page.getByRole('link', { name: /^Edit this obligation/ }).count()).resolves.toBe(0);
    await expectAccessible(page, 'obligation: editor');

    // A link that is not a web address: the API's refusal, shown against the field, input kept.
    await page.getByLabel('Achieving').check();
    await page.getByLabel('Evidence', { exact: true }).fill('Situational Assessment briefed to the senior leadership team and staff on 3 November.');
    await page.getByLabel('Links to evidence (optional)').fill('not a link');
    await page.getByRole('button', { name: 'Record evidence' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('full web address');
    await expect(page.getByLabel('Evidence', { exact: true }).inputValue()).resolves.toContain('Situational Assessment briefed');
    await expectAccessible(page, 'obligation evidence with errors');
    await page.getByLabel('Links to evidence (optional)').fill('https://example.org/slt-minutes.pdf');
    await page.getByRole('button', { name: 'Record evidence' }).click();
    const next = addMonths(today(), 12);
    await page.locator('.govuk-notification-banner--success').waitFor();
    await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain(`The next evidence is due by ${long(next)}`);
    const summary = page.locator('.govuk-summary-list');
    await expect(summary.textContent()).resolves.toContain('Achieving');
    await expect(summary.textContent()).resolves.toContain(`Last evidenced${long(today())}`);
    await expect(summary.textContent()).resolves.toContain('https://example.org/slt-minutes.pdf');
    await expectAccessible(page, 'obligation after evidence');
    const stored = await api(OPCC_EDITOR, 'GET', `/authorities/opcc/sop/obligations/${target.id}`);
    expect(stored.body).toMatchObject({ status: 'achieving', lastEvidencedOn: today(), nextDueOn: next, evidence: { links: ['https://example.org/slt-minutes.pdf'] } });

    // Back on the SOP, its row says so.
    await page.getByRole('link', { name: 'Back to the SOP' }).click();
    const row = page.getByRole('row', { name: new RegExp(target.commitment.slice(0, 40)) });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('Achieving');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the lead fills the year’s IT-filter assurance and sees its status', async () => {
    const before = await api(COUNTY_LEAD, 'GET', '/authorities/county-council/it-filter-assurances');
    // The seed: reviewed 320 days ago, so due within 60 days.
    expect(before.body.status).toBe('due-soon');
    const { page, context, problems } = await web().newPage();
    await signInAs(page, COUNTY_LEAD, '/app/authorities/county-council/it-filter-assurances');
    const status = page.locator('#it-filter-status');
    await status.waitFor();
    await expect(status.textContent()).resolves.toContain('Due soon');
    await expectAccessible(page, 'IT filter: due soon');

    await page.getByRole('link', { name: /^(Record|Change) the \d{4}-\d{2} assurance$/ }).click();
    await page.getByRole('heading', { name: /IT-filter assurance \d{4}-\d{2}/, level: 1 }).waitFor();
    await expectAccessible(page, 'IT filter form');
    await page.getByLabel('Date the filters were reviewed').fill(today());
    await page.getByLabel('Name', { exact: true }).fill('Alex Network');
    await page.getByLabel('Role', { exact: true }).fill('Head of ICT');
    await page.getByLabel('Organisation', { exact: true }).fill('Demoshire County Council');
    await page.getByLabel('Filter or firewall product').fill('Example SecureWeb 9');
    await page.getByLabel('Yes', { exact: true }).check();
    await page.getByLabel('Date or version of the CTIRU list').fill('October 2026 list');
    for (const scope of ['Corporate network', 'Public WiFi', 'Libraries']) {
      const box = page.getByLabel(scope, { exact: true });
      if (!(await box.isChecked())) await box.check();
    }
    // Partly assured without saying what will be done: the API's rule, shown on the field.
    await page.getByLabel('Partially assured').check();
    await page.getByLabel('Actions', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Save the assurance' }).click();
    await page.locator('#field-actions-error').waitFor();
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('Say what will be done');
    await expect(page.getByLabel('Filter or firewall product').inputValue()).resolves.toBe('Example SecureWeb 9');
    await expect(page.title()).resolves.toMatch(/^Error: /);
    await expectAccessible(page, 'IT filter form with errors');
    await page.getByLabel('Actions', { exact: true }).fill('Apply the CTIRU list to the libraries’ public WiFi by the end of January.');
    await page.getByRole('button', { name: 'Save the assurance' }).click();
    await page.waitForURL(/\/it-filter-assurances$/);
    await waitForPage(page);
    await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain('saved');
    await expect(status.textContent()).resolves.toContain('In date');
    await expect(status.textContent()).resolves.toContain(`The next review is due by ${long(addMonths(today(), 12))}`);
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('Example SecureWeb 9');
    expect(main).toContain('Partially assured');
    expect(main).toContain('Alex Network, Head of ICT, Demoshire County Council');
    await expectAccessible(page, 'IT filter: saved');
    const after = await api(COUNTY_LEAD, 'GET', '/authorities/county-council/it-filter-assurances');
    expect(after.body.status).toBe('current');
    expect(after.body.nextReviewDue).toBe(addMonths(today(), 12));
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('read-only users', () => {
  it('a viewer sees the home, SOP, obligation and IT-filter pages without a single edit control', async () => {
    const obligations = await api('Scrutiny member (read-only)', 'GET', '/authorities/county-council/sop/obligations');
    const first = obligations.body.items[0] as { id: string; commitment: string };
    const { page, context, problems } = await web().newPage();
    await signInAs(page, 'Scrutiny member (read-only)', '/app/authorities/county-council');
    await page.locator('.app-due-item').first().waitFor();
    await expect(editControls(page).count()).resolves.toBe(0);
    await expectAccessible(page, 'viewer: home of an authority');
    // The NHS trust (seed): IT filter reviewed 400 days ago, SOP review 8 days overdue, statement a draft due by the deadline.
    await open(page, '/authorities/nhs-trust');
    await page.locator('.app-due-item').first().waitFor();
    const titles = await page.locator('.app-due-item td:nth-child(1) a').allTextContents();
    const at = (title: string) => titles.indexOf(title);
    const year = (await api('Scrutiny member (read-only)', 'GET', '/reports/consolidated')).body.year as string;
    for (const t of ['IT-filter assurance', 'Annual review of the SOP', `Annual assurance statement ${year}`]) expect(titles).toContain(t);
    expect(at('IT-filter assurance')).toBeLessThan(at('Annual review of the SOP'));
    expect(at('Annual review of the SOP')).toBeLessThan(at(`Annual assurance statement ${year}`));
    await expect(page.getByRole('row', { name: /Annual review of the SOP/ }).textContent()).resolves.toContain('Overdue');
    await expect(page.getByRole('row', { name: /IT-filter assurance/ }).textContent()).resolves.toContain('Overdue');
    await expect(page.locator('#due-summary').textContent()).resolves.toMatch(/^\d+ items are overdue or not recorded yet\./);
    await expect(editControls(page).count()).resolves.toBe(0);
    await expectAccessible(page, 'viewer: home of an authority with overdue items');
    await open(page, '/authorities/county-council/sop');
    await page.locator('#sop-next-review').waitFor();
    await page.getByRole('table', { name: 'Monitoring and assurance' }).waitFor();
    await expect(editControls(page).count()).resolves.toBe(0);
    await expectAccessible(page, 'viewer: SOP');
    await open(page, `/authorities/county-council/sop/obligations/${first.id}`);
    await expect(page.locator('.govuk-summary-list').textContent()).resolves.toContain(first.commitment);
    await expect(page.locator('form').count()).resolves.toBe(0);
    await expect(editControls(page).count()).resolves.toBe(0);
    await expectAccessible(page, 'viewer: obligation');
    await open(page, '/authorities/opcc/it-filter-assurances');
    await page.locator('#it-filter-status').waitFor();
    // The OPCC's IT comes from the police force: the viewer reads the provider's name.
    await expect(page.locator('main').textContent()).resolves.toContain('Demoshire Police');
    await expect(editControls(page).count()).resolves.toBe(0);
    await expectAccessible(page, 'viewer: IT filter');
    // A form reached by its address says what the role cannot do, and offers no form.
    await open(page, '/authorities/opcc/sop/review');
    await expect(page.locator('form').count()).resolves.toBe(0);
    await expectAccessible(page, 'viewer: SOP review refused');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the steering group reads the SOP and obligations without the lead’s controls, and may record the IT filter', async () => {
    const { page, context, problems } = await web().newPage();
    await signInAs(page, 'Steering group chair', '/app/authorities/county-council/sop');
    await page.locator('#sop-next-review').waitFor();
    await page.getByRole('table', { name: 'Monitoring and assurance' }).waitFor();
    await expect(editControls(page).count()).resolves.toBe(0);
    await expectAccessible(page, 'steering group: SOP');
    await page.getByRole('table', { name: 'Monitoring and assurance' }).getByRole('link').first().click();
    await page.locator('.govuk-summary-list').waitFor();
    await expect(page.locator('form').count()).resolves.toBe(0);
    await expect(editControls(page).count()).resolves.toBe(0);
    await expectAccessible(page, 'steering group: obligation');
    await open(page, '/authorities/kingsbrook/it-filter-assurances');
    await page.locator('#it-filter-status').waitFor();
    await expect(page.getByRole('link', { name: /^(Record|Change) the \d{4}-\d{2} assurance$/ }).count()).resolves.toBe(1);
    await expectAccessible(page, 'steering group: IT filter');
    expect(problems).toEqual([]);
    await context.close();
  });
});
