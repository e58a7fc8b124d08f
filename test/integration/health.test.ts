import { createServer } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { TestApi } from '../support/api';

/**
 * The database is down (nothing listens where the table should be): liveness still says the
 * function answers, readiness says the service is not ready, with a time to come back.
 */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let api: TestApi;
beforeAll(async () => {
  process.env.DYNAMODB_ENDPOINT = `http://127.0.0.1:${await closedPort()}`;
  process.env.TABLE_NAME = 'unreachable';
  api = await TestApi.create();
});

describe('health with the table unreachable', () => {
  it('liveness answers 200: it touches nothing', async () => {
    const res = await api.request('GET', '/health/live');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
  });

  it('readiness answers 503 with Retry-After, naming no internals', async () => {
    const res = await api.request('GET', '/health/ready');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('10');
    expect(res.body.error.code).toBe('unavailable');
    expect(res.text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|unreachable/);
  });
});
