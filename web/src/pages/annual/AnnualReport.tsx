import type { ReactNode } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { useAbilities } from '../../app/session';
import { reportingYear } from '../../components/admin-labels';
import { PageTitle } from '../../components/PageTitle';
import { yearsUpTo } from '../../components/report-common';
import { formatDate, formatDateTime, LoadError, Loading, NotificationBanner, percent } from '../../components/ui';
import { TokenDownloads } from '../../components/token-downloads';
import { isForbidden, OfficialSensitive, PublishedFigures, YearSwitcher } from '../delivery/delivery-common';
import { benchmarkName, Paragraphs, RagTag, signedDecimal, SimpleTable, useAnnualReport, type AnnualReport as Report } from './annual-common';

const num = (n: number) => n.toLocaleString('en-GB');
const signed = (n: number) => `${n > 0 ? '+' : n < 0 ? '−' : '±'}${num(Math.abs(n))}`;
const STATUS_LABELS: [string, string][] = [
  ['missing', 'Missing'],
  ['draft', 'Draft'],
  ['submitted', 'Submitted'],
  ['returned', 'Returned'],
  ['accepted', 'Accepted'],
];

/**
 * The annual report to the board, previewed: the sections the Word document and the printable
 * page hold, assembled by the API from the records and the steering group's narrative, with
 * both downloads; the steering group edits the narrative and records the Home Office assessment.
 * Defaults to the previous reporting year (the one a board's annual report is about).
 */
export default function AnnualReport() {
  const [params, setParams] = useSearchParams();
  const flash = (useLocation().state as { flash?: string } | null)?.flash;
  const current = reportingYear();
  const year = params.get('year') ?? reportingYear(new Date(), -1);
  const report = useAnnualReport(year);
  return (
    <>
      {flash && <NotificationBanner type="success">{flash}</NotificationBanner>}
      <PageTitle title="Annual report" caption={`Reporting year ${year}`} />
      {!isForbidden(report.error) && <YearSwitcher years={yearsUpTo(current, 5)} year={year} path="annual-report" onShow={(y) => setParams({ year: y })} />}
      {report.isPending ? (
        <Loading what={`Loading the annual report for ${year}`} />
      ) : isForbidden(report.error) ? (
        <>
          <h2 className="govuk-heading-m">You cannot see the annual report</h2>
          <p className="govuk-body">The annual report covers the whole partnership: the steering group and the partnership’s scrutiny members read it. Ask your steering group for a copy.</p>
        </>
      ) : report.error ? (
        <LoadError error={report.error} retry={() => void report.refetch()} />
      ) : (
        <Body report={report.data!} />
      )}
    </>
  );
}

function Section({ id, heading, children }: { id: string; heading: string; children: ReactNode }) {
  return (
    <section className="app-report-section" aria-labelledby={id}>
      <h2 className="govuk-heading-l" id={id}>
        {heading}
      </h2>
      {children}
    </section>
  );
}

function Body({ report }: { report: Report }) {
  const can = useAbilities();
  const { year } = report;
  const n = report.narrative;
  const a = report.assessment;
  const q = encodeURIComponent(year);
  return (
    <>
      <p className="govuk-body">
        {report.partnershipName ? `${report.partnershipName}. ` : ''}
        {report.partYear ? `Figures as at ${formatDate(report.asAt)}: a part year, the year is still in progress.` : `Figures as at ${formatDate(report.asAt)}, the end of the year.`}{' '}
        {n.version > 0 && n.updatedAt ? `Narrative last saved ${formatDateTime(n.updatedAt)}.` : 'No narrative written yet.'}
      </p>
      <TokenDownloads
        what="the annual report"
        downloads={[
          { key: 'docx', label: 'Download as Word document (.docx)', path: `/reports/annual?year=${q}&format=docx`, filename: `prevent-annual-report-${year}.docx` },
          { key: 'html', label: 'Download printable page (HTML)', path: `/reports/annual?year=${q}&format=html`, filename: `prevent-annual-report-${year}-printable.html` },
        ]}
      />
      {can.editsPartnership && (
        <ul className="govuk-list app-edit-links">
          <li>
            <Link className="govuk-link" to={`/annual-report/${year}/narrative`}>
              Edit narrative<span className="govuk-visually-hidden"> of the {year} annual report</span>
            </Link>{' '}
            (introduction, highlights and recommendations)
          </li>
          <li>
            {a?.year === year ? (
              <Link className="govuk-link" to={`/assessments/${year}/edit`}>
                Change the Home Office assessment<span className="govuk-visually-hidden"> for {year}</span>
              </Link>
            ) : (
              <Link className="govuk-link" to={`/assessments/${year}/edit`}>
                Record the Home Office assessment for {year}
              </Link>
            )}
          </li>
        </ul>
      )}

      <Section id="introduction" heading="1. Introduction">
        <Paragraphs text={n.introduction} empty="No introduction written yet." />
      </Section>
      <Section id="highlights" heading="2. Highlights">
        <Paragraphs text={n.highlights} empty="No highlights written yet." />
      </Section>
      <Training report={report} />
      <Statements report={report} />
      <Compliance report={report} />
      <ActionPlan report={report} />
      <Section id="delivery" heading="7. Delivery figures">
        <OfficialSensitive>The report publishes the year’s totals with small numbers suppressed.</OfficialSensitive>
        <PublishedFigures published={report.delivery} headingLevel={3} />
      </Section>
      <Section id="recommendations" heading="8. Recommendations">
        {n.recommendations.length === 0 ? (
          <p className="govuk-body app-empty">No recommendations written yet.</p>
        ) : (
          <div className="app-table-scroll" tabIndex={0} role="region" aria-label="Recommendations, scrollable">
            <table className="govuk-table">
              <caption className="govuk-table__caption govuk-table__caption--s">Recommended actions, with the lead officer and key partners</caption>
              <thead className="govuk-table__head">
                <tr className="govuk-table__row">
                  {['Theme', 'Recommended action', 'Lead officer', 'Key partners'].map((h) => (
                    <th scope="col" className="govuk-table__header" key={h}>
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="govuk-table__body">
                {n.recommendations.map((r, i) => (
                  <tr className="govuk-table__row" key={i}>
                    <td className="govuk-table__cell">{r.theme || '–'}</td>
                    <td className="govuk-table__cell">{r.action}</td>
                    <td className="govuk-table__cell">{r.leadOfficer}</td>
                    <td className="govuk-table__cell">{r.partners || '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
    </>
  );
}

function Training({ report }: { report: Report }) {
  const t = report.training;
  const change = t.peopleTrained - t.previousPeopleTrained;
  return (
    <Section id="training" heading="3. Training across the partnership">
      <p className="govuk-body">
        {num(t.peopleTrained)} people trained across {num(t.authorities)} {t.authorities === 1 ? 'authority' : 'authorities'} in {report.year}: {signed(change)}{' '}
        {report.partYear ? `on the whole of ${t.previousYear}` : `on ${t.previousYear}`} ({num(t.previousPeopleTrained)}). Training coverage {percent(t.coverage)} against a target
        of {percent(t.coverageTarget)}; {num(t.authoritiesMeetingTarget)} of {num(t.authorities)} authorities meet the target.
      </p>
      <SimpleTable
        caption={`Training in ${report.year}`}
        header={['Measure', report.year, t.previousYear]}
        numeric={[1, 2]}
        rows={[
          ['People trained', num(t.peopleTrained), num(t.previousPeopleTrained)],
          ['Course completions', num(t.completions), '–'],
          ['Sessions delivered', num(t.sessions), '–'],
          ['Session attendees', num(t.attendees), '–'],
          ['Rated good or excellent', percent(t.feedbackShare), '–'],
          ['Training coverage', `${percent(t.coverage)} (target ${percent(t.coverageTarget)})`, percent(t.previousCoverage)],
          ['Authorities meeting the coverage target', `${num(t.authoritiesMeetingTarget)} of ${num(t.authorities)}`, '–'],
        ]}
      />
    </Section>
  );
}

function Statements({ report }: { report: Report }) {
  const s = report.statements;
  const a = report.assessment;
  const findings = (list: NonNullable<Report['assessment']>['strengths'], empty: string) =>
    list.length ? (
      <ul className="govuk-list govuk-list--bullet">
        {list.map((f, i) => (
          <li key={i}>
            {f.benchmark ? <strong>{f.name ?? benchmarkName(f.benchmark)}: </strong> : null}
            {f.text}
          </li>
        ))}
      </ul>
    ) : (
      <p className="govuk-body app-empty">{empty}</p>
    );
  return (
    <Section id="statements" heading="4. Assurance statements and benchmarks">
      <h3 className="govuk-heading-m">Assurance statements</h3>
      <p className="govuk-body">
        {num(s.expected)} statements expected (one per authority); {num(s.byStatus.accepted ?? 0)} accepted.
      </p>
      <SimpleTable
        caption={`Assurance statements by status, ${report.year}`}
        header={['Status', 'Statements']}
        numeric={[1]}
        rows={STATUS_LABELS.map(([k, label]) => [label, num(s.byStatus[k as keyof typeof s.byStatus] ?? 0)])}
        totals={['Expected', num(s.expected)]}
      />
      <h3 className="govuk-heading-m">Benchmarks: self-assessment beside the Home Office assessment</h3>
      <p className="govuk-body">
        Scores from 1 to 5, where 3 means the duty is met. The self-assessed mean is of the submitted and accepted statements; the gap is that mean minus the Home Office score
        {a ? ` (assessment of ${a.year})` : ''}.
      </p>
      <div className="app-table-scroll" tabIndex={0} role="region" aria-label="Benchmark comparison, scrollable">
        <SimpleTable
          caption="Benchmark scores: self-assessed mean, Home Office score and target"
          header={['Benchmark', 'Self-assessed mean', 'Home Office score', 'Target', 'Gap (self − Home Office)']}
          numeric={[1, 2, 3, 4]}
          rows={report.benchmarks.map((b) => [
            `${b.benchmark}. ${b.name}`,
            b.selfAverage === null ? '–' : `${b.selfAverage.toFixed(1)} (of ${num(b.selfCount)})`,
            b.homeOffice === undefined ? '–' : String(b.homeOffice),
            b.target === undefined ? '–' : String(b.target),
            b.selfAverage !== null && b.homeOffice !== undefined ? signedDecimal(b.selfAverage - b.homeOffice) : '–',
          ])}
        />
      </div>
      {a ? (
        <>
          <h3 className="govuk-heading-m">Home Office assessment {a.year}</h3>
          {a.assessedOn && <p className="govuk-body">Assessed on {formatDate(a.assessedOn)}.</p>}
          <p className="govuk-body">
            <Link className="govuk-link" to={`/assessments/${a.year}`}>
              View the Home Office assessment {a.year}
            </Link>
          </p>
          <h4 className="govuk-heading-s">Strengths</h4>
          {findings(a.strengths, 'No strengths recorded.')}
          <h4 className="govuk-heading-s">Areas for development</h4>
          {findings(a.developmentAreas, 'No areas for development recorded.')}
        </>
      ) : (
        <>
          <h3 className="govuk-heading-m">Home Office assessment</h3>
          <p className="govuk-body app-empty">No Home Office assessment is recorded for {report.year} or an earlier year.</p>
        </>
      )}
    </Section>
  );
}

function Compliance({ report }: { report: Report }) {
  const c = report.compliance;
  return (
    <Section id="compliance" heading="5. Compliance">
      <p className="govuk-body">Overdue items across the partnership: {num(c.overdueItems)}.</p>
      <SimpleTable
        caption="IT-filter assurance (authorities)"
        header={['IT-filter review', 'Authorities']}
        numeric={[1]}
        rows={[
          ['Current', num(c.itFilter.current)],
          ['Due soon', num(c.itFilter.dueSoon)],
          ['Overdue', num(c.itFilter.overdue)],
          ['Missing', num(c.itFilter.missing)],
        ]}
      />
      <SimpleTable
        caption="Standard operating procedure (authorities)"
        header={['SOP', 'Authorities']}
        numeric={[1]}
        rows={[
          ['In force', num(c.sop.inForce)],
          ['Review overdue', num(c.sop.reviewOverdue)],
          ['None in force', num(c.sop.none)],
        ]}
      />
      <SimpleTable
        caption="Obligations (across all authorities)"
        header={['Obligations', 'Count']}
        numeric={[1]}
        rows={[
          ['Not yet started', num(c.obligations.notYetStarted)],
          ['Developing', num(c.obligations.developing)],
          ['Achieving', num(c.obligations.achieving)],
        ]}
      />
    </Section>
  );
}

function ActionPlan({ report }: { report: Report }) {
  const plan = report.actionPlan;
  if (!plan)
    return (
      <Section id="action-plan" heading="6. Action plan progress by theme">
        <p className="govuk-body app-empty">No action plan covers {report.year}.</p>
      </Section>
    );
  const t = plan.totals;
  const counts = (x: typeof t) => [num(x.red), num(x.amber), num(x.green), num(x.complete), num(x.total), num(x.overdue)];
  return (
    <Section id="action-plan" heading="6. Action plan progress by theme">
      <p className="govuk-body">
        {plan.title} ({plan.year}), as at {formatDate(plan.asAt)}: {num(t.total)} {t.total === 1 ? 'action' : 'actions'}, {num(t.complete)} complete, {num(t.overdue)} overdue.
      </p>
      <div className="app-table-scroll" tabIndex={0} role="region" aria-label="Actions by theme, scrollable">
        <SimpleTable
          caption={`Actions by theme and status, ${plan.year}`}
          header={['Theme', 'Red', 'Amber', 'Green', 'Complete', 'Total', 'Overdue']}
          numeric={[1, 2, 3, 4, 5, 6]}
          rows={plan.themes.map((theme) => [`${theme.number}. ${theme.title}`, ...counts(theme)])}
          totals={['All themes', ...counts(t)]}
        />
      </div>
      {plan.themes
        .filter((theme) => theme.actions.length > 0)
        .map((theme) => (
          <details className="govuk-details" key={theme.number}>
            <summary className="govuk-details__summary">
              <span className="govuk-details__summary-text">
                Actions under theme {theme.number}: {theme.title}
              </span>
            </summary>
            <div className="govuk-details__text">
              <ul className="govuk-list">
                {theme.actions.map((x) => (
                  <li key={x.number} className="govuk-!-margin-bottom-4">
                    <strong>{x.number}</strong> {x.action} <RagTag rag={x.rag} />
                    {x.overdue ? ' (overdue)' : ''}
                    <br />
                    <span className="govuk-body-s">Leads: {x.leads || '–'}. {x.latestProgress ? `Latest progress, ${formatDate(x.latestProgress.on)}: ${x.latestProgress.text}` : 'No progress recorded.'}</span>
                  </li>
                ))}
              </ul>
            </div>
          </details>
        ))}
    </Section>
  );
}
