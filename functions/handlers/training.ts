import { createHandler } from '../shared/http';
import { withPeople } from '../shared/people';
import { tenantDeps } from '../shared/deps';
import { trainingServices } from '../wiring/training';
import type { Caller } from '../../domain/shared/identity';

const services = (caller: Caller) => trainingServices(tenantDeps(caller));

/** Course catalogue, training plans, completions (one by one and by CSV), sessions, coverage. */
export const handler = createHandler('training', {
  listCourses: async ({ caller }) => ({ items: await services(caller).courses.list(caller) }),
  createCourse: ({ caller, body }) => services(caller).courses.create(caller, body),
  updateCourse: ({ caller, params, body }) => services(caller).courses.update(caller, params.id, body),
  getTrainingPlan: ({ caller, params }) => services(caller).plans.get(caller, params.id),
  putTrainingPlan: ({ caller, params, body }) => services(caller).plans.put(caller, params.id, body),
  listCompletions: ({ caller, params, query }) => services(caller).training.list(caller, params.id, query),
  searchCompletions: ({ caller, params, body }) => services(caller).training.search(caller, params.id, body),
  recordCompletion: ({ caller, params, body }) => services(caller).training.record(caller, params.id, body),
  getImportMapping: ({ caller, params }) => services(caller).importMappings.get(caller, params.id),
  putImportMapping: ({ caller, params, body }) => services(caller).importMappings.put(caller, params.id, body),
  importCompletions: ({ caller, params, query, body }) => services(caller).training.importFile(caller, params.id, body, { encoding: query.encoding }),
  requestImportUpload: ({ caller, params, body }) => services(caller).imports.requestUpload(caller, params.id, body),
  startImport: ({ caller, params, body }) => services(caller).imports.start(caller, params.id, body),
  listImports: async ({ caller, params }) => {
    const list = await services(caller).imports.list(caller, params.id);
    return withPeople(caller, list, list.items.map((i) => i.requestedBy));
  },
  getImport: async ({ caller, params }) => {
    const job = await services(caller).imports.get(caller, params.id, params.importId);
    return withPeople(caller, job, [job.requestedBy]);
  },
  resumeImport: ({ caller, params }) => services(caller).imports.resume(caller, params.id, params.importId),
  eraseStaffTraining: ({ caller, params, body }) => services(caller).training.eraseStaff(caller, params.id, body.staffRef),
  listSessions: async ({ caller, params, query }) => ({ items: await services(caller).training.listSessions(caller, params.id, query.from, query.to) }),
  createSession: ({ caller, params, body }) => services(caller).training.createSession(caller, params.id, body),
  updateSession: ({ caller, params, body }) => services(caller).training.updateSession(caller, params.id, params.sessionId, body),
  trainingSummary: ({ caller, params, query }) => services(caller).training.summary(caller, params.id, query.year),
  partnershipCoverage: ({ caller }) => services(caller).training.partnershipCoverage(caller),
});
