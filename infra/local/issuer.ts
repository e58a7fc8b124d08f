import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { CLAIMS, type Role } from '../../domain/shared/identity';

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
    const payload: JWTPayload = {
      token_use: 'id',
      ...(subject.tenantId ? { [CLAIMS.tenantId]: subject.tenantId } : {}),
      ...(subject.authorityId ? { [CLAIMS.authorityId]: subject.authorityId } : {}),
      ...(subject.role ? { [CLAIMS.groups]: [subject.role] } : {}),
      ...subject.claims,
    };
    const jwt = new SignJWT(payload).setProtectedHeader({ alg: ALG }).setIssuer(LOCAL_ISSUER).setAudience(LOCAL_AUDIENCE).setSubject(subject.sub).setIssuedAt();
    if (expiresIn !== null) jwt.setExpirationTime(expiresIn);
    return jwt.sign(this.privateKey);
  }

  /**
   * Verifies signature, issuer, audience and expiry, as API Gateway's JWT authorizer does —
   * which also requires an `exp` claim: a token that never expires is refused.
   */
  async verify(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.publicKey, { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, algorithms: [ALG], requiredClaims: ['exp'] });
    return payload;
  }
}
