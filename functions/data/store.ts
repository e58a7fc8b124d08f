import { AsyncLocalStorage } from 'node:async_hooks';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { auditExpiry, type AuditEvent } from '../../domain/audit/audit';
import { ConflictError, NotFoundError, ServiceUnavailableError, ValidationError } from '../../domain/shared/errors';
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
  | { kind: 'unique'; entity: string; key: StorageKey; conflictMessage: string }
  /** An unconditional put: for items this write owns outright (an import's own record). */
  | { kind: 'put'; entity: string; key: StorageKey; record: Item; expiresAt?: Date }
  /** A put that succeeds only if the stored item meets a condition (e.g. a field still has the value read). */
  | { kind: 'put-if'; entity: string; key: StorageKey; record: Item; condition: string; values: Record<string, unknown>; conflictMessage: string }
  /** Changes some attributes (UpdateItem) under a condition; the item is made if missing. */
  | { kind: 'update-if'; entity: string; key: StorageKey; update: AttributeUpdate; conflictMessage: string }
  /**
   * Fails the transaction while someone holds the lease (`leaseUntil`) at `key`; otherwise it
   * leaves a new `writeMark` there, so a lease holder that cached what lies under the lock
   * (an import's view of the current completions) knows it changed in between.
   */
  | { kind: 'no-lease'; entity: string; key: StorageKey; now: Date; conflictMessage: string };

/** Attributes to set and remove, and a condition naming attributes `#name` and values `:value`. */
export interface AttributeUpdate {
  set?: Record<string, unknown>;
  remove?: readonly string[];
  condition?: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** An UpdateItem's expression parts from an AttributeUpdate (placeholders #u0…, :u0…, #r0…). */
function updateExpression(u: AttributeUpdate) {
  const names: Record<string, string> = { ...u.names };
  const values: Record<string, unknown> = { ...u.values };
  const sets = Object.entries(u.set ?? {}).map(([name, value], i) => {
    names[`#u${i}`] = name;
    values[`:u${i}`] = value;
    return `#u${i} = :u${i}`;
  });
  const removes = (u.remove ?? []).map((name, i) => {
    names[`#r${i}`] = name;
    return `#r${i}`;
  });
  return {
    UpdateExpression: [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean).join(' '),
    ...(u.condition ? { ConditionExpression: u.condition } : {}),
    ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
    ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
  };
}

/**
 * A record written with its version check: version 0 means it must not exist yet (create),
 * any other the stored version must still be that one (update); either way a stale writer gets 409.
 */
export function versionedWrite(entity: string, key: StorageKey, record: Item & { version: number }, expectedVersion: number): WriteOp {
  return expectedVersion === 0 ? { kind: 'create', entity, key, record } : { kind: 'update', entity, key, record, expectedVersion };
}

// ---- Idempotency ---------------------------------------------------------------------------
// A create request with an Idempotency-Key first claims the key (claimIdempotency: one
// conditional PutItem of an `in-flight` record), then runs; the route's own write — the one
// TransactWriteItems of write(), with its audit event — also turns that record `written`, under
// the condition that this request still holds the claim. So the route's write happens at most
// once per key, and a record that says `written` proves the write landed. After the route
// answers, the answer is saved on the record (`done`) and a retry gets it back.
//
// Why not @aws-lambda-powertools/idempotency (checked against its 2.x types and persistence
// layer; it is not a dependency here): its DynamoDBPersistenceLayer saves the record with its
// own PutItem (saveInProgress) and UpdateItem (saveSuccess), never inside the route's
// TransactWriteItems, so "the write landed" and "the record says so" can disagree; and its key
// is the function-wide `keyPrefix` (default the function name) + hash in attribute `id`, or with
// a sort key the static partition `idempotency#<function name>`: set once per persistence
// layer, not per request, so not under the calling partnership's `<tenantId>#` prefix that IAM
// LeadingKeys and the tenant guard require.
//
// The context travels in AsyncLocalStorage, set by the HTTP layer around one route call: the
// write is several layers below (use case → repository → TableStore), and the domain must not
// learn about HTTP retries, so no parameter is threaded through every port.

/** The claim a create request holds while it runs. */
export interface IdempotencyContext {
  tenantId: string;
  key: { PK: string; SK: string };
  /** Hash of caller, method, route, path parameters and body. */
  requestHash: string;
  /** Random per claim: only the request that holds the claim may mark it written. */
  claimToken: string;
  /** Set once the route's write carried the claim (later writes of the same request do not). */
  written?: boolean;
}

export const idempotencyContext = new AsyncLocalStorage<IdempotencyContext>();

/** How long a key and its saved answer are kept: 24 hours, then DynamoDB's TTL removes them. */
export const IDEMPOTENCY_RETENTION_SECONDS = 24 * 60 * 60;

export type IdempotencyRecord = {
  state: 'in-flight' | 'written' | 'done';
  requestHash: string;
  claimToken: string;
  lockedUntil: string;
  createdAt: string;
  /** The saved answer (state `done`): status and body, exactly as first sent. */
  status?: number;
  body?: string;
  contentType?: string;
};

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

// ---- Page cursors ------------------------------------------------------------------------
// A cursor is the query's LastEvaluatedKey sealed with AES-256-GCM: opaque (a key holds staff
// references, and URLs end up in access and WAF logs) and authenticated, with the query it
// belongs to (index, partition key — which starts with the tenant —, key condition, filter,
// order) as associated data, so a cursor of another partnership, partition or query, or one
// that was tampered with or truncated, is refused with 400 before DynamoDB sees it.

const CURSOR_FORMAT = 1;
/** Local default only: deployments set CURSOR_KEY (any long random string). */
const LOCAL_CURSOR_SECRET = 'prevent-compliance local cursor key (set CURSOR_KEY when deployed)';
let cursorKeyCache: { secret: string; key: Buffer } | undefined;

function cursorKey(): Buffer {
  const secret = process.env.CURSOR_KEY || LOCAL_CURSOR_SECRET;
  if (cursorKeyCache?.secret !== secret) cursorKeyCache = { secret, key: createHash('sha256').update(secret, 'utf8').digest() };
  return cursorKeyCache.key;
}

/** What a cursor is bound to: everything that makes it one query's position. */
function cursorBinding(q: Omit<PageQuery, 'cursor' | 'limit'>): Buffer {
  return Buffer.from(JSON.stringify([CURSOR_FORMAT, q.index?.name ?? '', q.pk, q.skPrefix ?? null, q.skBetween ?? null, q.filter ?? null, !!q.newestFirst]), 'utf8');
}

const badCursor = () => new ValidationError([{ path: 'query.cursor', message: 'This cursor is not valid for this query; start again without it.' }]);

function sealCursor(key: Item | undefined, q: Omit<PageQuery, 'cursor' | 'limit'>): string | undefined {
  if (!key) return undefined;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', cursorKey(), iv);
  cipher.setAAD(cursorBinding(q));
  const sealed = Buffer.concat([cipher.update(JSON.stringify(key), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([CURSOR_FORMAT]), iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

function openCursor(cursor: string | undefined, q: Omit<PageQuery, 'cursor' | 'limit'>): Item | undefined {
  if (!cursor) return undefined;
  if (!/^[A-Za-z0-9_-]{40,}$/.test(cursor)) throw badCursor();
  const raw = Buffer.from(cursor, 'base64url');
  if (raw.length < 1 + 12 + 16 + 2 || raw[0] !== CURSOR_FORMAT) throw badCursor();
  let key: unknown;
  try {
    const decipher = createDecipheriv('aes-256-gcm', cursorKey(), raw.subarray(1, 13));
    decipher.setAAD(cursorBinding(q));
    decipher.setAuthTag(raw.subarray(13, 29));
    key = JSON.parse(Buffer.concat([decipher.update(raw.subarray(29)), decipher.final()]).toString('utf8'));
  } catch {
    throw badCursor();
  }
  // Authenticated, so written by this code for this query; the shape is checked all the same:
  // every key attribute of the table (and of the index) present as a string.
  const required = [TABLE.partitionKey, TABLE.sortKey, ...(q.index ? [q.index.partitionKey, q.index.sortKey] : [])];
  if (!key || typeof key !== 'object' || Array.isArray(key)) throw badCursor();
  const k = key as Item;
  if (!required.every((a) => typeof k[a] === 'string' && k[a] !== '') || k[q.index?.partitionKey ?? TABLE.partitionKey] !== q.pk) throw badCursor();
  if (Object.keys(k).some((a) => !required.includes(a))) throw badCursor();
  return k;
}

export interface PageQuery {
  index?: { name: string; partitionKey: string; sortKey: string };
  pk: string;
  skPrefix?: string;
  /** Sort key range, inclusive at both ends (`BETWEEN`). */
  skBetween?: [string, string];
  limit?: number;
  cursor?: string;
  newestFirst?: boolean;
  filter?: Record<string, string>;
  /** Attributes to read (ProjectionExpression); all when omitted. */
  projection?: readonly string[];
}

/**
 * Thin, generic access to the table: reads return records without storage attributes;
 * writes go in one transaction together with their audit event, with version conditions.
 */
export class TableStore {
  constructor(
    private readonly doc: Pick<DynamoDBDocumentClient, 'send'>,
    readonly tableName: string,
    private readonly retry: BatchRetry = BATCH_RETRY,
  ) {}

  async get<T>(key: StorageKey): Promise<T | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { PK: key.PK, SK: key.SK } }));
    return toRecord<T>(out.Item);
  }

  /** One Query request: a page of records and a cursor to the next. */
  async page<T>(q: PageQuery): Promise<Page<T>> {
    const pkAttr = q.index?.partitionKey ?? TABLE.partitionKey;
    const skAttr = q.index?.sortKey ?? TABLE.sortKey;
    const input = this.queryInput(q, pkAttr, skAttr);
    input.Limit = q.limit;
    input.ExclusiveStartKey = openCursor(q.cursor, q);
    const out = await this.doc.send(new QueryCommand(input));
    return {
      items: (out.Items ?? []).map((i) => toRecord<T>(i)!),
      nextCursor: sealCursor(out.LastEvaluatedKey, q),
    };
  }

  private queryInput(q: Omit<PageQuery, 'cursor' | 'limit'>, pkAttr: string, skAttr: string): QueryCommandInput {
    let keyCondition = '#pk = :pk';
    const names: Record<string, string> = { '#pk': pkAttr };
    const values: Record<string, unknown> = { ':pk': q.pk };
    if (q.skPrefix !== undefined) {
      keyCondition += ' AND begins_with(#sk, :sk)';
      names['#sk'] = skAttr;
      values[':sk'] = q.skPrefix;
    } else if (q.skBetween) {
      keyCondition += ' AND #sk BETWEEN :lo AND :hi';
      names['#sk'] = skAttr;
      values[':lo'] = q.skBetween[0];
      values[':hi'] = q.skBetween[1];
    }
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: q.index?.name,
      KeyConditionExpression: keyCondition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: !q.newestFirst,
    };
    if (q.projection?.length) {
      input.ProjectionExpression = q.projection
        .map((name, i) => {
          names[`#p${i}`] = name;
          return `#p${i}`;
        })
        .join(', ');
    }
    const filters = Object.entries(q.filter ?? {});
    if (filters.length) {
      input.FilterExpression = filters
        .map(([name, value], i) => {
          names[`#f${i}`] = name;
          values[`:f${i}`] = value;
          return `#f${i} = :f${i}`;
        })
        .join(' AND ');
    }
    return input;
  }

  /** The storage keys of every matching item (base table), following pages. */
  async keys(q: Omit<PageQuery, 'cursor' | 'limit' | 'index'>): Promise<StorageKey[]> {
    const out: StorageKey[] = [];
    let start: Item | undefined;
    do {
      const input = this.queryInput(q, TABLE.partitionKey, TABLE.sortKey);
      const res = await this.doc.send(new QueryCommand({ ...input, ProjectionExpression: '#pk, #sk', ExpressionAttributeNames: { ...input.ExpressionAttributeNames, '#sk': TABLE.sortKey }, ExclusiveStartKey: start }));
      for (const item of res.Items ?? []) out.push({ PK: item.PK as string, SK: item.SK as string });
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** Counts matching items without reading them out (one request per 1 MB scanned). */
  async count(q: Omit<PageQuery, 'cursor' | 'limit'>): Promise<number> {
    const pkAttr = q.index?.partitionKey ?? TABLE.partitionKey;
    const skAttr = q.index?.sortKey ?? TABLE.sortKey;
    let total = 0;
    let start: Item | undefined;
    do {
      const out = await this.doc.send(new QueryCommand({ ...this.queryInput(q, pkAttr, skAttr), Select: 'COUNT', ExclusiveStartKey: start }));
      total += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
    return total;
  }

  /**
   * One conditional UpdateItem with no audit event, for the reminder job's bookkeeping on
   * records that are themselves the log: claiming a queued reminder, marking it delivered,
   * moving the job's watermark. `condition` names attributes as `#name` (each a key of
   * `names`) and values as `:value`. False when the condition fails; nothing is written then.
   */
  async updateIf(key: StorageKey, u: AttributeUpdate): Promise<boolean> {
    return (await this.updateReturning(key, u)) !== undefined;
  }

  /** updateIf that answers with the item as it is after the update (undefined when the condition fails). */
  async updateReturning(key: StorageKey, u: AttributeUpdate): Promise<Item | undefined> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({ TableName: this.tableName, Key: { PK: key.PK, SK: key.SK }, ...updateExpression(u), ReturnValues: 'ALL_NEW' }),
      );
      return out.Attributes ?? {};
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /**
   * Reads many items by key: one BatchGetItem per 100 keys, retrying what DynamoDB leaves
   * unprocessed at most `retry.maxAttempts` times in all, with back-off; then 503.
   */
  async batchGet<T>(keysToRead: readonly StorageKey[]): Promise<T[]> {
    return (await this.batchGetItems(keysToRead)).map((item) => toRecord<T>(item)!);
  }

  /**
   * batchGet as stored, keys included (answers come in no particular order: the keys tell
   * them apart), optionally only some attributes.
   */
  async batchGetItems(keysToRead: readonly StorageKey[], projection?: readonly string[]): Promise<Item[]> {
    const out: Item[] = [];
    const names = projection ? Object.fromEntries(projection.map((name, i) => [`#p${i}`, name])) : undefined;
    const shape = names ? { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names } : {};
    for (let i = 0; i < keysToRead.length; i += 100) {
      let pending: Item[] | undefined = keysToRead.slice(i, i + 100).map((k) => ({ PK: k.PK, SK: k.SK }));
      for (let attempt = 0; pending && pending.length; attempt++) {
        if (attempt >= this.retry.maxAttempts) throw batchGaveUp('read', pending.length, this.retry);
        if (attempt > 0) await backoff(attempt, this.retry);
        const res = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ...shape } } }));
        out.push(...(res.Responses?.[this.tableName] ?? []));
        pending = res.UnprocessedKeys?.[this.tableName]?.Keys as Item[] | undefined;
      }
    }
    return out;
  }

  /**
   * Writes many whole items without conditions: one BatchWriteItem per 25, in order,
   * retrying what is left unprocessed at most `retry.maxAttempts` times in all, with
   * back-off. If DynamoDB still refuses, it stops there (no later batch is sent) and throws
   * a ServiceUnavailableError (503, Retry-After): earlier batches stay written, so callers
   * write in an order that is safe to stop anywhere and to repeat. For bulk paths that
   * hold a lease; everything else uses write().
   */
  async batchWrite(requests: readonly ({ put: Item } | { delete: StorageKey })[]): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
      let pending: Record<string, unknown>[] | undefined = requests
        .slice(i, i + 25)
        .map((r) => ('put' in r ? { PutRequest: { Item: r.put } } : { DeleteRequest: { Key: { PK: r.delete.PK, SK: r.delete.SK } } }));
      for (let attempt = 0; pending && pending.length; attempt++) {
        if (attempt >= this.retry.maxAttempts) throw batchGaveUp('write', pending.length, this.retry);
        if (attempt > 0) await backoff(attempt, this.retry);
        const res = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending as never } }));
        pending = res.UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
      }
    }
  }

  /** Every item of a query, storage attributes included (for code that needs the keys), following pages. */
  async raw(q: Omit<PageQuery, 'cursor' | 'limit'>): Promise<(Item & { entity?: string; SK?: string })[]> {
    const pkAttr = q.index?.partitionKey ?? TABLE.partitionKey;
    const skAttr = q.index?.sortKey ?? TABLE.sortKey;
    const out: Item[] = [];
    let start: Item | undefined;
    do {
      const res = await this.doc.send(new QueryCommand({ ...this.queryInput(q, pkAttr, skAttr), ExclusiveStartKey: start }));
      out.push(...(res.Items ?? []));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
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
   * Claims an Idempotency-Key for one request (see idempotencyContext). Returns the context to
   * run the route under, or the record already there (a replay, a conflict or a request in flight:
   * the caller decides). A claim left `in-flight` past `lockedUntil` (its request died before
   * writing) is taken over.
   */
  async claimIdempotency(
    tenantId: string,
    key: string,
    requestHash: string,
    now: Date,
    lockSeconds: number,
  ): Promise<{ claimed: IdempotencyContext } | { existing: IdempotencyRecord }> {
    const storageKey = keys.idempotency(tenantId, key);
    const claimToken = randomBytes(12).toString('base64url');
    const record: IdempotencyRecord = {
      state: 'in-flight',
      requestHash,
      claimToken,
      lockedUntil: new Date(now.getTime() + lockSeconds * 1000).toISOString(),
      createdAt: now.toISOString(),
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      const existing = attempt === 0 ? undefined : await this.getIdempotency(tenantId, key);
      if (existing && (existing.state !== 'in-flight' || existing.lockedUntil > now.toISOString() || existing.requestHash !== requestHash)) {
        return { existing };
      }
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...record, ...storageKey, entity: 'idempotency-key', [TABLE.ttlAttribute]: epochSeconds(now) + IDEMPOTENCY_RETENTION_SECONDS },
            ConditionExpression: existing ? '#state = :inflight AND claimToken = :old' : 'attribute_not_exists(PK)',
            ...(existing ? { ExpressionAttributeNames: { '#state': 'state' }, ExpressionAttributeValues: { ':inflight': 'in-flight', ':old': existing.claimToken } } : {}),
          }),
        );
        return { claimed: { tenantId, key: storageKey, requestHash, claimToken } };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    const existing = await this.getIdempotency(tenantId, key);
    if (!existing) throw new ConflictError('This Idempotency-Key is being claimed by another request at this moment; retry.', { reason: 'busy' });
    return { existing };
  }

  async getIdempotency(tenantId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.idempotency(tenantId, key), ConsistentRead: true }));
    return toRecord<IdempotencyRecord>(out.Item);
  }

  /** Saves the answer on the claim, for the retries of the next 24 hours. */
  async saveIdempotentAnswer(ctx: IdempotencyContext, answer: { status: number; body: string; contentType: string }): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: ctx.key,
        ...updateExpression({ set: { state: 'done', ...answer }, condition: 'claimToken = :token', values: { ':token': ctx.claimToken } }),
      }),
    );
  }

  /**
   * Gives a key back when its request failed before its write landed (a 4xx, a 503), so the
   * retry runs afresh. A claim that was marked `written` stays (the write did land, its answer
   * was lost: a timeout after DynamoDB applied it), but its lock ends now, so the retry hears
   * at once that it was carried out rather than that it is still running.
   */
  async releaseIdempotency(ctx: IdempotencyContext, now: Date): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: ctx.key,
          ConditionExpression: 'claimToken = :token AND #state = :inflight',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':token': ctx.claimToken, ':inflight': 'in-flight' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      await this.updateIf(ctx.key, { set: { lockedUntil: now.toISOString() }, condition: 'claimToken = :token', values: { ':token': ctx.claimToken } });
    }
  }

  /**
   * Applies the writes and puts the audit event, all or nothing. A failed condition
   * becomes a ConflictError (stale version, duplicate) or NotFoundError (record gone).
   */
  async write(tenantId: string, ops: WriteOp[], audit: AuditEvent): Promise<void> {
    return this.send(ops, audit, tenantId);
  }

  /**
   * The same writes, all or nothing, with no audit event: only for bookkeeping of records that
   * are themselves the log (an import's progress between its audited start and end).
   */
  async transact(ops: WriteOp[]): Promise<void> {
    return this.send(ops);
  }

  private async send(ops: WriteOp[], audit?: AuditEvent, tenantId?: string): Promise<void> {
    const TableName = this.tableName;
    const withKeys = (op: { record: Item; key: StorageKey; entity: string }, expiresAt?: Date) => ({
      ...op.record,
      ...op.key,
      entity: op.entity,
      ...(expiresAt ? { [TABLE.ttlAttribute]: epochSeconds(expiresAt) } : {}),
    });
    const items = ops.map((op) => {
      switch (op.kind) {
        case 'create':
          return {
            Put: {
              TableName,
              Item: withKeys(op, op.expiresAt),
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
              Item: withKeys(op, op.expiresAt),
              ConditionExpression: 'attribute_exists(PK) AND #version = :expected',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': op.expectedVersion },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
            },
          };
        case 'put':
          return {
            Put: { TableName, Item: withKeys(op, op.expiresAt) },
          };
        case 'put-if':
          return {
            Put: { TableName, Item: withKeys(op), ConditionExpression: op.condition, ExpressionAttributeValues: op.values },
          };
        case 'update-if':
          return { Update: { TableName, Key: { PK: op.key.PK, SK: op.key.SK }, ...updateExpression({ ...op.update, set: { ...op.update.set, entity: op.entity } }) } };
        case 'no-lease':
          return {
            Update: {
              TableName,
              Key: { PK: op.key.PK, SK: op.key.SK },
              ...updateExpression({
                set: { entity: op.entity, writeMark: randomBytes(12).toString('base64url') },
                condition: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now',
                values: { ':now': op.now.toISOString() },
              }),
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
    if (audit && tenantId) items.push({
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
    // The request's Idempotency-Key claim, marked written in the same transaction (audited
    // writes of the claiming partnership only: the route's own write).
    const claim = audit && tenantId ? idempotencyContext.getStore() : undefined;
    const carriesClaim = !!claim && !claim.written && claim.tenantId === tenantId;
    if (carriesClaim) {
      items.push({
        Update: {
          TableName,
          Key: claim!.key,
          ...updateExpression({
            set: { state: 'written' },
            condition: '#state = :inflight AND claimToken = :token',
            names: { '#state': 'state' },
            values: { ':inflight': 'in-flight', ':token': claim!.claimToken },
          }),
        },
      } as never);
    }
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items as never }));
      if (carriesClaim) claim!.written = true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const reasons = error.CancellationReasons ?? [];
        if (carriesClaim && reasons[items.length - 1]?.Code === 'ConditionalCheckFailed') {
          throw new ConflictError('Another request with the same Idempotency-Key took this one over; nothing was written by this one.', { reason: 'busy' });
        }
        throw translateCancellation(error, ops);
      }
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
    if (op.kind === 'update-if' || op.kind === 'no-lease' || op.kind === 'put-if') return new ConflictError(op.conflictMessage, { reason: 'busy' });
    if (op.kind === 'put') return error;
    const old = reasons[i].Item;
    if (!old) return new NotFoundError(op.entity);
    const current = old.version?.N ? Number(old.version.N) : undefined;
    return new ConflictError(`This ${op.entity} was changed by someone else; reload it and try again.`, {
      reason: 'stale_version',
      currentVersion: current,
    });
  }
  // Another transaction was writing the same item at that instant: the caller's write did
  // not happen and may simply be retried.
  if (reasons.some((r) => r?.Code === 'TransactionConflict')) {
    return new ConflictError('Someone else was changing this record at the same moment; reload it and try again.', { reason: 'busy' });
  }
  return error;
}

/** How often, and how patiently, a batch retries what DynamoDB leaves unprocessed. */
export interface BatchRetry {
  /** Requests per batch in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** What the 503 tells the client to wait. */
  retryAfterSeconds: number;
}

/**
 * Six attempts with exponential back-off and full jitter (AWS's advice for throttling):
 * at most about 2.5 s of waiting per batch, well inside the Lambda time limits.
 */
export const BATCH_RETRY: BatchRetry = { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 1000, retryAfterSeconds: 5 };

function backoff(attempt: number, retry: BatchRetry): Promise<void> {
  const ms = Math.random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
  return new Promise((r) => setTimeout(r, ms));
}

function batchGaveUp(what: 'read' | 'write', left: number, retry: BatchRetry): ServiceUnavailableError {
  return new ServiceUnavailableError(
    `The database is busy: ${left} item${left === 1 ? '' : 's'} of a batch ${what} stayed unprocessed after ${retry.maxAttempts} attempts. Try again in ${retry.retryAfterSeconds} seconds.`,
    retry.retryAfterSeconds,
  );
}

/**
 * One store per client and table. Keyed by the client: each partnership's requests have their
 * own client (its credentials and tenant guard), and a store must never send through another's.
 */
const stores = new WeakMap<DynamoDBDocumentClient, TableStore>();
export function tableStore(deps: { doc: DynamoDBDocumentClient; tableName: string }): TableStore {
  let store = stores.get(deps.doc);
  if (!store || store.tableName !== deps.tableName) {
    store = new TableStore(deps.doc, deps.tableName);
    stores.set(deps.doc, store);
  }
  return store;
}
