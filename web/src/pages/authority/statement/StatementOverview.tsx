import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { call, type ApiError } from '../../../api/client';
import { useApi } from '../../../app/context';
import { useMe } from '../../../app/session';
import { useDeadline } from '../../../components/admin-queries';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { asApiError, useFormErrors } from '../../../components/forms';
import { PageTitle } from '../../../components/PageTitle';
import { STATUS_TAGS, StatementVersionView } from '../../../components/statement-version';
import { Button, formatDate, formatDateTime, LoadError, Loading, NotificationBanner, Tag } from '../../../components/ui';
import { applicableBenchmarks, benchmarkState, NARRATIVE_SECTIONS, statementPath, useStatementData, type Statement } from './statement-common';
import { TaskList, type Task } from './TaskList';
import './statement.css';

/** The authority's statement for the year: its task list while it can change, else what was submitted. */
export default function StatementOverview() {
  const { id = '', year = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  // The message of the save that brought the user here: shown once, not again on a reload.
  const [flash] = useState(() => (location.state as { flash?: string } | null)?.flash);
  useEffect(() => {
    if ((location.state as { flash?: string } | null)?.flash) void navigate(`${location.pathname}${location.search}`, { replace: true, state: null });
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  const me = useMe();
  const { statement, frameworks, authority } = useStatementData(id, year);
  const deadline = useDeadline(year);
  const authorityName = authority.data?.name ?? me.data?.authorityName ?? id;
  const title = `Annual assurance statement ${year}`;

  const banner = flash && (
    <NotificationBanner type="success">
      <p className="govuk-notification-banner__heading">{flash}</p>
    </NotificationBanner>
  );

  if (statement.isPending || frameworks.isPending || authority.isPending) {
    return (
      <>
        <PageTitle title={title} caption={authorityName} />
        <Loading what="Loading the statement" />
      </>
    );
  }
  if ((statement.error as ApiError | null)?.status === 404 && !authority.error) {
    return (
      <>
        <PageTitle title={title} caption={authorityName} />
        <StartStatement id={id} year={year} authorityName={authorityName} dueOn={deadline.data?.dueOn} />
      </>
    );
  }
  const failed = [statement, frameworks, authority].find((q) => q.error);
  if (failed || !statement.data) {
    return (
      <>
        <PageTitle title={title} caption={authorityName} />
        <LoadError error={failed?.error} retry={() => void failed?.refetch()} />
      </>
    );
  }
  const s = statement.data;
  const editable = s.status === 'draft' || s.status === 'returned';
  return (
    <>
      {banner}
      {s.status === 'returned' && <ReturnedBanner statement={s} />}
      <PageTitle title={title} caption={authorityName} />
      <p className="govuk-body">
        Status: <Tag colour={STATUS_TAGS[s.status].colour}>{STATUS_TAGS[s.status].label}</Tag>
      </p>
      {editable ? (
        <Tasks statement={s} frameworks={frameworks.data?.items} authorityName={authorityName} isLead={me.data?.role === 'authority-lead'} dueOn={deadline.data?.dueOn} />
      ) : (
        <Submitted statement={s} frameworks={frameworks.data?.items} />
      )}
      <Versions statement={s} />
    </>
  );
}

function Due({ dueOn }: { dueOn: string | null | undefined }) {
  return dueOn ? <p className="govuk-body">The steering group needs it by {formatDate(dueOn)}.</p> : null;
}

/** A year with no statement yet: what it is, and a button to start it. */
function StartStatement({ id, year, authorityName, dueOn }: { id: string; year: string; authorityName: string; dueOn: string | null | undefined }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const { errors, setError } = useFormErrors();
  const start = useMutation({
    mutationFn: () => call(api.PUT('/authorities/{id}/statements/{year}', { params: { path: { id, year } }, body: { ratings: {}, scores: {}, narrative: {}, version: 0 } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['statement', id, year] }),
    onError: (e) => {
      const error = asApiError(e);
      // Someone else started it meanwhile: theirs is the statement to carry on with.
      if (error.isConflict) void queryClient.invalidateQueries({ queryKey: ['statement', id, year] });
      else setError(error);
    },
  });
  return (
    <>
      <ErrorSummary errors={errors.map((e) => ({ path: '', message: e.message }))} />
      <p className="govuk-body">Each year {authorityName} tells the Prevent steering group how it meets the Prevent duty. The statement has four parts:</p>
      <ul className="govuk-list govuk-list--bullet">
        <li>a self-assessment against each toolkit benchmark that applies to {authorityName}</li>
        <li>a short narrative on leadership, partnership working, risk, training and the rest</li>
        <li>a sign-off by a senior person, with the signed document attached</li>
        <li>submission to the steering group by your Prevent lead</li>
      </ul>
      <Due dueOn={dueOn} />
      <p className="govuk-body">Nobody has started the {year} statement yet. You can save your answers and come back at any time; nothing is sent to the steering group until your Prevent lead submits it.</p>
      <Button onClick={() => start.mutate()} pending={start.isPending}>
        Start the {year} statement
      </Button>
    </>
  );
}

function ReturnedBanner({ statement }: { statement: Statement }) {
  const review = statement.reviews.filter((r) => r.outcome === 'returned').at(-1);
  if (!review) return null;
  // The GOV.UK notification banner, with its own title id: a success banner may be on the page too.
  return (
    <div className="govuk-notification-banner" role="region" aria-labelledby="returned-banner-title" data-module="govuk-notification-banner">
      <div className="govuk-notification-banner__header">
        <h2 className="govuk-notification-banner__title" id="returned-banner-title">
          Returned by the steering group
        </h2>
      </div>
      <div className="govuk-notification-banner__content">
        <p className="govuk-notification-banner__heading">
          The steering group returned version {review.version} on {formatDate(review.at)}. Change what they ask, sign it off again and resubmit.
        </p>
        {review.comment && (
          <>
            <p className="govuk-body govuk-!-margin-bottom-1">Their comment:</p>
            <blockquote className="govuk-inset-text govuk-!-margin-top-0 app-statement-text">{review.comment}</blockquote>
          </>
        )}
      </div>
    </div>
  );
}

function Tasks({ statement: s, frameworks, authorityName, isLead, dueOn }: { statement: Statement; frameworks: Parameters<typeof applicableBenchmarks>[1]; authorityName: string; isLead: boolean; dueOn: string | null | undefined }) {
  const base = statementPath(s.authorityId, s.year);
  const { framework, benchmarks } = applicableBenchmarks(s, frameworks);
  const done = benchmarks.filter((b) => benchmarkState(s, b) === 'completed').length;
  const benchmarkTasks: Task[] = benchmarks.map((b) => ({
    key: `benchmark-${b.number}`,
    title: `Benchmark ${b.number}: ${b.title}`,
    to: `${base}/benchmarks/${b.number}`,
    hint: `${b.questions.length} question${b.questions.length === 1 ? '' : 's'} and a score from 1 to 5`,
    state: benchmarkState(s, b),
  }));
  const narrativeTasks: Task[] = NARRATIVE_SECTIONS.map((n) => ({
    key: `narrative-${n.key}`,
    title: n.label,
    to: `${base}/narrative/${n.key}`,
    state: s.narrative?.[n.key]?.trim() ? 'completed' : 'not-started',
  }));
  return (
    <>
      <Due dueOn={dueOn} />
      <p className="govuk-body">
        Answer each benchmark of the toolkit that applies to {authorityName}, write the narrative, sign it off and attach the signed document.{' '}
        {isLead ? 'Then check your answers and submit the statement to the steering group.' : 'Then check the answers: your Prevent lead submits the statement to the steering group.'}
      </p>
      <p className="govuk-body">Your answers are saved as you go; you can leave and come back at any time.</p>
      <h2 className="govuk-heading-m">
        {done === benchmarks.length ? 'All benchmarks completed' : `You have completed ${done} of ${benchmarks.length} benchmarks`}
      </h2>
      {!framework && <p className="govuk-body">The framework {s.framework} this statement uses is not available. Ask your steering group.</p>}
      <h2 className="govuk-heading-m">1. Benchmarks</h2>
      <p className="govuk-body">From {framework?.name ?? s.framework}. Only the benchmarks that apply to your sector are listed.</p>
      <TaskList tasks={benchmarkTasks} />
      <h2 className="govuk-heading-m">2. Narrative</h2>
      <p className="govuk-body">Optional, but it helps the steering group understand your answers.</p>
      <TaskList tasks={narrativeTasks} />
      <h2 className="govuk-heading-m">3. Sign-off</h2>
      <TaskList
        tasks={[
          { key: 'sign-off', title: 'Sign-off', to: `${base}/sign-off`, hint: 'Who signs the statement off, and when', state: s.signOff ? 'completed' : 'not-started' },
          {
            key: 'document',
            title: 'Signed document',
            to: `${base}/document`,
            hint: s.document ? s.document.fileName : 'The signed statement as a PDF, DOCX or ODT file',
            state: s.document ? 'completed' : 'optional',
          },
        ]}
      />
      <h2 className="govuk-heading-m">4. {isLead ? 'Check and submit' : 'Check your answers'}</h2>
      <TaskList tasks={[{ key: 'check', title: 'Check your answers', to: `${base}/check`, hint: isLead ? 'Then submit the statement' : 'Your Prevent lead submits the statement', state: 'not-started' }]} />
    </>
  );
}

/** A submitted or accepted statement: read-only, the latest version with its figures. */
function Submitted({ statement: s, frameworks }: { statement: Statement; frameworks: Parameters<typeof applicableBenchmarks>[1] }) {
  const api = useApi();
  const { id, year } = { id: s.authorityId, year: s.year };
  const latest = useQuery({
    queryKey: ['statement', id, year, 'version', s.submissions],
    queryFn: () => call(api.GET('/authorities/{id}/statements/{year}/versions/{number}', { params: { path: { id, year, number: s.submissions } } })),
    staleTime: Infinity,
    enabled: s.submissions > 0,
  });
  const accepted = s.status === 'accepted' ? s.reviews.filter((r) => r.outcome === 'accepted').at(-1) : undefined;
  const framework = frameworks?.find((f) => `${f.id}@${f.version}` === (latest.data?.framework ?? s.framework));
  return (
    <>
      {accepted ? (
        <p className="govuk-body">
          The steering group accepted version {accepted.version} on {formatDateTime(accepted.at)}
          {s.people?.[accepted.by] ? `, reviewed by ${s.people[accepted.by]}` : ''}. It can no longer be changed.
        </p>
      ) : (
        <p className="govuk-body">
          Version {s.submissions} was submitted on {formatDateTime(latest.data?.submittedAt ?? s.updatedAt)}. The steering group will accept it or return it with comments; until then it cannot be changed.
        </p>
      )}
      {latest.isPending ? (
        <Loading what={`Loading version ${s.submissions}`} />
      ) : latest.error ? (
        <LoadError error={latest.error} retry={() => void latest.refetch()} />
      ) : latest.data ? (
        <StatementVersionView version={latest.data} framework={framework} applicable={s.applicableBenchmarks} authorityId={id} year={year} />
      ) : null}
    </>
  );
}

/** Every version submitted so far, each readable as it was submitted. */
function Versions({ statement: s }: { statement: Statement }) {
  if (!s.submissions) return null;
  const base = statementPath(s.authorityId, s.year);
  return (
    <nav aria-label="Submitted versions" className="govuk-!-margin-top-6">
      <h2 className="govuk-heading-m">Submitted versions</h2>
      <ul className="govuk-list">
        {Array.from({ length: s.submissions }, (_, i) => s.submissions - i).map((n) => {
          const outcome = s.reviews.filter((r) => r.version === n).at(-1)?.outcome;
          return (
            <li key={n}>
              <Link className="govuk-link" to={`${base}/versions/${n}`}>
                Version {n}
                {outcome ? `, ${outcome}` : n === s.submissions && s.status === 'submitted' ? ', awaiting review' : ''}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
