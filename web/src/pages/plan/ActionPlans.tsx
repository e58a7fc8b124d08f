import { useQueries, useQuery } from '@tanstack/react-query';
import { Link, useLocation } from 'react-router';
import { call } from '../../api/client';
import { useApi } from '../../app/context';
import { useAbilities, useMe } from '../../app/session';
import { reportingYear } from '../../components/admin-labels';
import { PageTitle } from '../../components/PageTitle';
import { NotificationBanner, QueryView, SummaryList, Table } from '../../components/ui';
import { countsOf, CountsLine, periodOf, planKey, seesOwnActions, type Plan, type PlanYear } from './plan-common';
import './plan.css';

const openYearInWords = (p: Plan) => (p.closed ? `Closed (every year, to ${p.lastYear})` : p.currentYear);

/** The partnership's action plans: the one in force shown first and fully, earlier ones listed. */
export default function ActionPlans() {
  const api = useApi();
  const can = useAbilities();
  const me = useMe().data;
  const flash = (useLocation().state as { flash?: string } | null)?.flash;
  const plans = useQuery({ queryKey: ['action-plans'], queryFn: () => call(api.GET('/action-plans')) });
  // The open year of each plan, for its counts (a partnership has one plan per period: a handful).
  const years = useQueries({
    queries: (plans.data?.items ?? []).map((p) => ({
      queryKey: planKey(p.id),
      queryFn: () => call(api.GET('/action-plans/{planId}', { params: { path: { planId: p.id }, query: {} } })),
    })),
  });
  const yearOf = (id: string): PlanYear | undefined => years.find((q) => q.data?.plan.id === id)?.data;
  const own = seesOwnActions(me);
  const whose = own ? `Actions ${me?.authorityName ?? 'your authority'} leads` : 'Actions';
  const countsFor = (p: Plan) => {
    const y = yearOf(p.id);
    if (!y) return years.some((q) => q.isError) ? 'Could not be loaded' : 'Loading…';
    const c = countsOf(y.actions);
    return `${c.total} in ${y.year}${c.total ? ` (${c.red} red, ${c.amber} amber, ${c.green} green, ${c.complete} complete; ${c.overdue} overdue)` : ''}`;
  };
  return (
    <>
      {flash && <NotificationBanner type="success">{flash}</NotificationBanner>}
      <PageTitle title="Action plan" />
      <p className="govuk-body">
        The partnership’s Prevent action plan: what its authorities and partners will do, theme by theme, who leads each action, by when, and how it is going (red,
        amber, green or complete), with dated progress updates.
        {own && ` You see the actions your authority leads${can.isAuthorityUser ? ', and update their progress' : ''}.`}
      </p>
      <QueryView query={plans} what="the action plans">
        {({ items }) => {
          if (items.length === 0)
            return (
              <>
                <h2 className="govuk-heading-m">There is no action plan yet</h2>
                <p className="govuk-body">
                  An action plan covers a period of one to five reporting years. It groups the partnership’s key actions under themes (for example leadership,
                  training, safe education, Channel, communications); each action names its leads, its timescale, the outcomes it is meant to bring and the toolkit
                  benchmarks it serves. Leads update its status through the year; at the end of each year the open actions carry forward into the next.
                </p>
                {can.editsPartnership ? (
                  <Link to="/action-plans/new" className="govuk-button" role="button" data-module="govuk-button">
                    Start a new action plan
                  </Link>
                ) : (
                  <p className="govuk-body">The steering group starts the plan; it will be shown here.</p>
                )}
              </>
            );
          // The plan in force this reporting year first (a plan for a later period may already be started).
          const now = reportingYear();
          const first = items.find((p) => !p.closed && p.firstYear <= now && now <= p.lastYear) ?? items[0];
          const earlier = items.filter((p) => p !== first);
          const one = items.length === 1;
          const firstYear = yearOf(first.id);
          return (
            <>
              {can.editsPartnership && (
                <Link to="/action-plans/new" className="govuk-button govuk-button--secondary" role="button" data-module="govuk-button">
                  Start a new action plan
                </Link>
              )}
              <section className="app-plan-summary" aria-labelledby="plan-current-heading">
                <h2 className="govuk-heading-m" id="plan-current-heading">
                  <Link className="govuk-link" to={`/action-plans/${first.id}`}>
                    {first.title}
                  </Link>
                </h2>
                <SummaryList
                  noBorder
                  rows={[
                    { key: 'Period', value: periodOf(first) },
                    { key: 'Open year', value: openYearInWords(first) },
                    { key: 'Themes', value: first.themes.length },
                    {
                      key: firstYear ? `${whose} in ${firstYear.year}` : whose,
                      value: firstYear ? (
                        firstYear.actions.length ? (
                          <>
                            <p className="govuk-body govuk-!-margin-bottom-2">{firstYear.actions.length}</p>
                            <CountsLine actions={firstYear.actions} />
                          </>
                        ) : (
                          'None yet'
                        )
                      ) : (
                        countsFor(first)
                      ),
                    },
                  ]}
                />
                <p className="govuk-body">
                  <Link className="govuk-link govuk-!-font-weight-bold" to={`/action-plans/${first.id}`}>
                    {can.isAuthorityUser ? 'See and update your authority’s actions' : own ? 'See your authority’s actions' : 'View the plan'}
                    <span className="govuk-visually-hidden">: {first.title}</span>
                  </Link>
                </p>
              </section>
              {!one && (
                <Table label="Other action plans" caption="Other action plans" headers={['Plan', 'Period', 'Open year', whose]}>
                  {earlier.map((p) => (
                    <tr className="govuk-table__row" key={p.id}>
                      <th scope="row" className="govuk-table__header">
                        <Link className="govuk-link" to={`/action-plans/${p.id}`}>
                          {p.title}
                        </Link>
                      </th>
                      <td className="govuk-table__cell">{periodOf(p)}</td>
                      <td className="govuk-table__cell">{openYearInWords(p)}</td>
                      <td className="govuk-table__cell">{countsFor(p)}</td>
                    </tr>
                  ))}
                </Table>
              )}
            </>
          );
        }}
      </QueryView>
    </>
  );
}
