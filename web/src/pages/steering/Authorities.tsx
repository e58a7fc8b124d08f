import { useQuery } from '@tanstack/react-query';
import { Link, useLocation } from 'react-router';
import { call } from '../../api/client';
import { useApi } from '../../app/context';
import { useAbilities } from '../../app/session';
import { labelOf, SECTOR_LABELS, TYPE_LABELS } from '../../components/admin-labels';
import { PageTitle } from '../../components/PageTitle';
import { NotificationBanner, QueryView, Table } from '../../components/ui';

/** The partnership's specified authorities, each linking to its page. */
export default function Authorities() {
  const api = useApi();
  const can = useAbilities();
  const flash = (useLocation().state as { flash?: string } | null)?.flash;
  const query = useQuery({ queryKey: ['authorities'], queryFn: () => call(api.GET('/authorities')) });
  return (
    <>
      {flash && <NotificationBanner type="success">{flash}</NotificationBanner>}
      <QueryView query={query} what="authorities">
        {({ items }) => {
          const names = new Map(items.map((a) => [a.id, a.name]));
          const sorted = [...items].sort((a, b) => a.name.localeCompare(b.name));
          return (
            <>
              <PageTitle title="Authorities" />
              <p className="govuk-body">The specified authorities in the partnership, by Schedule 6 sector.</p>
              {can.editsPartnership && (
                <Link to="/authorities/new" className="govuk-button" role="button" data-module="govuk-button">
                  Add an authority
                </Link>
              )}
              {items.length === 0 ? (
                <p className="govuk-body">
                  There are no authorities yet.{can.editsPartnership ? ' Add the first one with the button above.' : ' The steering group adds them.'}
                </p>
              ) : (
                <Table label="Authorities" caption={`${items.length} authorities`} headers={['Name', 'Sector', 'Type', 'Prevent lead', 'IT provided by']}>
                  {sorted.map((a) => (
                    <tr className="govuk-table__row" key={a.id}>
                      <th scope="row" className="govuk-table__header">
                        <Link className="govuk-link" to={`/authorities/${a.id}`}>
                          {a.name}
                        </Link>
                      </th>
                      <td className="govuk-table__cell">{labelOf(SECTOR_LABELS, a.sector)}</td>
                      <td className="govuk-table__cell">{labelOf(TYPE_LABELS, a.type)}</td>
                      <td className="govuk-table__cell">
                        {a.preventLeadName ?? 'Not recorded'}
                        {a.preventLeadEmail && (
                          <>
                            <br />
                            <span className="govuk-body-s">{a.preventLeadEmail}</span>
                          </>
                        )}
                      </td>
                      <td className="govuk-table__cell">{a.itProvidedBy ? (names.get(a.itProvidedBy) ?? a.itProvidedBy) : 'Its own'}</td>
                    </tr>
                  ))}
                </Table>
              )}
            </>
          );
        }}
      </QueryView>
    </>
  );
}
