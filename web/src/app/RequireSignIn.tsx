import { useEffect, useState } from 'react';
import { Outlet, useLocation } from 'react-router';
import { useServices } from './context';
import { Loading } from '../components/ui';

/** Pages behind sign-in: without a token, the browser goes to sign in and comes back here. */
export function RequireSignIn() {
  const { auth } = useServices();
  const location = useLocation();
  const [state, setState] = useState<'checking' | 'in' | 'redirecting'>('checking');
  useEffect(() => {
    let live = true;
    void auth.idToken().then((token) => {
      if (!live) return;
      if (token) setState('in');
      else {
        setState('redirecting');
        void auth.signIn(`${import.meta.env.BASE_URL.replace(/\/$/, '')}${location.pathname}${location.search}`);
      }
    });
    return () => {
      live = false;
    };
  }, [auth, location.pathname, location.search]);
  if (state !== 'in') {
    return (
      <div className="govuk-width-container">
        <main className="govuk-main-wrapper" id="main-content">
          <Loading what={state === 'redirecting' ? 'Taking you to sign in' : 'Checking your sign-in'} />
        </main>
      </div>
    );
  }
  return <Outlet />;
}
