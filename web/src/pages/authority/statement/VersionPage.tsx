import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { call } from '../../../api/client';
import { useApi } from '../../../app/context';
import { useMe } from '../../../app/session';
import { PageTitle } from '../../../components/PageTitle';
import { StatementVersionView } from '../../../components/statement-version';
import { BackLink, formatDateTime, Loading, LoadError } from '../../../components/ui';
import { statementPath, useStatementData } from './statement-common';
import './statement.css';

/** One submitted version, read exactly as it was submitted (with the figures of its day). */
export default function VersionPage() {
  const { id = '', year = '', number = '' } = useParams();
  const api = useApi();
  const me = useMe();
  const { statement, frameworks, authority } = useStatementData(id, year);
  const n = Number(number);
  const version = useQuery({
    queryKey: ['statement', id, year, 'version', n],
    queryFn: () => call(api.GET('/authorities/{id}/statements/{year}/versions/{number}', { params: { path: { id, year, number: n } } })),
    staleTime: Infinity,
    enabled: Number.isInteger(n) && n >= 1,
  });
  const authorityName = authority.data?.name ?? me.data?.authorityName ?? id;
  const review = statement.data?.reviews.filter((r) => r.version === n).at(-1);
  const framework = frameworks.data?.items.find((f) => `${f.id}@${f.version}` === version.data?.framework);
  return (
    <>
      <BackLink to={statementPath(id, year)}>Back to the statement</BackLink>
      <PageTitle title={`Statement ${year}, version ${number}`} caption={authorityName} />
      {!Number.isInteger(n) || n < 1 ? (
        <p className="govuk-body">There is no version {number}.</p>
      ) : version.isPending || statement.isPending ? (
        <Loading what={`Loading version ${number}`} />
      ) : version.error ? (
        <LoadError error={version.error} retry={() => void version.refetch()} />
      ) : (
        <>
          {review && (
            <div className="govuk-inset-text">
              The steering group {review.outcome === 'accepted' ? 'accepted' : 'returned'} this version on {formatDateTime(review.at)}.
              {review.comment && (
                <>
                  {' '}Their comment: <span className="app-statement-text">{review.comment}</span>
                </>
              )}
            </div>
          )}
          <StatementVersionView version={version.data} framework={framework} applicable={statement.data?.applicableBenchmarks ?? []} authorityId={id} year={year} />
        </>
      )}
    </>
  );
}
