import { settingsService } from '../../domain/partnerships/partnership';
import { dueItemChanges } from '../../domain/reminders/due';
import { createHandler } from '../shared/http';
import { tenantDeps } from '../shared/deps';
import type { Caller } from '../../domain/shared/identity';

const service = (caller: Caller) => {
  const { partnerships, authorities, dueItems, clock, ids } = tenantDeps(caller);
  return settingsService({ store: partnerships, clock, ids, dueItems: dueItemChanges({ due: dueItems, authorities, partnerships }) });
};

export const handler = createHandler('partnership', {
  getSettings: ({ caller }) => service(caller).get(caller),
  putSettings: ({ caller, body }) => service(caller).put(caller, body),
});
