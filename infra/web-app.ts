import { APP_PAGES_PREFIX } from '../domain/reminders/due';

/**
 * The web app's security headers, defined once: CloudFront's response-headers policy
 * (infra/constructs/web-hosting.ts) and the local server (infra/local/server.ts) both send
 * them, so the browser tests run the app under the same Content-Security-Policy as AWS.
 */
export interface CspOrigins {
  /** Where the app may fetch: the API, the Cognito sign-in domain and the user pool's issuer. */
  connect?: readonly string[];
  /** Where forms may post and navigations may go after a form: the sign-in domain. */
  formAction?: readonly string[];
}

/**
 * Strict: no inline script or style, nothing from another origin except the listed fetch
 * targets, never framed (clickjacking), no <base> or plugins.
 */
export function contentSecurityPolicy(origins: CspOrigins = {}): string {
  const list = (extra: readonly string[] | undefined) => ["'self'", ...(extra ?? [])].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${list(origins.connect)}`,
    `form-action ${list(origins.formAction)}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
    "manifest-src 'self'",
  ].join('; ');
}

/** One year, subdomains included (the app's own host only; preload is the operator's choice). */
export const HSTS_MAX_AGE_SECONDS = 31_536_000;

/** The headers every response of the web app carries, as name → value. */
export function webSecurityHeaders(origins: CspOrigins = {}, options: { hsts?: boolean } = {}): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(origins),
    ...(options.hsts === false ? {} : { 'strict-transport-security': `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains` }),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  };
}

/** Path prefix the single-page app is served under, locally and in CloudFront: where reminder links point. */
export const APP_BASE_PATH = `${APP_PAGES_PREFIX}/`;

/**
 * `<APP_BASE_PATH>config.json`: what one build of the web app needs to know about the
 * environment it runs in. The CDK stack writes it next to the static files; the local
 * server answers it itself. The app reads it before anything else.
 */
export type WebConfig =
  | {
      /** The API's base URL without a trailing slash; '' for the same origin (local). */
      apiUrl: string;
      auth: {
        mode: 'cognito';
        /** OIDC issuer: https://cognito-idp.<region>.amazonaws.com/<userPoolId> */
        authority: string;
        clientId: string;
        /** The user pool's sign-in (hosted/managed login) domain, https://… */
        signInDomain: string;
      };
    }
  | {
      apiUrl: string;
      /** Local runtime only: the demo-user chooser at signInUrl hands back a token. */
      auth: { mode: 'local'; signInUrl: string };
    };

/** Where Cognito sends the browser back after sign-in and after sign-out (under APP_BASE_PATH). */
export const AUTH_CALLBACK_PATH = `${APP_BASE_PATH}auth/callback`;
export const SIGNED_OUT_PATH = `${APP_BASE_PATH}signed-out`;
