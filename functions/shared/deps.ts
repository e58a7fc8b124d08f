import type { S3Client } from '@aws-sdk/client-s3';
import { monotonicFactory } from 'ulid';
import { systemClock, type Clock, type IdGenerator } from '../../domain/shared/ports';
import { dynamo, tenantDynamo } from '../data/client';
import { auditRepository, authorityRepository, partnershipRepository, userRepository } from '../data/repositories';
import { tableStore } from '../data/store';
import { assuranceRepository, deadlineRepository, frameworkRepository, statementRepository } from '../data/statement-repositories';
import { dueItemRepository, obligationRepository, sopRepository } from '../data/sop-repositories';
import { completionRepository, courseRepository, importMappingRepository, importRepository, planRepository, sessionRepository } from '../data/training-repositories';
import { actionPlanRepository, assessmentRepository, deliveryRepository, narrativeRepository } from '../data/steering-repositories';
import { documentStorage } from '../storage/documents';
import { importFileStorage } from '../storage/imports';
import { s3, tenantS3 } from '../storage/s3-client';

const ulid = monotonicFactory();
export const ulidIds: IdGenerator = { next: () => ulid() };

function wire(client: Parameters<typeof tableStore>[0], storage: () => S3Client) {
  const table = tableStore(client);
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
    actionPlans: actionPlanRepository(table),
    homeOfficeAssessments: assessmentRepository(table),
    delivery: deliveryRepository(table),
    narratives: narrativeRepository(table),
    documents: documentStorage(storage),
    importFiles: importFileStorage(storage),
  };
}

export type Deps = ReturnType<typeof wire>;

/**
 * The adapters for one partnership's request: DynamoDB and S3 with credentials of the
 * tenant-access role tagged with the partnership, so AWS confines them to its keys, and the
 * tenant guard on the DynamoDB client (functions/data/tenant-guard.ts). Pass the verified
 * caller (`tenantDeps(caller)`), or for the import worker the job its queue message names
 * (written by the API from verified claims): never an id from a path, query or body.
 * Wired once per partnership per process, lazily so tests can set the table first.
 */
const tenantWired = new WeakMap<object, Deps>();
export function tenantDeps(scope: { tenantId: string }): Deps {
  const client = tenantDynamo(scope.tenantId);
  let d = tenantWired.get(client);
  if (!d) {
    d = wire(client, () => tenantS3(scope.tenantId));
    tenantWired.set(client, d);
  }
  return d;
}

/**
 * The adapters with the process's own credentials, which reach every partnership: only for
 * work that must cross partnerships — the reminder job, the report-summary consumer, the
 * partnership CLI and the local seed. Never for a tenant's request.
 */
let systemWired: Deps | undefined;
export function systemDeps(): Deps {
  systemWired ??= wire(dynamo(), s3);
  return systemWired;
}
