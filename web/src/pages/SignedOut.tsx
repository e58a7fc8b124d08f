import { useServices } from '../app/context';
import { PageTitle, SERVICE_NAME } from '../components/PageTitle';

export default function SignedOut() {
  const { auth } = useServices();
  return (
    <div className="govuk-width-container">
      <main className="govuk-main-wrapper" id="main-content">
        <PageTitle title="You have signed out" />
        <p className="govuk-body">You have signed out of {SERVICE_NAME}. Close this tab if you are on a shared computer.</p>
        <button type="button" className="govuk-button" data-module="govuk-button" onClick={() => void auth.signIn(import.meta.env.BASE_URL)}>
          Sign in again
        </button>
      </main>
    </div>
  );
}
