import { createHandler } from '../shared/http';
import { withPeople } from '../shared/people';
import { assuranceServices as services } from '../wiring/assurance';

/** Benchmark frameworks, IT-filter assurances and annual assurance statements. */
export const handler = createHandler('assurance', {
  listFrameworks: async ({ caller }) => ({ items: await services().statements.listFrameworks(caller) }),
  addFramework: ({ caller, body }) => services().statements.addFramework(caller, body),
  listItFilterAssurances: ({ caller, params }) => services().assurances.list(caller, params.id),
  putItFilterAssurance: ({ caller, params, body }) => services().assurances.put(caller, params.id, params.year, body),
  getStatement: async ({ caller, params }) => {
    const statement = await services().statements.get(caller, params.id, params.year);
    return withPeople(caller, statement, statement.reviews.map((r) => r.by));
  },
  putStatement: ({ caller, params, body }) => services().statements.put(caller, params.id, params.year, body),
  submitStatement: ({ caller, params, body }) => services().statements.submit(caller, params.id, params.year, body),
  reviewStatement: ({ caller, params, body }) => services().statements.review(caller, params.id, params.year, body),
  getStatementVersion: async ({ caller, params }) => {
    const version = await services().statements.version(caller, params.id, params.year, params.number);
    return withPeople(caller, version, [version.submittedBy, version.documentConfirmed?.by]);
  },
  requestStatementUpload: ({ caller, params, body }) => services().documents.requestUpload(caller, params.id, params.year, body),
  attachStatementDocument: ({ caller, params, body }) => services().documents.attach(caller, params.id, params.year, body),
  statementDownloadUrl: ({ caller, params, query }) => services().documents.downloadUrl(caller, params.id, params.year, query.version),
  getStatementDeadline: ({ caller, params }) => services().statements.getDeadline(caller, params.year),
  setStatementDeadline: ({ caller, params, body }) => services().statements.setDeadline(caller, params.year, body.dueOn),
});
