import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Counts DynamoDB requests by operation, by hooking the document client's middleware. */
export function countRequests(doc: DynamoDBDocumentClient) {
  const counts: Record<string, number> = {};
  const name = `requestCounter${Math.random().toString(36).slice(2)}`;
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String((context as { commandName?: string }).commandName ?? 'unknown').replace(/Command$/, '');
      counts[name] = (counts[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name },
  );
  return {
    counts,
    total: () => Object.values(counts).reduce((a, b) => a + b, 0),
    reset: () => {
      for (const k of Object.keys(counts)) delete counts[k];
    },
    detach: () => doc.middlewareStack.remove(name),
  };
}
