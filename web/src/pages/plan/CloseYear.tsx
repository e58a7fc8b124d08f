import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { call } from '../../api/client';
import { useApi } from '../../app/context';
import { useAbilities } from '../../app/session';
import { asApiError, useFormErrors } from '../../components/forms';
import { PageTitle } from '../../components/PageTitle';
import { BackLink, Button, QueryView } from '../../components/ui';
import { countsOf, CountsLine, usePlanYear, type PlanYear } from './plan-common';
import './plan.css';

/** The steering group closes the plan's open year: open actions carry forward; closing the last year closes the plan. */
export default function CloseYear() {
  const { planId = '' } = useParams();
  const can = useAbilities();
  const plan = usePlanYear(planId, undefined, can.editsPartnership);
  if (!can.editsPartnership)
    return (
      <>
        <PageTitle title="Close the plan year" />
        <p className="govuk-body">Only the steering group closes a year of the action plan.</p>
      </>
    );
  return (
    <QueryView query={plan} what="the plan">
      {(data) => <Confirm data={data} reload={() => plan.refetch()} />}
    </QueryView>
  );
}

function Confirm({ data, reload }: { data: PlanYear; reload: () => Promise<unknown> }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const form = useFormErrors();
  const { plan, actions } = data;
  const year = plan.currentYear;
  const last = year >= plan.lastYear;
  const nextYear = data.years[data.years.indexOf(year) + 1];
  const c = countsOf(actions);
  const open = c.total - c.complete;
  const planPath = `/action-plans/${plan.id}`;
  const close = useMutation({
    mutationFn: () => call(api.POST('/action-plans/{planId}/close-year', { params: { path: { planId: plan.id } }, body: { year, version: plan.version } })),
    onSuccess: async (closed) => {
      await queryClient.invalidateQueries({ queryKey: ['action-plan', plan.id] });
      await queryClient.invalidateQueries({ queryKey: ['action-plans'] });
      navigate(planPath, {
        state: {
          flash: closed.closed
            ? `${year} closed. The plan is now closed; its years are kept as they stood.`
            : `${year} closed. ${closed.carried} open action${closed.carried === 1 ? ' was' : 's were'} carried into ${closed.currentYear}.`,
        },
      });
    },
    onError: async (e) => {
      const error = asApiError(e);
      form.setError(error);
      if (error.isConflict) await reload();
    },
  });

  if (plan.closed)
    return (
      <>
        <BackLink to={planPath}>Back to the plan</BackLink>
        <PageTitle title="Close the plan year" caption={plan.title} />
        <p className="govuk-body">The plan is closed: every year of it is kept as it stood.</p>
      </>
    );
  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <BackLink to={planPath}>Back to the plan</BackLink>
        {form.error && (
          <div className="govuk-error-summary" role="alert">
            <h2 className="govuk-error-summary__title">There is a problem</h2>
            <div className="govuk-error-summary__body">
              <p className="govuk-body">
                {form.error.currentVersion !== undefined
                  ? 'Someone else changed the plan while you were reading this page. The figures below are as it is now: check them, then close the year again.'
                  : form.error.message}
              </p>
            </div>
          </div>
        )}
        <PageTitle title={`Close the ${year} year`} caption={plan.title} hasErrors={!!form.error} />
        <p className="govuk-body">Close the year once its last progress updates are in, usually after the steering group’s year-end meeting. Closing it:</p>
        <ul className="govuk-list govuk-list--bullet">
          <li>keeps the {year} actions as they stand now, with their status and progress updates, for reports and scrutiny: nobody can change them afterwards</li>
          {last ? (
            <li>closes the plan, as {year} is its last year: its reminders stop, and no actions can be added or updated</li>
          ) : (
            <>
              <li>carries every action that is not complete into {nextYear}, with its progress so far, where its leads go on updating it</li>
              <li>opens {nextYear} for updates; the plan itself closes when its last year, {plan.lastYear}, is closed</li>
            </>
          )}
        </ul>
        <h2 className="govuk-heading-m">The {year} actions</h2>
        {c.total > 0 && <CountsLine actions={actions} />}
        <p className="govuk-body">
          {c.total === 0
            ? `There are no actions in ${year}.`
            : last
              ? `${c.complete} of ${c.total} actions are complete; ${open} are not, and stay as they are.`
              : `${open} of ${c.total} action${c.total === 1 ? '' : 's'} ${open === 1 ? 'is' : 'are'} not complete and will be carried into ${nextYear}. ${c.complete} complete action${c.complete === 1 ? '' : 's'} will stay in ${year}.`}
        </p>
        {(c.red > 0 || c.overdue > 0) && (
          <div className="govuk-warning-text">
            <span className="govuk-warning-text__icon" aria-hidden="true">
              !
            </span>
            <strong className="govuk-warning-text__text">
              <span className="govuk-visually-hidden">Warning</span>
              {c.red} action{c.red === 1 ? ' is' : 's are'} red and {c.overdue} {c.overdue === 1 ? 'is' : 'are'} overdue. Check their latest updates are recorded
              before closing the year.
            </strong>
          </div>
        )}
        <div className="govuk-button-group">
          <Button variant={last ? 'warning' : undefined} onClick={() => close.mutate()} pending={close.isPending}>
            {last ? `Close ${year} and the plan` : open === 0 ? `Close ${year}` : `Close ${year} and carry ${open} action${open === 1 ? '' : 's'} forward`}
          </Button>
          <Link className="govuk-link" to={planPath}>
            Cancel
          </Link>
        </div>
      </div>
    </div>
  );
}
