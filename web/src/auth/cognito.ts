import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { safeReturnPath, type Auth } from './auth';

interface CognitoSettings {
  authority: string;
  clientId: string;
  signInDomain: string;
}

/**
 * Cognito's hosted sign-in: OAuth 2.0 authorization code with PKCE (oidc-client-ts does the
 * code verifier, state and token exchange), silent renewal with the refresh token before the
 * ID token expires, and sign-out at the sign-in domain's /logout (Cognito has no
 * end_session_endpoint in its discovery document).
 */
export class CognitoAuth implements Auth {
  private readonly manager: UserManager;
  private readonly base = import.meta.env.BASE_URL;

  constructor(private readonly settings: CognitoSettings) {
    const origin = window.location.origin;
    this.manager = new UserManager({
      authority: settings.authority,
      client_id: settings.clientId,
      redirect_uri: `${origin}${this.base}auth/callback`,
      post_logout_redirect_uri: `${origin}${this.base}signed-out`,
      response_type: 'code',
      scope: 'openid email profile',
      automaticSilentRenew: true,
      userStore: new WebStorageStateStore({ store: window.sessionStorage }),
      metadataSeed: {
        authorization_endpoint: `${settings.signInDomain}/oauth2/authorize`,
        token_endpoint: `${settings.signInDomain}/oauth2/token`,
        revocation_endpoint: `${settings.signInDomain}/oauth2/revoke`,
        end_session_endpoint: `${settings.signInDomain}/logout`,
      },
    });
  }

  async idToken() {
    const user = await this.manager.getUser();
    if (!user || user.expired) return undefined;
    return user.id_token;
  }

  async signIn(returnTo: string) {
    await this.manager.signinRedirect({ state: { returnTo: safeReturnPath(returnTo) } });
  }

  async completeSignIn() {
    const user = await this.manager.signinCallback();
    const state = user?.state as { returnTo?: string } | undefined;
    return safeReturnPath(state?.returnTo);
  }

  async signOut() {
    // First stop renewing: a renewal still in flight would otherwise store the user again.
    this.manager.stopSilentRenew();
    await this.manager.removeUser();
    // Cognito's logout takes client_id and logout_uri rather than the OIDC parameters.
    const logout = new URL(`${this.settings.signInDomain}/logout`);
    logout.searchParams.set('client_id', this.settings.clientId);
    logout.searchParams.set('logout_uri', `${window.location.origin}${this.base}signed-out`);
    window.location.assign(logout.toString());
  }

  async forget() {
    await this.manager.removeUser();
  }

  async renew() {
    // The refresh-token grant: Cognito runs the pre-token trigger again, which reads the new choice.
    await this.manager.signinSilent();
  }
}
