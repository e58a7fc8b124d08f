import type { RouteObject } from 'react-router';
import { page } from '../../../app/lazy-page';

const base = 'authorities/:id/statements/:year';

/**
 * The annual assurance statement of an authority, under /authorities/:id/statements/ (see
 * app/routes.tsx). The statement's own path (where reminder e-mails link) is the authority's
 * task list for its lead and editors, and the steering group's review page for everyone else.
 */
export const statementRoutes: RouteObject[] = [
  { path: base, lazy: page(() => import('./StatementEntry')) },
  { path: `${base}/benchmarks/:number`, lazy: page(() => import('./BenchmarkPage')) },
  { path: `${base}/narrative/:section`, lazy: page(() => import('./NarrativePage')) },
  { path: `${base}/sign-off`, lazy: page(() => import('./SignOffPage')) },
  { path: `${base}/document`, lazy: page(() => import('./DocumentPage')) },
  { path: `${base}/check`, lazy: page(() => import('./CheckAnswers')) },
  { path: `${base}/versions/:number`, lazy: page(() => import('./VersionPage')) },
];
