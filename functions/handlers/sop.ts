import { createHandler } from '../shared/http';
import { tenantDeps } from '../shared/deps';
import { sopServices } from '../wiring/sop';
import type { Caller } from '../../domain/shared/identity';

const service = (caller: Caller) => sopServices(tenantDeps(caller));

/** SOPs, their annual reviews and their obligations. Every write also rewrites its due item for reminders. */
export const handler = createHandler('sop', {
  listSops: ({ caller }) => service(caller).listForPartnership(caller),
  getSop: ({ caller, params }) => service(caller).get(caller, params.id),
  putSop: ({ caller, params, body }) => service(caller).put(caller, params.id, body),
  listSopVersions: async ({ caller, params }) => ({ items: await service(caller).versions(caller, params.id) }),
  listSopReviews: async ({ caller, params }) => ({ items: await service(caller).reviews(caller, params.id) }),
  recordSopReview: ({ caller, params, body }) => service(caller).recordReview(caller, params.id, body),
  listObligations: async ({ caller, params }) => ({ items: await service(caller).listObligations(caller, params.id) }),
  createObligation: ({ caller, params, body }) => service(caller).createObligation(caller, params.id, body),
  adoptObligationTemplate: ({ caller, params }) => service(caller).adoptTemplate(caller, params.id),
  getObligation: ({ caller, params }) => service(caller).getObligation(caller, params.id, params.obligationId),
  updateObligation: ({ caller, params, body }) => service(caller).updateObligation(caller, params.id, params.obligationId, body),
  recordObligationEvidence: ({ caller, params, body }) => service(caller).recordEvidence(caller, params.id, params.obligationId, body),
  deleteObligation: ({ caller, params, query }) => service(caller).deleteObligation(caller, params.id, params.obligationId, query.version),
});
