import { describe, expect, it } from 'vitest';
import { resolveMembership, type Membership } from '../../domain/users/membership';
import { tokenOverrides } from '../../functions/identity/sign-in';

const north: Membership = { tenantId: 'north-vale', role: 'authority-lead', authorityId: 'police' };
const demo: Membership = { tenantId: 'demo-shire', role: 'viewer' };
const zed: Membership = { tenantId: 'zed-shire', role: 'steering-group' };

describe('resolveMembership', () => {
  it('takes the chosen partnership while the person is still a member there', () => {
    expect(resolveMembership([demo, north, zed], { tenantId: 'north-vale' })).toBe(north);
  });

  it('falls back to the only membership when the choice is gone or there is none', () => {
    expect(resolveMembership([north], { tenantId: 'demo-shire' })).toBe(north);
    expect(resolveMembership([north])).toBe(north);
  });

  it('otherwise takes the first by tenant id, whatever order the memberships come in', () => {
    expect(resolveMembership([zed, north, demo])).toBe(demo);
    expect(resolveMembership([north, zed, demo], { tenantId: 'removed-shire' })).toBe(demo);
  });

  it('refuses a person with no membership', () => {
    expect(resolveMembership([], { tenantId: 'demo-shire' })).toBeUndefined();
  });
});

describe('tokenOverrides', () => {
  it('puts the membership under the claim names the API reads, with exactly one role', () => {
    const o = tokenOverrides(north);
    expect(o.idTokenGeneration).toEqual({ claimsToAddOrOverride: { 'custom:tenantId': 'north-vale', 'custom:authorityId': 'police' } });
    expect(o.groupOverrideDetails).toEqual({ groupsToOverride: ['authority-lead'] });
  });

  it('suppresses an authority claim when the membership has none', () => {
    const o = tokenOverrides(demo);
    expect(o.idTokenGeneration).toEqual({ claimsToAddOrOverride: { 'custom:tenantId': 'demo-shire' }, claimsToSuppress: ['custom:authorityId'] });
    expect(o.accessTokenGeneration).toEqual(o.idTokenGeneration);
  });
});
