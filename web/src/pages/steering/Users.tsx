import { useQuery } from '@tanstack/react-query';
import { Link, useLocation } from 'react-router';
import { call } from '../../api/client';
import { useApi } from '../../app/context';
import { ROLE_LABELS, useAbilities } from '../../app/session';
import { PageTitle } from '../../components/PageTitle';
import { NotificationBanner, QueryView, Table } from '../../components/ui';

/** The partnership's users and their roles (steering group only). */
export default function Users() {
  const api = useApi();
  const can = useAbilities();
  const flash = (useLocation().state as { flash?: string } | null)?.flash;
  const users = useQuery({ queryKey: ['users'], queryFn: () => call(api.GET('/users')), enabled: can.managesUsers });
  const authorities = useQuery({ queryKey: ['authorities'], queryFn: () => call(api.GET('/authorities')), enabled: can.managesUsers });
  if (!can.managesUsers)
    return (
      <>
        <PageTitle title="Users" />
        <p className="govuk-body">Only the steering group manages the partnership’s users.</p>
      </>
    );
  const names = new Map((authorities.data?.items ?? []).map((a) => [a.id, a.name]));
  return (
    <>
      {flash && <NotificationBanner type="success">{flash}</NotificationBanner>}
      <QueryView query={users} what="users">
        {({ items }) => (
          <>
            <PageTitle title="Users" />
            <p className="govuk-body">Everyone who can sign in to the partnership’s workspace, with their role.</p>
            <Link to="/users/invite" className="govuk-button" role="button" data-module="govuk-button">
              Invite a user
            </Link>
            {items.length === 0 ? (
              <p className="govuk-body">No users yet. Invite the first one with the button above.</p>
            ) : (
              <Table label="Users" caption={`${items.length} users`} headers={['Email', 'Name', 'Role', 'Authority']}>
                {[...items]
                  .sort((a, b) => a.email.localeCompare(b.email))
                  .map((u) => (
                    <tr className="govuk-table__row" key={u.id}>
                      <th scope="row" className="govuk-table__header">{u.email}</th>
                      <td className="govuk-table__cell">{u.displayName ?? '—'}</td>
                      <td className="govuk-table__cell">{ROLE_LABELS[u.role]}</td>
                      <td className="govuk-table__cell">{u.authorityId ? (names.get(u.authorityId) ?? u.authorityId) : 'Whole partnership'}</td>
                    </tr>
                  ))}
              </Table>
            )}
          </>
        )}
      </QueryView>
    </>
  );
}
