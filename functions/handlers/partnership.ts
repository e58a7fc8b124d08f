import { settingsService } from '../../domain/partnerships/partnership';
import { refreshDueItems } from '../../domain/reminders/due';
import { createHandler } from '../shared/http';
import { deps } from '../shared/deps';

const service = () => {
  const { partnerships, clock, ids } = deps();
  return settingsService({ store: partnerships, clock, ids });
};

export const handler = createHandler('partnership', {
  getSettings: ({ caller }) => service().get(caller),
  putSettings: async ({ caller, body }) => {
    const settings = await service().put(caller, body);
    // Thresholds and who is copied live on each due item: re-derive them all.
    const { dueItems, authorities, partnerships, clock } = deps();
    await refreshDueItems({ due: dueItems, authorities, partnerships, clock }, caller.tenantId);
    return settings;
  },
});
