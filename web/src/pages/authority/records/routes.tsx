import type { RouteObject } from 'react-router';

/** The records pages of an authority, under /authorities/:id/ (see app/routes.tsx). */
export const recordsRoutes: RouteObject[] = [];
