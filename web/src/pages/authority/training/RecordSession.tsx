import { PageTitle } from '../../../components/PageTitle';

export default function RecordSession() {
  return <PageTitle title="Coming soon" />;
}
