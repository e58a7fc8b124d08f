import { PageTitle } from '../../components/PageTitle';

/** Placeholder until this page is built. */
export default function Authorities() {
  return <PageTitle title="Authorities" />;
}
