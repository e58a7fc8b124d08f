import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { APP_BASE_PATH, AUTH_CALLBACK_PATH, webSecurityHeaders, type WebConfig } from '../web-app';

/**
 * The web app for `npm start` and the browser tests: the built static files (web/dist) under
 * /app/ with the same security headers CloudFront sends (less HSTS, this is http://localhost),
 * the app's config.json, and the local-only sign-in page that lists the demo users. That page
 * is this module's, never part of the web build: in AWS sign-in is Cognito's.
 */
export interface DemoUser {
  sub: string;
  label: string;
  role: string;
  authorityId?: string;
  email?: string;
}

export interface WebRequest {
  method: string;
  url: string;
  body?: string;
  headers?: Record<string, string | undefined>;
}

export interface WebResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface WebOptions {
  /** The Vite build (web/dist). */
  distDir: string;
  /**
   * The seeded people the sign-in page offers, and how to sign one in: the token's partnership
   * is the one their memberships and choice resolve to (LocalIssuer.signIn), as Cognito's
   * trigger does; undefined when they belong to none. `refresh` is the local stand-in for the
   * refresh-token grant: a fresh token for the person a still-valid token names.
   */
  demo: {
    users: () => readonly DemoUser[];
    mint: (user: DemoUser) => Promise<string | undefined>;
    refresh?: (idToken: string) => Promise<string | undefined>;
    partnershipName?: string;
  };
  /** The S3 stand-in's origin: the browser PUTs uploads to it with presigned URLs, so the CSP lets it connect there. */
  storageOrigin?: string;
}

export const LOCAL_SIGN_IN_PATH = '/local/sign-in';
/** POST with `Authorization: Bearer <id token>`: a fresh token for the same person (after they switch partnership). */
export const LOCAL_REFRESH_PATH = '/local/refresh';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

const ROLE_ORDER = ['steering-group', 'viewer', 'authority-lead', 'authority-editor'];
const ROLE_NAMES: Record<string, string> = {
  'steering-group': 'Steering group',
  viewer: 'Viewer (read-only: scrutiny, audit)',
  'authority-lead': 'Authority lead',
  'authority-editor': 'Authority editor',
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function createWebApp(options: WebOptions) {
  const headers = webSecurityHeaders({ connect: options.storageOrigin ? [options.storageOrigin] : [] }, { hsts: false });
  const config: WebConfig = { apiUrl: '', auth: { mode: 'local', signInUrl: LOCAL_SIGN_IN_PATH } };
  const root = normalize(options.distDir);

  const page = (statusCode: number, body: string): WebResponse => ({
    statusCode,
    headers: { ...headers, 'content-type': TYPES['.html'], 'cache-control': 'no-store' },
    body,
  });

  /** The built stylesheet(s) that index.html links, so the sign-in page looks like the app. */
  function stylesheets(): string[] {
    const index = join(root, 'index.html');
    if (!existsSync(index)) return [];
    return [...readFileSync(index, 'utf8').matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)].map((m) => m[1]);
  }

  function signInPage(callback: string, error?: string): WebResponse {
    const users = [...options.demo.users()].sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role));
    const groups = ROLE_ORDER.map((role) => ({ role, users: users.filter((u) => u.role === role) })).filter((g) => g.users.length);
    const radios = groups
      .map(
        (g) => `<h2 class="govuk-heading-m">${escapeHtml(ROLE_NAMES[g.role] ?? g.role)}</h2>
        <div class="govuk-radios" data-module="govuk-radios">
        ${g.users
          .map(
            (u) => `<div class="govuk-radios__item">
            <input class="govuk-radios__input" id="user-${escapeHtml(u.sub)}" name="user" type="radio" value="${escapeHtml(u.sub)}" aria-describedby="user-${escapeHtml(u.sub)}-hint">
            <label class="govuk-label govuk-radios__label" for="user-${escapeHtml(u.sub)}">${escapeHtml(u.label)}</label>
            <div id="user-${escapeHtml(u.sub)}-hint" class="govuk-hint govuk-radios__hint">${escapeHtml(u.role)}${u.authorityId ? ` at ${escapeHtml(u.authorityId)}` : ''}${u.email ? `, ${escapeHtml(u.email)}` : ''}</div>
          </div>`,
          )
          .join('')}
        </div>`,
      )
      .join('');
    const css = stylesheets().map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join('');
    return page(
      error ? 400 : 200,
      `<!doctype html><html lang="en-GB" class="govuk-template"><head><meta charset="utf-8"><title>${error ? 'Error: ' : ''}Choose a demo user – Prevent duty compliance</title>
      <meta name="viewport" content="width=device-width, initial-scale=1">${css}</head>
      <body class="govuk-template__body"><a href="#main-content" class="govuk-skip-link">Skip to main content</a>
      <header class="govuk-generic-header"><div class="govuk-generic-header__container govuk-width-container"><div class="govuk-generic-header__logo"><span class="govuk-generic-header__homepage-link">${escapeHtml(options.demo.partnershipName ?? 'Prevent partnership')}</span></div></div></header>
      <div class="govuk-width-container"><div class="govuk-phase-banner"><p class="govuk-phase-banner__content"><strong class="govuk-tag govuk-phase-banner__content__tag">Local</strong><span class="govuk-phase-banner__text">This sign-in page exists only on your machine (<code>npm start</code>). In AWS you sign in with your account.</span></p></div>
      <main class="govuk-main-wrapper" id="main-content"><div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
      ${error ? `<div class="govuk-error-summary" data-module="govuk-error-summary"><div role="alert"><h2 class="govuk-error-summary__title">There is a problem</h2><div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list"><li><a href="#user-${escapeHtml(users[0]?.sub ?? '')}">${escapeHtml(error)}</a></li></ul></div></div></div>` : ''}
      <form method="post" action="${LOCAL_SIGN_IN_PATH}" novalidate>
      <input type="hidden" name="callback" value="${escapeHtml(callback)}">
      <div class="govuk-form-group${error ? ' govuk-form-group--error' : ''}"><fieldset class="govuk-fieldset"><legend class="govuk-fieldset__legend govuk-fieldset__legend--l"><h1 class="govuk-fieldset__heading">Choose a demo user</h1></legend>
      <p class="govuk-body">Each is a user of the fictional demo partnership, with one role. Sign in as one to see the service as they do.</p>
      ${radios}</fieldset></div>
      <button type="submit" class="govuk-button" data-module="govuk-button">Sign in</button></form>
      </div></div></main></div></body></html>`,
    );
  }

  /** Only a path of this app may be the callback: never a redirect to another site. */
  const safeCallback = (value: string | null | undefined) => (value && value.startsWith(APP_BASE_PATH) && !value.startsWith('//') ? value : AUTH_CALLBACK_PATH);

  async function signIn(req: WebRequest, url: URL): Promise<WebResponse> {
    if (req.method === 'GET' || req.method === 'HEAD') return signInPage(safeCallback(url.searchParams.get('callback')));
    const form = new URLSearchParams(req.body ?? '');
    const callback = safeCallback(form.get('callback'));
    const user = options.demo.users().find((u) => u.sub === form.get('user'));
    if (!user) return signInPage(callback, 'Choose a demo user to sign in as');
    const token = await options.demo.mint(user);
    if (!token) return signInPage(callback, 'This demo user belongs to no partnership any more');
    // In the fragment: never sent to a server, so never in a request log.
    return { statusCode: 303, headers: { ...headers, location: `${callback}#id_token=${encodeURIComponent(token)}`, 'cache-control': 'no-store' }, body: '' };
  }

  /**
   * The refresh-token grant's stand-in. A POST only, with the current token in the header (never
   * in a URL); a token the issuer does not accept, or a person with no membership left, gets 401.
   */
  async function refresh(req: WebRequest): Promise<WebResponse> {
    const json = (statusCode: number, body: unknown): WebResponse => ({ statusCode, headers: { ...headers, 'content-type': TYPES['.json'], 'cache-control': 'no-store' }, body: JSON.stringify(body) });
    if (req.method !== 'POST') return json(405, { message: 'POST only' });
    const bearer = /^Bearer (.+)$/.exec(req.headers?.authorization ?? '')?.[1];
    const token = bearer && options.demo.refresh ? await options.demo.refresh(bearer).catch(() => undefined) : undefined;
    return token ? json(200, { id_token: token }) : json(401, { message: 'Sign in again.' });
  }

  function file(path: string): WebResponse | undefined {
    const full = normalize(join(root, path));
    if (full !== root && !full.startsWith(root + sep)) return undefined;
    if (!existsSync(full) || !statSync(full).isFile()) return undefined;
    const hashed = /^assets\/.+-[A-Za-z0-9_-]{8}\.\w+$/.test(path);
    return {
      statusCode: 200,
      headers: { ...headers, 'content-type': TYPES[extname(full)] ?? 'application/octet-stream', 'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache' },
      body: readFileSync(full),
    };
  }

  function notBuilt(): WebResponse {
    return page(503, '<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Web app not built</title></head><body><h1>The web app has not been built</h1><p>Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it).</p></body></html>');
  }

  /** The response for a web request, or undefined when the request is for the API. */
  async function handle(req: WebRequest): Promise<WebResponse | undefined> {
    let url: URL;
    try {
      url = new URL(req.url, 'http://localhost');
    } catch {
      return undefined;
    }
    const path = url.pathname;
    if (path === LOCAL_SIGN_IN_PATH) return signIn(req, url);
    if (path === LOCAL_REFRESH_PATH) return refresh(req);
    if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
    if (path === '/' || path === APP_BASE_PATH.replace(/\/$/, '')) return { statusCode: 302, headers: { ...headers, location: APP_BASE_PATH }, body: '' };
    if (!path.startsWith(APP_BASE_PATH)) return undefined;
    if (path === `${APP_BASE_PATH}config.json`) {
      return { statusCode: 200, headers: { ...headers, 'content-type': TYPES['.json'], 'cache-control': 'no-store' }, body: JSON.stringify(config) };
    }
    if (!existsSync(join(root, 'index.html'))) return notBuilt();
    const relative = decodeURIComponent(path.slice(APP_BASE_PATH.length));
    const found = relative ? file(relative) : undefined;
    if (found) return found;
    // A missing asset is a 404; any other path is a page of the single-page app.
    if (relative.startsWith('assets/') || extname(relative)) return { statusCode: 404, headers: { ...headers, 'content-type': 'text/plain' }, body: 'Not found' };
    return file('index.html');
  }

  return { handle };
}

export type WebApp = ReturnType<typeof createWebApp>;
