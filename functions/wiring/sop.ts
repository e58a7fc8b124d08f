import { sopService } from '../../domain/sop/sop';
import { deps } from '../shared/deps';

/** SOP use cases wired to their adapters (the SOP handler and the local seed use them). */
export function sopServices() {
  const d = deps();
  return sopService({ sops: d.sops, obligations: d.obligations, authorities: d.authorities, partnerships: d.partnerships, clock: d.clock, ids: d.ids });
}
