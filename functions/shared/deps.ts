import { monotonicFactory } from 'ulid';
import { systemClock, type Clock, type IdGenerator } from '../../domain/shared/ports';
import { dynamo } from '../data/client';
import { auditRepository, authorityRepository, partnershipRepository, userRepository } from '../data/repositories';
import { tableStore } from '../data/store';
import { assuranceRepository, deadlineRepository, frameworkRepository, statementRepository } from '../data/statement-repositories';
import { dueItemRepository, obligationRepository, sopRepository } from '../data/sop-repositories';
import { completionRepository, courseRepository, importMappingRepository, importRepository, planRepository, sessionRepository } from '../data/training-repositories';

const ulid = monotonicFactory();
export const ulidIds: IdGenerator = { next: () => ulid() };

/** Adapters wired once per process (container reuse), lazily so tests can set the table first. */
export function deps() {
  const table = tableStore(dynamo());
  const clock: Clock = systemClock;
  return {
    clock,
    ids: ulidIds,
    table,
    partnerships: partnershipRepository(table),
    authorities: authorityRepository(table),
    users: userRepository(table),
    audit: auditRepository(table),
    courses: courseRepository(table),
    plans: planRepository(table),
    completions: completionRepository(table),
    imports: importRepository(table),
    importMappings: importMappingRepository(table),
    sessions: sessionRepository(table),
    sops: sopRepository(table),
    obligations: obligationRepository(table),
    dueItems: dueItemRepository(table),
    assurances: assuranceRepository(table),
    statements: statementRepository(table),
    frameworks: frameworkRepository(table),
    deadlines: deadlineRepository(table),
  };
}
