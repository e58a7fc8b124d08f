import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { call, type FieldError } from '../../api/client';
import type { BodyOf } from '../../api/types';
import { useApi } from '../../app/context';
import { useAbilities } from '../../app/session';
import { friendly } from '../../components/admin-labels';
import { Conflict, type ConflictField } from '../../components/Conflict';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Checkboxes, DateInput, isoOf, partsOf, Radios, Select, Textarea, TextInput, type DateParts } from '../../components/fields';
import { asApiError, useFormErrors, useVersionedForm } from '../../components/forms';
import { PageTitle } from '../../components/PageTitle';
import { BackLink, Button, LoadError, Loading } from '../../components/ui';
import { BENCHMARK_NAMES, benchmarkName, RAG_LABELS, RAGS, RECURRENCE_LABELS, timescaleInWords, useAuthorityNames, usePlanYear, type Action, type Plan } from './plan-common';
import './plan.css';

interface Values {
  themeId: string;
  number: string;
  action: string;
  leadAuthorities: string[];
  otherLeads: string;
  kind: string;
  dueOn: DateParts;
  every: string;
  outcomes: string;
  benchmarks: string[];
  rag: string;
}

const MESSAGES = {
  themeId: 'Select the theme the action belongs to',
  number: 'Enter the action’s number: the theme’s number, a full stop and the action’s, like 6.4',
  action: 'Describe the action in up to 2,000 characters',
  otherLeads: 'Enter each outside lead on its own line: up to 10, each up to 200 characters',
  'timescale.kind': 'Select when the action is due',
  'timescale.dueOn': 'Enter the date the action is due by as a real date, like 31 3 2027',
  'timescale.every': 'Select how often the action recurs',
  outcomes: 'Describe the intended outcomes in up to 2,000 characters',
  benchmarks: 'Select up to 10 benchmarks',
  rag: 'Select the action’s status',
};
const FIELDS = ['themeId', 'number', 'action', 'leadAuthorities', 'otherLeads', 'timescale.kind', 'timescale.dueOn', 'timescale.every', 'outcomes', 'benchmarks', 'rag'];

/** The API's paths on the fields of this page: a timescale with no kind is the kind's problem; the number's pattern message in words. */
function onFields(errors: readonly FieldError[]): FieldError[] {
  return errors.map((e) => {
    if (e.path === 'timescale') return { ...e, path: 'timescale.kind' };
    if (e.path === 'number' && /^a number such as/.test(e.message)) return { ...e, message: MESSAGES.number };
    if (/^leadAuthorities\.\d+$/.test(e.path)) return { ...e, path: 'leadAuthorities' };
    return e;
  });
}

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);

const valuesOf = (a: Action): Values => ({
  themeId: a.themeId,
  number: a.number,
  action: a.action,
  leadAuthorities: [...a.leadAuthorities],
  otherLeads: a.otherLeads.join('\n'),
  kind: a.timescale.kind,
  dueOn: partsOf(a.timescale.kind === 'date' ? a.timescale.dueOn : undefined),
  every: a.timescale.kind === 'recurring' ? a.timescale.every : '',
  outcomes: a.outcomes ?? '',
  benchmarks: a.benchmarks.map(String),
  rag: a.rag,
});

function timescaleOf(v: Values): Action['timescale'] | undefined {
  if (v.kind === 'date') return { kind: 'date', dueOn: isoOf(v.dueOn) ?? `${v.dueOn.year.trim()}-${v.dueOn.month.trim()}-${v.dueOn.day.trim()}` };
  if (v.kind === 'recurring') return { kind: 'recurring', every: (v.every || undefined) as 'monthly' };
  if (v.kind === 'ongoing') return { kind: 'ongoing' };
  return undefined;
}

/** The next free number in a theme: 6.3 taken → 6.4. */
function nextNumber(plan: Plan, actions: readonly Action[], themeId: string): string {
  const theme = plan.themes.find((t) => t.id === themeId);
  if (!theme) return '';
  const taken = actions.filter((a) => a.themeId === themeId).map((a) => Number(a.number.split('.')[1] ?? 0));
  return `${theme.number}.${Math.max(0, ...taken) + 1}`;
}

/** Adding an action to the plan's open year, or changing (or removing) one: the steering group. */
export default function ActionForm() {
  const { planId = '', actionId } = useParams();
  const can = useAbilities();
  const plan = usePlanYear(planId, undefined, can.editsPartnership);
  const { query: authorities } = useAuthorityNames();
  const title = actionId ? 'Change an action' : 'Add an action';
  if (!can.editsPartnership)
    return (
      <>
        <PageTitle title={title} />
        <p className="govuk-body">Only the steering group adds and changes the plan’s actions. Leads update their progress on the plan’s page.</p>
      </>
    );
  if (plan.isPending || authorities.isPending) return <Loading what="Loading the plan" />;
  const failed = plan.error ?? authorities.error;
  if (failed) return <LoadError error={failed} retry={() => void (plan.error ? plan.refetch() : authorities.refetch())} />;
  const data = plan.data!;
  const existing = actionId ? data.actions.find((a) => a.id === actionId) : undefined;
  if (!data.editable)
    return (
      <>
        <BackLink to={`/action-plans/${planId}`}>Back to the plan</BackLink>
        <PageTitle title={title} caption={data.plan.title} />
        <p className="govuk-body">The plan is closed: its actions stay as they stood and can no longer be added or changed.</p>
      </>
    );
  if (actionId && !existing)
    return (
      <>
        <BackLink to={`/action-plans/${planId}`}>Back to the plan</BackLink>
        <PageTitle title={title} caption={data.plan.title} />
        <p className="govuk-body">
          There is no such action in the plan’s {data.year} year. It may have been removed; actions of closed years cannot be changed.
        </p>
      </>
    );
  return <Form key={existing?.id ?? 'new'} plan={data.plan} year={data.year} actions={data.actions} existing={existing} authorities={authorities.data!.items} />;
}

function Form({
  plan, year, actions, existing, authorities,
}: {
  plan: Plan;
  year: string;
  actions: readonly Action[];
  existing?: Action;
  authorities: readonly { id: string; name: string; type?: string }[];
}) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const themes = [...plan.themes].sort((a, b) => a.number - b.number);
  const [values, setValues] = useState<Values>(() => {
    if (existing) return valuesOf(existing);
    const themeId = themes.some((t) => t.id === params.get('theme')) ? params.get('theme')! : '';
    return { themeId, number: themeId ? nextNumber(plan, actions, themeId) : '', action: '', leadAuthorities: [], otherLeads: '', kind: '', dueOn: partsOf(undefined), every: '', outcomes: '', benchmarks: [], rag: 'green' };
  });
  const [numberTouched, setNumberTouched] = useState(!!existing);
  const [base, setBase] = useState<Action | undefined>(existing);
  const load = existing
    ? async () => (await call(api.GET('/action-plans/{planId}', { params: { path: { planId: plan.id }, query: {} } }))).actions.find((a) => a.id === existing.id) ?? null
    : undefined;
  const { form, theirs, setTheirs, onError } = useVersionedForm<Action>(load);
  const { errors, forField } = friendly(onFields(form.errors), MESSAGES);
  const set = <K extends keyof Values>(key: K) => (value: Values[K]) => setValues((v) => ({ ...v, [key]: value }));
  const names = new Map(authorities.map((a) => [a.id, a.name]));
  const byName = (list: readonly { id: string; name: string }[]) => [...list].sort((a, b) => a.name.localeCompare(b.name)).map((a) => ({ value: a.id, label: a.name }));
  const schools = authorities.filter((a) => a.type === 'school');
  const planPath = `/action-plans/${plan.id}`;

  const display = (v: Values) => {
    const t = timescaleOf(v);
    return {
      theme: themes.find((x) => x.id === v.themeId)?.title ?? v.themeId,
      number: v.number,
      action: v.action,
      leadAuthorities: v.leadAuthorities.map((id) => names.get(id) ?? id),
      otherLeads: lines(v.otherLeads),
      timescale: t ? timescaleInWords(t) : '',
      outcomes: v.outcomes,
      benchmarks: v.benchmarks.map((b) => benchmarkName(Number(b))),
    };
  };
  const CONFLICT_FIELDS: ConflictField[] = [
    { key: 'theme', label: 'Theme' },
    { key: 'number', label: 'Number' },
    { key: 'action', label: 'Action' },
    { key: 'leadAuthorities', label: 'Lead authorities' },
    { key: 'otherLeads', label: 'Other leads' },
    { key: 'timescale', label: 'Timescale' },
    { key: 'outcomes', label: 'Intended outcomes' },
    { key: 'benchmarks', label: 'Benchmarks' },
  ];

  const save = useMutation({
    mutationFn: async (against: Action | undefined) => {
      const fields = {
        themeId: values.themeId || undefined,
        number: values.number,
        action: values.action,
        leadAuthorities: values.leadAuthorities,
        otherLeads: lines(values.otherLeads),
        timescale: timescaleOf(values),
        ...(values.outcomes.trim() ? { outcomes: values.outcomes } : {}),
        benchmarks: values.benchmarks.map(Number).sort((a, b) => a - b),
      };
      if (existing) {
        const body = { ...fields, version: against!.version } as BodyOf<'/action-plans/{planId}/actions/{actionId}', 'put'>;
        return call(api.PUT('/action-plans/{planId}/actions/{actionId}', { params: { path: { planId: plan.id, actionId: existing.id } }, body }));
      }
      const body = { ...fields, rag: values.rag || undefined } as BodyOf<'/action-plans/{planId}/actions', 'post'>;
      return call(api.POST('/action-plans/{planId}/actions', { params: { path: { planId: plan.id } }, body }));
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: ['action-plan', plan.id] });
      navigate(planPath, { state: { flash: existing ? `Action ${saved.number} saved` : `Action ${saved.number} added to the ${year} plan` } });
    },
    onError,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTheirs(null);
    save.mutate(base);
  };
  const title = existing ? `Change action ${existing.number}` : 'Add an action';

  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <BackLink to={planPath}>Back to the plan</BackLink>
        {errors.length > 0 && <ErrorSummary errors={errors} fields={FIELDS} />}
        {theirs && (
          <Conflict
            what="this action"
            fields={CONFLICT_FIELDS}
            yours={display(values)}
            theirs={display(valuesOf(theirs))}
            pending={save.isPending}
            onKeepMine={() => {
              setBase(theirs);
              save.mutate(theirs);
            }}
            onUseTheirs={() => {
              setValues(valuesOf(theirs));
              setBase(theirs);
              setTheirs(null);
              form.clear();
            }}
          />
        )}
        <PageTitle title={title} caption={`${plan.title}, ${year}`} hasErrors={errors.length > 0 || !!theirs} />
        <form noValidate onSubmit={submit}>
          <Select
            name="themeId"
            label="Theme"
            value={values.themeId}
            onChange={(themeId) => setValues((v) => ({ ...v, themeId, number: numberTouched ? v.number : nextNumber(plan, actions, themeId) }))}
            options={[{ value: '', label: 'Select a theme' }, ...themes.map((t) => ({ value: t.id, label: `${t.number}. ${t.title}` }))]}
            error={forField('themeId')}
          />
          <TextInput
            name="number"
            label="Action number"
            hint="The theme’s number, a full stop and the action’s, for example 6.4"
            width={4}
            value={values.number}
            onChange={(number) => {
              setNumberTouched(true);
              set('number')(number);
            }}
            error={forField('number')}
          />
          <Textarea name="action" label="Action" hint="What will be done, as the plan states it" rows={4} value={values.action} onChange={set('action')} error={forField('action')} />
          <Checkboxes
            name="leadAuthorities"
            legend="Lead authorities"
            hint="Their Prevent leads and editors see the action and update its progress. Name at least one lead here or below."
            values={values.leadAuthorities}
            onChange={set('leadAuthorities')}
            options={byName(authorities.filter((a) => a.type !== 'school'))}
            error={forField('leadAuthorities')}
          />
          {schools.length > 0 && (
            // A county's schools (hundreds of them) folded away, open when one of them leads.
            <details className="govuk-details" open={schools.some((a) => values.leadAuthorities.includes(a.id)) || undefined}>
              <summary className="govuk-details__summary">
                <span className="govuk-details__summary-text">Schools ({schools.length})</span>
              </summary>
              <div className="govuk-details__text">
                <Checkboxes name="leadAuthorities-schools" legend="Lead schools" values={values.leadAuthorities} onChange={set('leadAuthorities')} options={byName(schools)} />
              </div>
            </details>
          )}
          <Textarea
            name="otherLeads"
            label="Other leads (optional)"
            hint="Bodies or roles outside the partnership’s authorities, one on each line, for example Faiths Forum"
            rows={3}
            value={values.otherLeads}
            onChange={set('otherLeads')}
            error={forField('otherLeads')}
          />
          <Radios
            name="timescale.kind"
            legend="Timescale"
            value={values.kind}
            onChange={set('kind')}
            error={forField('timescale.kind')}
            options={[
              { value: 'date', label: 'By a date', hint: 'Its lead authority’s Prevent lead is reminded before it falls due' },
              { value: 'recurring', label: 'Recurring', hint: 'Every month, quarter or year' },
              { value: 'ongoing', label: 'Ongoing' },
            ]}
          />
          {values.kind === 'date' && (
            <div className="govuk-radios__conditional">
              <DateInput name="timescale.dueOn" legend="Due by" hint="For example 31 3 2027" value={values.dueOn} onChange={set('dueOn')} error={forField('timescale.dueOn')} />
            </div>
          )}
          {values.kind === 'recurring' && (
            <div className="govuk-radios__conditional">
              <Select
                name="timescale.every"
                label="How often"
                value={values.every}
                onChange={set('every')}
                options={[{ value: '', label: 'Select how often' }, ...Object.entries(RECURRENCE_LABELS).map(([value, label]) => ({ value, label }))]}
                error={forField('timescale.every')}
              />
            </div>
          )}
          <Textarea name="outcomes" label="Intended outcomes (optional)" hint="What the action should change, for example: benchmark 10 rises from 2 to 4" rows={3} value={values.outcomes} onChange={set('outcomes')} error={forField('outcomes')} />
          <Checkboxes
            name="benchmarks"
            legend="Toolkit benchmarks it serves (optional)"
            hint="The Home Office Prevent duty toolkit’s benchmarks"
            values={values.benchmarks}
            onChange={set('benchmarks')}
            options={Object.keys(BENCHMARK_NAMES).map((n) => ({ value: n, label: benchmarkName(Number(n)) }))}
            error={forField('benchmarks')}
          />
          {!existing && (
            <Radios
              name="rag"
              legend="Status to start with"
              value={values.rag}
              onChange={set('rag')}
              error={forField('rag')}
              options={RAGS.map((r) => ({ value: r, label: RAG_LABELS[r].label, hint: RAG_LABELS[r].hint }))}
            />
          )}
          {!theirs && (
            <div className="govuk-button-group">
              <Button type="submit" pending={save.isPending}>
                {existing ? 'Save changes' : 'Add the action'}
              </Button>
              <Link className="govuk-link" to={planPath}>
                Cancel
              </Link>
            </div>
          )}
        </form>
        {existing && !theirs && <Remove planId={plan.id} action={base ?? existing} />}
      </div>
    </div>
  );
}

/** Removing an action from the open year, after a confirmation (closed years keep their copy). */
function Remove({ planId, action }: { planId: string; action: Action }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const form = useFormErrors();
  const remove = useMutation({
    mutationFn: () => call(api.DELETE('/action-plans/{planId}/actions/{actionId}', { params: { path: { planId, actionId: action.id }, query: { version: action.version } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['action-plan', planId] });
      navigate(`/action-plans/${planId}`, { state: { flash: `Action ${action.number} removed` } });
    },
    onError: (e) => form.setError(asApiError(e)),
  });
  return (
    <section className="govuk-!-margin-top-8" aria-labelledby="remove-heading">
      <h2 className="govuk-heading-m" id="remove-heading">
        Remove this action
      </h2>
      {form.error && (
        <div className="govuk-error-summary" role="alert">
          <h3 className="govuk-error-summary__title">There is a problem</h3>
          <div className="govuk-error-summary__body">
            <p className="govuk-body">{form.error.isConflict ? 'Someone else changed this action since you opened it. Go back to the plan and open it again before removing it.' : form.error.message}</p>
          </div>
        </div>
      )}
      {confirming ? (
        <div className="govuk-warning-text">
          <span className="govuk-warning-text__icon" aria-hidden="true">
            !
          </span>
          <div className="govuk-warning-text__text">
            <span className="govuk-visually-hidden">Warning</span>
            <p className="govuk-body govuk-!-font-weight-bold">
              Are you sure? Action {action.number} and its progress updates leave this year’s plan, and its reminders stop. Closed years keep their copy.
            </p>
            <div className="govuk-button-group">
              <Button variant="warning" onClick={() => remove.mutate()} pending={remove.isPending}>
                Yes, remove action {action.number}
              </Button>
              <button type="button" className="govuk-link app-link-button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          </div>
        </div>
      ) : (
        <>
          <p className="govuk-body">If the partnership no longer plans to do it. To record that it is done, update its progress to Complete instead.</p>
          <Button variant="warning" onClick={() => setConfirming(true)}>
            Remove this action
          </Button>
        </>
      )}
    </section>
  );
}
