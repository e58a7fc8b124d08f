import { assuranceService } from '../../domain/itfilter/assurance';
import { documentService } from '../../domain/statements/document';
import { figuresSource } from '../../domain/statements/figures';
import { statementService } from '../../domain/statements/statement';
import type { Deps } from '../shared/deps';

/**
 * Frameworks, IT-filter assurances, statements and their documents, wired to the adapters given:
 * `tenantDeps(caller)` for a request, `systemDeps()` for the local seed.
 */
export function assuranceServices(d: Deps) {
  return {
    assurances: assuranceService({ store: d.assurances, authorities: d.authorities, partnerships: d.partnerships, clock: d.clock, ids: d.ids }),
    statements: statementService({
      statements: d.statements,
      frameworks: d.frameworks,
      figures: figuresSource({ completions: d.completions, sessions: d.sessions, courses: d.courses, plans: d.plans, assurances: d.assurances, sops: d.sops }),
      authorities: d.authorities,
      partnerships: d.partnerships,
      deadlines: d.deadlines,
      clock: d.clock,
      ids: d.ids,
    }),
    documents: documentService({ statements: d.statements, storage: d.documents, authorities: d.authorities, clock: d.clock, ids: d.ids }),
  };
}
