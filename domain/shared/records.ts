import * as z from 'zod';
import type { Caller } from './identity';

/** Every stored record carries these, maintained by the use cases, never by the client. */
export const RecordMeta = z.object({
  version: z.number().int().positive(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type RecordMeta = z.infer<typeof RecordMeta>;

export function newMeta(caller: Caller, at: Date): RecordMeta {
  const iso = at.toISOString();
  return { version: 1, createdAt: iso, createdBy: caller.userId, updatedAt: iso, updatedBy: caller.userId };
}

export function nextMeta(previous: RecordMeta, caller: Caller, at: Date): RecordMeta {
  return {
    version: previous.version + 1,
    createdAt: previous.createdAt,
    createdBy: previous.createdBy,
    updatedAt: at.toISOString(),
    updatedBy: caller.userId,
  };
}

const META_FIELDS = new Set(Object.keys(RecordMeta.shape));

export interface FieldChange {
  field: string;
  from?: unknown;
  to?: unknown;
}

/** Value recorded in the audit trail in place of personal data. */
export const REDACTED = '[personal data]';

/**
 * The fields that differ between two versions of a record (metadata excluded). Values of
 * personal fields are replaced by a marker: the audit trail says *that* a lead's email
 * changed, not what it was, so erasure never has to touch immutable events.
 */
export function diffRecords(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
  personalFields: readonly string[] = [],
): FieldChange[] {
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const changes: FieldChange[] = [];
  for (const field of [...fields].sort()) {
    if (META_FIELDS.has(field) || field === 'id') continue;
    const from = before?.[field];
    const to = after?.[field];
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    const personal = personalFields.includes(field);
    const change: FieldChange = { field };
    if (from !== undefined) change.from = personal ? REDACTED : from;
    if (to !== undefined) change.to = personal ? REDACTED : to;
    changes.push(change);
  }
  return changes;
}
