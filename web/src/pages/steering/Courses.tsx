import { PageTitle } from '../../components/PageTitle';

/** Placeholder until this page is built. */
export default function Courses() {
  return <PageTitle title="Courses" />;
}
