import { Navigate } from 'react-router';
import { useMe } from '../app/session';
import { PageTitle } from '../components/PageTitle';

/** Where each role lands: the partnership's dashboard, or the user's own authority. */
export default function Home() {
  const me = useMe().data!;
  if (me.role === 'steering-group' || me.role === 'viewer') return <Navigate to="/dashboard" replace />;
  if (me.authorityId) return <Navigate to={`/authorities/${me.authorityId}`} replace />;
  return (
    <>
      <PageTitle title="No authority on your account" />
      <p className="govuk-body">Your account has a role that needs an authority, but none is set. Ask your steering group to check your invitation.</p>
    </>
  );
}
