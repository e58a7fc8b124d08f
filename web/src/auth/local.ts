import { safeReturnPath, type Auth } from './auth';

const KEY = 'prevent.local.idToken';
const RETURN_KEY = 'prevent.local.returnTo';

function expired(token: string): boolean {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    return !payload.exp || payload.exp * 1000 <= Date.now();
  } catch {
    return true;
  }
}

/**
 * `npm start` only: the local runtime's chooser (infra/local/web.ts) mints a token for
 * a seeded demo user and sends the browser back to the callback with it in the fragment
 * (never in a query string, so never in a server log). Kept for the tab's session only.
 */
export class LocalAuth implements Auth {
  constructor(private readonly signInUrl: string) {}

  async idToken() {
    const token = sessionStorage.getItem(KEY) ?? undefined;
    if (token && expired(token)) {
      sessionStorage.removeItem(KEY);
      return undefined;
    }
    return token;
  }

  async signIn(returnTo: string) {
    sessionStorage.setItem(RETURN_KEY, safeReturnPath(returnTo));
    window.location.assign(`${this.signInUrl}?callback=${encodeURIComponent(`${import.meta.env.BASE_URL}auth/callback`)}`);
  }

  async completeSignIn() {
    const params = new URLSearchParams(window.location.hash.slice(1));
    const token = params.get('id_token');
    history.replaceState(null, '', window.location.pathname);
    if (!token || expired(token)) throw new Error('The sign-in did not return a valid token.');
    sessionStorage.setItem(KEY, token);
    const returnTo = safeReturnPath(sessionStorage.getItem(RETURN_KEY));
    sessionStorage.removeItem(RETURN_KEY);
    return returnTo;
  }

  async signOut() {
    sessionStorage.removeItem(KEY);
    window.location.assign(`${import.meta.env.BASE_URL}signed-out`);
  }

  async forget() {
    sessionStorage.removeItem(KEY);
  }

  /**
   * The local stand-in for the refresh-token grant (infra/local/web.ts): the current token in the
   * header, a fresh one for the same person back, resolved to their partnership as at sign-in.
   */
  async renew() {
    const token = await this.idToken();
    if (!token) throw new Error('You are not signed in.');
    const response = await fetch(this.signInUrl.replace(/sign-in$/, 'refresh'), { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json().catch(() => ({}))) as { id_token?: string };
    if (!response.ok || !body.id_token || expired(body.id_token)) throw new Error('Your session could not be renewed. Sign in again.');
    sessionStorage.setItem(KEY, body.id_token);
  }
}
