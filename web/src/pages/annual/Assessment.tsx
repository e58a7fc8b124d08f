import { Link, useLocation, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { useAbilities } from '../../app/session';
import { PageTitle } from '../../components/PageTitle';
import { formatDate, LoadError, Loading, NotificationBanner, SummaryList } from '../../components/ui';
import { BENCHMARKS, benchmarkName, scoreText, SimpleTable, useAssessment, type Assessment as Data } from './annual-common';

/** The Home Office's assessment of the area for a year: scores and targets per benchmark, strengths and areas for development. */
export default function Assessment() {
  const { year = '' } = useParams();
  const can = useAbilities();
  const flash = (useLocation().state as { flash?: string } | null)?.flash;
  const assessment = useAssessment(year);
  const missing = assessment.error instanceof ApiError && assessment.error.status === 404;
  return (
    <>
      {flash && <NotificationBanner type="success">{flash}</NotificationBanner>}
      <PageTitle title={`Home Office assessment ${year}`} />
      {assessment.isPending ? (
        <Loading what="Loading the assessment" />
      ) : missing ? (
        <>
          <p className="govuk-body">No assessment recorded for {year}.</p>
          {can.editsPartnership && (
            <p className="govuk-body">
              <Link className="govuk-link" to={`/assessments/${year}/edit`}>
                Record the Home Office assessment for {year}
              </Link>
            </p>
          )}
        </>
      ) : assessment.error ? (
        <LoadError error={assessment.error} retry={() => void assessment.refetch()} />
      ) : (
        <Body a={assessment.data!} editable={can.editsPartnership} />
      )}
      <p className="govuk-body">
        <Link className="govuk-link" to={`/annual-report?year=${encodeURIComponent(year)}`}>
          The annual report for {year}
        </Link>
      </p>
    </>
  );
}

function Body({ a, editable }: { a: Data; editable: boolean }) {
  const change = (visuallyHidden: string) => (editable ? { action: { to: `/assessments/${a.year}/edit`, label: 'Change', visuallyHidden } } : {});
  const findings = (list: Data['strengths'], empty: string) =>
    list.length ? (
      <ul className="govuk-list govuk-list--bullet">
        {list.map((f, i) => (
          <li key={i}>
            {f.benchmark ? <strong>{benchmarkName(f.benchmark)}: </strong> : null}
            {f.text}
          </li>
        ))}
      </ul>
    ) : (
      <p className="govuk-body app-empty">{empty}</p>
    );
  return (
    <>
      <SummaryList
        rows={[
          { key: 'Assessed on', value: formatDate(a.assessedOn), ...change('the date of the assessment') },
          { key: 'Assessed by', value: a.assessedBy || '—', ...change('who assessed the area') },
        ]}
      />
      <p className="govuk-body">Scores from 1 to 5: 1 and 2 mean the duty is not met, 3 that it is met, 4 and 5 that it is exceeded.</p>
      <div className="app-table-scroll" tabIndex={0} role="region" aria-label="Scores and targets by benchmark, scrollable">
        <SimpleTable
          caption={`Scores and targets by benchmark, ${a.year}`}
          header={['Benchmark', 'Home Office score', 'Partnership target']}
          rows={BENCHMARKS.map((b) => [`${b.number}. ${b.name}`, scoreText(a.scores[String(b.number)]), a.targets[String(b.number)] === undefined ? 'No target' : scoreText(a.targets[String(b.number)])])}
        />
      </div>
      <h2 className="govuk-heading-m">Strengths</h2>
      {findings(a.strengths, 'No strengths recorded.')}
      <h2 className="govuk-heading-m">Areas for development</h2>
      {findings(a.developmentAreas, 'No areas for development recorded.')}
      {editable && (
        <p className="govuk-body">
          <Link className="govuk-link" to={`/assessments/${a.year}/edit`}>
            Change the assessment<span className="govuk-visually-hidden"> for {a.year}</span>
          </Link>
        </p>
      )}
    </>
  );
}
