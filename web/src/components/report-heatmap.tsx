import { Link } from 'react-router';
import { AuthorityFilterForm, filterRows, isFiltered, useAuthorityFilter } from './authority-filters';
import { Pagination, ResultCount, usePage } from './pagination';
import type { ReportRow } from './report-common';
import { StatementTag } from './report-common';

/**
 * Authorities × benchmarks: each cell prints the Home Office 1–5 score (3 = duty met) and is
 * coloured by it (1 → .app-heat--0 … 5 → .app-heat--4); a visible key says what each colour is.
 * As in the printable report, only statements the steering group has received (submitted or
 * accepted) are scored; a cell with no score reads "n/a".
 */
const SCORED = new Set(['submitted', 'accepted']);
export const SCORE_KEY: { score: number; meaning: string }[] = [
  { score: 1, meaning: 'duty not met' },
  { score: 2, meaning: 'duty not met' },
  { score: 3, meaning: 'duty met' },
  { score: 4, meaning: 'duty exceeded' },
  { score: 5, meaning: 'duty exceeded' },
];

const CAPTION_ID = 'heatmap-table';

export function ReportHeatmap({ rows: all, year, titles }: { rows: readonly ReportRow[]; year: string; titles: ReadonlyMap<number, string> }) {
  const numbers = [...new Set([...titles.keys(), ...all.flatMap((r) => Object.keys(r.statement.scores).map(Number))])].filter(Number.isFinite).sort((a, b) => a - b);
  // A county with its schools: filtered and 50 rows a page (the CSV and printable report have them all).
  const [filter, setFilter] = useAuthorityFilter();
  const matching = filterRows(all, filter);
  const { page, pages, from, to } = usePage(matching.length);
  const rows = matching.slice(from, to);
  return (
    <>
      <h3 className="govuk-heading-s" id="heat-key">
        Key to the scores
      </h3>
      <ul className="app-heat-key govuk-body-s" aria-labelledby="heat-key">
        {SCORE_KEY.map((k) => (
          <li key={k.score} className={`app-heat app-heat--${k.score - 1}`}>
            {k.score}: {k.meaning}
          </li>
        ))}
        <li className="app-heat app-heat--na">n/a: no score (the benchmark does not apply, or the statement is not yet submitted)</li>
      </ul>
      <AuthorityFilterForm rows={all} filter={filter} onApply={setFilter} idPrefix="heatmap" />
      <ResultCount from={from} to={to} total={matching.length} of="authorities" />
      <div className="app-table-scroll" tabIndex={0} role="region" aria-label="Benchmark scores by authority, scrollable">
        <table className="govuk-table govuk-!-font-size-16">
          <caption className="govuk-table__caption govuk-table__caption--m" id={CAPTION_ID} tabIndex={-1}>
            Benchmark scores by {isFiltered(filter) ? 'the authorities matching the filters' : 'authority'}, {year}
          </caption>
          <thead className="govuk-table__head">
            <tr className="govuk-table__row">
              <th scope="col" className="govuk-table__header">
                Authority
              </th>
              <th scope="col" className="govuk-table__header">
                Statement
              </th>
              {numbers.map((n) => (
                <th scope="col" className="govuk-table__header app-heat" key={n}>
                  <abbr title={titles.get(n) ?? `Benchmark ${n}`}>{n}</abbr>
                  <span className="govuk-visually-hidden">: {titles.get(n) ?? `Benchmark ${n}`}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="govuk-table__body">
            {rows.map((r) => {
              const scored = SCORED.has(r.statement.status);
              return (
                <tr className="govuk-table__row" key={r.authorityId}>
                  <th scope="row" className="govuk-table__header">
                    <Link className="govuk-link" to={`/authorities/${r.authorityId}`}>
                      {r.name}
                    </Link>
                  </th>
                  <td className="govuk-table__cell">
                    <StatementTag status={r.statement.status} />
                  </td>
                  {numbers.map((n) => {
                    const score = scored ? r.statement.scores[String(n)] : undefined;
                    return score === undefined ? (
                      <td className="govuk-table__cell app-heat app-heat--na" key={n}>
                        n/a
                      </td>
                    ) : (
                      <td className={`govuk-table__cell app-heat app-heat--${Math.min(4, Math.max(0, score - 1))}`} key={n}>
                        {score}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <Pagination page={page} pages={pages} label="Pages of benchmark scores" focusId={CAPTION_ID} />
    </>
  );
}
