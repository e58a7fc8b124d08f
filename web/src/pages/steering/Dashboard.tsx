import { PageTitle } from '../../components/PageTitle';

/** Placeholder until this page is built. */
export default function Dashboard() {
  return <PageTitle title="Dashboard" />;
}
