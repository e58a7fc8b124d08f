import type { RouteObject } from 'react-router';
import { Layout } from './Layout';
import { page } from './lazy-page';
import { RequireSignIn } from './RequireSignIn';
import { recordsRoutes } from '../pages/authority/records/routes';
import { statementRoutes } from '../pages/authority/statement/routes';
import { trainingRoutes } from '../pages/authority/training/routes';

/**
 * Every page, loaded on demand (one chunk per page): the first load carries the shell only.
 * Paths mirror the API's (`/authorities/:id/sop` …) so reminder e-mails link straight here.
 */
export const routes: RouteObject[] = [
  { path: 'auth/callback', lazy: page(() => import('../pages/AuthCallback')) },
  { path: 'signed-out', lazy: page(() => import('../pages/SignedOut')) },
  {
    element: <RequireSignIn />,
    children: [
      {
        element: <Layout />,
        children: [
          { index: true, lazy: page(() => import('../pages/Home')) },
          { path: 'choose-partnership', lazy: page(() => import('../pages/ChoosePartnership')) },
          { path: 'dashboard', lazy: page(() => import('../pages/steering/Dashboard')) },
          { path: 'report', lazy: page(() => import('../pages/steering/Report')) },
          { path: 'sops', lazy: page(() => import('../pages/steering/Sops')) },
          { path: 'authorities', lazy: page(() => import('../pages/steering/Authorities')) },
          { path: 'authorities/new', lazy: page(() => import('../pages/steering/AuthorityForm')) },
          { path: 'authorities/:id', lazy: page(() => import('../pages/steering/AuthorityPage')) },
          { path: 'authorities/:id/edit', lazy: page(() => import('../pages/steering/AuthorityForm')) },
          ...statementRoutes,
          ...trainingRoutes,
          ...recordsRoutes,
          { path: 'authorities/:id/*', lazy: page(() => import('../pages/authority/AuthorityPlaceholder')) },
          { path: 'users', lazy: page(() => import('../pages/steering/Users')) },
          { path: 'users/invite', lazy: page(() => import('../pages/steering/InviteUser')) },
          { path: 'settings', lazy: page(() => import('../pages/steering/Settings')) },
          { path: 'settings/edit', lazy: page(() => import('../pages/steering/SettingsEdit')) },
          { path: 'settings/courses', lazy: page(() => import('../pages/steering/Courses')) },
          { path: 'audit', lazy: page(() => import('../pages/steering/Audit')) },
          { path: 'accessibility', lazy: page(() => import('../pages/Accessibility')) },
          { path: '*', lazy: page(() => import('../pages/NotFound')) },
        ],
      },
    ],
  },
];
