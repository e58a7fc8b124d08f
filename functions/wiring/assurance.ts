import { assuranceService } from '../../domain/itfilter/assurance';
import { documentService } from '../../domain/statements/document';
import { figuresSource } from '../../domain/statements/figures';
import { statementService } from '../../domain/statements/statement';
import { deps } from '../shared/deps';
import { s3Documents } from '../storage/documents';

/** Frameworks, IT-filter assurances, statements and their documents, wired to their adapters. */
export function assuranceServices() {
  const d = deps();
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
    documents: documentService({ statements: d.statements, storage: s3Documents, authorities: d.authorities, clock: d.clock, ids: d.ids }),
  };
}
