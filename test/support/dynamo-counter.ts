import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Items a read answered with: a Query's or Scan's `Count`, 1 for a GetItem that found its item,
 * the items in a BatchGetItem's `Responses` (or a TransactGetItems' found items); 0 for writes.
 */
export function itemsIn(output: unknown): number {
  const o = (output ?? {}) as { Count?: unknown; Item?: unknown; Responses?: unknown };
  if (typeof o.Count === 'number') return o.Count;
  if (o.Item) return 1;
  if (Array.isArray(o.Responses)) return o.Responses.filter((r) => (r as { Item?: unknown })?.Item).length;
  if (o.Responses && typeof o.Responses === 'object') return Object.values(o.Responses as Record<string, unknown[]>).reduce((n, items) => n + (items?.length ?? 0), 0);
  return 0;
}

/**
 * Counts DynamoDB requests by operation, by hooking the document client's middleware, and
 * the items those requests read (`itemsRead`, see itemsIn).
 */
export function countRequests(doc: DynamoDBDocumentClient) {
  const counts: Record<string, number> = {};
  const read = { items: 0 };
  const name = `requestCounter${Math.random().toString(36).slice(2)}`;
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String((context as { commandName?: string }).commandName ?? 'unknown').replace(/Command$/, '');
      counts[name] = (counts[name] ?? 0) + 1;
      const result = await next(args);
      read.items += itemsIn(result.output);
      return result;
    },
    { step: 'initialize', name },
  );
  return {
    counts,
    total: () => Object.values(counts).reduce((a, b) => a + b, 0),
    itemsRead: () => read.items,
    reset: () => {
      for (const k of Object.keys(counts)) delete counts[k];
      read.items = 0;
    },
    detach: () => doc.middlewareStack.remove(name),
  };
}
