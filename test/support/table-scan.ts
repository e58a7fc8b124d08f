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

type Item = Record<string, unknown>;
const itemKey = (i: Item) => `${i.PK}|${i.SK}`;

/** Every item, in key order: two scans of an unchanged table compare equal. */
export async function scanByKey(): Promise<Item[]> {
  return (await scanTable()).sort((x, y) => itemKey(x).localeCompare(itemKey(y)));
}

/** The items of `after` whose keys `before` did not have. */
export function addedItems(before: readonly Item[], after: readonly Item[]): Item[] {
  const seen = new Set(before.map(itemKey));
  return after.filter((i) => !seen.has(itemKey(i)));
}

/** The items of `after` that are new or differ from the item of the same key in `before` (a create that adds to a record, such as a progress update). */
export function changedItems(before: readonly Item[], after: readonly Item[]): Item[] {
  const was = new Map(before.map((i) => [itemKey(i), JSON.stringify(i)]));
  return after.filter((i) => was.get(itemKey(i)) !== JSON.stringify(i));
}
