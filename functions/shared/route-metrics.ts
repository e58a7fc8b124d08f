import type { RouteId } from '../api';
import { BUSINESS_METRICS as M, count } from './metrics';

type Counted = (input: { body: unknown }, result: unknown) => void;

/**
 * The business events a successful request stands for, counted after the write committed (a
 * refused or failed request counts nothing). Routes not named here count nothing; imports run
 * as jobs are counted by the worker when the job ends (functions/jobs/import-worker.ts).
 */
export const ROUTE_METRICS: Partial<Record<RouteId, Counted>> = {
  submitStatement: () => count(M.statementSubmitted),
  reviewStatement: ({ body }) => count((body as { outcome?: string }).outcome === 'accept' ? M.statementAccepted : M.statementReturned),
  importCompletions: (_, result) => {
    const r = result as { imported?: number; rejected?: unknown[] };
    count(M.rowsImported, r.imported ?? 0);
    count(M.rowsRejected, r.rejected?.length ?? 0);
  },
};
