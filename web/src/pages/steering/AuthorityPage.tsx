import { useQuery } from '@tanstack/react-query';
import { Link, useLocation, useParams } from 'react-router';
import { call } from '../../api/client';
import { useApi } from '../../app/context';
import { useAbilities, useMe } from '../../app/session';
import { labelOf, reportingYear, SECTOR_LABELS, TYPE_LABELS } from '../../components/admin-labels';
import { PageTitle } from '../../components/PageTitle';
import { NotificationBanner, QueryView, SummaryList, type SummaryRow } from '../../components/ui';
import { DueList } from '../authority/records/DueList';

/**
 * One authority: the home of its lead and editors, and the steering group's view of it. What is
 * due and overdue first (each item links to where it is dealt with), then its details and who
 * may change them.
 */
export default function AuthorityPage() {
  const { id = '' } = useParams();
  const api = useApi();
  const me = useMe().data;
  const can = useAbilities();
  const flash = (useLocation().state as { flash?: string } | null)?.flash;
  const query = useQuery({ queryKey: ['authority', id], queryFn: () => call(api.GET('/authorities/{id}', { params: { path: { id } } })) });
  // The IT provider's name: the steering group and viewers see the whole list; others see the id.
  const list = useQuery({ queryKey: ['authorities'], queryFn: () => call(api.GET('/authorities')), enabled: can.seesPartnership });
  // The API lets the steering group, and the authority's own lead, change its details.
  const mayEdit = can.editsPartnership || (me?.role === 'authority-lead' && me.authorityId === id);
  const year = reportingYear();
  return (
    <>
      {flash && <NotificationBanner type="success">{flash}</NotificationBanner>}
      <QueryView query={query} what="the authority">
        {(a) => {
          const provider = a.itProvidedBy ? (list.data?.items.find((x) => x.id === a.itProvidedBy)?.name ?? `Another authority of the partnership (${a.itProvidedBy})`) : 'Its own IT';
          const change = (visuallyHidden: string) => (mayEdit ? { action: { to: `/authorities/${id}/edit`, label: 'Change', visuallyHidden } } : {});
          const rows: SummaryRow[] = [
            { key: 'Name', value: a.name, ...change('name') },
            { key: 'Sector', value: labelOf(SECTOR_LABELS, a.sector), ...change('sector') },
            { key: 'Type', value: labelOf(TYPE_LABELS, a.type), ...change('type') },
            { key: 'Prevent lead', value: a.preventLeadName ?? 'Not recorded', ...change('Prevent lead') },
            { key: 'Prevent lead’s email', value: a.preventLeadEmail ?? 'Not recorded', ...change('Prevent lead’s email') },
            { key: 'IT provided by', value: provider, ...change('IT provider') },
            { key: 'Short code', value: a.id },
          ];
          return (
            <>
              <PageTitle title={a.name} caption={labelOf(SECTOR_LABELS, a.sector)} />
              <DueList id={id} year={year} />
              <h2 className="govuk-heading-m">Details</h2>
              <SummaryList rows={rows} />
              {can.seesPartnership && (
                <p className="govuk-body">
                  <Link className="govuk-link" to="/authorities">
                    All authorities
                  </Link>
                </p>
              )}
            </>
          );
        }}
      </QueryView>
    </>
  );
}
