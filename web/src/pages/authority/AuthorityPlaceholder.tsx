import { useParams } from 'react-router';
import { PageTitle } from '../../components/PageTitle';

/** The authority's own pages (statement, SOP, training, IT filter) arrive with the authority journeys. */
export default function AuthorityPlaceholder() {
  const { id } = useParams();
  return (
    <>
      <PageTitle title="This page is on its way" caption={id} />
      <p className="govuk-body">Recording statements, training, SOPs and IT-filter assurances in the browser is coming next. Until then your steering group can help.</p>
    </>
  );
}
