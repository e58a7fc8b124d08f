import { createHash, randomUUID } from 'node:crypto';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, type LocalIssuer } from '../../../infra/local/issuer';
import type { DemoUser, WebRequest, WebResponse } from '../../../infra/local/web';
import type { IdentityStore } from '../../../domain/users/membership';

export const FAKE_COGNITO_PATH = '/fake-cognito';

/**
 * A stand-in for the Cognito user pool's OAuth 2.0 endpoints, strict where it matters to the
 * web app's sign-in code: the authorization-code grant only, PKCE with S256 required and
 * checked, one-time codes bound to their redirect URI, refresh tokens, and Cognito's /logout
 * (client_id + logout_uri). ID tokens come from the local issuer, so the API accepts them; with
 * `identities`, every token (code or refresh grant) carries the person's resolved membership, as
 * Cognito's pre-token trigger puts it there.
 */
export function fakeCognito(options: { issuer: LocalIssuer; tenantId: string; idTokenSeconds?: number; identities?: IdentityStore }) {
  const codes = new Map<string, { challenge: string; user: DemoUser; redirectUri: string }>();
  const refreshTokens = new Map<string, DemoUser>();
  const log: string[] = [];
  let nextUser: DemoUser | undefined;
  const lifetime = options.idTokenSeconds ?? 3600;

  const json = (statusCode: number, body: unknown): WebResponse => ({ statusCode, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(body) });
  const redirect = (location: string): WebResponse => ({ statusCode: 302, headers: { location }, body: '' });
  const tokens = async (user: DemoUser) => {
    const refresh = randomUUID();
    refreshTokens.set(refresh, user);
    const id_token = options.identities
      ? await options.issuer.signIn(options.identities, user.sub, `${lifetime}s`)
      : await options.issuer.mint({ sub: user.sub, tenantId: options.tenantId, role: user.role, authorityId: user.authorityId }, `${lifetime}s`);
    // The trigger refuses a person with no membership: Cognito then issues no token.
    if (!id_token) return json(400, { error: 'invalid_grant' });
    return json(200, { id_token, access_token: randomUUID(), refresh_token: refresh, token_type: 'Bearer', expires_in: lifetime });
  };

  async function handle(req: WebRequest): Promise<WebResponse | undefined> {
    const url = new URL(req.url, 'http://localhost');
    if (!url.pathname.startsWith(`${FAKE_COGNITO_PATH}/`)) return undefined;
    const path = url.pathname.slice(FAKE_COGNITO_PATH.length);
    const q = url.searchParams;
    if (path === '/.well-known/openid-configuration') {
      // The app seeds the endpoints from the sign-in domain, as it must for Cognito; the issuer comes from here.
      return json(200, { issuer: LOCAL_ISSUER, jwks_uri: `${FAKE_COGNITO_PATH}/jwks.json`, response_types_supported: ['code'] });
    }
    if (path === '/oauth2/authorize') {
      log.push(`authorize ${q.get('response_type')} ${q.get('code_challenge_method')}`);
      if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) return json(400, { error: 'invalid_request' });
      if (q.get('client_id') !== LOCAL_AUDIENCE || !nextUser) return json(400, { error: 'unauthorized_client' });
      const code = randomUUID();
      codes.set(code, { challenge: q.get('code_challenge')!, user: nextUser, redirectUri: q.get('redirect_uri')! });
      const back = new URL(q.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      return redirect(back.toString());
    }
    if (path === '/oauth2/token' && req.method === 'POST') {
      const form = new URLSearchParams(req.body ?? '');
      const grant = form.get('grant_type');
      log.push(`token ${grant}`);
      if (grant === 'authorization_code') {
        const issued = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        if (!issued || issued.redirectUri !== form.get('redirect_uri')) return json(400, { error: 'invalid_grant' });
        const verifier = form.get('code_verifier') ?? '';
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        if (challenge !== issued.challenge) {
          log.push('pkce mismatch');
          return json(400, { error: 'invalid_grant' });
        }
        log.push('pkce ok');
        return tokens(issued.user);
      }
      if (grant === 'refresh_token') {
        const user = refreshTokens.get(form.get('refresh_token') ?? '');
        return user ? tokens(user) : json(400, { error: 'invalid_grant' });
      }
      return json(400, { error: 'unsupported_grant_type' });
    }
    if (path === '/logout') {
      log.push('logout');
      if (q.get('client_id') !== LOCAL_AUDIENCE || !q.get('logout_uri')) return json(400, { error: 'invalid_request' });
      return redirect(q.get('logout_uri')!);
    }
    return json(404, { error: 'not_found' });
  }

  return {
    handle,
    /** Who the next authorization signs in (the hosted page's username and password, in effect). */
    signInNext(user: DemoUser) {
      nextUser = user;
    },
    /** What the app asked of the provider, in order. */
    log,
  };
}
