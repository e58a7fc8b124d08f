import { describe, expect, it } from 'vitest';
import { authorityScope, callerFromClaims, canSeeAuthority } from '../../domain/shared/identity';
import { ForbiddenError } from '../../domain/shared/errors';

const base = { sub: 'u1', 'custom:tenantId': 'warks', 'cognito:groups': '[authority-lead]', 'custom:authorityId': 'opcc' };

describe('callerFromClaims', () => {
  it('reads API Gateway’s stringified claims', () => {
    expect(callerFromClaims(base)).toEqual({ tenantId: 'warks', userId: 'u1', role: 'authority-lead', authorityId: 'opcc' });
  });

  it('reads raw array groups too', () => {
    expect(callerFromClaims({ ...base, 'cognito:groups': ['viewer'], 'custom:authorityId': undefined }).role).toBe('viewer');
  });

  it.each([
    ['no claims', undefined],
    ['no tenant', { ...base, 'custom:tenantId': undefined }],
    ['a tenant with the key delimiter', { ...base, 'custom:tenantId': 'warks#x' }],
    ['an upper-case tenant', { ...base, 'custom:tenantId': 'Warks' }],
    ['no subject', { ...base, sub: '' }],
    ['no group', { ...base, 'cognito:groups': '[]' }],
    ['an unknown group', { ...base, 'cognito:groups': '[admin]' }],
    ['two roles', { ...base, 'cognito:groups': '[viewer steering-group]' }],
    ['a lead without an authority', { ...base, 'custom:authorityId': undefined }],
    ['an editor with a malformed authority', { ...base, 'cognito:groups': '[authority-editor]', 'custom:authorityId': 'a#b' }],
  ])('fails closed on %s', (_label, claims) => {
    expect(() => callerFromClaims(claims as Record<string, unknown>)).toThrow(ForbiddenError);
  });
});

describe('authority scope', () => {
  it('gives the steering group the whole partnership, even with an authority claim', () => {
    const caller = callerFromClaims({ ...base, 'cognito:groups': '[steering-group]' });
    expect(authorityScope(caller)).toEqual({ kind: 'partnership' });
    expect(canSeeAuthority(caller, 'anything')).toBe(true);
  });

  it('confines authority roles and authority viewers to their authority', () => {
    for (const group of ['authority-lead', 'authority-editor', 'viewer']) {
      const caller = callerFromClaims({ ...base, 'cognito:groups': `[${group}]` });
      expect(canSeeAuthority(caller, 'opcc')).toBe(true);
      expect(canSeeAuthority(caller, 'police')).toBe(false);
    }
  });

  it('lets a viewer without an authority (scrutiny) read the partnership', () => {
    const caller = callerFromClaims({ ...base, 'cognito:groups': '[viewer]', 'custom:authorityId': undefined });
    expect(canSeeAuthority(caller, 'police')).toBe(true);
  });
});
