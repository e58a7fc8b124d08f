import { PageTitle } from '../../components/PageTitle';

/** Placeholder until this page is built. */
export default function InviteUser() {
  return <PageTitle title="InviteUser" />;
}
