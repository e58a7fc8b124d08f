import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createWebApp } from '../../infra/local/web';

function site() {
  const dist = mkdtempSync(`${tmpdir()}/web-`);
  mkdirSync(`${dist}/assets`);
  writeFileSync(`${dist}/index.html`, '<!doctype html><link rel="stylesheet" crossorigin href="/app/assets/index-abcdEFGH.css"><div id="root"></div>');
  writeFileSync(`${dist}/assets/index-abcdEFGH.css`, 'body{}');
  writeFileSync(`${tmpdir()}/secret.txt`, 'not yours');
  const minted: string[] = [];
  const web = createWebApp({
    distDir: dist,
    demo: {
      users: () => [{ sub: 'u1', label: 'Steering group chair', role: 'steering-group' }, { sub: 'u2', label: 'OPCC lead', role: 'authority-lead', authorityId: 'opcc' }],
      mint: async (u) => {
        minted.push(u.sub);
        return `token-for-${u.sub}`;
      },
    },
  });
  return { web, minted };
}

describe('the local web app server', () => {
  it('sends / to the app and serves its pages, assets and config with the security headers', async () => {
    const { web } = site();
    expect(await web.handle({ method: 'GET', url: '/' })).toMatchObject({ statusCode: 302, headers: { location: '/app/' } });
    const page = await web.handle({ method: 'GET', url: '/app/authorities/opcc/sop?x=1' });
    expect(page?.statusCode).toBe(200);
    expect(String(page?.body)).toContain('id="root"');
    expect(page?.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page?.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page?.headers['x-content-type-options']).toBe('nosniff');
    const css = await web.handle({ method: 'GET', url: '/app/assets/index-abcdEFGH.css' });
    expect(css?.headers['content-type']).toMatch(/^text\/css/);
    expect(css?.headers['cache-control']).toContain('immutable');
    expect((await web.handle({ method: 'GET', url: '/app/assets/missing-12345678.js' }))?.statusCode).toBe(404);
    expect(JSON.parse(String((await web.handle({ method: 'GET', url: '/app/config.json' }))?.body))).toEqual({ apiUrl: '', auth: { mode: 'local', signInUrl: '/local/sign-in' } });
  });

  it('never serves a file outside the build, and leaves API paths to the API', async () => {
    const { web } = site();
    const escaped = await web.handle({ method: 'GET', url: '/app/..%2f..%2fsecret.txt' });
    expect(String(escaped?.body ?? '')).not.toContain('not yours');
    expect(await web.handle({ method: 'GET', url: '/authorities' })).toBeUndefined();
    expect(await web.handle({ method: 'POST', url: '/app/x' })).toBeUndefined();
  });

  it('signs in only a listed demo user, returning the token in the fragment to a path of the app', async () => {
    const { web, minted } = site();
    const form = await web.handle({ method: 'GET', url: '/local/sign-in?callback=/app/auth/callback' });
    expect(String(form?.body)).toContain('Steering group chair');
    expect(String(form?.body)).toContain('href="/app/assets/index-abcdEFGH.css"');
    const none = await web.handle({ method: 'POST', url: '/local/sign-in', body: 'callback=%2Fapp%2Fauth%2Fcallback' });
    expect(none?.statusCode).toBe(400);
    expect(String(none?.body)).toContain('Choose a demo user');
    const stranger = await web.handle({ method: 'POST', url: '/local/sign-in', body: 'user=nobody' });
    expect(stranger?.statusCode).toBe(400);
    expect(minted).toEqual([]);
    const ok = await web.handle({ method: 'POST', url: '/local/sign-in', body: 'user=u2&callback=https%3A%2F%2Fevil.example%2F' });
    expect(ok?.statusCode).toBe(303);
    expect(ok?.headers.location).toBe('/app/auth/callback#id_token=token-for-u2');
    expect(minted).toEqual(['u2']);
  });
});
