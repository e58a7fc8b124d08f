import { PageTitle } from '../../components/PageTitle';

/** Placeholder until this page is built. */
export default function Audit() {
  return <PageTitle title="Audit" />;
}
