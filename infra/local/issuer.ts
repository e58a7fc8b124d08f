import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { ClaimsAndScopeOverrideDetails } from 'aws-lambda';
import { CLAIMS, type Role } from '../../domain/shared/identity';
import type { IdentityStore } from '../../domain/users/membership';
import { signInOverrides } from '../../functions/identity/sign-in';

/** Stands in for the Cognito user pool locally: it signs ID tokens shaped like Cognito's. */
export const LOCAL_ISSUER = 'http://localhost/local-issuer';
export const LOCAL_AUDIENCE = 'prevent-compliance-local';
const ALG = 'ES256';

export interface TokenSubject {
  sub: string;
  tenantId?: string;
  authorityId?: string;
  role?: Role | string;
  /** Extra or overriding claims, for tests of malformed tokens. */
  claims?: Record<string, unknown>;
}

/** Registered claims a test may spoil, to prove the authorizer refuses the token (tests only). */
export interface TokenVariant {
  issuer?: string;
  /** `null` leaves `aud` out (an access token names its app client in `client_id` instead). */
  audience?: string | null;
  /** `exp` as jose reads it ('12h', '-1m'); `null` leaves it out. */
  expiresIn?: string | null;
  /** `nbf` as jose reads it, e.g. '1h' for a token not valid yet. */
  notBefore?: string;
}

export class LocalIssuer {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
  ) {}

  /** A fresh key pair held in memory (tests). */
  static async ephemeral(): Promise<LocalIssuer> {
    const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
    return new LocalIssuer(privateKey, publicKey);
  }

  /**
   * The key pair kept in a git-ignored file, so tokens minted by `npm run token` work
   * against a running `npm start`, and across restarts.
   */
  static async persistent(file: string): Promise<LocalIssuer> {
    if (!existsSync(file)) {
      const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify({ privateKey: await exportJWK(privateKey), publicKey: await exportJWK(publicKey) }), { mode: 0o600 });
    }
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { privateKey: JWK; publicKey: JWK };
    return new LocalIssuer((await importJWK(stored.privateKey, ALG)) as CryptoKey, (await importJWK(stored.publicKey, ALG)) as CryptoKey);
  }

  /** `expiresIn: null` mints a token without `exp`, which `verify` refuses (tests only). */
  async mint(subject: TokenSubject, expiresIn: string | null = '12h'): Promise<string> {
    return this.mintVariant(subject, { expiresIn });
  }

  /** A token with the registered claims a test asks for, signed with this issuer's key (tests only). */
  async mintVariant(subject: TokenSubject, variant: TokenVariant): Promise<string> {
    const expiresIn = variant.expiresIn === undefined ? '12h' : variant.expiresIn;
    const payload: JWTPayload = {
      token_use: 'id',
      ...(subject.tenantId ? { [CLAIMS.tenantId]: subject.tenantId } : {}),
      ...(subject.authorityId ? { [CLAIMS.authorityId]: subject.authorityId } : {}),
      ...(subject.role ? { [CLAIMS.groups]: [subject.role] } : {}),
      ...subject.claims,
    };
    const jwt = new SignJWT(payload).setProtectedHeader({ alg: ALG }).setIssuer(variant.issuer ?? LOCAL_ISSUER).setSubject(subject.sub).setIssuedAt();
    const audience = variant.audience === undefined ? LOCAL_AUDIENCE : variant.audience;
    if (audience !== null) jwt.setAudience(audience);
    if (expiresIn !== null) jwt.setExpirationTime(expiresIn);
    if (variant.notBefore) jwt.setNotBefore(variant.notBefore);
    return jwt.sign(this.privateKey);
  }

  /**
   * Signs a person in as Cognito does with the pre-token-generation trigger: the same
   * resolution (functions/identity/sign-in.ts) over the same records picks the membership,
   * and its overrides are applied to the token the same way. Undefined when the person
   * belongs to no partnership (Cognito refuses that sign-in).
   */
  async signIn(store: IdentityStore, sub: string, expiresIn: string = '12h'): Promise<string | undefined> {
    const overrides = await signInOverrides(store, sub);
    if (!overrides) return undefined;
    return this.mint({ sub, claims: applyOverrides(overrides) }, expiresIn);
  }

  /** The refresh-token grant's stand-in: a fresh token for the person this valid token names, resolved again. */
  async refresh(store: IdentityStore, idToken: string, expiresIn: string = '12h'): Promise<string | undefined> {
    const { sub } = await this.verify(idToken);
    return sub ? this.signIn(store, sub, expiresIn) : undefined;
  }

  /**
   * Verifies what API Gateway's JWT authorizer verifies: the signature with the pool's key and
   * algorithm only (jose refuses `alg: none` and any algorithm not listed), `iss`, `exp` (required:
   * a token that never expires is refused), `nbf` and `iat` when present, and the audience: `aud`
   * when the token has one (ID tokens), else `client_id` (access tokens) must name the app client.
   */
  async verify(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.publicKey, { issuer: LOCAL_ISSUER, algorithms: [ALG], requiredClaims: ['exp'] });
    if (!audienceMatches(payload)) throw new Error('The token is not for this app client.');
    return payload;
  }
}

/** API Gateway's rule: `aud` must name the app client; a token without `aud` must carry it in `client_id`. */
function audienceMatches(payload: JWTPayload): boolean {
  if (payload.aud !== undefined) return Array.isArray(payload.aud) ? payload.aud.includes(LOCAL_AUDIENCE) : payload.aud === LOCAL_AUDIENCE;
  return payload.client_id === LOCAL_AUDIENCE;
}

/** The ID-token claims Cognito would issue from a trigger's answer (the claims this API reads). */
function applyOverrides(details: ClaimsAndScopeOverrideDetails): Record<string, unknown> {
  const claims: Record<string, unknown> = { ...details.idTokenGeneration?.claimsToAddOrOverride };
  for (const name of details.idTokenGeneration?.claimsToSuppress ?? []) delete claims[name];
  if (details.groupOverrideDetails?.groupsToOverride) claims[CLAIMS.groups] = details.groupOverrideDetails.groupsToOverride;
  return claims;
}
