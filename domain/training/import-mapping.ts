import * as z from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { assertCanSeeAuthority, requireRole, type Caller } from '../shared/identity';
import { EntityId } from '../shared/ids';
import { isWellFormedText, WELL_FORMED_MESSAGE } from '../shared/text';
import { newMeta, nextMeta, RecordMeta } from '../shared/records';
import type { Clock, IdGenerator } from '../shared/ports';
import { auditEvent, type AuditEvent } from '../audit/audit';
import { DELIVERY_MODES, normalizeLabel } from './courses';
import { CSV_COLUMNS, type CsvField } from './import-format';
import type { TrainingPlan } from './plan';

const FIELDS = Object.keys(CSV_COLUMNS) as [CsvField, ...CsvField[]];
/** A header or a value as the file writes it (matched ignoring case, spaces and punctuation). */
const FileLabel = z.string().min(1).max(200);
const labelMap = <T extends z.ZodType>(value: T, max: number) =>
  z.record(FileLabel, value).refine((m) => Object.keys(m).length <= max, { message: `at most ${max} entries` });

/**
 * How an authority's learning-system export is read, saved once and applied to every import:
 * `columns` names the field a header of the file stands for (over the built-in header names);
 * `values` turns values of the file (job titles, say) into plan roles and delivery modes.
 */
export const ImportMappingFields = z.object({
  columns: labelMap(z.enum(FIELDS), 50).default({}).describe('Header in the file → field (staffRef, course, completedOn, name, role, team, deliveryMode, provider, certificateIssued)'),
  values: z
    .object({
      role: labelMap(EntityId, 1000).default({}).describe('Value in the file (e.g. a job title) → plan role id'),
      deliveryMode: labelMap(z.enum(DELIVERY_MODES), 100).default({}).describe('Value in the file → delivery mode'),
    })
    .default({ role: {}, deliveryMode: {} }),
});
export const PutImportMapping = ImportMappingFields.extend({
  version: z.number().int().min(0).describe('The version you read; 0 when the authority has no mapping yet'),
});
export type PutImportMapping = z.infer<typeof PutImportMapping>;
export const ImportMapping = ImportMappingFields.extend({ authorityId: EntityId }).extend(RecordMeta.shape);
export type ImportMapping = z.infer<typeof ImportMapping>;

export interface ImportMappingStore {
  get(tenantId: string, authorityId: string): Promise<ImportMapping | undefined>;
  /** expectedVersion 0 creates; otherwise a conditional update. */
  put(tenantId: string, mapping: ImportMapping, expectedVersion: number, audit: AuditEvent): Promise<void>;
}

/** Two headers mapped to one field, or a role the plan does not have, are refused by path. */
export function mappingRuleErrors(input: PutImportMapping, plan: TrainingPlan | undefined) {
  const errors: { path: string; message: string }[] = [];
  const labels = [
    ...Object.keys(input.columns).map((k) => ['columns', k]),
    ...Object.keys(input.values.role).map((k) => ['values.role', k]),
    ...Object.keys(input.values.deliveryMode).map((k) => ['values.deliveryMode', k]),
  ];
  for (const [where, label] of labels) {
    if (!isWellFormedText(label)) errors.push({ path: where, message: `Each name must be ${WELL_FORMED_MESSAGE}.` });
    else if (normalizeLabel(label) === '') errors.push({ path: `${where}.${label}`, message: 'A name must contain letters or digits.' });
  }
  if (errors.length) return errors;
  const byField = new Map<CsvField, string>();
  const seenHeaders = new Set<string>();
  for (const [header, field] of Object.entries(input.columns)) {
    const key = normalizeLabel(header);
    if (seenHeaders.has(key)) errors.push({ path: `columns.${header}`, message: 'This header is mapped twice (case and punctuation are ignored).' });
    seenHeaders.add(key);
    if (byField.has(field)) errors.push({ path: `columns.${header}`, message: `Another header is already mapped to ${field}.` });
    byField.set(field, header);
  }
  const roles = new Set((plan?.roles ?? []).map((r) => r.id));
  for (const [value, role] of Object.entries(input.values.role)) {
    if (!roles.has(role)) errors.push({ path: `values.role.${value}`, message: `No role ${role} in the authority's training plan.` });
  }
  return errors;
}

export function importMappingService(deps: {
  mappings: ImportMappingStore;
  plans: { get(tenantId: string, authorityId: string): Promise<TrainingPlan | undefined> };
  authorityExists(tenantId: string, authorityId: string): Promise<boolean>;
  clock: Clock;
  ids: IdGenerator;
}) {
  return {
    /** An authority without a mapping answers an empty one at version 0. */
    async get(caller: Caller, authorityId: string): Promise<ImportMapping | { authorityId: string; columns: {}; values: { role: {}; deliveryMode: {} }; version: 0 }> {
      assertCanSeeAuthority(caller, authorityId);
      if (!(await deps.authorityExists(caller.tenantId, authorityId))) throw new NotFoundError('Authority');
      return (await deps.mappings.get(caller.tenantId, authorityId)) ?? { authorityId, columns: {}, values: { role: {}, deliveryMode: {} }, version: 0 };
    },

    async put(caller: Caller, authorityId: string, input: PutImportMapping): Promise<ImportMapping> {
      requireRole(caller, 'steering-group', 'authority-lead', 'authority-editor');
      assertCanSeeAuthority(caller, authorityId);
      const [current, plan, exists] = await Promise.all([
        deps.mappings.get(caller.tenantId, authorityId),
        deps.plans.get(caller.tenantId, authorityId),
        deps.authorityExists(caller.tenantId, authorityId),
      ]);
      if (!exists) throw new NotFoundError('Authority');
      const currentVersion = current?.version ?? 0;
      if (input.version !== currentVersion) {
        throw new ConflictError('This import mapping was changed by someone else; reload it and try again.', { reason: 'stale_version', currentVersion });
      }
      const errors = mappingRuleErrors(input, plan);
      if (errors.length) throw new ValidationError(errors);
      const now = deps.clock.now();
      const meta = current ? nextMeta(current, caller, now) : newMeta(caller, now);
      const mapping: ImportMapping = { authorityId, columns: input.columns, values: input.values, ...meta };
      await deps.mappings.put(
        caller.tenantId,
        mapping,
        currentVersion,
        auditEvent(caller, now, deps.ids, { action: current ? 'update' : 'create', entityType: 'import-mapping', entityId: authorityId, authorityId, before: current, after: mapping }),
      );
      return mapping;
    },
  };
}
