import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { call, type ApiError } from '../../api/client';
import type { BodyOf } from '../../api/types';
import { useApi } from '../../app/context';
import { useAbilities } from '../../app/session';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Radios, Textarea } from '../../components/fields';
import { asApiError, useFormErrors } from '../../components/forms';
import { PageTitle } from '../../components/PageTitle';
import { STATUS_TAGS, StatementTimeline, StatementVersionView, type Statement, type StatementVersion } from '../../components/statement-version';
import { BackLink, Button, formatDate, Loading, LoadError, NotificationBanner, Tag } from '../../components/ui';
import './review.css';

type Review = BodyOf<'/authorities/{id}/statements/{year}/review', 'post'>;

/** The steering group accepts a submitted statement or returns it with a comment; the API decides what is valid. */
function ReviewForm({ statement, authorityName, onReviewed, onErrors }: { statement: Statement; authorityName: string; onReviewed: (message: string) => void; onErrors: (has: boolean) => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [outcome, setOutcome] = useState('');
  const [comment, setComment] = useState('');
  const { error, setError, errors, forField, clear } = useFormErrors();
  useEffect(() => onErrors(errors.length > 0), [errors.length]); // eslint-disable-line react-hooks/exhaustive-deps
  const review = useMutation({
    mutationFn: (body: Review) => call(api.POST('/authorities/{id}/statements/{year}/review', { params: { path: { id: statement.authorityId, year: statement.year } }, body })),
    onSuccess: async (_, body) => {
      clear();
      setOutcome('');
      setComment('');
      onReviewed(body.outcome === 'accept' ? 'Statement accepted' : `Statement returned to ${authorityName}`);
      await queryClient.invalidateQueries({ queryKey: ['statement', statement.authorityId, statement.year] });
    },
    onError: (e) => setError(asApiError(e)),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = { outcome, version: statement.version, ...(comment.trim() ? { comment } : {}) } as Review;
    review.mutate(body);
  };
  const reload = () => {
    clear();
    void queryClient.invalidateQueries({ queryKey: ['statement', statement.authorityId, statement.year] });
  };
  return (
    <form noValidate onSubmit={submit} className="app-statement-review">
      <h2 className="govuk-heading-l">Review this statement</h2>
      <ErrorSummary errors={errors} fields={['outcome', 'comment']} />
      {error?.isConflict && (
        <NotificationBanner title="This statement has changed">
          <p className="govuk-notification-banner__heading">Someone else changed this statement while you were reviewing it.</p>
          <p className="govuk-body">{error.message} Your comment has been kept: reload the statement, check it, then review it again.</p>
          <Button variant="secondary" onClick={reload}>
            Reload the statement
          </Button>
        </NotificationBanner>
      )}
      <Radios
        name="outcome"
        legend="What is your decision?"
        legendClass="govuk-fieldset__legend--m"
        error={forField('outcome')}
        value={outcome}
        onChange={setOutcome}
        options={[
          { value: 'accept', label: 'Accept' },
          { value: 'return', label: 'Return to the authority', hint: 'Say what needs changing in the comment.' },
        ]}
      />
      <Textarea name="comment" label="Comment" hint={`Required when returning the statement. ${authorityName} will see it.`} labelClass="govuk-label--s" error={forField('comment')} value={comment} onChange={setComment} />
      <Button type="submit" pending={review.isPending}>
        Send review
      </Button>
    </form>
  );
}

function NoStatement({ authorityName, year, error, retry }: { authorityName: string; year: string; error: ApiError; retry: () => void }) {
  if (error.status !== 404) return <LoadError error={error} retry={retry} />;
  return (
    <>
      <p className="govuk-body">
        {authorityName} has not started a statement for {year}.
      </p>
      <p className="govuk-body">Its statement will appear here once the authority starts writing it.</p>
    </>
  );
}

export default function StatementReview() {
  const { id = '', year = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const api = useApi();
  const can = useAbilities();
  const [flash, setFlash] = useState<string>();
  const [formHasErrors, setFormHasErrors] = useState(false);

  const authority = useQuery({ queryKey: ['authority', id], queryFn: () => call(api.GET('/authorities/{id}', { params: { path: { id } } })) });
  const statement = useQuery({
    queryKey: ['statement', id, year],
    queryFn: () => call(api.GET('/authorities/{id}/statements/{year}', { params: { path: { id, year } } })),
    retry: (count, e) => (e as ApiError).status !== 404 && (e as ApiError).status !== 403 && count < 2,
  });
  const frameworks = useQuery({ queryKey: ['frameworks'], queryFn: () => call(api.GET('/frameworks')), staleTime: 10 * 60_000 });
  const submissions = statement.data?.submissions ?? 0;
  const versions = useQueries({
    queries: Array.from({ length: submissions }, (_, i) => i + 1).map((number) => ({
      queryKey: ['statement', id, year, 'version', number],
      queryFn: () => call(api.GET('/authorities/{id}/statements/{year}/versions/{number}', { params: { path: { id, year, number } } })),
      staleTime: Infinity,
    })),
  });

  const authorityName = authority.data?.name ?? id;
  const title = `${authorityName}: statement ${year}`;
  const requested = Number(search.get('version'));
  const shown = requested >= 1 && requested <= submissions ? requested : submissions;

  if (statement.isPending || authority.isPending) {
    return (
      <>
        <PageTitle title={`Statement ${year}`} />
        <Loading what="Loading the statement" />
      </>
    );
  }

  const s = statement.data;
  const versionQuery = shown ? versions[shown - 1] : undefined;
  const loaded = versions.map((v) => v.data).filter((v): v is StatementVersion => !!v);
  const framework = frameworks.data?.items.find((f) => `${f.id}@${f.version}` === (versionQuery?.data?.framework ?? s?.framework));
  const showForm = !!s && can.editsPartnership && s.status === 'submitted';

  return (
    <>
      <BackLink to={`/authorities/${id}`}>Back to {authorityName}</BackLink>
      {flash && (
        <NotificationBanner type="success">
          <p className="govuk-notification-banner__heading">{flash}</p>
        </NotificationBanner>
      )}
      <PageTitle title={title} caption="Annual assurance statement" hasErrors={formHasErrors} />
      {statement.error || !s ? (
        <NoStatement authorityName={authorityName} year={year} error={statement.error as ApiError} retry={() => void statement.refetch()} />
      ) : (
        <>
          <p className="govuk-body">
            Status: <Tag colour={STATUS_TAGS[s.status].colour}>{STATUS_TAGS[s.status].label}</Tag>
          </p>
          {submissions === 0 ? (
            <p className="govuk-body">
              {authorityName} has not submitted its {year} statement yet. The working copy was last changed on {formatDate(s.updatedAt)}.
            </p>
          ) : (
            <div className="govuk-grid-row">
              <div className="govuk-grid-column-two-thirds">
                {s.status === 'draft' || s.status === 'returned' ? (
                  <p className="govuk-body">{authorityName} is changing its statement; the latest submitted version is shown.</p>
                ) : null}
                {submissions > 1 && (
                  <nav aria-label="Versions" className="app-statement-versions">
                    <h2 className="govuk-heading-s">Versions</h2>
                    <ul className="govuk-list">
                      {Array.from({ length: submissions }, (_, i) => submissions - i).map((n) => {
                        const v = versions[n - 1]?.data;
                        const outcome = s.reviews.filter((r) => r.version === n).at(-1)?.outcome;
                        const label = `Version ${n}${v ? `, submitted ${formatDate(v.submittedAt)}` : ''}${outcome ? `, ${outcome}` : n === submissions && s.status === 'submitted' ? ', awaiting review' : ''}`;
                        return (
                          <li key={n}>
                            {n === shown ? (
                              <strong aria-current="page">{label}</strong>
                            ) : (
                              <Link className="govuk-link" to={{ search: n === submissions ? '' : `?version=${n}` }} onClick={() => setFlash(undefined)}>
                                {label}
                              </Link>
                            )}
                          </li>
                        );
                      })}
                    </ul>
                  </nav>
                )}
                {versionQuery?.isPending ? (
                  <Loading what={`Loading version ${shown}`} />
                ) : versionQuery?.error ? (
                  <LoadError error={versionQuery.error} retry={() => void versionQuery.refetch()} />
                ) : versionQuery?.data ? (
                  <StatementVersionView version={versionQuery.data} framework={framework} applicable={s.applicableBenchmarks} authorityId={id} year={year} />
                ) : null}

                <h2 className="govuk-heading-l app-statement-history">Review history</h2>
                <StatementTimeline statement={s} versions={loaded} />

                {showForm && (
                  <ReviewForm
                    statement={s}
                    authorityName={authorityName}
                    onErrors={setFormHasErrors}
                    onReviewed={(message) => {
                      setFlash(message);
                      setFormHasErrors(false);
                      if (search.get('version')) setSearch({});
                      window.scrollTo(0, 0);
                    }}
                  />
                )}
              </div>
            </div>
          )}
        </>
      )}
    </>
  );
}
