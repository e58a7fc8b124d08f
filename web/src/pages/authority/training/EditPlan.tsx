import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { call, type FieldError } from '../../../api/client';
import type { BodyOf } from '../../../api/types';
import { useApi } from '../../../app/context';
import { LEVEL_LABELS, friendly } from '../../../components/admin-labels';
import { Conflict } from '../../../components/Conflict';
import { ErrorSummary, fieldId } from '../../../components/ErrorSummary';
import { Select, TextInput } from '../../../components/fields';
import { useVersionedForm } from '../../../components/forms';
import { PageTitle } from '../../../components/PageTitle';
import { BackLink, Button, LoadError, Loading } from '../../../components/ui';
import { forgetTraining, useAuthorityId, useCourses, usePlan, useTrainingAbilities, type Course, type Plan } from './common';

interface RoleValues {
  id: string;
  name: string;
  headcount: string;
  requiredCourses: string[];
  requiredLevel: string;
  /** A role read from the plan keeps its short code (imports and completions use it). */
  saved: boolean;
}

const valuesOf = (plan: Plan): RoleValues[] =>
  plan.roles.map((r) => ({ id: r.id, name: r.name, headcount: String(r.headcount), requiredCourses: [...r.requiredCourses], requiredLevel: r.requiredLevel ?? '', saved: true }));

const EMPTY_ROLE: RoleValues = { id: '', name: '', headcount: '', requiredCourses: [], requiredLevel: '', saved: false };

/** A short code from a name: "Frontline staff" → "frontline-staff". */
const codeOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);

/** Changing the authority's training plan (/authorities/:id/training/plan): roles, headcounts and what each requires. */
export default function EditPlan() {
  const id = useAuthorityId();
  const can = useTrainingAbilities(id);
  const plan = usePlan(id);
  const courses = useCourses();
  if (!can.edits)
    return (
      <>
        <PageTitle title="Change the training plan" />
        <p className="govuk-body">Your role cannot change this authority’s training plan.</p>
      </>
    );
  const failed = [plan, courses].find((q) => q.error);
  if (failed) return <LoadError error={failed.error} retry={() => void failed.refetch()} />;
  if (plan.isPending || courses.isPending) return <Loading what="Loading the training plan" />;
  return <Form authorityId={id} initial={plan.data!} courses={courses.data!.items} />;
}

function Form({ authorityId, initial, courses }: { authorityId: string; initial: Plan; courses: Course[] }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [roles, setRoles] = useState<RoleValues[]>(() => (initial.roles.length ? valuesOf(initial) : [EMPTY_ROLE]));
  const [version, setVersion] = useState(initial.version);
  const load = () => call(api.GET('/authorities/{id}/training-plan', { params: { path: { id: authorityId } } }));
  const { form, theirs, setTheirs, onError } = useVersionedForm<Plan>(load);
  const messages: Record<string, string> = {};
  roles.forEach((_, i) => {
    messages[`roles.${i}.name`] = 'Enter the role’s name';
    messages[`roles.${i}.headcount`] = 'Enter how many staff are in this role, as a whole number like 120';
    messages[`roles.${i}.id`] = 'Enter a short code of lower-case letters, digits and hyphens';
  });
  const { errors, forField } = friendly(form.errors, messages);
  const exact = (path: string) => errors.filter((e: FieldError) => e.path === path).map((e) => e.message).join('. ') || undefined;
  const change = (i: number, patch: Partial<RoleValues>) => setRoles((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const courseName = (id: string) => courses.find((c) => c.id === id)?.name ?? id;
  const display = (rs: RoleValues[]) => ({
    roles: rs.map((r) => `${r.name || '(no name)'}: ${r.headcount || '?'} staff, requires ${[...r.requiredCourses.map(courseName), ...(r.requiredLevel ? [`${r.requiredLevel} level`] : [])].join(' and ') || 'nothing'}`),
  });

  const save = useMutation({
    mutationFn: (withVersion: number) => {
      const body = {
        version: withVersion,
        roles: roles.map((r) => ({
          id: r.saved ? r.id : r.id.trim() || codeOf(r.name),
          name: r.name,
          headcount: /^\d+$/.test(r.headcount.trim()) ? Number(r.headcount.trim()) : r.headcount,
          requiredCourses: r.requiredCourses,
          ...(r.requiredLevel ? { requiredLevel: r.requiredLevel } : {}),
        })),
      } as unknown as BodyOf<'/authorities/{id}/training-plan', 'put'>;
      return call(api.PUT('/authorities/{id}/training-plan', { params: { path: { id: authorityId } }, body }));
    },
    onSuccess: async (saved) => {
      queryClient.setQueryData(['training-plan', authorityId], saved);
      forgetTraining(queryClient, authorityId);
      navigate(`/authorities/${authorityId}/training`, { state: { flash: 'Training plan saved' } });
    },
    onError,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTheirs(null);
    save.mutate(version);
  };
  const activeCourses = courses.filter((c) => c.active || roles.some((r) => r.requiredCourses.includes(c.id)));

  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <BackLink to={`/authorities/${authorityId}/training`} />
        {errors.length > 0 && !form.error?.isConflict && <ErrorSummary errors={errors} />}
        {theirs && (
          <Conflict
            what="the training plan"
            fields={[{ key: 'roles', label: 'Roles' }]}
            yours={display(roles)}
            theirs={display(valuesOf(theirs))}
            pending={save.isPending}
            onKeepMine={() => {
              setVersion(theirs.version);
              save.mutate(theirs.version);
            }}
            onUseTheirs={() => {
              setRoles(valuesOf(theirs));
              setVersion(theirs.version);
              setTheirs(null);
              form.clear();
            }}
          />
        )}
        <PageTitle title="Change the training plan" hasErrors={errors.length > 0 || !!theirs} />
        <p className="govuk-body">
          Which roles of your workforce need Prevent training, how many staff each has, and what each must have in date: particular courses, a level of training, or both. Coverage is measured against
          this plan.
        </p>
        <form noValidate onSubmit={submit}>
          {roles.map((role, i) => (
            <fieldset className="govuk-fieldset govuk-!-margin-bottom-6" key={i}>
              <legend className="govuk-fieldset__legend govuk-fieldset__legend--m">{role.name || `Role ${i + 1}`}</legend>
              <TextInput name={`roles.${i}.name`} label="Name of the role" value={role.name} onChange={(name) => change(i, { name })} error={forField(`roles.${i}.name`)} />
              {!role.saved && (
                <TextInput
                  name={`roles.${i}.id`}
                  label="Short code (optional)"
                  hint="What an import’s role column can say for this role, for example frontline. Made from the name if empty."
                  width={20}
                  value={role.id}
                  onChange={(id) => change(i, { id })}
                  error={forField(`roles.${i}.id`)}
                />
              )}
              <TextInput name={`roles.${i}.headcount`} label="Number of staff in the role" inputMode="numeric" width={5} value={role.headcount} onChange={(headcount) => change(i, { headcount })} error={forField(`roles.${i}.headcount`)} />
              <div className={`govuk-form-group${exact(`roles.${i}`) || forField(`roles.${i}.requiredCourses`) ? ' govuk-form-group--error' : ''}`}>
                <fieldset className="govuk-fieldset">
                  <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">Courses the role requires</legend>
                  {(exact(`roles.${i}`) || forField(`roles.${i}.requiredCourses`)) && (
                    <p className="govuk-error-message">
                      <span className="govuk-visually-hidden">Error:</span> {exact(`roles.${i}`) ?? forField(`roles.${i}.requiredCourses`)}
                    </p>
                  )}
                  <div className="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
                    {activeCourses.map((c, k) => {
                      const inputId = k === 0 ? fieldId(`roles.${i}`) : `${fieldId(`roles.${i}`)}-${c.id}`;
                      return (
                        <div className="govuk-checkboxes__item" key={c.id}>
                          <input
                            className="govuk-checkboxes__input"
                            id={inputId}
                            type="checkbox"
                            checked={role.requiredCourses.includes(c.id)}
                            onChange={(e) => change(i, { requiredCourses: e.target.checked ? [...role.requiredCourses, c.id] : role.requiredCourses.filter((x) => x !== c.id) })}
                          />
                          <label className="govuk-label govuk-checkboxes__label" htmlFor={inputId}>
                            {c.name}
                          </label>
                        </div>
                      );
                    })}
                  </div>
                </fieldset>
              </div>
              <Select
                name={`roles.${i}.requiredLevel`}
                label="Level of training the role requires"
                hint="Any in-date course at this level or above counts"
                value={role.requiredLevel}
                onChange={(requiredLevel) => change(i, { requiredLevel })}
                options={[{ value: '', label: 'No particular level' }, ...Object.entries(LEVEL_LABELS).map(([value, label]) => ({ value, label }))]}
                error={forField(`roles.${i}.requiredLevel`)}
              />
              {roles.length > 1 && (
                <Button variant="secondary" onClick={() => setRoles((rs) => rs.filter((_, j) => j !== i))}>
                  Remove {role.name ? <span className="govuk-visually-hidden">{role.name}</span> : null} role
                </Button>
              )}
            </fieldset>
          ))}
          <div className="govuk-button-group">
            <Button variant="secondary" onClick={() => setRoles((rs) => [...rs, EMPTY_ROLE])}>
              Add another role
            </Button>
          </div>
          {!theirs && (
            <Button type="submit" pending={save.isPending}>
              Save the training plan
            </Button>
          )}
        </form>
      </div>
    </div>
  );
}
