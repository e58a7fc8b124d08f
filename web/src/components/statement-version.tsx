import { useMutation } from '@tanstack/react-query';
import { call } from '../api/client';
import type { ResponseOf } from '../api/types';
import { useApi } from '../app/context';
import { asApiError } from './forms';
import { formatDate, formatDateTime, percent, SummaryList, Tag, type TagColour } from './ui';

export type Statement = ResponseOf<'/authorities/{id}/statements/{year}', 'get'>;
export type StatementVersion = ResponseOf<'/authorities/{id}/statements/{year}/versions/{number}', 'get'>;
export type Framework = ResponseOf<'/frameworks', 'get'>['items'][number];

/** Who did it, by name where the API knows one (`people`), otherwise by what only that role can do. */
export const REVIEWER_FALLBACK = 'the steering group';
export const SUBMITTER_FALLBACK = 'the authority’s Prevent lead';
export function personName(people: Readonly<Record<string, string>> | undefined, id: string, fallback: string): string {
  return people?.[id] ?? fallback;
}

export const STATUS_TAGS: Record<Statement['status'], { colour: TagColour; label: string }> = {
  draft: { colour: 'grey', label: 'Draft' },
  submitted: { colour: 'blue', label: 'Submitted' },
  returned: { colour: 'orange', label: 'Returned' },
  accepted: { colour: 'green', label: 'Accepted' },
};

const RATING_TAGS: Record<string, { colour: TagColour; label: string }> = {
  'not-yet-started': { colour: 'red', label: 'Not yet started' },
  developing: { colour: 'yellow', label: 'Developing' },
  achieving: { colour: 'green', label: 'Achieving' },
};

const NARRATIVE_LABELS: Record<string, string> = {
  leadership: 'Leadership',
  partnershipWorking: 'Partnership working',
  understandingAndManagingRisk: 'Understanding and managing risk',
  informationSharing: 'Information sharing',
  training: 'Training',
  communicationsAndEngagement: 'Communications and engagement',
  holdingToAccount: 'Holding to account',
};

const sentence = (value: string | undefined) => (value ? value.charAt(0).toUpperCase() + value.slice(1).replace(/-/g, ' ') : '—');

/** The benchmarks a version is read against: the framework's, limited to those that apply or were answered. */
function benchmarksOf(framework: Framework | undefined, version: StatementVersion, applicable: readonly number[]) {
  if (!framework) return [];
  const answered = new Set([...Object.keys(version.ratings ?? {}).map((q) => Number(q.split('.')[0])), ...Object.keys(version.scores ?? {}).map(Number)]);
  return framework.benchmarks.filter((b) => answered.has(b.number) || applicable.includes(b.number));
}

/** A link to the signed document: asks the API for a short-lived URL, then goes there. */
function DownloadDocument({ authorityId, year, version }: { authorityId: string; year: string; version: StatementVersion }) {
  const api = useApi();
  const download = useMutation({
    mutationFn: () => call(api.GET('/authorities/{id}/statements/{year}/document/download-url', { params: { path: { id: authorityId, year }, query: { version: version.number } } })),
    onSuccess: (link) => window.location.assign(link.url),
  });
  if (!version.document) return <p className="govuk-body">No signed document was attached to this version.</p>;
  const error = download.error ? asApiError(download.error) : undefined;
  return (
    <>
      <p className="govuk-body">
        {version.document.fileName} ({Math.max(1, Math.round(version.document.size / 1024))} KB), uploaded {formatDate(version.document.uploadedAt)}
      </p>
      {error && (
        <p className="govuk-error-message" role="alert">
          <span className="govuk-visually-hidden">Error:</span> {error.status === 404 ? 'The signed document could not be found.' : error.message}
        </p>
      )}
      <button type="button" className="govuk-button govuk-button--secondary" data-module="govuk-button" disabled={download.isPending} aria-disabled={download.isPending || undefined} onClick={() => download.mutate()}>
        Download signed statement<span className="govuk-visually-hidden"> (version {version.number})</span>
      </button>
    </>
  );
}

/** One submitted version exactly as submitted: ratings, scores, narrative, sign-off, figures and document. */
export function StatementVersionView({ version, framework, applicable, authorityId, year }: { version: StatementVersion; framework: Framework | undefined; applicable: readonly number[]; authorityId: string; year: string }) {
  const benchmarks = benchmarksOf(framework, version, applicable);
  const narrative = Object.entries(version.narrative ?? {}).filter(([, text]) => text);
  const { training, itFilter, sop } = version.figures;
  return (
    <>
      <h2 className="govuk-heading-l">Version {version.number}</h2>
      <p className="govuk-body">
        Submitted {formatDateTime(version.submittedAt)} by {personName(version.people, version.submittedBy, SUBMITTER_FALLBACK)}.
      </p>

      <h3 className="govuk-heading-m">Benchmarks</h3>
      {!framework && <p className="govuk-body">The framework {version.framework} is not available, so questions are shown by number only.</p>}
      {benchmarks.map((b) => {
        const score = version.scores?.[String(b.number)];
        return (
          <section key={b.number} className="app-statement-benchmark" aria-labelledby={`benchmark-${b.number}`}>
            <h4 className="govuk-heading-s" id={`benchmark-${b.number}`}>
              Benchmark {b.number}: {b.title}
            </h4>
            <p className="govuk-body">Score: {score ? <strong>{score} out of 5</strong> : 'not scored'}</p>
            <SummaryList
              rows={b.questions.map((q) => {
                const answer = version.ratings?.[q.id];
                const tag = answer ? RATING_TAGS[answer.rating] : undefined;
                return {
                  key: (
                    <>
                      {q.id} {q.text}
                    </>
                  ),
                  value: (
                    <>
                      {tag ? <Tag colour={tag.colour}>{tag.label}</Tag> : <Tag colour="grey">Not rated</Tag>}
                      {answer?.details && <p className="govuk-body govuk-!-margin-top-2 govuk-!-margin-bottom-0">{answer.details}</p>}
                    </>
                  ),
                };
              })}
            />
          </section>
        );
      })}
      {!framework &&
        Object.entries(version.ratings ?? {}).map(([q, a]) => (
          <p className="govuk-body" key={q}>
            {q}: {RATING_TAGS[a.rating]?.label ?? a.rating}
            {a.details ? ` — ${a.details}` : ''}
          </p>
        ))}

      <h3 className="govuk-heading-m">Narrative</h3>
      {narrative.length ? (
        <SummaryList rows={narrative.map(([section, text]) => ({ key: NARRATIVE_LABELS[section] ?? section, value: <span className="app-statement-text">{text}</span> }))} />
      ) : (
        <p className="govuk-body">No narrative was written.</p>
      )}

      <h3 className="govuk-heading-m">Sign-off</h3>
      {version.signOff ? (
        <SummaryList
          rows={[
            { key: 'Signed by', value: version.signOff.name },
            { key: 'Role', value: version.signOff.role },
            { key: 'Date', value: formatDate(version.signOff.date) },
            { key: 'Declaration', value: version.signOff.declaration },
          ]}
        />
      ) : (
        <p className="govuk-body">This version was not signed off.</p>
      )}

      <h3 className="govuk-heading-m">Figures when submitted</h3>
      <p className="govuk-body">Taken {formatDateTime(version.figures.takenAt)}.</p>
      <h4 className="govuk-heading-s">Training</h4>
      <SummaryList
        rows={[
          { key: 'Coverage', value: `${percent(training.coverage)} (${training.covered} of ${training.headcount}; target ${percent(training.target)})` },
          { key: 'Completions in the year', value: training.completionsInYear },
          { key: 'People trained in the year', value: training.peopleTrainedInYear },
          { key: 'Sessions in the year', value: `${training.sessionsInYear} (${training.attendeesInYear} attendees)` },
        ]}
      />
      <h4 className="govuk-heading-s">IT filter</h4>
      <SummaryList
        rows={[
          { key: 'Status', value: sentence(itFilter.status) },
          { key: 'Last reviewed', value: formatDate(itFilter.lastReviewedOn) },
          { key: 'Next review due', value: formatDate(itFilter.nextReviewDue) },
          { key: 'Outcome this year', value: sentence(itFilter.outcomeThisYear) },
        ]}
      />
      <h4 className="govuk-heading-s">Standard operating procedure</h4>
      <SummaryList
        rows={
          sop.present
            ? [
                { key: 'SOP', value: `Version ${sop.sopVersion ?? '—'}` },
                { key: 'Last reviewed', value: formatDate(sop.lastReviewedOn) },
                { key: 'Next review', value: `${formatDate(sop.nextReviewDate)}${sop.reviewOverdue ? ' (overdue)' : ''}` },
              ]
            : [{ key: 'SOP', value: 'None recorded' }]
        }
      />

      <h3 className="govuk-heading-m">Signed statement</h3>
      <DownloadDocument authorityId={authorityId} year={year} version={version} />
    </>
  );
}

interface TimelineEvent {
  title: string;
  at: string;
  by: string;
  comment?: string;
}

/** Submissions and reviews, newest first, as an MoJ timeline. */
export function StatementTimeline({ statement, versions }: { statement: Statement; versions: readonly StatementVersion[] }) {
  const events: TimelineEvent[] = [
    ...versions.map((v) => ({ title: `Version ${v.number} submitted`, at: v.submittedAt, by: personName(v.people, v.submittedBy, SUBMITTER_FALLBACK) })),
    ...statement.reviews.map((r) => ({
      title: `Version ${r.version} ${r.outcome === 'accepted' ? 'accepted' : 'returned to the authority'}`,
      at: r.at,
      by: personName(statement.people, r.by, REVIEWER_FALLBACK),
      comment: r.comment,
    })),
  ].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  if (!events.length) return <p className="govuk-body">Nothing has been submitted yet.</p>;
  return (
    <div className="moj-timeline">
      {events.map((e, i) => (
        <div className="moj-timeline__item" key={i}>
          <div className="moj-timeline__header">
            <h3 className="moj-timeline__title">{e.title}</h3>
            <p className="moj-timeline__byline">by {e.by}</p>
          </div>
          <p className="moj-timeline__date">
            <time dateTime={e.at}>{formatDateTime(e.at)}</time>
          </p>
          {e.comment && (
            <div className="moj-timeline__description">
              <p className="govuk-body app-statement-text">{e.comment}</p>
            </div>
          )}
        </div>
      ))}
    </div>
  );
}
