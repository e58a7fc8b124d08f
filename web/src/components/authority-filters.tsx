import { useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { SECTOR_LABELS, labelOf } from './admin-labels';
import { Select, TextInput } from './fields';
import { filterLabel, statementLabel, type ReportRow } from './report-common';

/**
 * Filters for tables of every authority: a county with its schools has 300 to 600 of them. The
 * filters live in the address (`?sector=…&statement=…`), as do the sort and the page
 * (pagination.tsx), so Back, a bookmark and a shared link show the same rows; a filter applies
 * when its form is submitted (GOV.UK: nothing on the page changes while someone is still choosing).
 */

/** Statement filters: single statuses, and "not yet with the steering group" (missing, draft or returned). */
const STATEMENT_FILTERS: Record<string, (status: string) => boolean> = {
  'not-in': (s) => s === 'missing' || s === 'draft' || s === 'returned',
  submitted: (s) => s === 'submitted',
  accepted: (s) => s === 'accepted',
  returned: (s) => s === 'returned',
  draft: (s) => s === 'draft',
  missing: (s) => s === 'missing',
};
const STATEMENT_FILTER_LABELS: Record<string, string> = {
  'not-in': 'Not submitted (not started, draft or returned)',
  submitted: statementLabel('submitted'),
  accepted: statementLabel('accepted'),
  returned: statementLabel('returned'),
  draft: statementLabel('draft'),
  missing: statementLabel('missing'),
};
/** IT-filter filters: single statuses, and "needs doing" (overdue, due soon or never recorded). */
const IT_FILTERS: Record<string, (status: string) => boolean> = {
  'needs-review': (s) => s === 'overdue' || s === 'due-soon' || s === 'missing',
  overdue: (s) => s === 'overdue',
  'due-soon': (s) => s === 'due-soon',
  missing: (s) => s === 'missing',
  current: (s) => s === 'current',
};
const IT_FILTER_LABELS: Record<string, string> = {
  'needs-review': 'Needs review (overdue, due soon or not recorded)',
  overdue: filterLabel('overdue'),
  'due-soon': filterLabel('due-soon'),
  missing: filterLabel('missing'),
  current: filterLabel('current'),
};

export interface AuthorityFilter {
  sector: string;
  statement: string;
  itFilter: string;
  name: string;
}
const FILTER_KEYS = ['sector', 'statement', 'itFilter', 'name'] as const;

/** The filter in the address, and a way to change it (back to page 1). */
export function useAuthorityFilter(): [AuthorityFilter, (next: AuthorityFilter) => void] {
  const [params, setParams] = useSearchParams();
  const filter: AuthorityFilter = {
    sector: params.get('sector') ?? '',
    statement: STATEMENT_FILTERS[params.get('statement') ?? ''] ? params.get('statement')! : '',
    itFilter: IT_FILTERS[params.get('itFilter') ?? ''] ? params.get('itFilter')! : '',
    name: params.get('name') ?? '',
  };
  const set = (next: AuthorityFilter) =>
    setParams((current) => {
      const out = new URLSearchParams(current);
      for (const key of FILTER_KEYS) {
        const value = next[key].trim();
        if (value) out.set(key, value);
        else out.delete(key);
      }
      out.delete('page');
      return out;
    });
  return [filter, set];
}

/** The search string of a filter, for links that open a table already filtered. */
export function filterSearch(filter: Partial<AuthorityFilter>): string {
  const out = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filter[key]) out.set(key, filter[key]!);
  return `?${out.toString()}`;
}

export const isFiltered = (f: AuthorityFilter) => FILTER_KEYS.some((k) => f[k] !== '');

export function filterRows<T extends Pick<ReportRow, 'name' | 'sector' | 'statement' | 'itFilter'>>(rows: readonly T[], f: AuthorityFilter): T[] {
  const name = f.name.trim().toLocaleLowerCase('en-GB');
  return rows.filter(
    (r) =>
      (!f.sector || r.sector === f.sector) &&
      (!f.statement || STATEMENT_FILTERS[f.statement](r.statement.status)) &&
      (!f.itFilter || IT_FILTERS[f.itFilter](r.itFilter.status)) &&
      (!name || r.name.toLocaleLowerCase('en-GB').includes(name)),
  );
}

/** The filter form: sector, statement, IT filter and part of a name; applied on submit. */
export function AuthorityFilterForm({ rows, filter, onApply, idPrefix }: { rows: readonly Pick<ReportRow, 'sector'>[]; filter: AuthorityFilter; onApply: (f: AuthorityFilter) => void; idPrefix: string }) {
  const [draft, setDraft] = useState(filter);
  useEffect(() => setDraft(filter), [filter.sector, filter.statement, filter.itFilter, filter.name]);
  const sectors = [...new Set(rows.map((r) => r.sector))].sort((a, b) => labelOf(SECTOR_LABELS, a).localeCompare(labelOf(SECTOR_LABELS, b)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(draft);
  };
  const any = { value: '', label: 'Any' };
  return (
    <form className="app-filter" onSubmit={submit} aria-label="Filter the authorities">
      <div className="app-filter__fields">
        <Select name={`${idPrefix}-sector`} label="Sector" value={draft.sector} onChange={(sector) => setDraft({ ...draft, sector })} options={[any, ...sectors.map((s) => ({ value: s, label: labelOf(SECTOR_LABELS, s) }))]} />
        <Select name={`${idPrefix}-statement`} label="Statement" value={draft.statement} onChange={(statement) => setDraft({ ...draft, statement })} options={[any, ...Object.entries(STATEMENT_FILTER_LABELS).map(([value, label]) => ({ value, label }))]} />
        <Select name={`${idPrefix}-it-filter`} label="IT filter" value={draft.itFilter} onChange={(itFilter) => setDraft({ ...draft, itFilter })} options={[any, ...Object.entries(IT_FILTER_LABELS).map(([value, label]) => ({ value, label }))]} />
        <TextInput name={`${idPrefix}-name`} label="Name contains" value={draft.name} onChange={(name) => setDraft({ ...draft, name })} width={20} spellCheck={false} />
      </div>
      <div className="govuk-button-group">
        <button type="submit" className="govuk-button govuk-button--secondary" data-module="govuk-button">
          Apply filters
        </button>
        {isFiltered(filter) && (
          <button type="button" className="govuk-link app-link-button" onClick={() => onApply({ sector: '', statement: '', itFilter: '', name: '' })}>
            Clear filters
          </button>
        )}
      </div>
    </form>
  );
}

