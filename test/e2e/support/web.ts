import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { processRecords } from '../../../functions/jobs/report-summaries';
import { dynamo } from '../../../functions/data/client';
import { identityRepository } from '../../../functions/data/repositories';
import { enableStream } from '../../../infra/local/dynamodb';
import { createGateway } from '../../../infra/local/gateway';
import { LocalIssuer } from '../../../infra/local/issuer';
import { DEMO_PARTNERSHIP } from '../../../infra/local/seed';
import { loadDemo } from '../../../infra/local/snapshot';
import { startServer, type LocalServer } from '../../../infra/local/server';
import { startStreamPoller } from '../../../infra/local/stream-poller';
import { createWebApp, type DemoUser } from '../../../infra/local/web';
import { startLocalImportQueue, type LocalImportQueue } from '../../../infra/local/import-queue';
import { useLocalImportQueue } from '../../../functions/jobs/import-queue';
import { useFreshTable } from '../../support/table';
import { FAKE_COGNITO_PATH, fakeCognito } from './fake-cognito';
import { LOCAL_AUDIENCE } from '../../../infra/local/issuer';
import type { WebConfig } from '../../../infra/web-app';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const WEB_DIST = `${ROOT}web/dist`;
/** Debian's package (installed by .ci/run); never a browser downloaded by Playwright. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Waits are for readiness, never budgets: a slow, loaded 2-core machine must pass. */
export const WAIT_MS = 120_000;

export interface WebHarness {
  /** e.g. http://localhost:41234 */
  url: string;
  browser: Browser;
  issuer: LocalIssuer;
  users: readonly DemoUser[];
  tenantId: string;
  /** Resolves once the report summaries have consumed every change so far. */
  settle(): Promise<void>;
  /** A token for a seeded user (to arrange data through the API, as another user would). */
  tokenFor(user: DemoUser): Promise<string>;
  /** With `useWebApp({ signIn: 'cognito' })`: the OAuth provider the app signs in with. */
  cognito?: ReturnType<typeof fakeCognito>;
  /** With `useWebApp({ imports: true })`: the local import queue that runs import jobs (the real worker, a process per delivery). */
  imports?: LocalImportQueue;
  /** A fresh browser context and page, with CSP violations and page errors collected. */
  newPage(): Promise<{ context: BrowserContext; page: Page; problems: string[] }>;
}

/**
 * The whole local stack for browser tests, as `npm start` runs it: a fresh table with the demo
 * partnership, the report-summary consumer on its stream, the API Gateway stand-in with the
 * real handlers, and the built web app with its local sign-in page — on a free port, driven
 * by Debian's Chromium through playwright-core.
 */
export function useWebApp(options: { signIn?: 'local' | 'cognito'; idTokenSeconds?: number; imports?: boolean } = {}): () => WebHarness {
  useFreshTable();
  let harness: WebHarness | undefined;
  let server: LocalServer | undefined;
  let browser: Browser | undefined;
  let poller: Awaited<ReturnType<typeof startStreamPoller>> | undefined;
  let imports: LocalImportQueue | undefined;

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}/index.html`)) throw new Error('web/dist is missing: run `npm run build:web` (npm test does it first).');
    // As npm start: the demo with its summaries from today's snapshot (the first file to need it
    // in a day seeds its own table and saves it; the others wait and load it, a fraction of the
    // seed's time), then the stream consumer for later writes.
    const { seed } = await loadDemo();
    const endpoint = inject('dynamoEndpoint');
    const tableName = process.env.TABLE_NAME!;
    await enableStream(endpoint, tableName);
    poller = await startStreamPoller({ endpoint, tableName, consume: (records) => processRecords(records), intervalMs: 100 });

    // Opt-in: import jobs (POST …/imports) go to a local queue that runs the real worker, as `npm start` does.
    if (options.imports) {
      imports = startLocalImportQueue({ visibilityMs: 1000 });
      useLocalImportQueue(imports);
    }

    const issuer = await LocalIssuer.ephemeral();
    // As npm start: the person's memberships and choice decide the token's partnership.
    const identities = identityRepository(dynamo());
    const mint = async (user: DemoUser) => {
      const token = await issuer.signIn(identities, user.sub, '2h');
      if (!token) throw new Error(`${user.label} belongs to no partnership`);
      return token;
    };
    // 'cognito': the app's production sign-in code (oidc-client-ts, code + PKCE) against a stand-in provider.
    const cognito = options.signIn === 'cognito' ? fakeCognito({ issuer, tenantId: seed.tenantId, idTokenSeconds: options.idTokenSeconds, identities }) : undefined;
    const web = createWebApp({ distDir: WEB_DIST, demo: { users: () => seed.users, mint, refresh: (token) => issuer.refresh(identities, token, '2h'), partnershipName: DEMO_PARTNERSHIP.name }, storageOrigin: process.env.S3_ENDPOINT });
    const handle = async (req: { method: string; url: string; body?: string }) => {
      if (cognito && req.url === '/app/config.json') {
        const provider = `${server!.url}${FAKE_COGNITO_PATH}`;
        const config: WebConfig = { apiUrl: '', auth: { mode: 'cognito', authority: provider, clientId: LOCAL_AUDIENCE, signInDomain: provider } };
        return { statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(config) };
      }
      return (await cognito?.handle(req)) ?? web.handle(req);
    };
    server = await startServer({ gateway: createGateway({ issuer }), web: { handle } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const b = browser;
    const url = server.url;
    harness = {
      url,
      browser: b,
      issuer,
      users: seed.users,
      tenantId: seed.tenantId,
      cognito,
      imports,
      settle: () => poller!.settle(),
      tokenFor: mint,
      async newPage() {
        const context = await bounded(b.newContext({ baseURL: url, locale: 'en-GB', timezoneId: 'Europe/London', acceptDownloads: true }), 'opening a browser context');
        // Closing never hangs a test. Once in CI a test ran into its 300 s limit with every
        // Playwright wait bounded; the unbounded calls were these, and that test closed its
        // context mid-navigation. The browser goes in afterAll anyway.
        const close = context.close.bind(context);
        context.close = (options) =>
          bounded(close(options), 'closing the browser context').catch((error: Error) => console.warn(`${error.message}; left to browser.close()`));
        const page = await bounded(context.newPage(), 'opening a page');
        page.setDefaultTimeout(WAIT_MS);
        page.setDefaultNavigationTimeout(WAIT_MS);
        const problems: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error' && /Content.Security.Policy|Refused to/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
        });
        page.on('pageerror', (error) => problems.push(`Page error: ${error.message}`));
        return { context, page, problems };
      },
    };
  });

  afterAll(async () => {
    // Bounded too: a browser that will not close is left to Playwright's exit handler, which kills it.
    if (browser) await bounded(browser.close(), 'closing the browser').catch((error: Error) => console.warn(error.message));
    await server?.close().catch(() => undefined);
    poller?.stop();
    if (imports) {
      imports.stop();
      useLocalImportQueue(undefined);
    }
  });

  return () => {
    if (!harness) throw new Error('useWebApp(): the harness is ready only inside tests');
    return harness;
  };
}

/** Signs in through the local sign-in page as the demo user with this label (see infra/local/seed.ts). */
export async function signInAs(page: Page, label: string, path = '/app/'): Promise<void> {
  await page.goto(path);
  await page.waitForURL(/\/local\/sign-in/);
  await page.getByLabel(label, { exact: true }).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/app/') && !u.pathname.startsWith('/app/auth/'));
  await waitForPage(page);
}

/** Waits until the page has a heading and no loading message (the app has settled). */
export async function waitForPage(page: Page): Promise<void> {
  await page.locator('h1').first().waitFor();
  // Through locators, not waitForFunction: its polling evaluates a string, which the app's CSP (no unsafe-eval) refuses.
  await page.locator('.app-loading').first().waitFor({ state: 'detached' });
}

/** page.evaluate has no timeout of its own: a page that never answers fails the test, saying where. */
function bounded<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer from the page in ${WAIT_MS / 1000} s`)), WAIT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * Runs axe-core in the page (evaluated through the DevTools protocol, so the page's CSP, which
 * forbids inline script, need not be loosened) against WCAG 2.0/2.1/2.2 A and AA, and fails on
 * any serious or critical violation, listing each.
 */
export async function expectAccessible(page: Page, what = page.url()): Promise<void> {
  await waitForPage(page);
  // Strings, not functions: they run in the page, and this file is not typed against the DOM.
  const hasAxe = await bounded(page.evaluate<boolean>("typeof window.axe !== 'undefined'"), `${what}: checking for axe`);
  if (!hasAxe) await bounded(page.evaluate(AXE_SOURCE), `${what}: injecting axe`);
  const violations = await bounded(page.evaluate<AxeViolation[]>(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'] }, resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) })))`), `${what}: running axe`);
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, `${what}: axe found serious/critical violations:\n${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

/** A demo user by label, e.g. 'Steering group chair'. */
export function demoUser(users: readonly DemoUser[], label: string): DemoUser {
  const user = users.find((u) => u.label === label);
  if (!user) throw new Error(`No demo user labelled "${label}": ${users.map((u) => u.label).join(', ')}`);
  return user;
}
