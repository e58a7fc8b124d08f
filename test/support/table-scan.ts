import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../functions/data/client';

/** Every item of the test file's table (a plain Scan, paged): for before/after comparisons. */
export async function scanTable(): Promise<Record<string, unknown>[]> {
  const { doc, tableName } = dynamo();
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The table as one comparable value: items sorted by key, attributes in a fixed order. */
export async function tableSnapshot(): Promise<string[]> {
  const sorted = (value: unknown): unknown =>
    value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Set)
      ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted((value as Record<string, unknown>)[k])]))
      : value instanceof Set
        ? [...value].sort()
        : value;
  return (await scanTable()).map((item) => JSON.stringify(sorted(item))).sort();
}
