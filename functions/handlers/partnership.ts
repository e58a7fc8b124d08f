import { settingsService } from '../../domain/partnerships/partnership';
import { dueItemChanges } from '../../domain/reminders/due';
import { createHandler } from '../shared/http';
import { deps } from '../shared/deps';

const service = () => {
  const { partnerships, authorities, dueItems, clock, ids } = deps();
  return settingsService({ store: partnerships, clock, ids, dueItems: dueItemChanges({ due: dueItems, authorities, partnerships }) });
};

export const handler = createHandler('partnership', {
  getSettings: ({ caller }) => service().get(caller),
  putSettings: ({ caller, body }) => service().put(caller, body),
});
