import { PageTitle } from '../../components/PageTitle';

/** Placeholder until this page is built. */
export default function Sops() {
  return <PageTitle title="Sops" />;
}
