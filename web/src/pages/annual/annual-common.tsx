import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { call } from '../../api/client';
import type { BodyOf, ResponseOf } from '../../api/types';
import { useApi } from '../../app/context';
import '../delivery/delivery.css';
import './annual.css';

/** Shared by the annual report, its narrative form and the Home Office assessment pages. */
export type AnnualReport = Exclude<ResponseOf<'/reports/annual', 'get'>, string>;
export type Narrative = AnnualReport['narrative'];
export type Assessment = ResponseOf<'/assessments/{year}', 'get'>;
export type AssessmentBody = BodyOf<'/assessments/{year}', 'put'>;
export type NarrativeBody = BodyOf<'/reports/annual/{year}/narrative', 'put'>;

export { BENCHMARKS, benchmarkShortName as benchmarkName, RAG_LABELS, RagTag } from '../../components/toolkit';

/** The Home Office's 1–5 scale (3 = duty met). */
export const SCORE_MEANINGS: Record<number, string> = { 1: 'duty not met', 2: 'duty not met', 3: 'duty met', 4: 'duty exceeded', 5: 'duty exceeded' };
export const scoreText = (score: number | undefined) => (score === undefined ? 'Not scored' : `${score} (${SCORE_MEANINGS[score] ?? ''})`);

/** The assembled annual report of a year (JSON). */
export function useAnnualReport(year: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['annual-report', year],
    queryFn: async () => (await call(api.GET('/reports/annual', { params: { query: { year } } }))) as AnnualReport,
  });
}

/** The year's Home Office assessment; a 404 means none is recorded (an answer, not retried). */
export function useAssessment(year: string, enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey: ['assessment', year],
    queryFn: () => call(api.GET('/assessments/{year}', { params: { path: { year } } })),
    enabled,
  });
}

/** Narrative text as the reader wrote it: paragraphs split on blank lines, single line breaks kept. */
export function Paragraphs({ text, empty }: { text: string; empty: ReactNode }) {
  const parts = text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (!parts.length) return <p className="govuk-body app-empty">{empty}</p>;
  return (
    <>
      {parts.map((p, i) => (
        <p className="govuk-body app-preserve-lines" key={i}>
          {p}
        </p>
      ))}
    </>
  );
}

/** A small table of text: the first cell of each row heads it; numeric columns aligned right. */
export function SimpleTable({ caption, header, rows, numeric = [], totals }: { caption: ReactNode; header: readonly string[]; rows: readonly ReactNode[][]; numeric?: readonly number[]; totals?: readonly ReactNode[] }) {
  const cls = (i: number, base: string) => `${base}${numeric.includes(i) ? ` ${base}--numeric` : ''}`;
  const row = (r: readonly ReactNode[], key: number, className = 'govuk-table__row') => (
    <tr className={className} key={key}>
      {r.map((c, i) =>
        i === 0 ? (
          <th scope="row" className="govuk-table__header" key={i}>
            {c}
          </th>
        ) : (
          <td className={cls(i, 'govuk-table__cell')} key={i}>
            {c}
          </td>
        ),
      )}
    </tr>
  );
  return (
    <table className="govuk-table">
      <caption className="govuk-table__caption govuk-table__caption--s">{caption}</caption>
      <thead className="govuk-table__head">
        <tr className="govuk-table__row">
          {header.map((h, i) => (
            <th scope="col" className={cls(i, 'govuk-table__header')} key={i}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="govuk-table__body">
        {rows.map((r, i) => row(r, i))}
        {totals && row(totals, rows.length, 'govuk-table__row app-totals-row')}
      </tbody>
    </table>
  );
}

/** "+0.4", "−1.0", "±0.0" (a minus sign, as the printed report has it). */
export function signedDecimal(v: number): string {
  const r = Math.round(v * 10) / 10;
  return `${r > 0 ? '+' : r < 0 ? '−' : '±'}${Math.abs(r).toFixed(1)}`;
}
