import { describe, expect, it } from 'vitest';
import { authorityRuleErrors, authorityService, type Authority, type AuthorityStore } from '../../domain/authorities/authority';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../domain/shared/errors';
import type { Caller } from '../../domain/shared/identity';
import type { AuditEvent } from '../../domain/audit/audit';

/** An in-memory store: enough to test the rules, which never see DynamoDB. */
function memoryStore() {
  const rows = new Map<string, Authority>();
  const audit: AuditEvent[] = [];
  const store: AuthorityStore = {
    list: async (t) => [...rows.entries()].filter(([key]) => key.startsWith(`${t}/`)).map(([, a]) => a),
    get: async (t, id) => rows.get(`${t}/${id}`),
    create: async (t, a, e) => {
      rows.set(`${t}/${a.id}`, a);
      audit.push(e);
    },
    update: async (t, a, _v, e) => {
      rows.set(`${t}/${a.id}`, a);
      audit.push(e);
    },
  };
  return { store, audit };
}

const sg: Caller = { tenantId: 't', userId: 'sg', role: 'steering-group' };
const lead: Caller = { tenantId: 't', userId: 'l', role: 'authority-lead', authorityId: 'opcc' };
const editor: Caller = { tenantId: 't', userId: 'e', role: 'authority-editor', authorityId: 'opcc' };
let n = 0;
const deps = () => ({ ...memoryStore(), clock: { now: () => new Date('2025-04-01T00:00:00Z') }, ids: { next: () => `ID${n++}` } });

describe('authority rules', () => {
  it('checks the type against its Schedule 6 sector', () => {
    expect(authorityRuleErrors({ name: 'x', sector: 'health-social-care', type: 'opcc' }, 'a', new Set())).toEqual([
      { path: 'sector', message: 'An authority of type opcc is in the police sector.' },
    ]);
    expect(authorityRuleErrors({ name: 'x', sector: 'health-social-care', type: 'other' }, 'a', new Set())).toEqual([]);
  });

  it('needs the IT provider to be another authority of the partnership', () => {
    expect(authorityRuleErrors({ name: 'x', sector: 'police', type: 'opcc', itProvidedBy: 'opcc' }, 'opcc', new Set(['opcc']))[0].path).toBe('itProvidedBy');
    expect(authorityRuleErrors({ name: 'x', sector: 'police', type: 'opcc', itProvidedBy: 'police' }, 'opcc', new Set(['opcc']))[0].path).toBe('itProvidedBy');
    expect(authorityRuleErrors({ name: 'x', sector: 'police', type: 'opcc', itProvidedBy: 'police' }, 'opcc', new Set(['police']))).toEqual([]);
  });
});

describe('authorityService', () => {
  it('lets only the steering group create, and audits the creation', async () => {
    const d = deps();
    const svc = authorityService(d);
    await expect(svc.create(lead, { name: 'P', sector: 'police', type: 'police-force' })).rejects.toThrow(ForbiddenError);
    const created = await svc.create(sg, { id: 'police', name: 'P', sector: 'police', type: 'police-force' });
    expect(created.version).toBe(1);
    expect(d.audit.map((e) => [e.action, e.entityId])).toEqual([['create', 'police']]);
  });

  it('lets a lead edit only its own authority, an editor none, and checks versions', async () => {
    const d = deps();
    const svc = authorityService(d);
    await svc.create(sg, { id: 'opcc', name: 'O', sector: 'police', type: 'opcc' });
    await svc.create(sg, { id: 'police', name: 'P', sector: 'police', type: 'police-force' });
    await expect(svc.update(lead, 'police', { name: 'P2', sector: 'police', type: 'police-force', version: 1 })).rejects.toThrow(NotFoundError);
    await expect(svc.update(editor, 'opcc', { name: 'O2', sector: 'police', type: 'opcc', version: 1 })).rejects.toThrow(ForbiddenError);
    await expect(svc.update(lead, 'opcc', { name: 'O2', sector: 'police', type: 'opcc', version: 7 })).rejects.toThrow(ConflictError);
    await expect(svc.update(lead, 'opcc', { name: 'O2', sector: 'health-social-care', type: 'opcc', version: 1 })).rejects.toThrow(ValidationError);
    const updated = await svc.update(lead, 'opcc', { name: 'O2', sector: 'police', type: 'opcc', version: 1 });
    expect(updated).toMatchObject({ name: 'O2', version: 2, updatedBy: 'l', createdBy: 'sg' });
  });
});
