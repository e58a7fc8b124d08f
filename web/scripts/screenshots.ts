import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { freePort } from '../../infra/local/dynamodb';
import { LocalIssuer } from '../../infra/local/issuer';
import { DEMO_TENANT_ID } from '../../infra/local/seed';

/**
 * `npm run screenshots`: the README's pictures, taken from the real app. Starts `npm start`
 * on a free port (in-memory demo partnership), signs in as demo users in Debian's Chromium and
 * saves full-page PNGs into docs/screenshots/. Nothing here is drawn by hand.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = `${ROOT}docs/screenshots`;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface Shot {
  name: string;
  path: string;
  /** Something on the page that shows the data has loaded. */
  ready?: (page: Page) => Promise<unknown>;
  /** The whole page (default), or only the first screen of a long one. */
  fullPage?: boolean;
}

const STEERING: Shot[] = [
  { name: 'dashboard', path: '/app/dashboard' },
  { name: 'report', path: '/app/report' },
  { name: 'authorities', path: '/app/authorities' },
  { name: 'settings', path: '/app/settings' },
  { name: 'audit', path: '/app/audit', fullPage: false },
  { name: 'delivery-figures', path: '/app/delivery', fullPage: false },
  { name: 'annual-report', path: '/app/annual-report', fullPage: false },
];

async function main() {
  const port = await freePort();
  const server = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], { cwd: ROOT, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/ready in/.test(output)) resolve();
    });
    server.once('exit', (code) => reject(new Error(`npm start exited (${code}) before it was ready:\n${output}`)));
  });
  const base = `http://localhost:${port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'] });
  try {
    mkdirSync(OUT, { recursive: true });
    const shoot = async (label: string, shots: Shot[], prefix: string) => {
      const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/London' });
      const page = await context.newPage();
      page.setDefaultTimeout(120_000);
      await page.goto('/app/');
      await page.waitForURL(/\/local\/sign-in/);
      await page.screenshot({ path: `${OUT}/sign-in.png`, fullPage: true });
      await page.getByLabel(label, { exact: true }).check();
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((u) => u.pathname.startsWith('/app/') && !u.pathname.startsWith('/app/auth/'));
      for (const shot of shots) {
        await page.goto(shot.path);
        await page.locator('h1').first().waitFor();
        await page.waitForSelector('.app-loading', { state: 'detached' });
        await shot.ready?.(page);
        await page.screenshot({ path: `${OUT}/${prefix}${shot.name}.png`, fullPage: shot.fullPage ?? true });
        console.log(`  docs/screenshots/${prefix}${shot.name}.png`);
      }
      await context.close();
    };
    await shoot('Steering group chair', STEERING, '');
    // The plan in force this year, grouped by theme.
    await shoot('Steering group chair', [{ name: 'action-plan', path: await planPath(base), fullPage: false, ready: (page) => page.getByRole('table').first().waitFor() }], '');
    // A statement waiting for review, found through the app's own dashboard link.
    await shoot('Steering group chair', [{ name: 'statement-review', path: await submittedStatementPath(base), fullPage: false }], '');
    // An authority's pages, as its lead and its officer see them.
    const year = await currentYear(base);
    await shoot(
      'OPCC Head of Policy and Partnerships (Prevent lead)',
      [
        { name: 'my-authority', path: '/app/authorities/opcc' },
        // The demo's statements for this year and last are under way or done: a year with none is started here, as a lead would.
        {
          name: 'statement-task-list',
          path: `/app/authorities/opcc/statements/${yearsBefore(year, 2)}`,
          ready: async (page) => {
            await page.getByRole('button', { name: /^Start the .* statement$/ }).click();
            await page.locator('.govuk-task-list').first().waitFor();
          },
        },
        { name: 'sop', path: '/app/authorities/opcc/sop', fullPage: false },
      ],
      '',
    );
    await shoot(
      'County council safeguarding officer',
      [
        { name: 'training-coverage', path: '/app/authorities/county-council/training' },
        { name: 'import-result', path: await latestImportPath(base, 'county-council'), fullPage: false },
      ],
      '',
    );
    // A person in two partnerships chooses one after signing in.
    await shoot('Police Prevent lead (Demoshire and Northvale)', [{ name: 'choose-partnership', path: '/app/choose-partnership', ready: (page) => page.getByRole('radio').first().waitFor() }], '');
  } finally {
    await browser.close();
    server.kill('SIGINT');
  }
}

/** GET a path of the API as the steering group (npm start signs with this key file, so a token minted with it is accepted). */
async function apiGet<T>(base: string, path: string): Promise<T> {
  const issuer = await LocalIssuer.persistent(`${ROOT}.local/issuer-key.json`);
  const token = await issuer.mint({ sub: 'screenshots', tenantId: DEMO_TENANT_ID, role: 'steering-group' }, '10m');
  const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
  return (await response.json()) as T;
}

interface ReportRows {
  year: string;
  rows: { authorityId: string; statement: { status: string } }[];
}

/** The page of a statement the demo seeds as submitted (read from the report, as the dashboard does). */
async function submittedStatementPath(base: string): Promise<string> {
  const report = await apiGet<ReportRows>(base, '/reports/consolidated');
  const row = report.rows.find((r) => r.statement.status === 'submitted') ?? report.rows[0];
  return `/app/authorities/${row.authorityId}/statements/${report.year}`;
}

/** The reporting year the consolidated report shows by default (this year's). */
async function currentYear(base: string): Promise<string> {
  return (await apiGet<ReportRows>(base, '/reports/consolidated')).year;
}

/** The demo's action plan (the only one). */
async function planPath(base: string): Promise<string> {
  const plans = await apiGet<{ items: { id: string }[] }>(base, '/action-plans');
  if (!plans.items[0]) throw new Error('The demo has no action plan');
  return `/app/action-plans/${plans.items[0].id}`;
}

/** "2026-27" and 2 → "2024-25" */
function yearsBefore(year: string, count: number): string {
  const start = Number(year.slice(0, 4)) - count;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

/** The page of the authority's latest import (the demo imports a learning-system export for each). */
async function latestImportPath(base: string, authorityId: string): Promise<string> {
  const imports = await apiGet<{ items: { importId: string }[] }>(base, `/authorities/${authorityId}/imports`);
  if (!imports.items[0]) throw new Error(`The demo has no import for ${authorityId}`);
  return `/app/authorities/${authorityId}/training/imports/${imports.items[0].importId}`;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
