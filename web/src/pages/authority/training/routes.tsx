import type { RouteObject } from 'react-router';

/** The training pages of an authority, under /authorities/:id/ (see app/routes.tsx). */
export const trainingRoutes: RouteObject[] = [];
