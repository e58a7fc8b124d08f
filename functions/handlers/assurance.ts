import { createHandler } from '../shared/http';
import { withPeople } from '../shared/people';
import { tenantDeps } from '../shared/deps';
import { assuranceServices } from '../wiring/assurance';
import type { Caller } from '../../domain/shared/identity';

const services = (caller: Caller) => assuranceServices(tenantDeps(caller));

/** Benchmark frameworks, IT-filter assurances and annual assurance statements. */
export const handler = createHandler('assurance', {
  listFrameworks: async ({ caller }) => ({ items: await services(caller).statements.listFrameworks(caller) }),
  addFramework: ({ caller, body }) => services(caller).statements.addFramework(caller, body),
  listItFilterAssurances: ({ caller, params }) => services(caller).assurances.list(caller, params.id),
  putItFilterAssurance: ({ caller, params, body }) => services(caller).assurances.put(caller, params.id, params.year, body),
  getStatement: async ({ caller, params }) => {
    const statement = await services(caller).statements.get(caller, params.id, params.year);
    return withPeople(caller, statement, statement.reviews.map((r) => r.by));
  },
  putStatement: ({ caller, params, body }) => services(caller).statements.put(caller, params.id, params.year, body),
  submitStatement: ({ caller, params, body }) => services(caller).statements.submit(caller, params.id, params.year, body),
  reviewStatement: ({ caller, params, body }) => services(caller).statements.review(caller, params.id, params.year, body),
  getStatementVersion: async ({ caller, params }) => {
    const version = await services(caller).statements.version(caller, params.id, params.year, params.number);
    return withPeople(caller, version, [version.submittedBy, version.documentConfirmed?.by]);
  },
  requestStatementUpload: ({ caller, params, body }) => services(caller).documents.requestUpload(caller, params.id, params.year, body),
  attachStatementDocument: ({ caller, params, body }) => services(caller).documents.attach(caller, params.id, params.year, body),
  statementDownloadUrl: ({ caller, params, query }) => services(caller).documents.downloadUrl(caller, params.id, params.year, query.version),
  getStatementDeadline: ({ caller, params }) => services(caller).statements.getDeadline(caller, params.year),
  setStatementDeadline: ({ caller, params, body }) => services(caller).statements.setDeadline(caller, params.year, body.dueOn),
});
