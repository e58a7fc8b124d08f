import { PageTitle } from '../../../components/PageTitle';

export default function EditPlan() {
  return <PageTitle title="Coming soon" />;
}
