import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { call, type ApiError } from '../../../api/client';
import { useApi } from '../../../app/context';
import { useDeadline } from '../../../components/admin-queries';
import { statementLabel, StatementTag } from '../../../components/report-common';
import { formatDate, LoadError, Loading, percent, Table, Tag } from '../../../components/ui';
import { dueInWords, dueState, noRetryOn404, today, useAssurances, useObligations, useSop } from './common';

export interface DueItem {
  key: string;
  title: string;
  to: string;
  /** Undefined where there is no date: see `undated`. */
  dueOn?: string;
  /** Without a date: overdue already (lapsed refreshers), never recorded, or waiting for a date (no deadline set). */
  undated?: 'overdue' | 'missing' | 'open';
  detail: string;
}

const RANK = { overdue: 0, missing: 0, dated: 1, open: 2 } as const;

/**
 * Already late without a date to compare (lapsed, or never recorded) first, then by due date,
 * then what has no date yet (a statement before its deadline is set); ties by title.
 */
export function byUrgency(a: DueItem, b: DueItem): number {
  const rank = (i: DueItem) => (i.dueOn ? RANK.dated : RANK[i.undated ?? 'missing']);
  return rank(a) - rank(b) || (a.dueOn ?? '').localeCompare(b.dueOn ?? '') || a.title.localeCompare(b.title);
}

const countOf = (n: number) => `${n} ${n === 1 ? 'item is' : 'items are'}`;
const short = (text: string) => (text.length > 90 ? `${text.slice(0, 87)}…` : text);

function StateTag({ item }: { item: DueItem }) {
  if (item.undated === 'open') return <Tag colour="grey">No date yet</Tag>;
  if (item.undated === 'overdue') return <Tag colour="red">Overdue</Tag>;
  if (!item.dueOn) return <Tag colour="red">Not recorded</Tag>;
  const state = dueState(item.dueOn);
  return state === 'overdue' ? <Tag colour="red">Overdue</Tag> : state === 'due-soon' ? <Tag colour="yellow">Due soon</Tag> : <Tag colour="blue">Due later</Tag>;
}

/**
 * What is due and overdue for one authority, each item linking to the page that resolves it:
 * the year's statement (against its deadline), the SOP's review, obligations due within 60
 * days, the IT-filter review and refreshers; then training coverage against the target.
 */
export function DueList({ id, year }: { id: string; year: string }) {
  const api = useApi();
  const base = `/authorities/${id}`;
  const deadline = useDeadline(year);
  const statement = useQuery({
    queryKey: ['statement', id, year],
    queryFn: () => call(api.GET('/authorities/{id}/statements/{year}', { params: { path: { id, year } } })),
    retry: noRetryOn404,
  });
  const sop = useSop(id);
  const obligations = useObligations(id);
  const filter = useAssurances(id);
  const training = useQuery({ queryKey: ['training-summary', id, year], queryFn: () => call(api.GET('/authorities/{id}/training-summary', { params: { path: { id }, query: { year } } })) });
  // The first refresher to fall due within 60 days (the API lists them soonest first, from
  // today; the summary counts one expiring today as overdue, so the first after today).
  const expiring = useQuery({
    queryKey: ['completions', id, 'expiring', 60],
    queryFn: () => call(api.GET('/authorities/{id}/completions', { params: { path: { id }, query: { expiringWithinDays: 60, limit: 50 } } })),
  });
  const queries = [deadline, statement, sop, obligations, filter, training, expiring];
  if (queries.some((q) => q.isPending)) return <Loading what="Loading what is due" />;
  const failed = queries.find((q) => q.error && (q.error as ApiError).status !== 404);
  if (failed) return <LoadError error={failed.error} retry={() => queries.forEach((q) => void q.refetch())} />;

  const asAt = today();
  const items: DueItem[] = [];
  const status = statement.data?.status ?? 'missing';
  if (status !== 'submitted' && status !== 'accepted') {
    items.push({
      key: 'statement',
      title: `Annual assurance statement ${year}`,
      to: `${base}/statements/${year}`,
      dueOn: deadline.data?.dueOn ?? undefined,
      ...(deadline.data?.dueOn ? {} : { undated: 'open' as const }),
      detail: `${statementLabel(status)}.${deadline.data?.dueOn ? '' : ' The steering group has not set a deadline yet.'}`,
    });
  }
  if (sop.data) {
    items.push({ key: 'sop', title: 'Annual review of the SOP', to: `${base}/sop`, dueOn: sop.data.nextReviewDate, detail: `Version ${sop.data.sopVersion}.` });
  } else {
    items.push({ key: 'sop', title: 'SOP: none recorded', to: `${base}/sop`, undated: 'missing', detail: 'No SOP recorded yet.' });
  }
  for (const o of obligations.data!.items.filter((x) => dueState(x.nextDueOn, asAt) !== 'later')) {
    items.push({ key: `obligation-${o.id}`, title: `SOP obligation: ${short(o.commitment)}`, to: `${base}/sop/obligations/${o.id}`, dueOn: o.nextDueOn, detail: 'Evidence due.' });
  }
  const f = filter.data!;
  items.push({
    key: 'it-filter',
    title: 'IT-filter assurance',
    to: `${base}/it-filter-assurances`,
    dueOn: f.nextReviewDue,
    ...(f.nextReviewDue ? {} : { undated: 'missing' as const }),
    detail: f.nextReviewDue ? 'Review of the firewalls and web filters (CTIRU terms), every 12 months.' : 'No IT-filter assurance recorded yet.',
  });
  const t = training.data!;
  if (t.refreshersOverdue > 0) {
    items.push({
      key: 'refreshers-overdue',
      title: `Training refreshers overdue: ${t.refreshersOverdue}`,
      to: `${base}/training`,
      undated: 'overdue',
      detail: `${t.refreshersOverdue} ${t.refreshersOverdue === 1 ? 'person’s training has' : 'people’s training has'} lapsed and needs a refresher.`,
    });
  }
  const first = expiring.data!.items.find((c) => c.expiresOn && c.expiresOn > asAt);
  if (t.refreshersDueWithin60Days > 0) {
    items.push({
      key: 'refreshers-due',
      title: `Training refreshers due within 60 days: ${t.refreshersDueWithin60Days}`,
      to: `${base}/training`,
      dueOn: first?.expiresOn ?? undefined,
      detail: first?.expiresOn ? `The first falls due on ${formatDate(first.expiresOn)}.` : 'Falling due in the next 60 days.',
    });
  }
  items.sort(byUrgency);
  const overdue = items.filter((i) => (i.dueOn ? dueState(i.dueOn, asAt) === 'overdue' : i.undated !== 'open')).length;
  const soon = items.filter((i) => i.dueOn && dueState(i.dueOn, asAt) === 'due-soon').length;
  const coverage = t.coverage;

  return (
    <>
      <h2 className="govuk-heading-m">What is due</h2>
      <p className="govuk-body" id="due-summary">
        {overdue === 0 ? 'Nothing is overdue.' : `${countOf(overdue)} overdue or not recorded yet.`} {soon === 0 ? 'Nothing else is due within 60 days.' : `${countOf(soon)} due within 60 days.`}
      </p>
      <p className="govuk-body">Most urgent first: anything not recorded yet, then by due date. Each item links to where it is dealt with.</p>
      <Table label="What is due, most urgent first" caption={<span className="govuk-visually-hidden">What is due, most urgent first</span>} headers={['Item', 'Due by', 'Status']}>
        {items.map((item) => (
          <tr className="govuk-table__row app-due-item" key={item.key}>
            <td className="govuk-table__cell">
              <Link className="govuk-link" to={item.to}>
                {item.title}
              </Link>
              <br />
              <span className="govuk-body-s">{item.detail}</span>
            </td>
            <td className="govuk-table__cell">
              {item.dueOn ? (
                <>
                  {formatDate(item.dueOn)}
                  <br />
                  <span className="govuk-body-s">{dueInWords(item.dueOn, asAt)}</span>
                </>
              ) : item.undated === 'open' ? (
                'Not set yet'
              ) : (
                'Now'
              )}
            </td>
            <td className="govuk-table__cell">
              <StateTag item={item} />
            </td>
          </tr>
        ))}
      </Table>

      <h2 className="govuk-heading-m">Annual statement {year}</h2>
      <p className="govuk-body">
        <StatementTag status={status} />{' '}
        {deadline.data?.dueOn ? `Due by ${formatDate(deadline.data.dueOn)}.` : 'No deadline set yet.'}{' '}
        <Link className="govuk-link" to={`${base}/statements/${year}`}>
          Statement for {year}
        </Link>
      </p>

      <h2 className="govuk-heading-m">Training coverage</h2>
      <p className="govuk-body" id="training-coverage">
        {coverage.total.coverage === null ? (
          <>No training plan headcount recorded yet, so coverage cannot be worked out. </>
        ) : (
          <>
            {percent(coverage.total.coverage)} of staff in the training plan’s roles have in-date training ({coverage.total.covered} of {coverage.total.headcount}); the partnership’s target is{' '}
            {percent(coverage.target)}.{' '}
            {coverage.total.meetsTarget ? <Tag colour="green">Meets target</Tag> : <Tag colour="red">Below target</Tag>}{' '}
          </>
        )}
        <Link className="govuk-link" to={`${base}/training`}>
          Training
        </Link>
      </p>
    </>
  );
}
