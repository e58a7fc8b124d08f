import { createHandler } from '../shared/http';
import { withPeople } from '../shared/people';
import { trainingServices as services } from '../wiring/training';

/** Course catalogue, training plans, completions (one by one and by CSV), sessions, coverage. */
export const handler = createHandler('training', {
  listCourses: async ({ caller }) => ({ items: await services().courses.list(caller) }),
  createCourse: ({ caller, body }) => services().courses.create(caller, body),
  updateCourse: ({ caller, params, body }) => services().courses.update(caller, params.id, body),
  getTrainingPlan: ({ caller, params }) => services().plans.get(caller, params.id),
  putTrainingPlan: ({ caller, params, body }) => services().plans.put(caller, params.id, body),
  listCompletions: ({ caller, params, query }) => services().training.list(caller, params.id, query),
  searchCompletions: ({ caller, params, body }) => services().training.search(caller, params.id, body),
  recordCompletion: ({ caller, params, body }) => services().training.record(caller, params.id, body),
  getImportMapping: ({ caller, params }) => services().importMappings.get(caller, params.id),
  putImportMapping: ({ caller, params, body }) => services().importMappings.put(caller, params.id, body),
  importCompletions: ({ caller, params, query, body }) => services().training.importFile(caller, params.id, body, { encoding: query.encoding }),
  requestImportUpload: ({ caller, params, body }) => services().imports.requestUpload(caller, params.id, body),
  startImport: ({ caller, params, body }) => services().imports.start(caller, params.id, body),
  listImports: async ({ caller, params }) => {
    const list = await services().imports.list(caller, params.id);
    return withPeople(caller, list, list.items.map((i) => i.requestedBy));
  },
  getImport: async ({ caller, params }) => {
    const job = await services().imports.get(caller, params.id, params.importId);
    return withPeople(caller, job, [job.requestedBy]);
  },
  resumeImport: ({ caller, params }) => services().imports.resume(caller, params.id, params.importId),
  eraseStaffTraining: ({ caller, params, body }) => services().training.eraseStaff(caller, params.id, body.staffRef),
  listSessions: async ({ caller, params, query }) => ({ items: await services().training.listSessions(caller, params.id, query.from, query.to) }),
  createSession: ({ caller, params, body }) => services().training.createSession(caller, params.id, body),
  updateSession: ({ caller, params, body }) => services().training.updateSession(caller, params.id, params.sessionId, body),
  trainingSummary: ({ caller, params, query }) => services().training.summary(caller, params.id, query.year),
  partnershipCoverage: ({ caller }) => services().training.partnershipCoverage(caller),
});
