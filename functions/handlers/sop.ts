import { createHandler } from '../shared/http';
import { sopServices as service } from '../wiring/sop';

/** SOPs, their annual reviews and their obligations. Every write also rewrites its due item for reminders. */
export const handler = createHandler('sop', {
  listSops: ({ caller }) => service().listForPartnership(caller),
  getSop: ({ caller, params }) => service().get(caller, params.id),
  putSop: ({ caller, params, body }) => service().put(caller, params.id, body),
  listSopVersions: async ({ caller, params }) => ({ items: await service().versions(caller, params.id) }),
  listSopReviews: async ({ caller, params }) => ({ items: await service().reviews(caller, params.id) }),
  recordSopReview: ({ caller, params, body }) => service().recordReview(caller, params.id, body),
  listObligations: async ({ caller, params }) => ({ items: await service().listObligations(caller, params.id) }),
  createObligation: ({ caller, params, body }) => service().createObligation(caller, params.id, body),
  adoptObligationTemplate: ({ caller, params }) => service().adoptTemplate(caller, params.id),
  getObligation: ({ caller, params }) => service().getObligation(caller, params.id, params.obligationId),
  updateObligation: ({ caller, params, body }) => service().updateObligation(caller, params.id, params.obligationId, body),
  recordObligationEvidence: ({ caller, params, body }) => service().recordEvidence(caller, params.id, params.obligationId, body),
  deleteObligation: ({ caller, params, query }) => service().deleteObligation(caller, params.id, params.obligationId, query.version),
});
