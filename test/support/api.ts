import { createGateway, type Gateway } from '../../infra/local/gateway';
import { LocalIssuer, type TokenSubject } from '../../infra/local/issuer';

export interface ApiResponse<T = any> {
  status: number;
  headers: Record<string, string>;
  body: T;
  text: string;
  /** A binary answer's bytes (a Word document). */
  bytes?: Buffer;
}

/**
 * Sends requests through the local API Gateway stand-in (real JWT verification) to the
 * real handler modules, exactly as `npm start` does, without opening a socket.
 */
export class TestApi {
  private constructor(
    readonly issuer: LocalIssuer,
    readonly gateway: Gateway,
  ) {}

  static async create(): Promise<TestApi> {
    const issuer = await LocalIssuer.ephemeral();
    return new TestApi(issuer, createGateway({ issuer }));
  }

  token(subject: TokenSubject): Promise<string> {
    return this.issuer.mint(subject);
  }

  async request<T = any>(
    method: string,
    url: string,
    options: { token?: string; body?: unknown; rawBody?: string | Uint8Array; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | Uint8Array | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    if (options.rawBody !== undefined) headers['content-type'] ??= 'application/json';
    const res = await this.gateway.handle({ method, url, headers, body });
    let parsed: unknown = undefined;
    try {
      parsed = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, headers: res.headers, body: parsed as T, text: res.body, ...(res.binary ? { bytes: res.binary } : {}) };
  }
}
