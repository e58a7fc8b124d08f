import { useQuery } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { call } from '../../api/client';
import { useApi } from '../../app/context';
import { useAbilities } from '../../app/session';
import { PageTitle } from '../../components/PageTitle';
import {
  daysFrom, FilterTag, filterLabel, SopTag, sopState, SortableTable, StatementTag, statementLabel, useReport, useSops,
  type Report, type ReportRow, type SopItem, type SortColumn,
} from '../../components/report-common';
import { AuthorityFilterForm, filterRows, filterSearch, isFiltered, useAuthorityFilter, type AuthorityFilter } from '../../components/authority-filters';
import { formatDate, LoadError, Loading, percent, Tag } from '../../components/ui';
import './report.css';

/** Statements not yet with the steering group. */
const NOT_IN = new Set(['missing', 'draft', 'returned']);
/** IT-filter reviews that need doing: overdue, due within 60 days, or never recorded. */
const FILTER_DUE = new Set(['overdue', 'due-soon', 'missing']);
const DEADLINE_WINDOW_DAYS = 60;
/** The heading of the table of authorities (the target of "Show all … in the table"). */
const AUTHORITIES_ID = 'authorities';

/** How many items a "needs attention" list shows before it points to the filtered table. */
const ATTENTION_LIMIT = 10;

/**
 * One "needs attention" list: a heading with its count, the items, or an empty state. A county
 * with its schools can have hundreds: the first ten are listed, and `more` links to the table of
 * authorities filtered to the rest.
 */
function AttentionList({ id, title, items, empty, children, more }: { id: string; title: string; items: { key: string; content: ReactNode }[]; empty: string; children?: ReactNode; more?: Partial<AuthorityFilter> }) {
  const shown = items.slice(0, ATTENTION_LIMIT);
  return (
    <section className="app-attention" aria-labelledby={id}>
      <h3 className="govuk-heading-s" id={id}>
        {title} <span className="app-attention__count">({items.length})</span>
      </h3>
      {children}
      {items.length === 0 ? (
        <p className="govuk-body app-attention__empty">{empty}</p>
      ) : (
        <>
          <ul className="govuk-list govuk-list--bullet">
            {shown.map((i) => (
              <li key={i.key}>{i.content}</li>
            ))}
          </ul>
          {items.length > shown.length && (
            <p className="govuk-body">
              and {items.length - shown.length} more.{' '}
              {!more && 'Sort the table of authorities below by SOP review to see them all.'}
              {more && (
                <Link className="govuk-link" to={{ search: filterSearch(more), hash: AUTHORITIES_ID }}>
                  Show all {items.length} in the table of authorities<span className="govuk-visually-hidden">: {title.toLowerCase()}</span>
                </Link>
              )}
            </p>
          )}
        </>
      )}
    </section>
  );
}

function Attention({ report, sops }: { report: Report; sops: SopItem[] }) {
  const api = useApi();
  const can = useAbilities();
  const deadline = useQuery({
    queryKey: ['statement-deadline', report.year],
    queryFn: () => call(api.GET('/statement-deadlines/{year}', { params: { path: { year: report.year } } })),
  });
  const names = new Map(report.rows.map((r) => [r.authorityId, r.name]));
  const authorityLink = (id: string) => (
    <Link className="govuk-link" to={`/authorities/${id}`}>
      {names.get(id) ?? id}
    </Link>
  );

  const waiting = report.rows.filter((r) => r.statement.status === 'submitted');
  const sopOverdue = sops.filter((s) => s.reviewOverdue);
  const filters = report.rows.filter((r) => FILTER_DUE.has(r.itFilter.status));
  const notIn = report.rows.filter((r) => NOT_IN.has(r.statement.status));

  let statementsSection: ReactNode;
  if (deadline.isPending) statementsSection = <Loading what="Loading the statement deadline" />;
  else if (deadline.error) statementsSection = <LoadError error={deadline.error} retry={() => void deadline.refetch()} />;
  else if (!deadline.data.dueOn) {
    statementsSection = (
      <section className="app-attention" aria-labelledby="attention-statements">
        <h3 className="govuk-heading-s" id="attention-statements">
          Authorities with no statement submitted
        </h3>
        <p className="govuk-body">
          No deadline set for {report.year}.{' '}
          {can.editsPartnership && (
            <Link className="govuk-link" to="/settings">
              Set the statement deadline in settings
            </Link>
          )}
        </p>
      </section>
    );
  } else {
    const dueOn = deadline.data.dueOn;
    const days = daysFrom(report.asAt, dueOn);
    statementsSection =
      days > DEADLINE_WINDOW_DAYS ? (
        <section className="app-attention" aria-labelledby="attention-statements">
          <h3 className="govuk-heading-s" id="attention-statements">
            Authorities with no statement submitted
          </h3>
          <p className="govuk-body">
            Statements for {report.year} are due by {formatDate(dueOn)}. Authorities yet to submit are listed here from {DEADLINE_WINDOW_DAYS} days before the deadline.
          </p>
        </section>
      ) : (
        <AttentionList
          id="attention-statements"
          title="Authorities with no statement submitted"
          empty="Every authority has submitted its statement"
          more={{ statement: 'not-in' }}
          items={notIn.map((r) => ({
            key: r.authorityId,
            content: (
              <>
                {authorityLink(r.authorityId)}: {statementLabel(r.statement.status).toLowerCase()}
              </>
            ),
          }))}
        >
          <p className="govuk-body">
            Statements for {report.year} {days < 0 ? 'were' : 'are'} due by <strong>{formatDate(dueOn)}</strong>
            {days < 0 ? ' (the deadline has passed)' : days === 0 ? ' (today)' : ` (in ${days} ${days === 1 ? 'day' : 'days'})`}.
          </p>
        </AttentionList>
      );
  }

  return (
    <>
      <h2 className="govuk-heading-m">What needs your attention</h2>
      <AttentionList
        id="attention-review"
        title="Statements waiting for review"
        empty="Nothing waiting for review"
        more={{ statement: 'submitted' }}
        items={waiting.map((r) => ({
          key: r.authorityId,
          content: (
            <Link className="govuk-link" to={`/authorities/${r.authorityId}/statements/${report.year}`}>
              {r.name}
              <span className="govuk-visually-hidden">: review the {report.year} statement</span>
            </Link>
          ),
        }))}
      />
      <AttentionList
        id="attention-sops"
        title="SOP reviews overdue"
        empty="No SOP review is overdue"
        items={sopOverdue.map((s) => ({
          key: s.authorityId,
          content: (
            <>
              {authorityLink(s.authorityId)}: review was due by {formatDate(s.nextReviewDate)}
            </>
          ),
        }))}
      />
      <AttentionList
        id="attention-filters"
        title="IT-filter reviews overdue or due"
        empty="Every IT-filter review is in date"
        more={{ itFilter: 'needs-review' }}
        items={filters.map((r) => ({
          key: r.authorityId,
          content: (
            <>
              {authorityLink(r.authorityId)}: {filterLabel(r.itFilter.status).toLowerCase()}
              {r.itFilter.lastReviewedOn ? ` (last reviewed ${formatDate(r.itFilter.lastReviewedOn)})` : ''}
            </>
          ),
        }))}
      />
      {statementsSection}
    </>
  );
}

/** Overdue items of a row, as the API counts them (its totals add these up). */
const overdueOf = (r: ReportRow) => r.overdueItems;

function AuthoritiesTable({ report, sops }: { report: Report; sops: SopItem[] }) {
  const sopBy = new Map(sops.map((s) => [s.authorityId, s]));
  const target = report.coverageTarget;
  const SOP_ORDER = { overdue: 0, 'due-soon': 1, 'in-date': 2, none: 3 } as const;
  const columns: SortColumn<ReportRow>[] = [
    {
      key: 'name', label: 'Authority', rowHeader: true, sortValue: (r) => r.name,
      render: (r) => <Link className="govuk-link" to={`/authorities/${r.authorityId}`}>{r.name}</Link>,
    },
    { key: 'statement', label: 'Statement', sortValue: (r) => statementLabel(r.statement.status), render: (r) => <StatementTag status={r.statement.status} /> },
    {
      key: 'coverage', label: 'Training coverage', sortValue: (r) => r.training.coverage ?? -1,
      render: (r) =>
        r.training.coverage === null ? (
          <Tag colour="grey">No training plan</Tag>
        ) : (
          <>
            <span className="app-nowrap">{percent(r.training.coverage)} (target {percent(target)})</span>{' '}
            {r.training.coverage >= target ? <Tag colour="green">Meets target</Tag> : <Tag colour="orange">Below target</Tag>}
          </>
        ),
    },
    { key: 'filter', label: 'IT filter', sortValue: (r) => filterLabel(r.itFilter.status), render: (r) => <FilterTag status={r.itFilter.status} /> },
    {
      key: 'sop', label: 'SOP review', sortValue: (r) => SOP_ORDER[sopState(sopBy.get(r.authorityId))],
      render: (r) => <SopTag state={sopState(sopBy.get(r.authorityId))} />,
    },
    { key: 'overdue', label: 'Overdue items', numeric: true, sortValue: overdueOf, render: (r) => overdueOf(r) },
  ];
  const [filter, setFilter] = useAuthorityFilter();
  const shown = filterRows(report.rows, filter);
  return (
    <>
      <AuthorityFilterForm rows={report.rows} filter={filter} onApply={setFilter} idPrefix="dashboard" />
      <SortableTable
        caption={`${isFiltered(filter) ? 'Authorities matching the filters' : 'Every authority'}, ${report.year} (figures as at ${formatDate(report.asAt)})`}
        columns={columns}
        rows={shown}
        rowKey={(r) => r.authorityId}
        paged={{ of: 'authorities', id: 'authorities-table' }}
      />
    </>
  );
}

/** The partnership at a glance for the current reporting year: what needs doing first, then every authority. */
export default function Dashboard() {
  const report = useReport();
  const sops = useSops();
  const location = useLocation();
  const loaded = !!report.data && !!sops.data;
  // "Show all … in the table": the table is filtered by then; take the reader (and the focus) to it.
  useEffect(() => {
    if (loaded && location.hash === `#${AUTHORITIES_ID}`) document.getElementById(AUTHORITIES_ID)?.focus();
  }, [loaded, location.key, location.hash]);
  const error = report.error ?? sops.error;
  return (
    <>
      <PageTitle title="Dashboard" caption={report.data ? `Reporting year ${report.data.year}` : undefined} />
      {report.isPending || sops.isPending ? (
        <Loading what="Loading the partnership's figures" />
      ) : error ? (
        <LoadError error={error} retry={() => { void report.refetch(); void sops.refetch(); }} />
      ) : (
        <>
          <p className="govuk-body">
            Figures as at {formatDate(report.data!.asAt)}. <Link className="govuk-link" to="/report">See the consolidated report</Link>.
          </p>
          <Attention report={report.data!} sops={sops.data!.items} />
          <h2 className="govuk-heading-m" id={AUTHORITIES_ID} tabIndex={-1}>
            Authorities
          </h2>
          {report.data!.rows.length === 0 ? (
            <p className="govuk-body">There are no authorities in the partnership yet. Authorities are added from the Authorities page.</p>
          ) : (
            <AuthoritiesTable report={report.data!} sops={sops.data!.items} />
          )}
        </>
      )}
    </>
  );
}
