import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { listenLocal } from './dynamodb';

/**
 * A small S3-compatible stand-in for `npm start` and the tests, so the product's real
 * presigning code path (the AWS SDK's presigner) runs locally end to end. It holds objects
 * in memory and checks presigned URLs the way S3 does: the SigV4 signature is recomputed
 * with the SDK's own signer (`@smithy/signature-v4`) over the headers the URL was signed
 * with — so a different Content-Type or Content-Length is refused — and expiry is enforced.
 * Requests signed in the Authorization header (the API's own SDK calls) are accepted for the
 * local access key. Path-style only: /<bucket>/<key>.
 *
 * Tenant requests sign with temporary credentials from the STS stand-in (infra/local/sts.ts):
 * given its `issued` lookup, the stand-in checks those URLs with the issued secret and refuses
 * them once the credentials have expired, as S3 does (a presigned URL dies with its credentials).
 */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'local-s3', secretAccessKey: 'local-s3-secret' };
export const LOCAL_S3_REGION = 'eu-west-2';

interface StoredObject {
  body: Buffer;
  contentType: string;
}

export interface RunningS3 {
  endpoint: string;
  objects: Map<string, StoredObject>;
  stop(): Promise<void>;
}

type SigningCredentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string; tenantId?: string };
/** Credentials the STS stand-in issued, by access key id. */
export type IssuedLookup = (accessKeyId: string) => (SigningCredentials & { expiration: Date }) | undefined;

const signerFor = (credentials: SigningCredentials) =>
  new SignatureV4({ credentials, region: LOCAL_S3_REGION, service: 's3', sha256: Hash.bind(null, 'sha256'), uriEscapePath: false });
const signer = signerFor(LOCAL_S3_CREDENTIALS);

/**
 * As the tenant role's policy (`<bucket>/${aws:PrincipalTag/tenantId}/*`): credentials issued for
 * a partnership reach only object keys that begin with it.
 */
function outsideTenant(credentials: SigningCredentials, rawPath: string): string | undefined {
  if (!credentials.tenantId) return undefined;
  const key = decodeURIComponent(rawPath.replace(/^\/+/, '')).split('/').slice(1).join('/');
  return key.startsWith(`${credentials.tenantId}/`) ? undefined : `AccessDenied: ${key} is outside ${credentials.tenantId}/`;
}

/** The credentials behind an access key id: the local key, or one the STS stand-in issued and that has not expired. */
function credentialsOf(accessKeyId: string, issued: IssuedLookup | undefined): SigningCredentials | 'expired' | undefined {
  if (accessKeyId === LOCAL_S3_CREDENTIALS.accessKeyId) return LOCAL_S3_CREDENTIALS;
  const temporary = issued?.(accessKeyId);
  if (!temporary) return undefined;
  return temporary.expiration.getTime() <= Date.now() ? 'expired' : temporary;
}

const AUTH_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'];

function parseAmzDate(value: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) throw new Error('bad date');
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

/** Recomputes a presigned URL's signature from the request as received. */
async function verifyPresigned(req: IncomingMessage, url: URL, rawPath: string, issued: IssuedLookup | undefined): Promise<string | undefined> {
  const q = url.searchParams;
  const credentials = credentialsOf((q.get('X-Amz-Credential') ?? '').split('/')[0], issued);
  if (credentials === 'expired') return 'ExpiredToken: The provided token has expired';
  if (!credentials) return 'InvalidAccessKeyId';
  const denied = outsideTenant(credentials, rawPath);
  if (denied) return denied;
  const signedAt = parseAmzDate(q.get('X-Amz-Date') ?? '');
  const expiresIn = Number(q.get('X-Amz-Expires'));
  if (Date.now() > signedAt.getTime() + expiresIn * 1000) return 'AccessDenied: Request has expired';
  const signedHeaders = (q.get('X-Amz-SignedHeaders') ?? '').split(';').filter(Boolean);
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = req.headers[name];
    if (value === undefined) return `AccessDenied: signed header ${name} missing`;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of q.entries()) if (!AUTH_PARAMS.includes(k)) query[k] = v;
  // The presigner puts the payload hash (UNSIGNED-PAYLOAD) in a header that it hoists into
  // the query; give it back as a header so the signer hoists it the same way.
  if (query['X-Amz-Content-Sha256']) {
    headers['X-Amz-Content-Sha256'] = query['X-Amz-Content-Sha256'];
    delete query['X-Amz-Content-Sha256'];
  }
  const recomputed = await (credentials === LOCAL_S3_CREDENTIALS ? signer : signerFor(credentials)).presign(
    { method: req.method!, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: rawPath, query, headers },
    { signingDate: signedAt, expiresIn, signableHeaders: new Set(signedHeaders), unhoistableHeaders: new Set(signedHeaders) },
  );
  return recomputed.query?.['X-Amz-Signature'] === q.get('X-Amz-Signature') ? undefined : 'SignatureDoesNotMatch';
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('EntityTooLarge'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A ListObjectsV2 answer for a bucket and prefix, keys in order, never truncated. */
function listing(objects: Map<string, StoredObject>, bucket: string, prefix: string): string {
  const matches = [...objects.entries()].filter(([k]) => k.startsWith(`${bucket}/${prefix}`)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const contents = matches.map(([k, o]) => `<Contents><Key>${xmlText(k.slice(bucket.length + 1))}</Key><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xmlText(bucket)}</Name><Prefix>${xmlText(prefix)}</Prefix><KeyCount>${matches.length}</KeyCount><MaxKeys>${Math.max(1000, matches.length)}</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`;
}

const xmlError = (code: string, message: string) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

export async function startLocalS3(port?: number, options: { issued?: IssuedLookup } = {}): Promise<RunningS3> {
  const objects = new Map<string, StoredObject>();
  const server: Server = createServer(async (req, res) => {
    const fail = (status: number, code: string, message = code) => {
      res.writeHead(status, { 'content-type': 'application/xml' }).end(xmlError(code, message));
    };
    // CORS as the buckets in AWS have it, for the origins of this machine (the web app on
    // localhost uploads import files and documents straight here with presigned URLs).
    const origin = String(req.headers.origin ?? '');
    const localOrigin = /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(origin);
    if (localOrigin) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
      res.setHeader('access-control-expose-headers', 'etag');
    }
    if (req.method === 'OPTIONS') {
      if (!localOrigin) return res.writeHead(403).end();
      return res
        .writeHead(200, {
          'access-control-allow-methods': 'PUT, GET, HEAD',
          'access-control-allow-headers': String(req.headers['access-control-request-headers'] ?? 'content-type'),
          'access-control-max-age': '3000',
        })
        .end();
    }
    try {
      // The path exactly as sent: S3 keys are opaque, and S3 resolves no `.` or `..` segments
      // in them (WHATWG URL parsing would, and turn `a/../b` into another object's key).
      const target = req.url ?? '/';
      const rawPath = target.split('?')[0];
      const url = new URL(target, `http://${req.headers.host}`);
      const key = decodeURIComponent(rawPath.replace(/^\/+/, ''));
      if (url.searchParams.has('X-Amz-Signature')) {
        const problem = await verifyPresigned(req, url, rawPath, options.issued);
        if (problem) return fail(403, problem.split(':')[0], problem);
      } else {
        // Header-signed requests (the API's own SDK calls): the key must be known and unexpired.
        const accessKeyId = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
        const credentials = accessKeyId ? credentialsOf(accessKeyId, options.issued) : undefined;
        if (credentials === 'expired') return fail(400, 'ExpiredToken', 'The provided token has expired');
        if (!credentials) return fail(403, 'AccessDenied', 'Unsigned request');
        const denied = outsideTenant(credentials, rawPath);
        if (denied) return fail(403, 'AccessDenied', denied);
      }
      switch (req.method) {
        case 'PUT': {
          if (!key.includes('/')) return res.writeHead(200).end(); // CreateBucket
          const declared = Number(req.headers['content-length']);
          const body = await readBody(req, Number.isFinite(declared) ? declared : 50 * 1024 * 1024);
          if (Number.isFinite(declared) && body.length !== declared) return fail(400, 'IncompleteBody');
          objects.set(key, { body, contentType: String(req.headers['content-type'] ?? 'application/octet-stream') });
          return res.writeHead(200, { etag: `"${body.length}"` }).end();
        }
        case 'GET':
        case 'HEAD': {
          // ListObjectsV2 (the partnership export lists `<tenantId>/`): one page, every match.
          const bucketOnly = key.replace(/\/$/, '');
          if (!bucketOnly.includes('/') && url.searchParams.get('list-type') === '2') return res.writeHead(200, { 'content-type': 'application/xml' }).end(listing(objects, bucketOnly, url.searchParams.get('prefix') ?? ''));
          const object = objects.get(key);
          if (!object) return req.method === 'HEAD' ? res.writeHead(404).end() : fail(404, 'NoSuchKey');
          const headers: Record<string, string | number> = { 'content-type': object.contentType, 'content-length': object.body.length };
          const disposition = url.searchParams.get('response-content-disposition');
          if (disposition) headers['content-disposition'] = disposition;
          res.writeHead(200, headers);
          return req.method === 'HEAD' ? res.end() : res.end(object.body);
        }
        case 'DELETE':
          objects.delete(key);
          return res.writeHead(204).end();
        default:
          return fail(405, 'MethodNotAllowed');
      }
    } catch (error) {
      return fail(400, 'BadRequest', (error as Error).message);
    }
  });
  const { endpoint, stop } = await listenLocal(server, port);
  return {
    endpoint,
    objects,
    stop,
  };
}
