import { settingsService } from '../../domain/partnerships/partnership';
import { createHandler } from '../shared/http';
import { deps } from '../shared/deps';

const service = () => {
  const { partnerships, clock, ids } = deps();
  return settingsService({ store: partnerships, clock, ids });
};

export const handler = createHandler('partnership', {
  getSettings: ({ caller }) => service().get(caller),
  putSettings: ({ caller, body }) => service().put(caller, body),
});
