import { lazy, Suspense } from 'react';
import { useAbilities } from '../../../app/session';
import { Loading } from '../../../components/ui';

const Review = lazy(() => import('../../steering/StatementReview'));
const Overview = lazy(() => import('./StatementOverview'));

/**
 * /authorities/:id/statements/:year, where reminder e-mails link: the authority's lead and
 * editors get their task list; the steering group and viewers the review page.
 */
export default function StatementEntry() {
  const can = useAbilities();
  return <Suspense fallback={<Loading what="Loading the statement" />}>{can.isAuthorityUser ? <Overview /> : <Review />}</Suspense>;
}
