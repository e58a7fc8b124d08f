import { Link } from 'react-router';
import { PageTitle } from '../components/PageTitle';

export default function NotFound() {
  return (
    <>
      <PageTitle title="Page not found" />
      <p className="govuk-body">If you typed the web address, check it is correct.</p>
      <p className="govuk-body">
        <Link className="govuk-link" to="/">
          Go to your home page
        </Link>
      </p>
    </>
  );
}
