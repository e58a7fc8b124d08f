import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { call } from '../../../api/client';
import { useApi } from '../../../app/context';
import { formatDateTime, QueryView, Table, Tag } from '../../../components/ui';
import { isRunning, startedBy, STATUS_LABELS } from './common';

/** The authority's imports, newest first: when, by whom, how it went, and the counts. */
export function ImportHistory({ authorityId, limit }: { authorityId: string; limit?: number }) {
  const api = useApi();
  const imports = useQuery({
    queryKey: ['imports', authorityId],
    queryFn: () => call(api.GET('/authorities/{id}/imports', { params: { path: { id: authorityId } } })),
    refetchInterval: (q) => (q.state.data?.items.some((j) => isRunning(j.status)) ? 2000 : false),
  });
  return (
    <QueryView query={imports} what="the imports">
      {(data) => {
        const items = limit ? data.items.slice(0, limit) : data.items;
        if (!items.length)
          return (
            <>
              <h2 className="govuk-heading-m">Import history</h2>
              <p className="govuk-body">No imports yet.</p>
            </>
          );
        return (
          <Table
            label="Import history"
            caption={limit && data.items.length > limit ? `Latest ${limit} imports` : 'Import history'}
            headers={['Started', 'By', 'Status', 'Rows read', 'Stored', 'Already recorded', 'Rejected', { hidden: 'Details' }]}
          >
            {items.map((job) => (
              <tr className="govuk-table__row" key={job.importId}>
                <td className="govuk-table__cell">{formatDateTime(job.startedAt)}</td>
                <td className="govuk-table__cell">{startedBy(job, data.people)}</td>
                <td className="govuk-table__cell">
                  <Tag colour={STATUS_LABELS[job.status].colour}>{STATUS_LABELS[job.status].text}</Tag>
                </td>
                <td className="govuk-table__cell govuk-table__cell--numeric">{job.rows.toLocaleString('en-GB')}</td>
                <td className="govuk-table__cell govuk-table__cell--numeric">{job.imported.toLocaleString('en-GB')}</td>
                <td className="govuk-table__cell govuk-table__cell--numeric">{job.duplicates.toLocaleString('en-GB')}</td>
                <td className="govuk-table__cell govuk-table__cell--numeric">{job.rejectedCount.toLocaleString('en-GB')}</td>
                <td className="govuk-table__cell">
                  <Link className="govuk-link" to={`/authorities/${authorityId}/training/imports/${job.importId}`}>
                    View<span className="govuk-visually-hidden"> the import started {formatDateTime(job.startedAt)}</span>
                  </Link>
                </td>
              </tr>
            ))}
          </Table>
        );
      }}
    </QueryView>
  );
}
