import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { auditExpiry, type AuditEvent } from '../../domain/audit/audit';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/shared/errors';
import type { Page } from '../../domain/shared/ports';
import { keys } from './keys';
import { STORAGE_ATTRIBUTES, TABLE } from './table';

type Item = Record<string, unknown>;
type StorageKey = { PK: string; SK: string } & Record<string, unknown>;

/** One write of a transaction; `entity` names the record for error messages. */
export type WriteOp =
  | { kind: 'create'; entity: string; key: StorageKey; record: Item; expiresAt?: Date }
  | { kind: 'update'; entity: string; key: StorageKey; record: Item & { version: number }; expectedVersion: number; expiresAt?: Date }
  | { kind: 'delete'; entity: string; key: StorageKey; expectedVersion?: number }
  /** A marker item that exists only to make a value unique (e.g. one user per email). */
  | { kind: 'unique'; entity: string; key: StorageKey; conflictMessage: string };

/** Strips storage attributes, leaving the record as the domain knows it. */
export function toRecord<T>(item: Item | undefined): T | undefined {
  if (!item) return undefined;
  const record: Item = {};
  for (const [k, v] of Object.entries(item)) if (!STORAGE_ATTRIBUTES.includes(k)) record[k] = v;
  return record as T;
}

function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** Opaque page cursors that cannot be pointed at another partition. */
function encodeCursor(key: Item | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : undefined;
}

function decodeCursor(cursor: string | undefined, partitionAttribute: string, partitionValue: string): Item | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (key && typeof key === 'object' && key[partitionAttribute] === partitionValue) return key;
  } catch {
    /* fall through */
  }
  throw new ValidationError([{ path: 'cursor', message: 'This cursor does not belong to this query.' }]);
}

export interface PageQuery {
  index?: { name: string; partitionKey: string; sortKey: string };
  pk: string;
  skPrefix?: string;
  limit?: number;
  cursor?: string;
  newestFirst?: boolean;
  filter?: Record<string, string>;
}

/**
 * Thin, generic access to the table: reads return records without storage attributes;
 * writes go in one transaction together with their audit event, with version conditions.
 */
export class TableStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async get<T>(key: StorageKey): Promise<T | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { PK: key.PK, SK: key.SK } }));
    return toRecord<T>(out.Item);
  }

  /** One Query request: a page of records and a cursor to the next. */
  async page<T>(q: PageQuery): Promise<Page<T>> {
    const pkAttr = q.index?.partitionKey ?? TABLE.partitionKey;
    const skAttr = q.index?.sortKey ?? TABLE.sortKey;
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: q.index?.name,
      KeyConditionExpression: q.skPrefix ? '#pk = :pk AND begins_with(#sk, :sk)' : '#pk = :pk',
      ExpressionAttributeNames: { '#pk': pkAttr, ...(q.skPrefix ? { '#sk': skAttr } : {}) },
      ExpressionAttributeValues: { ':pk': q.pk, ...(q.skPrefix ? { ':sk': q.skPrefix } : {}) },
      ScanIndexForward: !q.newestFirst,
      Limit: q.limit,
      ExclusiveStartKey: decodeCursor(q.cursor, pkAttr, q.pk),
    };
    if (q.filter && Object.keys(q.filter).length) {
      const parts: string[] = [];
      Object.entries(q.filter).forEach(([name, value], i) => {
        input.ExpressionAttributeNames![`#f${i}`] = name;
        input.ExpressionAttributeValues![`:f${i}`] = value;
        parts.push(`#f${i} = :f${i}`);
      });
      input.FilterExpression = parts.join(' AND ');
    }
    const out = await this.doc.send(new QueryCommand(input));
    return {
      items: (out.Items ?? []).map((i) => toRecord<T>(i)!),
      nextCursor: encodeCursor(out.LastEvaluatedKey),
    };
  }

  /** Every record of a small, bounded partition (authorities, users): follows pages. */
  async all<T>(q: Omit<PageQuery, 'cursor' | 'limit'>): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.page<T>({ ...q, cursor });
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  /**
   * Applies the writes and puts the audit event, all or nothing. A failed condition
   * becomes a ConflictError (stale version, duplicate) or NotFoundError (record gone).
   */
  async write(tenantId: string, ops: WriteOp[], audit: AuditEvent): Promise<void> {
    const TableName = this.tableName;
    const items = ops.map((op) => {
      switch (op.kind) {
        case 'create':
          return {
            Put: {
              TableName,
              Item: { ...op.record, ...op.key, entity: op.entity, ...(op.expiresAt ? { [TABLE.ttlAttribute]: epochSeconds(op.expiresAt) } : {}) },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          };
        case 'unique':
          return {
            Put: { TableName, Item: { ...op.key, entity: op.entity }, ConditionExpression: 'attribute_not_exists(PK)' },
          };
        case 'update':
          return {
            Put: {
              TableName,
              Item: { ...op.record, ...op.key, entity: op.entity, ...(op.expiresAt ? { [TABLE.ttlAttribute]: epochSeconds(op.expiresAt) } : {}) },
              ConditionExpression: 'attribute_exists(PK) AND #version = :expected',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': op.expectedVersion },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
            },
          };
        case 'delete':
          return {
            Delete: {
              TableName,
              Key: { PK: op.key.PK, SK: op.key.SK },
              ...(op.expectedVersion !== undefined
                ? {
                    ConditionExpression: 'attribute_exists(PK) AND #version = :expected',
                    ExpressionAttributeNames: { '#version': 'version' },
                    ExpressionAttributeValues: { ':expected': op.expectedVersion },
                    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
                  }
                : {}),
            },
          };
      }
    });
    items.push({
      Put: {
        TableName,
        Item: {
          ...audit,
          ...keys.audit.event(tenantId, audit),
          entity: 'audit-event',
          [TABLE.ttlAttribute]: epochSeconds(auditExpiry(new Date(audit.at))),
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    });
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items as never }));
    } catch (error) {
      if (error instanceof TransactionCanceledException) throw translateCancellation(error, ops);
      throw error;
    }
  }
}

function translateCancellation(error: TransactionCanceledException, ops: WriteOp[]): Error {
  const reasons = error.CancellationReasons ?? [];
  for (let i = 0; i < reasons.length; i++) {
    if (reasons[i]?.Code !== 'ConditionalCheckFailed') continue;
    const op = ops[i];
    if (!op) return new ConflictError('The audit trail refused a duplicate event; retry.', { reason: 'already_exists' });
    if (op.kind === 'create') return new ConflictError(`This ${op.entity} already exists.`, { reason: 'already_exists' });
    if (op.kind === 'unique') return new ConflictError(op.conflictMessage, { reason: 'already_exists' });
    const old = reasons[i].Item;
    if (!old) return new NotFoundError(op.entity);
    const current = old.version?.N ? Number(old.version.N) : undefined;
    return new ConflictError(`This ${op.entity} was changed by someone else; reload it and try again.`, {
      reason: 'stale_version',
      currentVersion: current,
    });
  }
  return error;
}

let store: TableStore | undefined;
export function tableStore(deps: { doc: DynamoDBDocumentClient; tableName: string }): TableStore {
  if (!store || store.tableName !== deps.tableName) store = new TableStore(deps.doc, deps.tableName);
  return store;
}
