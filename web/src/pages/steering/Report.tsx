import { useQueries, useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { call } from '../../api/client';
import { useApi } from '../../app/context';
import { PageTitle } from '../../components/PageTitle';
import { Select } from '../../components/fields';
import { signed, useReport, yearsUpTo, type Report as ReportData } from '../../components/report-common';
import { ReportDownloads } from '../../components/report-downloads';
import { ReportHeatmap } from '../../components/report-heatmap';
import { ActionPlanSummary, BenchmarkComparison } from '../../components/report-partnership';
import { formatDate, LoadError, Loading, percent, QueryView } from '../../components/ui';
import './report.css';

type Totals = ReportData['totals'];
type TotalKey = keyof Totals;

/** The partnership totals shown, in order; shares print as percentages and change in points. */
const MEASURES: { key: TotalKey; label: string; share?: boolean }[] = [
  { key: 'authorities', label: 'Authorities' },
  { key: 'peopleTrained', label: 'People trained' },
  { key: 'completions', label: 'Course completions' },
  { key: 'sessions', label: 'Sessions delivered' },
  { key: 'attendees', label: 'Session attendees' },
  { key: 'feedbackShare', label: 'Rated good or excellent', share: true },
  { key: 'coverage', label: 'Training coverage', share: true },
  { key: 'statementsAccepted', label: 'Statements accepted' },
  { key: 'overdueItems', label: 'Overdue items' },
];

const show = (t: Totals, m: (typeof MEASURES)[number]) => {
  const v = t[m.key];
  if (m.key === 'statementsAccepted') return `${t.statementsAccepted} of ${t.statementsExpected}`;
  return m.share ? percent(v) : v === null ? '—' : v.toLocaleString('en-GB');
};

function TotalsTable({ report }: { report: ReportData }) {
  return (
    <table className="govuk-table">
      <caption className="govuk-table__caption govuk-table__caption--m">Partnership totals, {report.year} compared with {report.previousYear}</caption>
      <thead className="govuk-table__head">
        <tr className="govuk-table__row">
          <th scope="col" className="govuk-table__header">
            Measure
          </th>
          <th scope="col" className="govuk-table__header govuk-table__header--numeric">
            {report.year}
            {report.partYear ? ' (so far)' : ''}
          </th>
          <th scope="col" className="govuk-table__header govuk-table__header--numeric">
            {report.previousYear}
          </th>
          <th scope="col" className="govuk-table__header govuk-table__header--numeric">
            Change
          </th>
        </tr>
      </thead>
      <tbody className="govuk-table__body">
        {MEASURES.map((m) => (
          <tr className="govuk-table__row" key={m.key}>
            <th scope="row" className="govuk-table__header">
              {m.label}
            </th>
            <td className="govuk-table__cell govuk-table__cell--numeric">{show(report.totals, m)}</td>
            <td className="govuk-table__cell govuk-table__cell--numeric">{show(report.previousTotals, m)}</td>
            <td className="govuk-table__cell govuk-table__cell--numeric">{signed(report.change[m.key], m.share)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The partnership totals of the last four years up to the chosen one, one request per year. */
function YearOnYear({ year }: { year: string }) {
  const api = useApi();
  const years = yearsUpTo(year, 4).reverse();
  const queries = useQueries({
    queries: years.map((y) => ({
      queryKey: ['report', y],
      queryFn: async () => (await call(api.GET('/reports/consolidated', { params: { query: { year: y } } }))) as ReportData,
    })),
  });
  const failed = queries.find((q) => q.error);
  if (queries.some((q) => q.isPending)) return <Loading what="Loading earlier years" />;
  if (failed) return <LoadError error={failed.error} retry={() => queries.forEach((q) => void q.refetch())} />;
  const reports = queries.map((q) => q.data!);
  return (
    <div className="app-table-scroll" tabIndex={0} role="region" aria-label="Year on year, scrollable">
      <table className="govuk-table">
        <caption className="govuk-table__caption govuk-table__caption--m">
          Partnership totals year on year, {years[0]} to {years.at(-1)}
        </caption>
        <thead className="govuk-table__head">
          <tr className="govuk-table__row">
            <th scope="col" className="govuk-table__header">
              Measure
            </th>
            {reports.map((r) => (
              <th scope="col" className="govuk-table__header govuk-table__header--numeric" key={r.year}>
                {r.year}
                <span className="govuk-body-s app-attention__empty">
                  <br />
                  {r.partYear ? `so far, to ${formatDate(r.asAt)}` : 'whole year'}
                </span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="govuk-table__body">
          {MEASURES.map((m) => (
            <tr className="govuk-table__row" key={m.key}>
              <th scope="row" className="govuk-table__header">
                {m.label}
              </th>
              {reports.map((r) => (
                <td className="govuk-table__cell govuk-table__cell--numeric" key={r.year}>
                  {show(r.totals, m)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function YearForm({ years, year, onShow }: { years: string[]; year: string; onShow: (year: string) => void }) {
  const [chosen, setChosen] = useState(year);
  useEffect(() => setChosen(year), [year]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onShow(chosen);
  };
  return (
    <form method="get" action={`${import.meta.env.BASE_URL}report`} className="app-year-form" onSubmit={submit}>
      <Select name="year" label="Reporting year" value={chosen} onChange={setChosen} options={years.map((y) => ({ value: y, label: y }))} />
      <button type="submit" className="govuk-button govuk-button--secondary" data-module="govuk-button">
        Show
      </button>
    </form>
  );
}

function ReportBody({ report }: { report: ReportData }) {
  const api = useApi();
  const frameworks = useQuery({ queryKey: ['frameworks'], queryFn: () => call(api.GET('/frameworks')) });
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => call(api.GET('/settings')) });
  return (
    <>
      <p className="govuk-body">
        {report.partYear ? (
          <>
            Figures as at {formatDate(report.asAt)}: a part year, compared with the whole of {report.previousYear} (to {formatDate(report.previousAsAt)}).
          </>
        ) : (
          <>
            Figures as at {formatDate(report.asAt)}, the end of the year; compared with {report.previousYear} as at {formatDate(report.previousAsAt)}.
          </>
        )}
      </p>
      <ReportDownloads year={report.year} />
      <TotalsTable report={report} />

      <h2 className="govuk-heading-m">Benchmarks</h2>
      <p className="govuk-body">
        Each authority scores itself against every benchmark that applies to it on the Home Office scale of 1 to 5, where 3 means the duty is met. Scores show once a statement is submitted.
      </p>
      {frameworks.isPending || settings.isPending ? (
        <Loading what="Loading the benchmarks" />
      ) : (
        <ReportHeatmap
          rows={report.rows}
          year={report.year}
          titles={(() => {
            const items = frameworks.data?.items ?? [];
            const key = settings.data?.frameworkByYear?.[report.year];
            const framework = items.find((f) => `${f.id}@${f.version}` === key) ?? items[0];
            return new Map((framework?.benchmarks ?? []).map((b) => [b.number, b.title]));
          })()}
        />
      )}

      <h2 className="govuk-heading-m">Self-assessment and the Home Office assessment</h2>
      <BenchmarkComparison report={report} />

      <h2 className="govuk-heading-m">Action plan</h2>
      <ActionPlanSummary report={report} />

      <h2 className="govuk-heading-m">Year on year</h2>
      <YearOnYear year={report.year} />
    </>
  );
}

/** The consolidated compliance report of the partnership for a chosen year. */
export default function Report() {
  const [params, setParams] = useSearchParams();
  const current = useReport();
  const asked = params.get('year') ?? undefined;
  const selected = useReport(asked ?? current.data?.year);
  const year = asked ?? current.data?.year;
  const years = current.data ? yearsUpTo(current.data.year, 5) : [];
  if (year && !years.includes(year)) years.push(year);
  return (
    <>
      <PageTitle title="Consolidated report" caption={year ? `Reporting year ${year}` : undefined} />
      <QueryView query={current} what="the report">
        {() => (
          <>
            <YearForm years={years} year={year!} onShow={(y) => setParams({ year: y })} />
            <QueryView query={selected} what={`the report for ${year}`}>
              {(report) => <ReportBody report={report} />}
            </QueryView>
          </>
        )}
      </QueryView>
    </>
  );
}
