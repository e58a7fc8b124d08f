import { PageTitle } from '../../components/PageTitle';

/** Placeholder until this page is built. */
export default function Settings() {
  return <PageTitle title="Settings" />;
}
