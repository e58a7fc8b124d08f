import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { useServices } from '../app/context';
import { PageTitle } from '../components/PageTitle';
import { Loading } from '../components/ui';

/** Where sign-in comes back to: finish it, then go where the user was heading. */
export default function AuthCallback() {
  const { auth } = useServices();
  const navigate = useNavigate();
  const [failed, setFailed] = useState<string>();
  const once = useRef(false);
  useEffect(() => {
    if (once.current) return;
    once.current = true;
    auth
      .completeSignIn()
      .then((returnTo) => navigate(returnTo.slice(import.meta.env.BASE_URL.length - 1) || '/', { replace: true }))
      .catch((error: Error) => setFailed(error.message));
  }, [auth, navigate]);
  return (
    <div className="govuk-width-container">
      <main className="govuk-main-wrapper" id="main-content">
        {failed ? (
          <>
            <PageTitle title="Sign-in did not complete" />
            <p className="govuk-body">{failed}</p>
            <button type="button" className="govuk-button" onClick={() => void auth.signIn(import.meta.env.BASE_URL)}>
              Sign in again
            </button>
          </>
        ) : (
          <Loading what="Signing you in" />
        )}
      </main>
    </div>
  );
}
