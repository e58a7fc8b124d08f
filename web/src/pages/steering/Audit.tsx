import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import { call } from '../../api/client';
import { useApi } from '../../app/context';
import { AuditRow } from '../../components/audit-event';
import { Select, TextInput } from '../../components/fields';
import { PageTitle } from '../../components/PageTitle';
import { Pagination, QueryView, Table } from '../../components/ui';
import './review.css';

const ENTITY_TYPES = [
  'authority', 'completion', 'course', 'due-items', 'framework', 'it-filter-assurance', 'obligation', 'partnership', 'session', 'sop',
  'staff-training', 'statement', 'statement-deadline', 'training-import', 'training-plan', 'user',
];
const LIMITS = ['10', '25', '50', '100'];
const FILTERS = ['authorityId', 'entityType', 'entityId', 'limit'] as const;

/** The cursors of the pages before this one, kept in the history entry so Back and Previous agree. */
interface PagingState {
  previous?: string[];
}

export default function Audit() {
  const api = useApi();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const location = useLocation();
  const previous = (location.state as PagingState | null)?.previous ?? [];

  const applied = Object.fromEntries(FILTERS.map((f) => [f, search.get(f) ?? ''])) as Record<(typeof FILTERS)[number], string>;
  const cursor = search.get('cursor') ?? undefined;
  const [form, setForm] = useState(applied);
  const appliedKey = FILTERS.map((f) => applied[f]).join('|');
  // Back and Forward change the URL: the form shows the filters of the page shown.
  useEffect(() => setForm(applied), [appliedKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const query = {
    ...(applied.authorityId ? { authorityId: applied.authorityId } : {}),
    ...(applied.entityType ? { entityType: applied.entityType } : {}),
    ...(applied.entityId ? { entityId: applied.entityId } : {}),
    ...(applied.limit ? { limit: Number(applied.limit) } : {}),
    ...(cursor ? { cursor } : {}),
  };
  const events = useQuery({
    queryKey: ['audit', query],
    queryFn: () => call(api.GET('/audit', { params: { query } })),
    retry: (count, e) => (e as { status?: number }).status !== 403 && (e as { status?: number }).status !== 400 && count < 2,
  });
  const authorities = useQuery({ queryKey: ['authorities'], queryFn: () => call(api.GET('/authorities')), enabled: !(events.error && (events.error as { status?: number }).status === 403) });
  const names = new Map((authorities.data?.items ?? []).map((a) => [a.id, a.name]));

  const go = (params: Record<string, string>, state: PagingState) => {
    const next = new URLSearchParams(Object.entries(params).filter(([, v]) => v));
    navigate({ search: next.toString() ? `?${next}` : '' }, { state });
  };
  const apply = (event: FormEvent) => {
    event.preventDefault();
    go(form, {});
  };
  const clearFilters = () => {
    setForm({ authorityId: '', entityType: '', entityId: '', limit: '' });
    go({}, {});
  };

  if (events.error && (events.error as { status?: number }).status === 403) {
    return (
      <>
        <PageTitle title="Audit trail" />
        <QueryView query={events}>{() => null}</QueryView>
      </>
    );
  }

  const filtered = !!(applied.authorityId || applied.entityType || applied.entityId);
  return (
    <>
      <PageTitle title="Audit trail" />
      <p className="govuk-body">Every change made in the partnership, newest first. Personal data is not shown.</p>
      <form noValidate onSubmit={apply} className="app-audit-filters" aria-label="Filter the audit trail">
        <div className="govuk-grid-row">
          <div className="govuk-grid-column-one-quarter">
            <Select
              name="authorityId"
              label="Authority"
              labelClass="govuk-label--s"
              value={form.authorityId}
              onChange={(authorityId) => setForm({ ...form, authorityId })}
              options={[{ value: '', label: 'All authorities' }, ...(authorities.data?.items ?? []).map((a) => ({ value: a.id, label: a.name }))]}
            />
          </div>
          <div className="govuk-grid-column-one-quarter">
            <Select
              name="entityType"
              label="Record type"
              labelClass="govuk-label--s"
              value={form.entityType}
              onChange={(entityType) => setForm({ ...form, entityType })}
              options={[{ value: '', label: 'All record types' }, ...ENTITY_TYPES.map((t) => ({ value: t, label: t }))]}
            />
          </div>
          <div className="govuk-grid-column-one-quarter">
            <TextInput name="entityId" label="Record ID" labelClass="govuk-label--s" value={form.entityId} onChange={(entityId) => setForm({ ...form, entityId })} spellCheck={false} />
          </div>
          <div className="govuk-grid-column-one-quarter">
            <Select
              name="limit"
              label="Events per page"
              labelClass="govuk-label--s"
              value={form.limit || '25'}
              onChange={(limit) => setForm({ ...form, limit })}
              options={LIMITS.map((l) => ({ value: l, label: l }))}
            />
          </div>
        </div>
        <div className="govuk-button-group">
          <button type="submit" className="govuk-button" data-module="govuk-button">
            Apply filters
          </button>
          <button type="button" className="govuk-button govuk-button--secondary" data-module="govuk-button" onClick={clearFilters}>
            Clear filters
          </button>
        </div>
      </form>
      <QueryView query={events} what="the audit trail">
        {(page) =>
          page.items.length === 0 ? (
            <p className="govuk-body">{filtered ? 'No events match these filters. Clear the filters to see every event.' : 'Nothing has been recorded yet.'}</p>
          ) : (
            <>
              <Table label="Audit events" caption={`Audit events${previous.length ? `, page ${previous.length + 1}` : ''}`} headers={['When', 'Who', 'Action', 'Record', 'Authority', 'Changes']}>
                {page.items.map((e) => (
                  <AuditRow key={e.id} event={e} authorityName={e.authorityId ? names.get(e.authorityId) : undefined} />
                ))}
              </Table>
              <Pagination
                label="Audit trail pages"
                onPrevious={
                  cursor
                    ? () => {
                        const stack = previous.slice(0, -1);
                        go({ ...applied, cursor: previous.at(-1) ?? '' }, { previous: stack });
                      }
                    : undefined
                }
                onNext={page.nextCursor ? () => go({ ...applied, cursor: page.nextCursor! }, { previous: [...previous, cursor ?? ''] }) : undefined}
              />
            </>
          )
        }
      </QueryView>
    </>
  );
}
