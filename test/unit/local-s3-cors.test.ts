import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalS3, type RunningS3 } from '../../infra/local/s3';

/** The S3 stand-in answers the browser's CORS preflight for this machine's origins only, as the AWS buckets do for the app's. */
let s3: RunningS3;
beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(() => s3.stop());

const preflight = (origin: string) =>
  fetch(`${s3.endpoint}/prevent-imports/t/a/KEY`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
  });

describe('local S3 CORS', () => {
  it('lets the web app on localhost PUT an upload', async () => {
    const res = await preflight('http://localhost:3000');
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(res.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type');
  });

  it('refuses any other origin', async () => {
    const res = await preflight('https://evil.example');
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
