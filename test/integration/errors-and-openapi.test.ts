import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/api';
import { TestApi } from '../support/api';

// Deliberately point the handlers at a table that does not exist: every data access fails.
process.env.TABLE_NAME = 'no-such-table';

let api: TestApi;
beforeAll(async () => {
  const { inject } = await import('vitest');
  process.env.DYNAMODB_ENDPOINT = inject('dynamoEndpoint');
  // Tenant credentials as in every other file, so what fails is the table, not the STS set-up.
  process.env.STS_ENDPOINT = inject('stsEndpoint');
  process.env.TENANT_ROLE_ARN = (await import('../../infra/local/sts')).LOCAL_TENANT_ROLE_ARN;
  api = await TestApi.create();
});

describe('unexpected failures', () => {
  it('answer 500 with a request id and nothing internal', async () => {
    const token = await api.token({ sub: 'u', tenantId: 'delta', role: 'steering-group' });
    const res = await api.request('GET', '/authorities', { token });
    expect(res.status).toBe(500);
    expect(res.body.error).toEqual({ code: 'internal', message: expect.any(String), requestId: expect.any(String) });
    expect(res.text).not.toMatch(/ResourceNotFound|no-such-table|stack|at /);
  });
});

describe('GET /openapi.json', () => {
  it('describes every route of the contract with its request and response shapes', async () => {
    const res = await api.request('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    for (const [id, r] of Object.entries(ROUTES)) {
      const op = res.body.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op.operationId).toBe(id);
      const ok = op.responses[String('status' in r ? r.status : 200)];
      expect(ok.content['application/json'].schema).toBeDefined();
      if ('body' in r) {
        const type = 'bodyContentType' in r ? r.bodyContentType : 'application/json';
        expect(op.requestBody.content[type].schema, `${id} body`).toBeDefined();
      }
      expect(op.security).toEqual(r.auth === 'jwt' ? [{ cognito: [] }] : []);
    }
  });

  it('answers CORS preflight and sets CORS headers on responses', async () => {
    const preflight = await api.request('OPTIONS', '/authorities', { headers: { origin: 'https://app.example.org' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
    const res = await api.request('GET', '/health/live', { headers: { origin: 'https://app.example.org' } });
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });
});

describe('domain purity', () => {
  it('domain/ imports no AWS SDK or Lambda types', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts')) files.push(path);
      }
    };
    walk('domain');
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toMatch(/from '(@aws-sdk|aws-lambda|@middy|aws-cdk-lib)/);
  });
});
