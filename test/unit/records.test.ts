import { describe, expect, it } from 'vitest';
import { diffRecords, nextMeta, newMeta, REDACTED } from '../../domain/shared/records';
import { auditEvent, auditExpiry } from '../../domain/audit/audit';

const caller = { tenantId: 't', userId: 'u1', role: 'steering-group' as const };

describe('record metadata', () => {
  it('starts at version 1 and moves on by one, keeping who created it', () => {
    const created = newMeta(caller, new Date('2025-04-01T09:00:00Z'));
    expect(created).toEqual({ version: 1, createdAt: '2025-04-01T09:00:00.000Z', createdBy: 'u1', updatedAt: '2025-04-01T09:00:00.000Z', updatedBy: 'u1' });
    const next = nextMeta({ ...created, name: 'ignored' } as typeof created, { ...caller, userId: 'u2' }, new Date('2025-05-01T09:00:00Z'));
    expect(next).toEqual({ version: 2, createdAt: created.createdAt, createdBy: 'u1', updatedAt: '2025-05-01T09:00:00.000Z', updatedBy: 'u2' });
    expect(next).not.toHaveProperty('name');
  });
});

describe('diffRecords', () => {
  it('lists changed, added and removed fields, ignoring metadata', () => {
    const before = { id: 'x', name: 'A', type: 'opcc', itProvidedBy: 'police', version: 1, updatedAt: 'then' };
    const after = { id: 'x', name: 'B', type: 'opcc', sector: 'police', version: 2, updatedAt: 'now' };
    expect(diffRecords(before, after)).toEqual([
      { field: 'itProvidedBy', from: 'police' },
      { field: 'name', from: 'A', to: 'B' },
      { field: 'sector', to: 'police' },
    ]);
  });

  it('redacts personal values but says that they changed', () => {
    expect(diffRecords({ email: 'a@x' }, { email: 'b@x' }, ['email'])).toEqual([{ field: 'email', from: REDACTED, to: REDACTED }]);
    expect(diffRecords({ email: 'a@x' }, { email: 'a@x' }, ['email'])).toEqual([]);
  });

  it('compares nested values by content', () => {
    expect(diffRecords({ scope: ['wifi', 'libraries'] }, { scope: ['wifi', 'libraries'] })).toEqual([]);
    expect(diffRecords({ scope: ['wifi'] }, { scope: ['wifi', 'libraries'] })).toHaveLength(1);
  });
});

describe('audit events', () => {
  it('records who, role, when, action, entity and changes, and expires after the stated retention', () => {
    const at = new Date('2025-06-01T10:00:00Z');
    const event = auditEvent(caller, at, { next: () => 'E1' }, {
      action: 'update', entityType: 'authority', entityId: 'opcc', authorityId: 'opcc', before: { name: 'A' }, after: { name: 'B' },
    });
    expect(event).toEqual({
      id: 'E1', at: '2025-06-01T10:00:00.000Z', actor: { userId: 'u1', role: 'steering-group' }, action: 'update',
      entityType: 'authority', entityId: 'opcc', authorityId: 'opcc', changes: [{ field: 'name', from: 'A', to: 'B' }],
    });
    expect(auditExpiry(at).toISOString()).toBe('2032-06-01T10:00:00.000Z');
  });
});
