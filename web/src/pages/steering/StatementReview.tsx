import { PageTitle } from '../../components/PageTitle';

/** Placeholder until this page is built. */
export default function StatementReview() {
  return <PageTitle title="StatementReview" />;
}
