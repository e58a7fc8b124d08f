import { PageTitle } from '../../components/PageTitle';

/** Placeholder until this page is built. */
export default function SettingsEdit() {
  return <PageTitle title="SettingsEdit" />;
}
