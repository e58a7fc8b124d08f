import type { RouteObject } from 'react-router';
import { page } from '../../../app/lazy-page';

/** The annual assurance statement of an authority, under /authorities/:id/statements/ (see app/routes.tsx). */
export const statementRoutes: RouteObject[] = [
  { path: 'authorities/:id/statements/:year', lazy: page(() => import('../../steering/StatementReview')) },
];
