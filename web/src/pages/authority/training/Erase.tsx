import { PageTitle } from '../../../components/PageTitle';

export default function Erase() {
  return <PageTitle title="Coming soon" />;
}
