import type { RouteObject } from 'react-router';
import { page } from '../../../app/lazy-page';

/** The records pages of an authority, under /authorities/:id/ (see app/routes.tsx); paths as the reminders' links. */
export const recordsRoutes: RouteObject[] = [
  { path: 'authorities/:id/sop', lazy: page(() => import('./SopPage')) },
  { path: 'authorities/:id/sop/edit', lazy: page(() => import('./SopEdit')) },
  { path: 'authorities/:id/sop/review', lazy: page(() => import('./SopReviewForm')) },
  { path: 'authorities/:id/sop/obligations/:obligationId', lazy: page(() => import('./ObligationPage')) },
  { path: 'authorities/:id/sop/obligations/:obligationId/edit', lazy: page(() => import('./ObligationEdit')) },
  { path: 'authorities/:id/it-filter-assurances', lazy: page(() => import('./ItFilterPage')) },
  { path: 'authorities/:id/it-filter-assurances/:year', lazy: page(() => import('./ItFilterForm')) },
];
