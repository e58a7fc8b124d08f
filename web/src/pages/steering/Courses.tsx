import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { call } from '../../api/client';
import type { ResponseOf } from '../../api/types';
import { useApi } from '../../app/context';
import { useAbilities } from '../../app/session';
import { friendly, LEVEL_LABELS, listInWords, MODE_LABELS } from '../../components/admin-labels';
import { Conflict, type ConflictField } from '../../components/Conflict';
import { ErrorSummary, fieldId } from '../../components/ErrorSummary';
import { Checkbox, Select, Textarea, TextInput } from '../../components/fields';
import { useVersionedForm } from '../../components/forms';
import { PageTitle } from '../../components/PageTitle';
import { Button, NotificationBanner, QueryView, Table, Tag } from '../../components/ui';

type Course = ResponseOf<'/courses', 'get'>['items'][number];

interface Values {
  id: string;
  name: string;
  level: string;
  refresherMonths: string;
  deliveryModes: string[];
  aliases: string;
  active: boolean;
}

const EMPTY: Values = { id: '', name: '', level: '', refresherMonths: '', deliveryModes: [], aliases: '', active: true };
const valuesOf = (c: Course): Values => ({
  id: c.id,
  name: c.name,
  level: c.level,
  refresherMonths: c.refresherMonths === null ? '' : String(c.refresherMonths),
  deliveryModes: [...c.deliveryModes],
  aliases: c.aliases.join('\n'),
  active: c.active,
});
const display = (v: Values) => ({
  name: v.name,
  level: LEVEL_LABELS[v.level] ?? v.level,
  refresherMonths: v.refresherMonths.trim() ? `${v.refresherMonths.trim()} months` : 'Never',
  deliveryModes: v.deliveryModes.map((m) => MODE_LABELS[m] ?? m),
  aliases: v.aliases.split('\n').map((a) => a.trim()).filter(Boolean),
  active: v.active,
});
const FIELDS: ConflictField[] = [
  { key: 'name', label: 'Name' },
  { key: 'level', label: 'Level' },
  { key: 'refresherMonths', label: 'Refresher' },
  { key: 'deliveryModes', label: 'Delivery' },
  { key: 'aliases', label: 'Other names' },
  { key: 'active', label: 'Offered' },
];
const MESSAGES = {
  id: 'Enter a short code of lower-case letters, digits and hyphens, like prevent-basics',
  name: 'Enter the course’s name',
  level: 'Select the course’s level',
  refresherMonths: 'Enter the months until a refresher is due as a whole number from 1 to 120, or leave it empty if it never expires',
  deliveryModes: 'Select how the course is delivered',
  aliases: 'Enter each other name on its own line, up to 20',
};

const refresher = (months: number | null) => (months === null ? 'Never expires' : months % 12 === 0 ? `Every ${months / 12} year${months === 12 ? '' : 's'}` : `Every ${months} months`);

/** The partnership's training courses; the steering group adds and changes them here. */
export default function Courses() {
  const api = useApi();
  const can = useAbilities();
  const courses = useQuery({ queryKey: ['courses'], queryFn: () => call(api.GET('/courses')) });
  /** null: no form; 'new': adding; otherwise the course being changed. */
  const [editing, setEditing] = useState<Course | 'new' | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const open = (what: Course | 'new') => {
    setFlash(null);
    setEditing(what);
    requestAnimationFrame(() => document.getElementById('course-form-heading')?.focus());
  };
  return (
    <>
      {flash && <NotificationBanner type="success">{flash}</NotificationBanner>}
      <QueryView query={courses} what="courses">
        {({ items }) => (
          <>
            <PageTitle title="Course catalogue" />
            <p className="govuk-body">
              The courses authorities record training against, with how often each must be refreshed. Learning systems’ other names for a course are matched when
              records are imported.
            </p>
            <p className="govuk-body">
              <Link className="govuk-link" to="/settings">
                Back to settings
              </Link>
            </p>
            {can.editsPartnership && editing === null && (
              <Button onClick={() => open('new')}>Add a course</Button>
            )}
            {can.editsPartnership && editing !== null && (
              <CourseForm
                key={editing === 'new' ? 'new' : editing.id}
                existing={editing === 'new' ? undefined : editing}
                onDone={(message) => {
                  setEditing(null);
                  setFlash(message);
                }}
              />
            )}
            {items.length === 0 ? (
              <p className="govuk-body">There are no courses yet.{can.editsPartnership ? ' Add one with the button above.' : ''}</p>
            ) : (
              <Table label="Courses" caption={`${items.length} courses`} headers={['Course', 'Level', 'Refresher', 'Other names', can.editsPartnership ? { hidden: 'Actions' } : null]}>
                {[...items]
                  .sort((a, b) => a.name.localeCompare(b.name))
                  .map((c) => (
                    <tr className="govuk-table__row" key={c.id}>
                      <th scope="row" className="govuk-table__header">
                        {c.name}
                        {!c.active && (
                          <>
                            {' '}
                            <Tag colour="grey">No longer offered</Tag>
                          </>
                        )}
                      </th>
                      <td className="govuk-table__cell">{LEVEL_LABELS[c.level] ?? c.level}</td>
                      <td className="govuk-table__cell">{refresher(c.refresherMonths)}</td>
                      <td className="govuk-table__cell">{c.aliases.length ? listInWords(c.aliases) : 'None'}</td>
                      {can.editsPartnership && (
                        <td className="govuk-table__cell">
                          <button type="button" className="govuk-link app-link-button" onClick={() => open(c)}>
                            Edit<span className="govuk-visually-hidden"> {c.name}</span>
                          </button>
                        </td>
                      )}
                    </tr>
                  ))}
              </Table>
            )}
          </>
        )}
      </QueryView>
    </>
  );
}

function CourseForm({ existing, onDone }: { existing?: Course; onDone: (message: string | null) => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Values>(existing ? valuesOf(existing) : EMPTY);
  const [version, setVersion] = useState(existing?.version);
  const { form, theirs, setTheirs, onError } = useVersionedForm<Course>(
    existing ? async () => (await call(api.GET('/courses'))).items.find((c) => c.id === existing.id) ?? null : undefined,
  );
  const { errors: fieldErrors, forField } = friendly(form.errors, MESSAGES);
  const duplicate = !existing && form.error?.isConflict;
  const errors = duplicate ? [{ path: 'id', message: form.error!.message }] : fieldErrors;
  const set = <K extends keyof Values>(key: K) => (value: Values[K]) => setValues((v) => ({ ...v, [key]: value }));

  const save = useMutation({
    mutationFn: async (withVersion: number | undefined) => {
      const months = values.refresherMonths.trim();
      const fields = {
        name: values.name,
        level: (values.level || undefined) as Course['level'],
        refresherMonths: (months === '' ? null : /^\d+$/.test(months) ? Number(months) : months) as number | null,
        deliveryModes: values.deliveryModes as Course['deliveryModes'],
        aliases: values.aliases.split('\n').map((a) => a.trim()).filter(Boolean),
        active: values.active,
      };
      if (existing) return call(api.PUT('/courses/{id}', { params: { path: { id: existing.id } }, body: { ...fields, version: withVersion! } }));
      return call(api.POST('/courses', { body: { ...fields, id: values.id.trim() } }));
    },
    onSuccess: async (course) => {
      await queryClient.invalidateQueries({ queryKey: ['courses'] });
      onDone(existing ? `${course.name}: changes saved` : `${course.name} added to the catalogue`);
    },
    onError,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTheirs(null);
    save.mutate(version);
  };
  const toggleMode = (mode: string, on: boolean) => set('deliveryModes')(on ? [...values.deliveryModes, mode] : values.deliveryModes.filter((m) => m !== mode));
  const heading = existing ? `Change ${existing.name}` : 'Add a course';
  const modesError = forField('deliveryModes');

  return (
    <section className="govuk-grid-row" aria-labelledby="course-form-heading">
      <div className="govuk-grid-column-two-thirds">
        {errors.length > 0 && <ErrorSummary errors={errors} />}
        {theirs && (
          <Conflict
            what="this course"
            fields={FIELDS}
            yours={display(values)}
            theirs={display(valuesOf(theirs))}
            pending={save.isPending}
            onKeepMine={() => {
              setVersion(theirs.version);
              save.mutate(theirs.version);
            }}
            onUseTheirs={() => {
              setValues(valuesOf(theirs));
              setVersion(theirs.version);
              setTheirs(null);
              form.clear();
            }}
          />
        )}
        <h2 className="govuk-heading-m" id="course-form-heading" tabIndex={-1}>
          {heading}
        </h2>
        <form noValidate onSubmit={submit}>
          {!existing && (
            <TextInput
              name="id"
              label="Short code"
              hint="Lower-case letters, digits and hyphens, for example prevent-basics"
              width={20}
              value={values.id}
              onChange={set('id')}
              error={duplicate ? form.error!.message : forField('id')}
            />
          )}
          <TextInput name="name" label="Name" value={values.name} onChange={set('name')} error={forField('name')} />
          <Select
            name="level"
            label="Level"
            value={values.level}
            onChange={set('level')}
            options={[{ value: '', label: 'Select a level' }, ...Object.entries(LEVEL_LABELS).map(([value, label]) => ({ value, label }))]}
            error={forField('level')}
          />
          <TextInput
            name="refresherMonths"
            label="Refresher due after (months)"
            hint="Leave empty if the course never expires"
            inputMode="numeric"
            width={3}
            value={values.refresherMonths}
            onChange={set('refresherMonths')}
            error={forField('refresherMonths')}
          />
          <div className={`govuk-form-group${modesError ? ' govuk-form-group--error' : ''}`}>
            <fieldset className="govuk-fieldset" aria-describedby={modesError ? `${fieldId('deliveryModes')}-error` : undefined}>
              <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">How it is delivered</legend>
              {modesError && (
                <p id={`${fieldId('deliveryModes')}-error`} className="govuk-error-message">
                  <span className="govuk-visually-hidden">Error:</span> {modesError}
                </p>
              )}
              {Object.entries(MODE_LABELS).map(([mode, label], i) => (
                <Checkbox
                  key={mode}
                  name={i === 0 ? 'deliveryModes' : `deliveryModes-${mode}`}
                  label={label}
                  checked={values.deliveryModes.includes(mode)}
                  onChange={(on) => toggleMode(mode, on)}
                />
              ))}
            </fieldset>
          </div>
          <Textarea
            name="aliases"
            label="Other names (optional)"
            hint="What learning systems call this course, one on each line"
            rows={3}
            value={values.aliases}
            onChange={set('aliases')}
            error={forField('aliases')}
          />
          {existing && <Checkbox name="active" label="Still offered" hint="Untick when the course is no longer run; its records are kept" checked={values.active} onChange={set('active')} />}
          {!theirs && (
            <div className="govuk-button-group">
              <Button type="submit" pending={save.isPending}>
                {existing ? 'Save changes' : 'Add course'}
              </Button>
              <button type="button" className="govuk-link app-link-button" onClick={() => onDone(null)}>
                Cancel
              </button>
            </div>
          )}
        </form>
      </div>
    </section>
  );
}
