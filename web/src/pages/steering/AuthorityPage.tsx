import { PageTitle } from '../../components/PageTitle';

/** Placeholder until this page is built. */
export default function AuthorityPage() {
  return <PageTitle title="AuthorityPage" />;
}
