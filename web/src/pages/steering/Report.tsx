import { PageTitle } from '../../components/PageTitle';

/** Placeholder until this page is built. */
export default function Report() {
  return <PageTitle title="Report" />;
}
