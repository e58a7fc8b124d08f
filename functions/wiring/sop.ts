import { sopService } from '../../domain/sop/sop';
import type { Deps } from '../shared/deps';

/** SOP use cases wired to the adapters given (the SOP handler with `tenantDeps(caller)`, the local seed with `systemDeps()`). */
export function sopServices(d: Deps) {
  return sopService({ sops: d.sops, obligations: d.obligations, authorities: d.authorities, partnerships: d.partnerships, clock: d.clock, ids: d.ids });
}
