import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { userService, type User } from '../../domain/users/user';
import { dynamo } from '../../functions/data/client';
import { keys } from '../../functions/data/keys';
import { identityRepository, indexMemberships } from '../../functions/data/repositories';
import { LocalUserDirectory, userDirectory } from '../../functions/identity/directory';
import { handler as preToken } from '../../functions/identity/pre-token';
import { systemDeps } from '../../functions/shared/deps';
import { createWebApp, LOCAL_REFRESH_PATH } from '../../infra/local/web';
import { TestApi } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { useFreshTable } from '../support/table';

useFreshTable();

let api: TestApi;
let north: PartnershipFixture;
let south: PartnershipFixture;

beforeAll(async () => {
  api = await TestApi.create();
  north = await seedPartnership(api, 'north');
  south = await seedPartnership(api, 'south');
});

const invite = (p: PartnershipFixture, body: Record<string, unknown>) => api.request('POST', '/users', { token: p.tokens['steering-group'], body });
const identities = () => identityRepository(dynamo());

/** What Cognito sends the trigger (event version 2) at a hosted-UI sign-in. */
function triggerEvent(sub: string, trigger: PreTokenGenerationV2TriggerEvent['triggerSource'] = 'TokenGeneration_HostedAuth'): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    triggerSource: trigger,
    region: 'eu-west-2',
    userPoolId: 'eu-west-2_TEST',
    userName: sub,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'client' },
    request: {
      userAttributes: { sub, email: 'someone@example.org', email_verified: 'true', 'cognito:user_status': 'CONFIRMED' },
      groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [], preferredRole: undefined },
      scopes: ['openid', 'email', 'profile'],
    },
    response: { claimsAndScopeOverrideDetails: {} },
  } as PreTokenGenerationV2TriggerEvent;
}

describe('inviting a person who belongs to another partnership', () => {
  it('answers 201 in the same shape as for a new person, with one identity behind both memberships', async () => {
    const directory = userDirectory() as LocalUserDirectory;
    const first = await invite(north, { email: 'Sam.Both@example.org', displayName: 'Sam Both', role: 'authority-lead', authorityId: north.authorities.b });
    const createdAfterFirst = directory.created.length;
    const again = await invite(south, { email: 'sam.both@example.org', displayName: 'Sam Both', role: 'viewer' });
    const stranger = await invite(south, { email: 'new.person@example.org', displayName: 'New Person', role: 'viewer' });
    expect([first.status, again.status, stranger.status]).toEqual([201, 201, 201]);
    // Nothing in the answer tells south that north knew the person: same fields, south's own values.
    expect(Object.keys(again.body).sort()).toEqual(Object.keys(stranger.body).sort());
    expect(again.body).toMatchObject({ email: 'sam.both@example.org', role: 'viewer', version: 1 });
    expect(again.text).not.toMatch(/north|authority-lead|already/i);
    // One person: the second invitation made no identity, and both memberships are of one sub.
    expect(again.body.id).toBe(first.body.id);
    expect(directory.created.length).toBe(createdAfterFirst + 1); // only the stranger
    expect((await identities().memberships(first.body.id)).map((m) => [m.tenantId, m.role])).toEqual([
      ['north', 'authority-lead'],
      ['south', 'viewer'],
    ]);
  });

  it('is a 409 only for a person already in this partnership', async () => {
    expect((await invite(north, { email: 'twice@example.org', role: 'viewer' })).status).toBe(201);
    const again = await invite(north, { email: 'TWICE@example.org', role: 'viewer' });
    expect(again.status).toBe(409);
    expect((await invite(south, { email: 'twice@example.org', role: 'viewer' })).status).toBe(201);
  });

  it('removes an identity on a failed store only if this invitation made it', async () => {
    const d = systemDeps();
    const directory = new LocalUserDirectory();
    const failing = { ...d.users, create: async () => Promise.reject(new Error('store down')) };
    const caller = { tenantId: 'north', userId: 'north-sg', role: 'steering-group' as const };
    const service = (store: typeof d.users) => userService({ store, directory, authorities: d.authorities, clock: d.clock, ids: d.ids });
    await expect(service(failing).create(caller, { email: 'fresh@example.org', role: 'viewer' })).rejects.toThrow('store down');
    expect(directory.deleted).toEqual([LocalUserDirectory.subjectFor('fresh@example.org')]);

    const known: User = await service(d.users).create(caller, { email: 'known@example.org', role: 'viewer' });
    await expect(service(failing).create({ ...caller, tenantId: 'south', userId: 'south-sg' }, { email: 'known@example.org', role: 'viewer' })).rejects.toThrow('store down');
    expect(directory.deleted).not.toContain(known.id);
  });
});

describe('the pre-token-generation trigger', () => {
  it('puts the resolved membership into the token claims: first by tenant id, then the chosen one', async () => {
    const sam = (await identities().memberships(LocalUserDirectory.subjectFor('sam.both@example.org')))[0];
    expect(sam).toBeDefined();
    const sub = LocalUserDirectory.subjectFor('sam.both@example.org');
    const out = await preToken(triggerEvent(sub));
    expect(out.response.claimsAndScopeOverrideDetails).toEqual({
      idTokenGeneration: { claimsToAddOrOverride: { 'custom:tenantId': 'north', 'custom:authorityId': north.authorities.b } },
      accessTokenGeneration: { claimsToAddOrOverride: { 'custom:tenantId': 'north', 'custom:authorityId': north.authorities.b } },
      groupOverrideDetails: { groupsToOverride: ['authority-lead'] },
    });

    await identities().saveChoice(sub, { tenantId: 'south', chosenAt: new Date().toISOString() });
    const refreshed = await preToken(triggerEvent(sub, 'TokenGeneration_RefreshTokens'));
    expect(refreshed.response.claimsAndScopeOverrideDetails).toEqual({
      idTokenGeneration: { claimsToAddOrOverride: { 'custom:tenantId': 'south' }, claimsToSuppress: ['custom:authorityId'] },
      accessTokenGeneration: { claimsToAddOrOverride: { 'custom:tenantId': 'south' }, claimsToSuppress: ['custom:authorityId'] },
      groupOverrideDetails: { groupsToOverride: ['viewer'] },
    });
  });

  it('refuses a person with no membership', async () => {
    await expect(preToken(triggerEvent('nobody-at-all'))).rejects.toThrow(/does not belong to any partnership/);
  });
});

describe('switching partnership', () => {
  it('records the choice; the next token (the local refresh) acts for the new partnership', async () => {
    const sub = LocalUserDirectory.subjectFor('twice@example.org');
    const token = (await api.issuer.signIn(identities(), sub))!;
    expect((await api.request('GET', '/me', { token })).body).toMatchObject({ tenantId: 'north', role: 'viewer' });

    const list = await api.request('GET', '/me/memberships', { token });
    expect(list.body.items.map((m: { tenantId: string; current: boolean }) => [m.tenantId, m.current])).toEqual([
      ['north', true],
      ['south', false],
    ]);
    const chosen = await api.request('PUT', '/me/partnership', { token, body: { tenantId: 'south' } });
    expect(chosen.status).toBe(200);
    expect(chosen.body).toMatchObject({ tenantId: 'south', partnershipName: 'Partnership south', role: 'viewer' });
    // The old token still acts for north until it is replaced.
    expect((await api.request('GET', '/me', { token })).body.tenantId).toBe('north');

    const fresh = (await api.issuer.refresh(identities(), token))!;
    const me = await api.request('GET', '/me', { token: fresh });
    expect(me.body).toMatchObject({ tenantId: 'south', partnershipName: 'Partnership south', userId: sub, role: 'viewer' });
    expect((await api.request('GET', '/authorities', { token: fresh })).body.items.map((a: { id: string }) => a.id).sort()).toEqual([south.authorities.a, south.authorities.b].sort());
  });

  it('a removed membership no longer resolves: the choice falls back, and with none left the sign-in is refused', async () => {
    const sub = LocalUserDirectory.subjectFor('sam.both@example.org');
    const { doc, tableName } = dynamo();
    const claimsOf = async () => (await api.issuer.verify((await api.issuer.signIn(identities(), sub))!))['custom:tenantId'];
    expect(await claimsOf()).toBe('south'); // chosen above
    await doc.send(new DeleteCommand({ TableName: tableName, Key: keys.user('south', sub) }));
    expect(await claimsOf()).toBe('north');
    await doc.send(new DeleteCommand({ TableName: tableName, Key: keys.user('north', sub) }));
    expect(await api.issuer.signIn(identities(), sub)).toBeUndefined();
    await expect(preToken(triggerEvent(sub))).rejects.toThrow();
  });
});

describe('the local refresh (the refresh-token grant’s stand-in)', () => {
  it('re-mints for the person a valid token names, POST only, and refuses anything else', async () => {
    const sub = LocalUserDirectory.subjectFor('twice@example.org'); // chose south above
    const web = createWebApp({ distDir: '/nonexistent', demo: { users: () => [], mint: async () => undefined, refresh: (t) => api.issuer.refresh(identities(), t) } });
    const old = await api.issuer.mint({ sub, tenantId: 'north', role: 'viewer' });
    const res = await web.handle({ method: 'POST', url: LOCAL_REFRESH_PATH, headers: { authorization: `Bearer ${old}` } });
    expect(res?.statusCode).toBe(200);
    const claims = await api.issuer.verify(JSON.parse(String(res!.body)).id_token);
    expect([claims.sub, claims['custom:tenantId']]).toEqual([sub, 'south']);
    expect((await web.handle({ method: 'GET', url: LOCAL_REFRESH_PATH, headers: { authorization: `Bearer ${old}` } }))?.statusCode).toBe(405);
    expect((await web.handle({ method: 'POST', url: LOCAL_REFRESH_PATH }))?.statusCode).toBe(401);
    const forged = await (await TestApi.create()).issuer.mint({ sub, tenantId: 'north', role: 'viewer' });
    expect((await web.handle({ method: 'POST', url: LOCAL_REFRESH_PATH, headers: { authorization: `Bearer ${forged}` } }))?.statusCode).toBe(401);
  });
});

describe('user records written before memberships', () => {
  it('are indexed by person once by the operator’s command, after which their owner signs in', async () => {
    const { doc, tableName } = dynamo();
    const sub = 'older-person';
    const record = { id: sub, email: 'older@example.org', role: 'steering-group', version: 1, entity: 'user' };
    await doc.send(new PutCommand({ TableName: tableName, Item: { ...keys.user('south', sub), ...record } }));
    expect(await api.issuer.signIn(identities(), sub)).toBeUndefined();
    expect(await indexMemberships(dynamo())).toBe(1);
    expect(await api.issuer.verify((await api.issuer.signIn(identities(), sub))!)).toMatchObject({ 'custom:tenantId': 'south', 'cognito:groups': ['steering-group'] });
    // Everything else already carries the index: a second run changes nothing.
    expect(await indexMemberships(dynamo())).toBe(0);
  });
});
