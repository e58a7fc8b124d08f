import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { call } from '../api/client';
import type { ResponseOf } from '../api/types';
import { useApi } from '../app/context';
import { Pagination, ResultCount, usePage } from './pagination';
import { Tag, type TagColour } from './ui';

/** Shared by the dashboard, the consolidated report and the SOPs overview (steering group and viewers). */
/** The JSON form (the route also answers CSV and HTML, typed as string). */
export type Report = Exclude<ResponseOf<'/reports/consolidated', 'get'>, string>;
export type ReportRow = Report['rows'][number];
export type SopItem = ResponseOf<'/sops', 'get'>['items'][number];

/** The consolidated report: of the current year when `year` is undefined (the API's default). */
export function useReport(year?: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['report', year ?? 'current'],
    queryFn: async () => (await call(api.GET('/reports/consolidated', { params: { query: year ? { year } : {} } }))) as Report,
  });
}

export function useSops() {
  const api = useApi();
  return useQuery({ queryKey: ['sops'], queryFn: () => call(api.GET('/sops')) });
}

/** "2025-26" → the `count` reporting years up to it, newest first ("2025-26", "2024-25", …). */
export function yearsUpTo(year: string, count: number): string[] {
  const start = Number(year.slice(0, 4));
  if (!Number.isInteger(start)) return [year];
  return Array.from({ length: count }, (_, i) => {
    const y = start - i;
    return `${y}-${String((y + 1) % 100).padStart(2, '0')}`;
  });
}

const STATEMENT: Record<string, { label: string; colour: TagColour }> = {
  missing: { label: 'Not started', colour: 'red' },
  draft: { label: 'Draft', colour: 'grey' },
  submitted: { label: 'Waiting for review', colour: 'blue' },
  returned: { label: 'Returned', colour: 'orange' },
  accepted: { label: 'Accepted', colour: 'green' },
};
export const statementLabel = (status: string) => STATEMENT[status]?.label ?? status;
export function StatementTag({ status }: { status: string }) {
  const s = STATEMENT[status];
  return <Tag colour={s?.colour ?? 'grey'}>{s?.label ?? status}</Tag>;
}

const FILTER: Record<string, { label: string; colour: TagColour }> = {
  current: { label: 'In date', colour: 'green' },
  'due-soon': { label: 'Due soon', colour: 'yellow' },
  overdue: { label: 'Overdue', colour: 'red' },
  missing: { label: 'Not recorded', colour: 'grey' },
};
export const filterLabel = (status: string) => FILTER[status]?.label ?? status;
export function FilterTag({ status }: { status: string }) {
  const s = FILTER[status];
  return <Tag colour={s?.colour ?? 'grey'}>{s?.label ?? status}</Tag>;
}

/** The SOP review state as GET /sops computes it (overdue, due within 60 days), or no SOP. */
export type SopState = 'overdue' | 'due-soon' | 'in-date' | 'none';
export const sopState = (sop: SopItem | undefined): SopState => (!sop ? 'none' : sop.reviewOverdue ? 'overdue' : sop.reviewDueWithin60Days ? 'due-soon' : 'in-date');
const SOP: Record<SopState, { label: string; colour: TagColour }> = {
  overdue: { label: 'Review overdue', colour: 'red' },
  'due-soon': { label: 'Review due soon', colour: 'yellow' },
  'in-date': { label: 'In date', colour: 'green' },
  none: { label: 'No SOP', colour: 'grey' },
};
export const sopLabel = (state: SopState) => SOP[state].label;
export function SopTag({ state }: { state: SopState }) {
  return <Tag colour={SOP[state].colour}>{SOP[state].label}</Tag>;
}

/** A count with a sign: +3, −2, ±0; shares as percentage points. */
export function signed(value: number | null | undefined, share = false): string {
  if (value === null || value === undefined) return '—';
  const magnitude = share ? `${Math.round(Math.abs(value) * 100)} percentage points` : Math.abs(value).toLocaleString('en-GB');
  const rounded = share ? Math.round(value * 100) : value;
  return `${rounded > 0 ? '+' : rounded < 0 ? '−' : '±'}${magnitude}`;
}

/** Days from one ISO date to another (UTC dates, no time of day). */
export function daysFrom(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export interface SortColumn<T> {
  key: string;
  label: string;
  sortValue: (row: T) => string | number;
  render: (row: T) => ReactNode;
  numeric?: boolean;
  /** The row's header cell (th scope=row) rather than a data cell. */
  rowHeader?: boolean;
}

/**
 * A table sortable by any column (MoJ sortable table markup: aria-sort on each header, a button
 * inside it). Sorting is reading, not editing: viewers get it too. A short table keeps its order
 * in React state; a `paged` one (every authority of a county with its schools) shows 50 rows a page
 * with GOV.UK pagination, and keeps the order and the page in the address (`?sort=…&dir=…&page=…`),
 * so Back and a shared link show the same rows.
 */
export function SortableTable<T>({
  caption, columns, rows, rowKey, initialSort, paged,
}: {
  caption: ReactNode;
  columns: SortColumn<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  initialSort?: string;
  /** Page the rows: `of` names them ("authorities"), `id` makes the caption a focus target after a page change. */
  paged?: { of: string; id: string };
}) {
  const [local, setLocal] = useState<{ key: string; dir: 'ascending' | 'descending' }>({ key: initialSort ?? columns[0].key, dir: 'ascending' });
  const [params, setParams] = useSearchParams();
  const fromAddress = paged && columns.some((c) => c.key === params.get('sort')) ? { key: params.get('sort')!, dir: params.get('dir') === 'descending' ? ('descending' as const) : ('ascending' as const) } : undefined;
  const sort = paged ? (fromAddress ?? { key: initialSort ?? columns[0].key, dir: 'ascending' as const }) : local;
  const setSort = (key: string) => {
    const dir = sort.key === key && sort.dir === 'ascending' ? 'descending' : 'ascending';
    if (!paged) return setLocal({ key, dir });
    setParams((current) => {
      const next = new URLSearchParams(current);
      next.set('sort', key);
      next.set('dir', dir);
      // A new order starts at its first page.
      next.delete('page');
      return next;
    }, { preventScrollReset: true });
  };
  const column = columns.find((c) => c.key === sort.key) ?? columns[0];
  const ordered = [...rows].sort((a, b) => {
    const x = column.sortValue(a);
    const y = column.sortValue(b);
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return sort.dir === 'ascending' ? order : -order;
  });
  const { page, pages, from, to } = usePage(rows.length);
  const sorted = paged ? ordered.slice(from, to) : ordered;
  return (
    <>
      {paged && <ResultCount from={from} to={to} total={rows.length} of={paged.of} />}
      {paged ? <div className="app-table-scroll" tabIndex={0} role="region" aria-label={`Table of ${paged.of}, scrollable`}>{table()}</div> : table()}
      {paged && <Pagination page={page} pages={pages} label={`Pages of ${paged.of}`} focusId={paged.id} />}
    </>
  );

  function table() {
    return (
      <table className="govuk-table moj-sortable-table" data-module="moj-sortable-table">
        <caption className="govuk-table__caption govuk-table__caption--m" id={paged?.id} tabIndex={paged ? -1 : undefined}>
          {caption}
        </caption>
        <thead className="govuk-table__head">
          <tr className="govuk-table__row">
            {columns.map((c) => (
              <th
                key={c.key}
                scope="col"
                className={`govuk-table__header${c.numeric ? ' govuk-table__header--numeric' : ''}`}
                aria-sort={sort.key === c.key ? sort.dir : 'none'}
              >
                <button type="button" onClick={() => setSort(c.key)}>
                  {c.label}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="govuk-table__body">
          {sorted.map((row) => (
            <tr className="govuk-table__row" key={rowKey(row)}>
              {columns.map((c) =>
                c.rowHeader ? (
                  <th key={c.key} scope="row" className="govuk-table__header">
                    {c.render(row)}
                  </th>
                ) : (
                  <td key={c.key} className={`govuk-table__cell${c.numeric ? ' govuk-table__cell--numeric' : ''}`}>
                    {c.render(row)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
}
