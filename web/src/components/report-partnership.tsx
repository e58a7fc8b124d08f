import { Link } from 'react-router';
import type { Report } from './report-common';

/**
 * The consolidated report's partnership-level parts: the authorities' self-assessed scores beside
 * the Home Office's assessment of the area (so the gap is visible), and the action plan's actions
 * by RAG status per theme and per lead authority, with the overdue ones.
 */
const one = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(1));
const gap = (self: number | null, ho: number | undefined) => {
  if (self === null || ho === undefined) return '–';
  const d = Math.round((self - ho) * 10) / 10;
  return `${d > 0 ? '+' : d < 0 ? '−' : '±'}${Math.abs(d).toFixed(1)}`;
};

export function BenchmarkComparison({ report }: { report: Report }) {
  return (
    <>
      <p className="govuk-body">
        {report.assessmentYear ? (
          <>
            The Home Office’s scores are from its assessment of {report.assessmentYear}
            {report.assessmentYear !== report.year ? ' (the latest up to this year)' : ''}.{' '}
            <Link className="govuk-link" to={`/assessments/${report.assessmentYear}`}>
              See the assessment
            </Link>
          </>
        ) : (
          <>No Home Office assessment is recorded for {report.year} or an earlier year.</>
        )}
      </p>
      <table className="govuk-table">
        <caption className="govuk-table__caption govuk-table__caption--s">Self-assessment beside the Home Office assessment (1 to 5; 3 means the duty is met)</caption>
        <thead className="govuk-table__head">
          <tr className="govuk-table__row">
            <th scope="col" className="govuk-table__header">Benchmark</th>
            <th scope="col" className="govuk-table__header govuk-table__header--numeric">Authorities’ mean</th>
            <th scope="col" className="govuk-table__header govuk-table__header--numeric">Home Office</th>
            <th scope="col" className="govuk-table__header govuk-table__header--numeric">Target</th>
            <th scope="col" className="govuk-table__header govuk-table__header--numeric">Gap</th>
          </tr>
        </thead>
        <tbody className="govuk-table__body">
          {report.benchmarks.map((b) => (
            <tr className="govuk-table__row" key={b.benchmark}>
              <th scope="row" className="govuk-table__header">
                {b.benchmark}. {b.name}
              </th>
              <td className="govuk-table__cell govuk-table__cell--numeric">
                {one(b.selfAverage)}
                {b.selfCount ? <span className="govuk-body-s"> ({b.selfCount})</span> : null}
              </td>
              <td className="govuk-table__cell govuk-table__cell--numeric">{b.homeOffice ?? '–'}</td>
              <td className="govuk-table__cell govuk-table__cell--numeric">{b.target ?? '–'}</td>
              <td className="govuk-table__cell govuk-table__cell--numeric">{gap(b.selfAverage, b.homeOffice)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

type Counts = { red: number; amber: number; green: number; complete: number; total: number; overdue: number };
function CountCells({ c }: { c: Counts }) {
  return (
    <>
      {(['red', 'amber', 'green', 'complete', 'overdue', 'total'] as const).map((k) => (
        <td key={k} className="govuk-table__cell govuk-table__cell--numeric">
          {c[k]}
        </td>
      ))}
    </>
  );
}
function CountHeaders({ first }: { first: string }) {
  return (
    <thead className="govuk-table__head">
      <tr className="govuk-table__row">
        <th scope="col" className="govuk-table__header">{first}</th>
        {['Red', 'Amber', 'Green', 'Complete', 'Overdue', 'Actions'].map((h) => (
          <th key={h} scope="col" className="govuk-table__header govuk-table__header--numeric">
            {h}
          </th>
        ))}
      </tr>
    </thead>
  );
}

export function ActionPlanSummary({ report }: { report: Report }) {
  const plan = report.actionPlan;
  if (!plan) return <p className="govuk-body">No action plan covers {report.year}.</p>;
  return (
    <>
      <p className="govuk-body">
        <Link className="govuk-link" to={`/action-plans/${plan.planId}?year=${plan.year}`}>
          {plan.title}
        </Link>
        , {plan.year}: {plan.totals.total} actions, {plan.totals.overdue} overdue (as at {plan.asAt}).
      </p>
      <table className="govuk-table">
        <caption className="govuk-table__caption govuk-table__caption--s">Actions by theme and status</caption>
        <CountHeaders first="Theme" />
        <tbody className="govuk-table__body">
          {plan.byTheme.map((t) => (
            <tr className="govuk-table__row" key={t.themeId}>
              <th scope="row" className="govuk-table__header">
                {t.number}. {t.title}
              </th>
              <CountCells c={t} />
            </tr>
          ))}
        </tbody>
      </table>
      {plan.byLead.length > 0 && (
        <table className="govuk-table">
          <caption className="govuk-table__caption govuk-table__caption--s">Actions by lead authority and status</caption>
          <CountHeaders first="Lead authority" />
          <tbody className="govuk-table__body">
            {plan.byLead.map((l) => (
              <tr className="govuk-table__row" key={l.authorityId}>
                <th scope="row" className="govuk-table__header">
                  {l.name}
                </th>
                <CountCells c={l} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
