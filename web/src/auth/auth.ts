import type { WebConfig } from '../config';

/**
 * Who is signed in, as far as the browser knows: the ID token the API's authorizer expects.
 * Two implementations: Cognito's hosted sign-in (authorization code + PKCE, oidc-client-ts)
 * in AWS, and the local runtime's demo-user chooser for `npm start`.
 */
export interface Auth {
  /** The ID token to send as `Authorization: Bearer`, or undefined when signed out or expired. */
  idToken(): Promise<string | undefined>;
  /** Sends the browser to sign in; comes back to `returnTo` (a path under /app/). */
  signIn(returnTo: string): Promise<void>;
  /** Finishes a sign-in on the callback page; resolves to the path to go back to. */
  completeSignIn(): Promise<string>;
  signOut(): Promise<void>;
  /** Called when the API answers 401: the token is gone or refused. */
  forget(): Promise<void>;
  /**
   * A fresh token for the same person, without a page of sign-in: after they switch partnership,
   * the new token carries the newly chosen one (the sign-in trigger runs again).
   */
  renew(): Promise<void>;
}

export async function createAuth(config: WebConfig): Promise<Auth> {
  if (config.auth.mode === 'local') {
    const { LocalAuth } = await import('./local');
    return new LocalAuth(config.auth.signInUrl);
  }
  // Only AWS builds' config brings the OIDC client library in (its own chunk).
  const { CognitoAuth } = await import('./cognito');
  return new CognitoAuth(config.auth);
}

/** A path inside the app that is safe to return to after sign-in (never another origin). */
export function safeReturnPath(value: string | null | undefined): string {
  const base = import.meta.env.BASE_URL;
  if (!value || !value.startsWith(base) || value.startsWith('//')) return base;
  return value;
}
