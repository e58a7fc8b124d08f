import { useState, type FormEvent } from 'react';
import { ApiError, type FieldError } from '../../../api/client';
import { friendly } from '../../../components/admin-labels';
import { Conflict, differingFields } from '../../../components/Conflict';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { DateInput, isoOf, partsOf, Textarea, TextInput, type DateParts } from '../../../components/fields';
import { PageTitle } from '../../../components/PageTitle';
import { Button, formatDate } from '../../../components/ui';
import { StatementTaskPage, useStatementTask, type Content, type StatementPageContext, type Statement } from './statement-common';
import './statement.css';

interface Values {
  name: string;
  role: string;
  date: DateParts;
  declaration: string;
}

const MESSAGES = {
  'signOff.name': 'Enter the name of the person who signed the statement off',
  'signOff.role': 'Enter their role, for example Chief Executive',
  'signOff.date': 'Enter the date they signed it, for example 27 3 2027',
  'signOff.declaration': 'Enter the declaration they signed',
};

const defaultDeclaration = (authorityName: string, year: string) =>
  `I confirm that this statement is a true account of how ${authorityName} met the Prevent duty in ${year}.`;

function valuesOf(s: Statement, authorityName: string): Values {
  return {
    name: s.signOff?.name ?? '',
    role: s.signOff?.role ?? '',
    date: partsOf(s.signOff?.date),
    declaration: s.signOff?.declaration ?? defaultDeclaration(authorityName, s.year),
  };
}

const CONFLICT_FIELDS = [
  { key: 'name', label: 'Signed by' },
  { key: 'role', label: 'Role' },
  { key: 'date', label: 'Date signed' },
  { key: 'declaration', label: 'Declaration' },
];

const display = (v: Values) => ({ name: v.name.trim(), role: v.role.trim(), date: isoOf(v.date) ? formatDate(isoOf(v.date)) : '', declaration: v.declaration.trim() });

/** Who signed the statement off, their role, the date and the declaration they signed. */
export default function SignOffPage() {
  return <StatementTaskPage title={() => 'Sign-off'}>{(ctx) => <SignOffForm ctx={ctx} />}</StatementTaskPage>;
}

function SignOffForm({ ctx }: { ctx: StatementPageContext }) {
  const { year, authorityName } = ctx;
  const [values, setValues] = useState<Values>(() => valuesOf(ctx.statement, authorityName));
  const set = <K extends keyof Values>(key: K) => (value: Values[K]) => setValues((v) => ({ ...v, [key]: value }));

  const change = (content: Content): Content => ({
    ...content,
    // Typed text goes as typed for the API to judge; an incomplete date as it stands.
    signOff: { name: values.name, role: values.role, date: isoOf(values.date) ?? `${values.date.year}-${values.date.month}-${values.date.day}`, declaration: values.declaration },
  });
  const { base, setBase, save, form, theirs, setTheirs, send } = useStatementTask(ctx, {
    change,
    flash: 'Sign-off saved',
    holds: (current) => !!current.signOff && !differingFields(CONFLICT_FIELDS, display(values), display(valuesOf(current, authorityName))).length,
  });
  const { errors, forField } = friendly(form.errors, MESSAGES);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTheirs(null);
    const problems: FieldError[] = [];
    if (!values.name.trim()) problems.push({ path: 'signOff.name', message: MESSAGES['signOff.name'] });
    if (!values.role.trim()) problems.push({ path: 'signOff.role', message: MESSAGES['signOff.role'] });
    if (!isoOf(values.date)) problems.push({ path: 'signOff.date', message: MESSAGES['signOff.date'] });
    if (!values.declaration.trim()) problems.push({ path: 'signOff.declaration', message: MESSAGES['signOff.declaration'] });
    if (problems.length) {
      form.setError(new ApiError(400, 'The sign-off is incomplete.', 'validation', problems));
      return;
    }
    send(base);
  };

  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <ErrorSummary errors={errors} />
        {theirs && (
          <Conflict
            what="the sign-off"
            fields={CONFLICT_FIELDS}
            yours={display(values)}
            theirs={display(valuesOf(theirs, authorityName))}
            pending={save.isPending}
            onKeepMine={() => {
              setBase(theirs);
              send(theirs);
            }}
            onUseTheirs={() => {
              setValues(valuesOf(theirs, authorityName));
              setBase(theirs);
              setTheirs(null);
              form.clear();
            }}
          />
        )}
        <PageTitle title="Sign-off" caption={`${authorityName}: statement ${year}`} hasErrors={errors.length > 0 || !!theirs} />
        <p className="govuk-body">
          A senior person at {authorityName} (usually the chief executive or the Prevent lead) signs the statement off. The sign-off vouches for the answers as they are now: if
          any answer changes afterwards, it must be signed off again.
        </p>
        {base.status === 'returned' && <p className="govuk-body">The steering group returned the statement, so it needs a new sign-off dated on or after the day it was returned.</p>}
        <form noValidate onSubmit={submit}>
          <TextInput name="signOff.name" label="Full name of the person signing" autoComplete="name" value={values.name} onChange={set('name')} error={forField('signOff.name')} />
          <TextInput name="signOff.role" label="Their role" hint="For example Chief Executive" autoComplete="organization-title" value={values.role} onChange={set('role')} error={forField('signOff.role')} />
          <DateInput name="signOff.date" legend="Date they signed it" hint="For example, 27 3 2027. It cannot be in the future." value={values.date} onChange={set('date')} error={forField('signOff.date')} />
          <Textarea name="signOff.declaration" label="Declaration" hint="What the person signing confirms. You can change the wording." rows={4} value={values.declaration} onChange={set('declaration')} error={forField('signOff.declaration')} />
          {!theirs && (
            <Button type="submit" pending={save.isPending}>
              Save sign-off
            </Button>
          )}
        </form>
      </div>
    </div>
  );
}
