import { Link, useParams } from 'react-router';
import { PageTitle } from '../../components/PageTitle';

/** An address under an authority that no page answers (yet): says so, and leads back to its home. */
export default function AuthorityPlaceholder() {
  const { id } = useParams();
  return (
    <>
      <PageTitle title="This page is not available yet" caption={id} />
      <p className="govuk-body">This part of the authority’s records cannot be used in the browser yet. Until it can, your steering group can help.</p>
      {id && (
        <p className="govuk-body">
          <Link className="govuk-link" to={`/authorities/${id}`}>
            Go to the authority’s home page
          </Link>
        </p>
      )}
    </>
  );
}
