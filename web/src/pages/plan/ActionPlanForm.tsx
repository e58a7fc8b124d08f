import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { call } from '../../api/client';
import type { BodyOf } from '../../api/types';
import { useApi } from '../../app/context';
import { useAbilities } from '../../app/session';
import { friendly, reportingYear } from '../../components/admin-labels';
import { Conflict, type ConflictField } from '../../components/Conflict';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Select, TextInput } from '../../components/fields';
import { useVersionedForm } from '../../components/forms';
import { PageTitle } from '../../components/PageTitle';
import { BackLink, Button, LoadError, Loading } from '../../components/ui';
import { periodOf, slugOf, usePlanYear, type Plan } from './plan-common';
import './plan.css';

interface ThemeRow {
  /** The theme's id once saved; new rows get one from their title. */
  id?: string;
  /** A key for React, stable while rows are added and removed. */
  key: number;
  number: string;
  title: string;
}

interface Values {
  title: string;
  firstYear: string;
  lastYear: string;
  themes: ThemeRow[];
}

let nextKey = 1;
const row = (number: string, title = '', id?: string): ThemeRow => ({ id, key: nextKey++, number, title });
const valuesOf = (p: Plan): Values => ({
  title: p.title,
  firstYear: p.firstYear,
  lastYear: p.lastYear,
  themes: [...p.themes].sort((a, b) => a.number - b.number).map((t) => row(String(t.number), t.title, t.id)),
});
const display = (v: Values) => ({ title: v.title, themes: v.themes.map((t) => `${t.number.trim()}. ${t.title.trim()}`) });
const CONFLICT_FIELDS: ConflictField[] = [
  { key: 'title', label: 'Plan title' },
  { key: 'themes', label: 'Themes' },
];

/** The themes as the API takes them: saved ones keep their id, new ones get one from the title (unique in the plan). */
function themesBody(rows: readonly ThemeRow[]) {
  const taken = new Set(rows.flatMap((r) => (r.id ? [r.id] : [])));
  return rows.map((r, i) => {
    let id = r.id;
    if (!id) {
      const base = slugOf(r.title) || `theme-${i + 1}`;
      id = base;
      for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
      taken.add(id);
    }
    const number = r.number.trim();
    return { id, number: (/^\d+$/.test(number) ? Number(number) : number) as number, title: r.title };
  });
}

/** Starting a plan (steering group), or changing its title and themes. */
export default function ActionPlanForm() {
  const { planId } = useParams();
  const can = useAbilities();
  const plan = usePlanYear(planId ?? '', undefined, !!planId && can.editsPartnership);
  const heading = planId ? 'Change plan details' : 'Start a new action plan';
  if (!can.editsPartnership)
    return (
      <>
        <PageTitle title={heading} />
        <p className="govuk-body">Only the steering group starts action plans and changes them.</p>
      </>
    );
  if (!planId) return <Form />;
  if (plan.isPending) return <Loading what="Loading the plan" />;
  if (plan.error) return <LoadError error={plan.error} retry={() => void plan.refetch()} />;
  return <Form existing={plan.data!.plan} />;
}

function Form({ existing }: { existing?: Plan }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const thisYear = reportingYear();
  const [values, setValues] = useState<Values>(() =>
    existing ? valuesOf(existing) : { title: '', firstYear: thisYear, lastYear: reportingYear(new Date(), 2), themes: [row('1')] },
  );
  const [base, setBase] = useState<Plan | undefined>(existing);
  const load = existing ? () => call(api.GET('/action-plans/{planId}', { params: { path: { planId: existing.id }, query: {} } })).then((y) => y.plan) : undefined;
  const { form, theirs, setTheirs, onError } = useVersionedForm<Plan>(load);
  const duplicate = !existing && form.error?.isConflict;
  const themePaths = values.themes.flatMap((_, i) => [`themes.${i}.number`, `themes.${i}.title`]);
  // A theme id made from its title that clashes is the title's problem; an id the page never shows, too.
  const mapped = form.errors.map((e) => (/^themes\.\d+\.id$/.test(e.path) ? { ...e, path: e.path.replace(/id$/, 'title'), message: 'Give each theme its own title' } : e));
  const { errors: fieldErrors, forField } = friendly(mapped, {
    title: 'Enter the plan’s title, like Demoshire Prevent Action Plan',
    firstYear: 'Select the plan’s first reporting year',
    lastYear: 'Select the plan’s last reporting year',
    ...Object.fromEntries(
      values.themes.flatMap((_, i) => [
        [`themes.${i}.number`, `Enter theme ${i + 1}’s number, a whole number from 1 to 99`],
        [`themes.${i}.title`, `Enter theme ${i + 1}’s title`],
      ]),
    ),
  });
  const errors = duplicate ? [{ path: 'firstYear', message: `${form.error!.message} Choose other years, or change the plan that exists.` }] : fieldErrors;
  const set = <K extends keyof Values>(key: K) => (value: Values[K]) => setValues((v) => ({ ...v, [key]: value }));
  const setTheme = (index: number, change: Partial<ThemeRow>) => setValues((v) => ({ ...v, themes: v.themes.map((t, i) => (i === index ? { ...t, ...change } : t)) }));
  const themesRef = useRef<HTMLDivElement>(null);
  const focusTheme = (index: number) =>
    requestAnimationFrame(() => themesRef.current?.querySelectorAll<HTMLInputElement>('input[name$=".title"]')[index]?.focus());

  const save = useMutation({
    mutationFn: async (against: Plan | undefined) => {
      const themes = themesBody(values.themes);
      if (existing) return call(api.PUT('/action-plans/{planId}', { params: { path: { planId: existing.id } }, body: { title: values.title, themes, version: against!.version } }));
      const body = { title: values.title, firstYear: values.firstYear, lastYear: values.lastYear, themes } as BodyOf<'/action-plans', 'post'>;
      return call(api.POST('/action-plans', { body }));
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: ['action-plans'] });
      await queryClient.invalidateQueries({ queryKey: ['action-plan', saved.id] });
      navigate(`/action-plans/${saved.id}`, { state: { flash: existing ? 'Plan details saved' : `${saved.title} started. Add its actions theme by theme.` } });
    },
    onError,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTheirs(null);
    save.mutate(base);
  };
  const years = Array.from({ length: 8 }, (_, i) => reportingYear(new Date(), i - 2)).map((y) => ({ value: y, label: y }));
  const title = existing ? 'Change plan details' : 'Start a new action plan';
  const themesError = errors.filter((e) => e.path === 'themes').map((e) => e.message).join('. ') || undefined;

  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <BackLink to={existing ? `/action-plans/${existing.id}` : '/action-plans'}>{existing ? 'Back to the plan' : 'Back to action plans'}</BackLink>
        {errors.length > 0 && <ErrorSummary errors={errors} fields={['title', 'firstYear', 'lastYear', 'themes', ...themePaths]} />}
        {theirs && (
          <Conflict
            what="this plan"
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
        <PageTitle title={title} caption={existing ? `${existing.title}, ${periodOf(existing)}` : undefined} hasErrors={errors.length > 0 || !!theirs} />
        <p className="govuk-body">
          {existing
            ? 'Rename the plan, or change its themes. A theme that has actions this year must stay; its number and title can change.'
            : 'A plan covers one to five reporting years (April to March). Its actions are grouped under themes; you add the actions next.'}
        </p>
        <form noValidate onSubmit={submit}>
          <TextInput name="title" label="Plan title" hint="For example Demoshire Prevent Action Plan" value={values.title} onChange={set('title')} error={forField('title')} />
          {!existing && (
            <>
              <Select name="firstYear" label="First reporting year" value={values.firstYear} onChange={set('firstYear')} options={years} error={duplicate ? errors[0].message : forField('firstYear')} />
              <Select name="lastYear" label="Last reporting year" hint="Up to five years from the first" value={values.lastYear} onChange={set('lastYear')} options={years} error={forField('lastYear')} />
            </>
          )}
          <div className={`govuk-form-group${themesError ? ' govuk-form-group--error' : ''}`} ref={themesRef}>
            <fieldset className="govuk-fieldset" id="field-themes" tabIndex={-1} aria-describedby={`field-themes-hint${themesError ? ' field-themes-error' : ''}`}>
              <legend className="govuk-fieldset__legend govuk-fieldset__legend--m">
                <h2 className="govuk-fieldset__heading">Themes</h2>
              </legend>
              <div id="field-themes-hint" className="govuk-hint">
                Number them in the order the plan reads, for example 1 Community engagement, 2 Leadership and governance.
              </div>
              {themesError && (
                <p id="field-themes-error" className="govuk-error-message">
                  <span className="govuk-visually-hidden">Error:</span> {themesError}
                </p>
              )}
              {values.themes.map((t, i) => (
                <div className="app-plan-theme-row" key={t.key}>
                  <TextInput
                    name={`themes.${i}.number`}
                    label={`Theme ${i + 1}: number`}
                    inputMode="numeric"
                    width={2}
                    value={t.number}
                    onChange={(number) => setTheme(i, { number })}
                    error={forField(`themes.${i}.number`)}
                  />
                  <div className="app-plan-theme-title">
                    <TextInput name={`themes.${i}.title`} label={`Theme ${i + 1}: title`} value={t.title} onChange={(title) => setTheme(i, { title })} error={forField(`themes.${i}.title`)} />
                  </div>
                  {values.themes.length > 1 && (
                    <button
                      type="button"
                      className="govuk-button govuk-button--secondary"
                      data-module="govuk-button"
                      onClick={() => {
                        setValues((v) => ({ ...v, themes: v.themes.filter((_, j) => j !== i) }));
                        form.clear();
                        focusTheme(Math.max(0, i - 1));
                      }}
                    >
                      Remove<span className="govuk-visually-hidden"> theme {i + 1}{t.title ? `, ${t.title}` : ''}</span>
                    </button>
                  )}
                </div>
              ))}
              {values.themes.length < 20 && (
                <button
                  type="button"
                  className="govuk-button govuk-button--secondary"
                  data-module="govuk-button"
                  onClick={() => {
                    const next = Math.max(0, ...values.themes.map((t) => Number(t.number) || 0)) + 1;
                    setValues((v) => ({ ...v, themes: [...v.themes, row(String(next))] }));
                    focusTheme(values.themes.length);
                  }}
                >
                  Add another theme
                </button>
              )}
            </fieldset>
          </div>
          {!theirs && (
            <Button type="submit" pending={save.isPending}>
              {existing ? 'Save changes' : 'Start the plan'}
            </Button>
          )}
        </form>
      </div>
    </div>
  );
}
