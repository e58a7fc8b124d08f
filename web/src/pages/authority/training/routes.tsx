import type { RouteObject } from 'react-router';
import { page } from '../../../app/lazy-page';

/** The training pages of an authority, under /authorities/:id/ (see app/routes.tsx). */
export const trainingRoutes: RouteObject[] = [
  { path: 'authorities/:id/training', lazy: page(() => import('./Training')) },
  { path: 'authorities/:id/training/import', lazy: page(() => import('./Import')) },
  { path: 'authorities/:id/training/imports/:importId', lazy: page(() => import('./ImportJobPage')) },
  { path: 'authorities/:id/training/completions/new', lazy: page(() => import('./AddCompletion')) },
  { path: 'authorities/:id/training/sessions/new', lazy: page(() => import('./RecordSession')) },
  { path: 'authorities/:id/training/plan', lazy: page(() => import('./EditPlan')) },
  { path: 'authorities/:id/training/erase', lazy: page(() => import('./Erase')) },
];
