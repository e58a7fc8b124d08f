import { describe, expect, it } from 'vitest';
import { reminderKeys, tenantKeyPrefix } from '../../functions/data/keys';
import { isTenantId } from '../../domain/shared/ids';

describe('reminder keys (functions/data/keys.ts)', () => {
  const parts = { kind: 'sop-review', itemId: 'opcc', dueOn: '2026-03-31', stage: 'before-30' };

  it('builds a reminder sort key from its parts, so the domain never spells one', () => {
    expect(reminderKeys.item('demo-shire', parts)).toEqual({ PK: 'demo-shire#REMINDER', SK: 'sop-review#opcc#2026-03-31#before-30' });
    expect(reminderKeys.outbox('demo-shire', parts)).toEqual({ GSI3PK: 'OUTBOX', GSI3SK: 'demo-shire#sop-review#opcc#2026-03-31#before-30' });
  });

  it('refuses parts that could break out of their place in the key', () => {
    expect(() => reminderKeys.item('demo-shire', { ...parts, itemId: 'a#b' })).toThrow();
    expect(() => reminderKeys.item('demo-shire', { ...parts, dueOn: '2026-03-31#x' })).toThrow();
    expect(() => reminderKeys.item('demo-shire', { ...parts, stage: 'later' })).toThrow();
  });

  it("keeps the job's watermark outside every partnership's keys", () => {
    const { PK } = reminderKeys.watermark();
    expect(isTenantId(PK.split('#')[0])).toBe(false);
    expect(PK.startsWith(tenantKeyPrefix('job'))).toBe(false);
  });
});
