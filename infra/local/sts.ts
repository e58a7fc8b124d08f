import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { listenLocal } from './dynamodb';

/**
 * A tiny stand-in for AWS STS, for `npm start` and the tests, so tenant requests take the same
 * code path as in AWS: the API's credential provider (the SDK's `fromTemporaryCredentials`)
 * calls AssumeRole here over the STS Query API and gets short-lived credentials back as XML.
 * Like the tenant role's trust policy, it refuses a call without exactly one session tag,
 * `tenantId`. It counts the calls and remembers every credential it issued, with its tag and
 * expiry, so a test can tell how many calls a run made and which partnership each access key
 * belongs to, and the S3 stand-in can check presigned URLs signed with them.
 *
 * Test hooks over HTTP (the tests run in other processes than the one that starts it):
 * `GET /_issued` lists the issued credentials (without secrets); `POST /_lifetime` with
 * `{ "tenantId": …, "seconds": … }` makes the next credentials of that partnership expire
 * after `seconds` (the DurationSeconds asked for otherwise), `seconds: null` resets it.
 */
export const LOCAL_TENANT_ROLE_ARN = 'arn:aws:iam::000000000000:role/local-tenant-access';
/** The stand-in does not check signatures; the provider still needs credentials to sign with. */
export const LOCAL_STS_CREDENTIALS = { accessKeyId: 'local-sts-caller', secretAccessKey: 'local-sts-caller-secret' };

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  tenantId: string;
  sessionName: string;
  roleArn: string;
}

export interface RunningSts {
  endpoint: string;
  /** The credentials issued under an access key id, for the S3 stand-in's signature check. */
  lookup(accessKeyId: string): IssuedCredentials | undefined;
  issued(): readonly IssuedCredentials[];
  stop(): Promise<void>;
}

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

function errorXml(code: string, message: string): string {
  return `<ErrorResponse xmlns="${STS_NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Session tags of a Query API request: Tags.member.N.Key / Tags.member.N.Value. */
function sessionTags(params: URLSearchParams): Map<string, string> {
  const tags = new Map<string, string>();
  for (const [name, key] of params) {
    const m = /^Tags\.member\.(\d+)\.Key$/.exec(name);
    if (m) tags.set(key, params.get(`Tags.member.${m[1]}.Value`) ?? '');
  }
  return tags;
}

export async function startLocalSts(port?: number): Promise<RunningSts> {
  const issued: IssuedCredentials[] = [];
  const byKey = new Map<string, IssuedCredentials>();
  const lifetimes = new Map<string, number>();

  const server: Server = createServer(async (req, res) => {
    const reply = (status: number, contentType: string, body: string) => res.writeHead(status, { 'content-type': contentType }).end(body);
    const fail = (status: number, code: string, message: string) => reply(status, 'text/xml', errorXml(code, message));
    try {
      const url = new URL(req.url ?? '/', 'http://sts.local');
      if (req.method === 'GET' && url.pathname === '/_issued') {
        return reply(200, 'application/json', JSON.stringify(issued.map(({ secretAccessKey: _s, sessionToken: _t, ...rest }) => rest)));
      }
      if (req.method === 'POST' && url.pathname === '/_lifetime') {
        const { tenantId, seconds } = JSON.parse(await readBody(req)) as { tenantId: string; seconds: number | null };
        if (seconds === null) lifetimes.delete(tenantId);
        else lifetimes.set(tenantId, seconds);
        return reply(204, 'text/plain', '');
      }
      if (req.method !== 'POST') return fail(405, 'InvalidAction', 'POST only');
      const params = new URLSearchParams(await readBody(req));
      if (params.get('Action') !== 'AssumeRole') return fail(400, 'InvalidAction', `Unsupported action ${params.get('Action')}`);
      if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256')) return fail(403, 'MissingAuthenticationToken', 'Request is not signed');
      const roleArn = params.get('RoleArn') ?? '';
      const sessionName = params.get('RoleSessionName') ?? '';
      if (!roleArn || !sessionName) return fail(400, 'ValidationError', 'RoleArn and RoleSessionName are required');
      // As the tenant role's trust policy: the tenantId tag present, and no other tag.
      const tags = sessionTags(params);
      const tenantId = tags.get('tenantId');
      if (!tenantId) return fail(403, 'AccessDenied', 'AssumeRole without the tenantId session tag');
      if (tags.size !== 1) return fail(403, 'AccessDenied', `Only the tenantId session tag is allowed, not ${[...tags.keys()].join(', ')}`);
      const duration = Number(params.get('DurationSeconds') ?? 3600);
      if (!Number.isInteger(duration) || duration < 900 || duration > 43_200) return fail(400, 'ValidationError', 'DurationSeconds must be 900–43200');
      const lifetime = lifetimes.get(tenantId) ?? duration;

      const credentials: IssuedCredentials = {
        accessKeyId: `ASIALOCAL${randomBytes(6).toString('hex').toUpperCase()}`,
        secretAccessKey: randomBytes(20).toString('base64'),
        sessionToken: randomBytes(24).toString('base64'),
        // Whole seconds, as STS answers.
        expiration: new Date(Math.floor(Date.now() / 1000) * 1000 + lifetime * 1000),
        tenantId,
        sessionName,
        roleArn,
      };
      issued.push(credentials);
      byKey.set(credentials.accessKeyId, credentials);
      return reply(
        200,
        'text/xml',
        `<AssumeRoleResponse xmlns="${STS_NS}"><AssumeRoleResult>` +
          `<AssumedRoleUser><Arn>${xmlEscape(roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/'))}/${xmlEscape(sessionName)}</Arn><AssumedRoleId>AROALOCAL:${xmlEscape(sessionName)}</AssumedRoleId></AssumedRoleUser>` +
          `<Credentials><AccessKeyId>${credentials.accessKeyId}</AccessKeyId><SecretAccessKey>${xmlEscape(credentials.secretAccessKey)}</SecretAccessKey>` +
          `<SessionToken>${xmlEscape(credentials.sessionToken)}</SessionToken><Expiration>${credentials.expiration.toISOString()}</Expiration></Credentials>` +
          `<PackedPolicySize>1</PackedPolicySize></AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
      );
    } catch (error) {
      return fail(400, 'BadRequest', (error as Error).message);
    }
  });
  const { endpoint, stop } = await listenLocal(server, port);
  return {
    endpoint,
    lookup: (accessKeyId) => byKey.get(accessKeyId),
    issued: () => issued,
    stop,
  };
}

/** What a test reads from a running stand-in over HTTP (`GET /_issued`). */
export async function issuedBy(endpoint: string): Promise<(Omit<IssuedCredentials, 'secretAccessKey' | 'sessionToken' | 'expiration'> & { expiration: string })[]> {
  const res = await fetch(`${endpoint}/_issued`);
  return (await res.json()) as never;
}

/** Makes the stand-in's next credentials for a partnership expire after `seconds` (null resets). */
export async function setLifetime(endpoint: string, tenantId: string, seconds: number | null): Promise<void> {
  await fetch(`${endpoint}/_lifetime`, { method: 'POST', body: JSON.stringify({ tenantId, seconds }) });
}
