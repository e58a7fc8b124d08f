import { randomBytes } from 'node:crypto';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { newPartnership } from '../../domain/partnerships/partnership';
import { systemClock } from '../../domain/shared/ports';
import { tenantDynamo } from '../../functions/data/client';
import { REFRESH_BEFORE_EXPIRY_MS } from '../../functions/data/tenant-credentials';
import { TenantGuardError } from '../../functions/data/tenant-guard';
import { systemDeps, tenantDeps, ulidIds } from '../../functions/shared/deps';
import { issuedBy, LOCAL_STS_CREDENTIALS, LOCAL_TENANT_ROLE_ARN, setLifetime } from '../../infra/local/sts';
import { TestApi } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { useFreshTable } from '../support/table';

useFreshTable();

/**
 * Tenant credentials through the real handlers: every request of a partnership reaches DynamoDB
 * with credentials the STS stand-in issued for that partnership (its `tenantId` session tag), and
 * the stand-in's log says how many AssumeRole calls a partnership cost. This file runs in one
 * process, as one warm Lambda container would. The stand-in serves the whole run, so each
 * partnership here has an id of its own and is counted on its own.
 */
const STS = inject('stsEndpoint');
const unique = (name: string) => `${name}-${randomBytes(4).toString('hex')}`;
let api: TestApi;

const issuedFor = async (tenantId: string) => (await issuedBy(STS)).filter((c) => c.tenantId === tenantId);
const stsCalls = async (tenantId: string) => (await issuedFor(tenantId)).length;

/** The access key ids a partnership's DynamoDB client signed its requests with, as sent. */
function signingKeys(tenantId: string) {
  const used = new Set<string>();
  tenantDynamo(tenantId).doc.middlewareStack.add(
    (next) => async (args) => {
      const authorization = String((args.request as { headers?: Record<string, string> }).headers?.authorization ?? '');
      const key = /Credential=([^/]+)\//.exec(authorization)?.[1];
      if (key) used.add(key);
      return next(args);
    },
    // After the signer (finalizeRequest): the deserialize step sees the request as sent.
    { step: 'deserialize', name: `signingKeys-${tenantId}` },
  );
  return used;
}

beforeAll(async () => {
  api = await TestApi.create();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('one STS call per partnership per process', () => {
  let p: PartnershipFixture;
  const WARM_REQUESTS = 40;

  it('the first request assumes the role once; warm requests make no STS call', async () => {
    p = await seedPartnership(api, unique('alpha'));
    // Seeding went through the handlers (authorities created by the steering group).
    expect(await stsCalls(p.tenantId)).toBe(1);

    const routes = ['/authorities', '/me', '/settings', '/training/coverage', `/authorities/${p.authorities.a}`];
    for (let i = 0; i < WARM_REQUESTS; i++) {
      const res = await api.request('GET', routes[i % routes.length], { token: p.tokens['steering-group'] });
      expect(res.status).toBe(200);
    }
    // A presigned URL is signed with the same session: no call of its own.
    const upload = await api.request('POST', `/authorities/${p.authorities.a}/imports/uploads`, {
      token: p.tokens['steering-group'],
      body: { contentType: 'text/csv', contentLength: 10 },
    });
    expect(upload.status).toBe(201);
    expect(await stsCalls(p.tenantId)).toBe(1);
  });

  it('concurrent first requests of a partnership share one AssumeRole', async () => {
    const tenantId = unique('burst');
    const { partnership, audit, courses } = newPartnership({ id: tenantId, name: 'Burst' }, systemClock, ulidIds);
    await systemDeps().partnerships.create(partnership, audit, courses);
    const token = await api.token({ sub: `${tenantId}-sg`, tenantId, role: 'steering-group' });
    const answers = await Promise.all(Array.from({ length: 12 }, () => api.request('GET', '/authorities', { token })));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    expect(await stsCalls(tenantId)).toBe(1);
  });
});

describe('two partnerships in one process never share credentials', () => {
  it('each signs with keys issued for its own tag only, also when their requests interleave', async () => {
    const [a, b] = await Promise.all([seedPartnership(api, unique('north')), seedPartnership(api, unique('south'))]);
    const usedA = signingKeys(a.tenantId);
    const usedB = signingKeys(b.tenantId);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const p = i % 2 ? a : b;
        return api.request('GET', i % 4 < 2 ? '/authorities' : '/audit', { token: p.tokens['steering-group'] }).then((res) => expect(res.status).toBe(200));
      }),
    );
    const issuedA = (await issuedFor(a.tenantId)).map((c) => c.accessKeyId);
    const issuedB = (await issuedFor(b.tenantId)).map((c) => c.accessKeyId);
    expect(issuedA).toHaveLength(1);
    expect(issuedB).toHaveLength(1);
    expect([...usedA]).toEqual(issuedA);
    expect([...usedB]).toEqual(issuedB);
    expect(issuedA[0]).not.toBe(issuedB[0]);
    // And each session carries its own partnership as the tag the role's policy keys on.
    const sessions = (await issuedBy(STS)).filter((c) => [...issuedA, ...issuedB].includes(c.accessKeyId));
    expect(sessions.map((c) => [c.accessKeyId, c.tenantId, c.roleArn])).toEqual(
      expect.arrayContaining([
        [issuedA[0], a.tenantId, LOCAL_TENANT_ROLE_ARN],
        [issuedB[0], b.tenantId, LOCAL_TENANT_ROLE_ARN],
      ]),
    );
  });
});

describe('near expiry', () => {
  it('exactly one more STS call once the credentials come within the refresh window, and a new URL gets its full life', async () => {
    const tenantId = unique('late');
    // The stand-in's first credentials for this partnership expire one minute after the refresh
    // point; the process's clock is then moved past that point instead of waiting for it.
    await setLifetime(STS, tenantId, REFRESH_BEFORE_EXPIRY_MS / 1000 + 60);
    const p = await seedPartnership(api, tenantId);
    await setLifetime(STS, tenantId, null);
    const used = signingKeys(tenantId);
    const get = async () => expect((await api.request('GET', '/authorities', { token: p.tokens['steering-group'] })).status).toBe(200);
    await get();
    await get();
    expect(await stsCalls(tenantId)).toBe(1);
    const [first] = await issuedFor(tenantId);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    await get();
    expect(await stsCalls(tenantId)).toBe(2);
    for (let i = 0; i < 10; i++) await get();
    expect(await stsCalls(tenantId)).toBe(2);

    const second = (await issuedFor(tenantId)).find((c) => c.accessKeyId !== first.accessKeyId)!;
    expect([...used]).toEqual([first.accessKeyId, second.accessKeyId]);

    // A presigned upload signed now uses the new session, which outlives the URL's stated life.
    const upload = await api.request('POST', `/authorities/${p.authorities.a}/imports/uploads`, {
      token: p.tokens['steering-group'],
      body: { contentType: 'text/csv', contentLength: 10 },
    });
    expect(upload.status).toBe(201);
    const url = new URL(upload.body.uploadUrl);
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(new RegExp(`^${second.accessKeyId}/`));
    const credentialsLeft = new Date(second.expiration).getTime() - Date.now();
    expect(credentialsLeft).toBeGreaterThan(upload.body.expiresInSeconds * 1000);
    expect(await stsCalls(tenantId)).toBe(2);
  });
});

describe('the STS stand-in refuses what the trust policy refuses', () => {
  const sts = new STSClient({ endpoint: STS, region: 'eu-west-2', credentials: LOCAL_STS_CREDENTIALS, maxAttempts: 1 });
  it('an AssumeRole without the tenantId tag, or with another tag besides', async () => {
    await expect(sts.send(new AssumeRoleCommand({ RoleArn: LOCAL_TENANT_ROLE_ARN, RoleSessionName: 'untagged' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(
      sts.send(
        new AssumeRoleCommand({
          RoleArn: LOCAL_TENANT_ROLE_ARN,
          RoleSessionName: 'extra',
          Tags: [
            { Key: 'tenantId', Value: 'x' },
            { Key: 'role', Value: 'admin' },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});

describe('the tenant guard, through a real repository', () => {
  it('refuses a forged cross-tenant key, and nothing is written or read', async () => {
    const mine = await seedPartnership(api, unique('mine'));
    const theirs = await seedPartnership(api, unique('theirs'));
    const d = tenantDeps(mine);

    // A write that names the other partnership's keys (a bug in a use case, an injected id).
    const forged = newPartnership({ id: unique('forged'), name: 'Forged' }, systemClock, ulidIds);
    await expect(d.partnerships.create(forged.partnership, forged.audit, forged.courses)).rejects.toBeInstanceOf(TenantGuardError);
    expect(await systemDeps().partnerships.get(forged.partnership.id)).toBeUndefined();

    const before = await systemDeps().authorities.list(theirs.tenantId);
    const authority = { ...before[0], name: 'Taken over' };
    await expect(d.authorities.update(theirs.tenantId, authority, before[0].version, forged.audit)).rejects.toThrow(/outside/);
    expect(await systemDeps().authorities.list(theirs.tenantId)).toEqual(before);

    // Reads too: a Get and a Query of the other partnership's partition.
    await expect(d.partnerships.get(theirs.tenantId)).rejects.toBeInstanceOf(TenantGuardError);
    await expect(d.authorities.list(theirs.tenantId)).rejects.toBeInstanceOf(TenantGuardError);
    // The same repository reaches its own partnership.
    expect((await d.authorities.list(mine.tenantId)).length).toBeGreaterThan(0);
  });

  it("a URL signed with one partnership's credentials reaches only its own objects (the S3 stand-in, as the role's policy)", async () => {
    const mine = await seedPartnership(api, unique('docs'));
    const storage = tenantDeps(mine).documents;
    const body = Buffer.from('%PDF-1.7\n%%EOF\n');
    const put = async (key: string) =>
      (await fetch(await storage.presignUpload(key, 'application/pdf', body.length, 60), { method: 'PUT', headers: { 'content-type': 'application/pdf', 'content-length': String(body.length) }, body })).status;
    expect(await put(`${mine.tenantId}/a1/2026/doc.pdf`)).toBe(200);
    expect(await put(`someone-else/a1/2026/doc.pdf`)).toBe(403);
    expect(await put(`${mine.tenantId}-2/a1/2026/doc.pdf`)).toBe(403);
    expect(await systemDeps().documents.inspect('someone-else/a1/2026/doc.pdf')).toBeUndefined();
  });
});
