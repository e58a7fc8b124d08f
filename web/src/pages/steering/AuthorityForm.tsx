import { PageTitle } from '../../components/PageTitle';

/** Placeholder until this page is built. */
export default function AuthorityForm() {
  return <PageTitle title="AuthorityForm" />;
}
