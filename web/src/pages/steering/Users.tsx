import { PageTitle } from '../../components/PageTitle';

/** Placeholder until this page is built. */
export default function Users() {
  return <PageTitle title="Users" />;
}
