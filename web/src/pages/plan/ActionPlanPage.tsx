import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Fragment, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useLocation, useParams, useSearchParams } from 'react-router';
import { call } from '../../api/client';
import { useApi } from '../../app/context';
import { abilities, useMe } from '../../app/session';
import { friendly } from '../../components/admin-labels';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Radios, Select, Textarea } from '../../components/fields';
import { asApiError, useFormErrors } from '../../components/forms';
import { PageTitle } from '../../components/PageTitle';
import { Button, formatDate, NotificationBanner, QueryView, Table } from '../../components/ui';
import {
  seesOwnActions,
  author, benchmarkName, CountsLine, mayUpdate, OverdueTag, periodOf, planKey, RAG_LABELS, RagTag, RAGS, timescaleInWords, useAuthorityNames, usePlanYear, YearForm,
  type Action, type PlanYear, type Progress,
} from './plan-common';
import '../steering/report.css';
import './plan.css';

/** Status filters: a RAG status, or overdue (due by a date that has passed, not complete). */
const STATUS_FILTERS: Record<string, { label: string; test: (a: Action) => boolean }> = {
  ...Object.fromEntries(RAGS.map((r) => [r, { label: RAG_LABELS[r].label, test: (a: Action) => a.rag === r }])),
  overdue: { label: 'Overdue', test: (a: Action) => a.overdue },
};
/** The lead filter's value for actions led (also) by bodies outside the partnership's authorities. */
const OUTSIDE = 'outside';

interface Filter {
  lead: string;
  status: string;
}

/** The filter in the address (`?lead=…&status=…`, beside `?year=`), as the authority tables keep theirs. */
function useFilter(): [Filter, (next: Filter) => void] {
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const filter = { lead: params.get('lead') ?? '', status: STATUS_FILTERS[status] ? status : '' };
  const set = (next: Filter) =>
    setParams((current) => {
      const out = new URLSearchParams(current);
      for (const key of ['lead', 'status'] as const) {
        if (next[key]) out.set(key, next[key]);
        else out.delete(key);
      }
      return out;
    });
  return [filter, set];
}

const matches = (a: Action, f: Filter) =>
  (!f.status || STATUS_FILTERS[f.status].test(a)) && (!f.lead || (f.lead === OUTSIDE ? a.otherLeads.length > 0 : a.leadAuthorities.includes(f.lead)));

function FilterForm({ filter, leads, onApply }: { filter: Filter; leads: { value: string; label: string }[]; onApply: (f: Filter) => void }) {
  const [draft, setDraft] = useState(filter);
  useEffect(() => setDraft(filter), [filter.lead, filter.status]); // eslint-disable-line react-hooks/exhaustive-deps
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(draft);
  };
  const any = { value: '', label: 'Any' };
  return (
    <form className="app-filter" onSubmit={submit} aria-label="Filter the actions">
      <div className="app-filter__fields">
        <Select name="plan-lead" label="Lead" value={draft.lead} onChange={(lead) => setDraft({ ...draft, lead })} options={[any, ...leads]} />
        <Select
          name="plan-status"
          label="Status"
          value={draft.status}
          onChange={(status) => setDraft({ ...draft, status })}
          options={[any, ...Object.entries(STATUS_FILTERS).map(([value, s]) => ({ value, label: s.label }))]}
        />
      </div>
      <div className="govuk-button-group">
        <button type="submit" className="govuk-button govuk-button--secondary" data-module="govuk-button">
          Apply filters
        </button>
        {(filter.lead || filter.status) && (
          <button type="button" className="govuk-link app-link-button" onClick={() => onApply({ lead: '', status: '' })}>
            Clear filters
          </button>
        )}
      </div>
    </form>
  );
}

/** A success message that takes the focus when it appears (after an update in place), and is announced. */
function Saved({ children }: { children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), []);
  return (
    <div ref={box} tabIndex={-1} className="app-plan-focus">
      <NotificationBanner type="success">{children}</NotificationBanner>
    </div>
  );
}

function UpdateLine({ p, people, names, label }: { p: Progress; people: Record<string, string>; names: Record<string, string>; label: ReactNode }) {
  return (
    <>
      <p className="govuk-body-s govuk-!-margin-bottom-1">
        {label}
        {formatDate(p.on)}, {author(p, people, names)}: <RagTag rag={p.rag} />
      </p>
      <p className="govuk-body-s govuk-!-margin-bottom-2">{p.text}</p>
    </>
  );
}

/** The latest progress update under an action, and the earlier ones (newest first) in a details element. */
function Updates({ action, people, names }: { action: Action; people: Record<string, string>; names: Record<string, string> }) {
  const [latest, ...earlier] = [...action.progress].reverse();
  if (!latest) return <p className="govuk-body-s app-plan-secondary app-plan-update">No progress updates yet.</p>;
  return (
    <div className="app-plan-update">
      <UpdateLine p={latest} people={people} names={names} label={<strong>Latest update, </strong>} />
      {earlier.length > 0 && (
        <details className="govuk-details">
          <summary className="govuk-details__summary">
            <span className="govuk-details__summary-text">
              {earlier.length} earlier update{earlier.length === 1 ? '' : 's'}
              <span className="govuk-visually-hidden"> on action {action.number}</span>
            </span>
          </summary>
          <div className="govuk-details__text">
            <ol className="govuk-list" reversed>
              {earlier.map((p) => (
                <li key={p.id}>
                  <UpdateLine p={p} people={people} names={names} label={null} />
                </li>
              ))}
            </ol>
          </div>
        </details>
      )}
    </div>
  );
}

/** A version conflict on a progress update: focused when it appears, as an error summary is. */
function ConflictNotice({ children }: { children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), []);
  return (
    <div className="govuk-error-summary" tabIndex={-1} ref={box}>
      <div role="alert">
        <h4 className="govuk-error-summary__title">Someone else updated this action</h4>
        <div className="govuk-error-summary__body">{children}</div>
      </div>
    </div>
  );
}

const PROGRESS_MESSAGES = {
  rag: 'Select how the action stands now',
  text: 'Describe what has happened since the last update, in up to 2,000 characters',
};

/** The progress update of one action, in place under its row: status now and what has happened. */
function ProgressForm({
  planId, action, onSaved, onCancel, onErrors, reload,
}: {
  planId: string;
  action: Action;
  onSaved: (saved: Action) => void;
  onCancel: () => void;
  onErrors: (has: boolean) => void;
  reload: () => Promise<unknown>;
}) {
  const api = useApi();
  const prefix = `progress-${action.id}`;
  const [rag, setRag] = useState<string>(action.rag);
  const [text, setText] = useState('');
  const form = useFormErrors();
  const conflict = form.error?.isConflict ? form.error : null;
  const prefixed = form.errors.map((e) => ({ ...e, path: e.path ? `${prefix}.${e.path}` : e.path }));
  const { errors, forField } = friendly(prefixed, { [`${prefix}.rag`]: PROGRESS_MESSAGES.rag, [`${prefix}.text`]: PROGRESS_MESSAGES.text });
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  useEffect(() => onErrors(errors.length > 0), [errors.length]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => () => onErrors(false), []); // eslint-disable-line react-hooks/exhaustive-deps

  const save = useMutation({
    mutationFn: () =>
      call(
        api.POST('/action-plans/{planId}/actions/{actionId}/progress', {
          params: { path: { planId, actionId: action.id } },
          body: { rag: (rag || undefined) as Action['rag'], text, version: action.version },
        }),
      ),
    onSuccess: (saved) => {
      form.clear();
      onSaved(saved);
    },
    onError: async (e) => {
      const error = asApiError(e);
      form.setError(error);
      // Someone else updated it (or the year closed): the action as it is now, with what was typed kept.
      if (error.isConflict) await reload();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    form.clear();
    save.mutate();
  };
  return (
    <form noValidate onSubmit={submit} aria-labelledby={`${prefix}-heading`}>
      <h3 className="govuk-heading-s" id={`${prefix}-heading`} tabIndex={-1} ref={heading}>
        Update progress on action {action.number}
      </h3>
      {!conflict && <ErrorSummary errors={errors} fields={[`${prefix}.rag`, `${prefix}.text`]} />}
      {conflict && (
        <ConflictNotice>
          <p className="govuk-body">
            {conflict.currentVersion !== undefined ? `Action ${action.number} was updated while you were writing. Its status and latest update are shown above as they are now.` : conflict.message}
          </p>
          <p className="govuk-body">Nothing you typed has been lost. Check it against their update, then save again.</p>
        </ConflictNotice>
      )}
      <Radios
        name={`${prefix}.rag`}
        legend="How does the action stand now?"
        inline
        value={rag}
        onChange={setRag}
        error={forField(`${prefix}.rag`)}
        options={RAGS.map((r) => ({ value: r, label: RAG_LABELS[r].label }))}
      />
      <Textarea name={`${prefix}.text`} label="What has happened since the last update" rows={3} value={text} onChange={setText} error={forField(`${prefix}.text`)} />
      <div className="govuk-button-group">
        <Button type="submit" pending={save.isPending}>
          Save<span className="govuk-visually-hidden"> the update on action {action.number}</span>
        </Button>
        <button type="button" className="govuk-link app-link-button" onClick={onCancel}>
          Cancel<span className="govuk-visually-hidden"> the update on action {action.number}</span>
        </button>
      </div>
    </form>
  );
}

/** One plan year as a table per theme, filtered, with progress recorded in place. */
export default function ActionPlanPage() {
  const { planId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const asked = params.get('year') ?? undefined;
  const query = usePlanYear(planId, asked);
  const me = useMe().data;
  const { nameOf } = useAuthorityNames();
  const [flash, setFlash] = useState<string | undefined>((useLocation().state as { flash?: string } | null)?.flash);
  const [hasErrors, setHasErrors] = useState(false);
  const y = query.data;
  const own = seesOwnActions(me);
  const title = !y ? 'Action plan' : own ? `Actions ${me?.authorityName ?? 'your authority'} leads` : y.plan.title;
  const caption = !y ? undefined : own ? `${y.plan.title}, ${y.year}` : `Action plan ${y.year}`;
  return (
    <>
      {flash && <NotificationBanner type="success">{flash}</NotificationBanner>}
      <PageTitle title={title} caption={caption} hasErrors={hasErrors} />
      <QueryView query={query} what="the action plan">
        {(data) => (
          <PlanBody
            key={data.year}
            data={data}
            planId={planId}
            nameOf={(id) => data.authorityNames[id] ?? nameOf(id)}
            onYear={(year) => setParams(year === data.plan.currentYear ? {} : { year })}
            onSaved={() => setFlash(undefined)}
            onErrors={setHasErrors}
            reload={() => query.refetch()}
          />
        )}
      </QueryView>
    </>
  );
}

function PlanBody({
  data, planId, nameOf, onYear, onSaved, onErrors, reload,
}: {
  data: PlanYear;
  planId: string;
  nameOf: (id: string) => string;
  onYear: (year: string) => void;
  onSaved: () => void;
  onErrors: (has: boolean) => void;
  reload: () => Promise<unknown>;
}) {
  const me = useMe().data;
  const can = abilities(me);
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const [filter, setFilter] = useFilter();
  const [openId, setOpenId] = useState<string | null>(null);
  const [saved, setSaved] = useState<{ id: string; message: string; n: number } | null>(null);
  const own = seesOwnActions(me);
  const { plan, year, actions, people, editable } = data;
  const shown = actions.filter((a) => matches(a, filter));
  const state = plan.closedYears.includes(year) ? 'closed' : editable ? 'open' : 'future';
  const updatable = (a: Action) => mayUpdate(me, a, editable);
  const controls = (can.editsPartnership && editable) || actions.some(updatable);
  const columns = controls ? 7 : 6;

  const leadIds = [...new Set(actions.flatMap((a) => a.leadAuthorities))];
  const leads = [
    ...leadIds.map((id) => ({ value: id, label: nameOf(id) })).sort((a, b) => a.label.localeCompare(b.label)),
    ...(actions.some((a) => a.otherLeads.length) ? [{ value: OUTSIDE, label: 'Outside bodies (not a partnership authority)' }] : []),
  ];

  const onProgressSaved = (updated: Action) => {
    // The row at once; then the plan year again, for the name of who wrote it.
    queryClient.setQueryData<PlanYear>(planKey(planId, params.get('year') ?? undefined), (old) => old && { ...old, actions: old.actions.map((a) => (a.id === updated.id ? updated : a)) });
    void queryClient.invalidateQueries({ queryKey: ['action-plan', planId] });
    setOpenId(null);
    onSaved();
    const still = matches(updated, filter) ? '' : ' It no longer matches the filters, so it is not shown.';
    setSaved((last) => ({ id: updated.id, message: `Action ${updated.number} updated: it is now ${RAG_LABELS[updated.rag].label}.${still}`, n: (last?.n ?? 0) + 1 }));
  };
  const savedBanner = saved && (
    <Saved key={saved.n}>
      <p className="govuk-notification-banner__heading">{saved.message}</p>
    </Saved>
  );
  const savedShownInRow = saved && shown.some((a) => a.id === saved.id);

  return (
    <>
      {own ? (
        <p className="govuk-body">
          These are the actions of the partnership’s plan ({periodOf(plan)}) that {me?.authorityName ?? 'your authority'} leads, alone or with others.
          {editable && can.isAuthorityUser && ' Update their progress as it happens: the steering group sees each update.'}
        </p>
      ) : (
        <p className="govuk-body">
          {periodOf(plan)}, {plan.themes.length} themes. {plan.closed ? 'The plan is closed.' : `The ${plan.currentYear} year is open for updates.`} Overdue is judged
          as at {formatDate(data.asAt)}.
        </p>
      )}
      {can.editsPartnership && (
        <div className="govuk-button-group">
          {editable && (
            <Link to={`/action-plans/${planId}/actions/new`} className="govuk-button" role="button" data-module="govuk-button">
              Add an action
            </Link>
          )}
          <Link className="govuk-link" to={`/action-plans/${planId}/edit`}>
            Change plan details
          </Link>
          {!plan.closed && (
            <Link className="govuk-link" to={`/action-plans/${planId}/close-year`}>
              Close year {plan.currentYear}
            </Link>
          )}
        </div>
      )}
      {data.years.length > 1 && <YearForm plan={plan} years={data.years} year={year} onShow={onYear} />}
      {state === 'closed' && (
        <div className="govuk-inset-text">
          The {year} year is closed: its actions are shown as they stood when it closed, and cannot be changed.
          {!plan.closed && (
            <>
              {' '}
              <Link className="govuk-link" to={`/action-plans/${planId}`}>
                See the {plan.currentYear} actions
              </Link>
              , which are open for updates.
            </>
          )}
        </div>
      )}
      {state === 'future' && (
        <div className="govuk-inset-text">The {year} year has not started. Its actions are the ones carried forward when {plan.currentYear} closes.</div>
      )}
      {actions.length > 0 && <CountsLine actions={actions} />}
      {actions.length > 0 && <FilterForm filter={filter} leads={leads} onApply={setFilter} />}
      {savedBanner && !savedShownInRow && savedBanner}
      <p className="govuk-body" role="status">
        {actions.length === 0
          ? `There are no ${own ? 'actions your authority leads' : 'actions'} in ${year}${state === 'open' && can.editsPartnership ? ' yet: add the first with the button above' : ''}.`
          : `Showing ${shown.length} of ${actions.length} action${actions.length === 1 ? '' : 's'}${filter.lead || filter.status ? ' (filtered)' : ''}`}
      </p>
      {[...plan.themes]
        .sort((a, b) => a.number - b.number)
        .map((theme) => {
          const inTheme = shown.filter((a) => a.themeId === theme.id);
          // While filtering, only the themes with matching actions.
          if (inTheme.length === 0 && (filter.lead || filter.status)) return null;
          const headingId = `theme-${theme.id}`;
          return (
            <section key={theme.id} aria-labelledby={headingId} className="app-plan-theme">
              <h2 className="govuk-heading-m" id={headingId}>
                {theme.number}. {theme.title}
              </h2>
              {inTheme.length === 0 ? (
                <p className="govuk-body app-plan-secondary govuk-!-margin-bottom-8">
                  {own ? 'Your authority leads no actions in this theme.' : 'No actions in this theme yet.'}
                </p>
              ) : (
                <Table
                  label={`Theme ${theme.number} actions`}
                  caption={<span className="govuk-visually-hidden">Actions of theme {theme.number}, {theme.title}</span>}
                  headers={['No.', 'Action', 'Leads', 'Timescale', 'Benchmarks', 'Status', controls ? { hidden: 'Update' } : null]}
                >
                  {inTheme.map((a) => {
                    const open = openId === a.id;
                    const formId = `progress-row-${a.id}`;
                    return (
                      <Fragment key={a.id}>
                        <tr className="govuk-table__row" id={`action-${a.id}`}>
                          <th scope="row" className="govuk-table__header">
                            {a.number}
                          </th>
                          <td className="govuk-table__cell app-plan-action">
                            <p className="govuk-body">{a.action}</p>
                            {a.outcomes && <p className="govuk-body-s app-plan-secondary">Intended outcomes: {a.outcomes}</p>}
                            {a.carriedFrom && <p className="govuk-body-s app-plan-secondary">Carried forward from {a.carriedFrom}.</p>}
                            <Updates action={a} people={people} names={data.authorityNames} />
                          </td>
                          <td className="govuk-table__cell">
                            <ul className="govuk-list app-plan-lists">
                              {a.leadAuthorities.map((id) => (
                                <li key={id}>{nameOf(id)}</li>
                              ))}
                              {a.otherLeads.map((l) => (
                                <li key={l}>{l}</li>
                              ))}
                            </ul>
                          </td>
                          <td className="govuk-table__cell">{timescaleInWords(a.timescale)}</td>
                          <td className="govuk-table__cell">
                            {a.benchmarks.length ? (
                              <ul className="govuk-list app-plan-lists">
                                {a.benchmarks.map((b) => (
                                  <li key={b}>{benchmarkName(b)}</li>
                                ))}
                              </ul>
                            ) : (
                              <>None</>
                            )}
                          </td>
                          <td className="govuk-table__cell app-plan-status">
                            <RagTag rag={a.rag} />
                            {a.overdue && (
                              <>
                                {' '}
                                <OverdueTag />
                              </>
                            )}
                          </td>
                          {controls && (
                            <td className="govuk-table__cell">
                              <ul className="govuk-list app-plan-lists app-plan-controls">
                                {updatable(a) && (
                                  <li>
                                    <button
                                      type="button"
                                      className="govuk-link app-link-button"
                                      aria-expanded={open}
                                      aria-controls={open ? formId : undefined}
                                      onClick={() => {
                                        setSaved(null);
                                        setOpenId(open ? null : a.id);
                                      }}
                                    >
                                      Update progress<span className="govuk-visually-hidden"> on action {a.number}</span>
                                    </button>
                                  </li>
                                )}
                                {can.editsPartnership && editable && (
                                  <li>
                                    <Link className="govuk-link" to={`/action-plans/${planId}/actions/${a.id}/edit`}>
                                      Edit<span className="govuk-visually-hidden"> action {a.number}</span>
                                    </Link>
                                  </li>
                                )}
                              </ul>
                            </td>
                          )}
                        </tr>
                        {open && (
                          <tr className="govuk-table__row app-plan-form-row" id={formId}>
                            <td className="govuk-table__cell" colSpan={columns}>
                              <ProgressForm
                                planId={planId}
                                action={a}
                                onSaved={onProgressSaved}
                                onCancel={() => {
                                  setOpenId(null);
                                  requestAnimationFrame(() => document.querySelector<HTMLElement>(`#action-${a.id} button[aria-expanded]`)?.focus());
                                }}
                                onErrors={onErrors}
                                reload={reload}
                              />
                            </td>
                          </tr>
                        )}
                        {saved?.id === a.id && (
                          <tr className="govuk-table__row">
                            <td className="govuk-table__cell" colSpan={columns}>
                              {savedBanner}
                            </td>
                          </tr>
                        )}
                      </Fragment>
                    );
                  })}
                </Table>
              )}
            </section>
          );
        })}
    </>
  );
}
