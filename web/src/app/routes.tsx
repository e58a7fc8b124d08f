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
          // The steering group's own records: the action plan (authority users see the actions they lead),
          // delivery figures, the Home Office assessment and the annual report to the board.
          { path: 'action-plans', lazy: page(() => import('../pages/plan/ActionPlans')) },
          { path: 'action-plans/new', lazy: page(() => import('../pages/plan/ActionPlanForm')) },
          { path: 'action-plans/:planId', lazy: page(() => import('../pages/plan/ActionPlanPage')) },
          { path: 'action-plans/:planId/edit', lazy: page(() => import('../pages/plan/ActionPlanForm')) },
          { path: 'action-plans/:planId/actions/new', lazy: page(() => import('../pages/plan/ActionForm')) },
          { path: 'action-plans/:planId/actions/:actionId/edit', lazy: page(() => import('../pages/plan/ActionForm')) },
          { path: 'action-plans/:planId/close-year', lazy: page(() => import('../pages/plan/CloseYear')) },
          { path: 'delivery', lazy: page(() => import('../pages/delivery/DeliveryFigures')) },
          { path: 'delivery/:year/quarters/:quarter', lazy: page(() => import('../pages/delivery/QuarterForm')) },
          { path: 'annual-report', lazy: page(() => import('../pages/annual/AnnualReport')) },
          { path: 'annual-report/:year/narrative', lazy: page(() => import('../pages/annual/NarrativeForm')) },
          { path: 'assessments/:year', lazy: page(() => import('../pages/annual/Assessment')) },
          { path: 'assessments/:year/edit', lazy: page(() => import('../pages/annual/AssessmentForm')) },
          { path: 'accessibility', lazy: page(() => import('../pages/Accessibility')) },
          { path: '*', lazy: page(() => import('../pages/NotFound')) },
        ],
      },
    ],
  },
];
