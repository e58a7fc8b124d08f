import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BuildMiddleware } from '@smithy/types';
import { KEY_DELIMITER, tenantKeyPrefix } from './keys';
import { TABLE } from './table';

/**
 * Defence in depth for tenant requests: the tenant client's credentials can reach only
 * partition keys under `<tenantId>#` (IAM `dynamodb:LeadingKeys`), but DynamoDB Local ignores
 * IAM, so locally and in the tests nothing would catch a key builder or a repository that
 * strays into another partnership. This guard checks every request the tenant client sends,
 * as it goes over the wire, against the same rule, and refuses it before it leaves the
 * process. It runs in every environment (it is a few string comparisons), so a violation shows
 * up as a failing test long before IAM would have to refuse it in AWS.
 */

/** What a tenant request may do: the data operations of the tenant role's policy, no Scan. */
const ALLOWED = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchGetItem', 'BatchWriteItem', 'TransactGetItems', 'TransactWriteItems', 'Query']);

/** Indexes whose partition keys begin with the tenant; GSI3 (the reminder index) crosses partnerships. */
const TENANT_INDEXES: Record<string, string> = {
  [TABLE.indexes.GSI1.name]: TABLE.indexes.GSI1.partitionKey,
  [TABLE.indexes.GSI2.name]: TABLE.indexes.GSI2.partitionKey,
};

type AttributeValue = { S?: string } & Record<string, unknown>;
type WireItem = Record<string, AttributeValue | undefined>;
type Body = Record<string, unknown>;

/**
 * What an error message may say of a refused key: its first segment (a tenant id, or a fixed word
 * such as JOB), never the rest, which can hold an encoded email or staff reference (logs carry no
 * personal data).
 */
const leading = (pk: string) => `"${pk.split(KEY_DELIMITER)[0].slice(0, 40)}#…"`;

export class TenantGuardError extends Error {
  constructor(tenantId: string, operation: string, reason: string) {
    super(`Tenant guard refused ${operation} for partnership ${tenantId}: ${reason}`);
    this.name = 'TenantGuardError';
  }
}

/**
 * Why a DynamoDB request (operation name and JSON body in the wire format: attribute values as
 * `{ S: … }`) would leave the tenant's partition keys, or undefined if it stays inside them.
 * Pure, so the rule is unit-tested on its own (test/unit/tenant-guard.test.ts).
 */
export function tenantViolation(tenantId: string, tableName: string, operation: string, body: Body): string | undefined {
  if (!ALLOWED.has(operation)) return `${operation} is not a tenant operation`;
  const prefix = tenantKeyPrefix(tenantId);
  const table = (name: unknown) => (name === tableName ? undefined : `table ${String(name)} is not the tenant table`);
  const key = (item: unknown, what: string): string | undefined => {
    const pk = (item as WireItem | undefined)?.[TABLE.partitionKey]?.S;
    if (typeof pk !== 'string') return `${what} has no string partition key`;
    return pk.startsWith(prefix) ? undefined : `${what} partition key ${leading(pk)} is outside ${prefix}`;
  };
  const first = (...problems: (string | undefined)[]) => problems.find((p) => p !== undefined);

  switch (operation) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return first(table(body.TableName), key(body.Key, 'Key'));
    case 'PutItem':
      return first(table(body.TableName), key(body.Item, 'Item'));
    case 'BatchGetItem': {
      const requests = Object.entries((body.RequestItems ?? {}) as Record<string, { Keys?: unknown[] }>);
      if (!requests.length) return 'BatchGetItem without RequestItems';
      return first(...requests.flatMap(([name, r]) => [table(name), ...(r.Keys ?? [undefined]).map((k, i) => key(k, `RequestItems[${i}].Key`))]));
    }
    case 'BatchWriteItem': {
      const requests = Object.entries((body.RequestItems ?? {}) as Record<string, { PutRequest?: { Item?: unknown }; DeleteRequest?: { Key?: unknown } }[]>);
      if (!requests.length) return 'BatchWriteItem without RequestItems';
      return first(
        ...requests.flatMap(([name, writes]) => [
          table(name),
          ...writes.map((w, i) => (w.PutRequest ? key(w.PutRequest.Item, `RequestItems[${i}].PutRequest.Item`) : key(w.DeleteRequest?.Key, `RequestItems[${i}].DeleteRequest.Key`))),
        ]),
      );
    }
    case 'TransactGetItems':
    case 'TransactWriteItems': {
      const items = (body.TransactItems ?? []) as Record<string, { TableName?: unknown; Key?: unknown; Item?: unknown } | undefined>[];
      if (!items.length) return `${operation} without TransactItems`;
      return first(
        ...items.flatMap((t, i) => {
          const kinds = Object.entries(t).filter(([, v]) => v !== undefined);
          if (kinds.length !== 1) return [`TransactItems[${i}] must hold exactly one action`];
          const [kind, action] = kinds[0];
          if (!['Get', 'Put', 'Update', 'Delete', 'ConditionCheck'].includes(kind)) return [`TransactItems[${i}].${kind} is not a tenant action`];
          return [table(action!.TableName), kind === 'Put' ? key(action!.Item, `TransactItems[${i}].Put.Item`) : key(action!.Key, `TransactItems[${i}].${kind}.Key`)];
        }),
      );
    }
    case 'Query':
      return first(table(body.TableName), queryViolation(prefix, body));
    default:
      return `${operation} is not a tenant operation`;
  }
}

/**
 * A Query reaches one partition: the key condition's equality on the partition key of the table
 * or of a tenant index. Names and values are resolved through ExpressionAttributeNames/Values;
 * a condition the guard cannot read (legacy KeyConditions, an OR) is refused, not guessed at.
 */
function queryViolation(prefix: string, body: Body): string | undefined {
  const index = body.IndexName as string | undefined;
  let pkAttribute: string = TABLE.partitionKey;
  if (index !== undefined) {
    if (!(index in TENANT_INDEXES)) return `index ${index} is not a tenant index`;
    pkAttribute = TENANT_INDEXES[index];
  }
  if (body.KeyConditions !== undefined) return 'legacy KeyConditions are not allowed';
  const expression = body.KeyConditionExpression;
  if (typeof expression !== 'string') return 'Query without KeyConditionExpression';
  const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (body.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>;
  const resolveName = (token: string) => (token.startsWith('#') ? names[token] : token);
  for (const clause of expression.split(/\s+AND\s+/i)) {
    const m = /^\s*\(?\s*([#\w.]+)\s*=\s*(:\w+)\s*\)?\s*$/.exec(clause) ?? /^\s*\(?\s*(:\w+)\s*=\s*([#\w.]+)\s*\)?\s*$/.exec(clause);
    if (!m) continue;
    const [name, value] = m[1].startsWith(':') ? [m[2], m[1]] : [m[1], m[2]];
    if (resolveName(name) !== pkAttribute) continue;
    const pk = values[value]?.S;
    if (typeof pk !== 'string') return `Query partition key ${value} is not a string value`;
    return pk.startsWith(prefix) ? undefined : `Query partition key ${leading(pk)} is outside ${prefix}`;
  }
  return `Query key condition names no equality on ${pkAttribute}`;
}

/**
 * Attaches the guard to a tenant's DynamoDB client (a document client shares its base client's
 * middleware stack). It sits in the build step, after the
 * document client has marshalled the input and the request body has been serialised, and reads
 * that body and the `X-Amz-Target` operation: what is checked is exactly what would be sent.
 */
export function guardTenantClient(client: DynamoDBClient | DynamoDBDocumentClient, tenantId: string, tableName: string): void {
  const guard: BuildMiddleware<object, object> = (next) => async (args) => {
    const request = args.request as { headers?: Record<string, string>; body?: unknown };
    const target = Object.entries(request.headers ?? {}).find(([name]) => name.toLowerCase() === 'x-amz-target')?.[1] ?? '';
    const operation = target.split('.').pop() ?? '';
    let body: Body;
    try {
      // A string, bytes, or (this SDK's JSON serialiser) a string adapter over the bytes.
      const raw = request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : String(request.body ?? '{}');
      body = JSON.parse(raw) as Body;
    } catch {
      throw new TenantGuardError(tenantId, operation, 'unreadable request body');
    }
    const problem = tenantViolation(tenantId, tableName, operation, body);
    if (problem) throw new TenantGuardError(tenantId, operation || 'request', problem);
    return next(args);
  };
  // The stack is typed per command union; the guard reads only the serialised request.
  client.middlewareStack.add(guard as never, { step: 'build', name: 'tenantGuard', priority: 'low' });
}
