import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { ApiError, call } from '../../api/client';
import type { BodyOf, ResponseOf } from '../../api/types';
import { useApi } from '../../app/context';
import { useAbilities } from '../../app/session';
import { friendly, reportingYear } from '../../components/admin-labels';
import { useDeadline } from '../../components/admin-queries';
import { Conflict, type ConflictField } from '../../components/Conflict';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Checkbox, Select, Textarea, TextInput } from '../../components/fields';
import { asApiError, useVersionedForm } from '../../components/forms';
import { PageTitle } from '../../components/PageTitle';
import { BackLink, Button, LoadError, Loading } from '../../components/ui';

type Settings = ResponseOf<'/settings', 'get'>;

interface Values {
  coverageTarget: string;
  reminderThresholds: string;
  copySteeringGroupOnOverdue: boolean;
  steeringGroupEmails: string;
  frameworkThisYear: string;
  frameworkNextYear: string;
}

const MESSAGES = {
  coverageTarget: 'Enter the coverage target as a percentage from 0 to 100, like 85',
  reminderThresholds: 'Enter the days before an item is due as whole numbers from 0 to 365, separated by commas, like 60, 30, 7, 0',
  steeringGroupEmails: 'Enter each email address on its own line in the correct format, like prevent@example.org',
};

/** A share as the percentage people type: 0.85 → "85". */
const asPercent = (share: number) => String(Math.round(share * 10000) / 100);

/** Form values from a settings record; `years` are this reporting year and the next. */
function valuesOf(s: Settings, years: readonly [string, string]): Values {
  return {
    coverageTarget: asPercent(s.coverageTarget),
    reminderThresholds: s.reminderThresholds.join(', '),
    copySteeringGroupOnOverdue: s.copySteeringGroupOnOverdue,
    steeringGroupEmails: s.steeringGroupEmails.join('\n'),
    frameworkThisYear: s.frameworkByYear[years[0]] ?? '',
    frameworkNextYear: s.frameworkByYear[years[1]] ?? '',
  };
}

const lines = (text: string) => text.split(/[\n,;]+/).map((l) => l.trim()).filter(Boolean);

/** The comparable, displayable form of the values (for the conflict panel). */
const display = (v: Values) => ({
  coverageTarget: v.coverageTarget.trim() ? `${v.coverageTarget.trim()}%` : '',
  reminderThresholds: lines(v.reminderThresholds),
  copySteeringGroupOnOverdue: v.copySteeringGroupOnOverdue,
  steeringGroupEmails: lines(v.steeringGroupEmails),
  frameworkThisYear: v.frameworkThisYear || 'Built-in default',
  frameworkNextYear: v.frameworkNextYear || 'Built-in default',
});

/** Changing the partnership's settings and the statement deadlines of this year and the next. */
export default function SettingsEdit() {
  const api = useApi();
  const can = useAbilities();
  const years = [reportingYear(), reportingYear(new Date(), 1)] as const;
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => call(api.GET('/settings')), enabled: can.editsPartnership });
  const frameworks = useQuery({ queryKey: ['frameworks'], queryFn: () => call(api.GET('/frameworks')), enabled: can.editsPartnership });
  const deadlines = [useDeadline(years[0]), useDeadline(years[1])];
  if (!can.editsPartnership)
    return (
      <>
        <PageTitle title="Change settings" />
        <p className="govuk-body">Only the steering group changes the partnership’s settings.</p>
      </>
    );
  const queries = [settings, frameworks, ...deadlines];
  const failed = queries.find((q) => q.error);
  if (failed) return <LoadError error={failed.error} retry={() => void failed.refetch()} />;
  if (queries.some((q) => q.isPending)) return <Loading what="Loading the settings" />;
  return (
    <Form
      years={years}
      initial={settings.data!}
      frameworks={(frameworks.data?.items ?? []).map((f) => ({ value: `${f.id}@${f.version}`, label: `${f.name} (${f.id}@${f.version})` }))}
      initialDeadlines={[deadlines[0].data?.dueOn ?? '', deadlines[1].data?.dueOn ?? '']}
    />
  );
}

function Form({
  years, initial, frameworks, initialDeadlines,
}: {
  years: readonly [string, string];
  initial: Settings;
  frameworks: { value: string; label: string }[];
  initialDeadlines: [string, string];
}) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Values>(() => valuesOf(initial, years));
  /** The server copy the form was based on (its version goes with the PUT). */
  const [base, setBase] = useState<Settings>(initial);
  const [deadlines, setDeadlines] = useState<[string, string]>(initialDeadlines);
  const [savedDeadlines, setSavedDeadlines] = useState<[string, string]>(initialDeadlines);
  const { form, theirs, setTheirs, onError } = useVersionedForm<Settings>(() =>
    queryClient.fetchQuery({ queryKey: ['settings'], queryFn: () => call(api.GET('/settings')), staleTime: 0 }),
  );
  const { errors, forField } = friendly(form.errors, {
    ...MESSAGES,
    ...Object.fromEntries(years.map((year) => [`deadline-${year}`, `Enter a real date for the ${year} statement deadline`])),
  });
  const set = <K extends keyof Values>(key: K) => (value: Values[K]) => setValues((v) => ({ ...v, [key]: value }));

  const FIELDS: ConflictField[] = [
    { key: 'coverageTarget', label: 'Training coverage target' },
    { key: 'reminderThresholds', label: 'Reminders (days before)' },
    { key: 'copySteeringGroupOnOverdue', label: 'Copy the steering group on overdue reminders' },
    { key: 'steeringGroupEmails', label: 'Steering group email addresses' },
    { key: 'frameworkThisYear', label: `Benchmark framework ${years[0]}` },
    { key: 'frameworkNextYear', label: `Benchmark framework ${years[1]}` },
  ];

  const save = useMutation({
    mutationFn: async (against: Settings) => {
      const number = (text: string) => (text.trim() === '' ? null : Number(text.trim()));
      const pct = number(values.coverageTarget);
      const frameworkByYear: Record<string, string> = { ...against.frameworkByYear };
      const pick = (year: string, value: string) => {
        if (value) frameworkByYear[year] = value;
        else delete frameworkByYear[year];
      };
      pick(years[0], values.frameworkThisYear);
      pick(years[1], values.frameworkNextYear);
      // Typed text goes as typed (a non-number as null) for the API to judge.
      const body = {
        version: against.version,
        coverageTarget: pct === null || Number.isNaN(pct) ? null : pct / 100,
        reminderThresholds: lines(values.reminderThresholds).map((d) => (/^\d+$/.test(d) ? Number(d) : d)),
        copySteeringGroupOnOverdue: values.copySteeringGroupOnOverdue,
        steeringGroupEmails: lines(values.steeringGroupEmails),
        frameworkByYear,
      } as unknown as BodyOf<'/settings', 'put'>;
      const saved = await call(api.PUT('/settings', { body }));
      queryClient.setQueryData(['settings'], saved);
      setBase(saved);
      // The deadlines are their own records: sent only when changed, after the settings.
      for (const [i, year] of years.entries()) {
        if (deadlines[i] === savedDeadlines[i] || !deadlines[i]) continue;
        try {
          await call(api.PUT('/statement-deadlines/{year}', { params: { path: { year } }, body: { dueOn: deadlines[i] } }));
        } catch (error) {
          // Shown on the deadline's own field, in the API's words (e.g. "cannot be before the year starts").
          const e = asApiError(error);
          throw new ApiError(e.status, e.message, e.code, e.fieldErrors.map((f) => ({ path: `deadline-${year}`, message: f.message })));
        }
        setSavedDeadlines((d) => (i === 0 ? [deadlines[0], d[1]] : [d[0], deadlines[1]]));
        await queryClient.invalidateQueries({ queryKey: ['statement-deadline', year] });
      }
      return saved;
    },
    onSuccess: () => {
      navigate('/settings', { state: { flash: 'Settings saved' } });
    },
    onError,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTheirs(null);
    save.mutate(base);
  };

  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <BackLink to="/settings" />
        {errors.length > 0 && <ErrorSummary errors={errors} />}
        {theirs && (
          <Conflict
            what="the settings"
            fields={FIELDS}
            yours={display(values)}
            theirs={display(valuesOf(theirs, years))}
            pending={save.isPending}
            onKeepMine={() => {
              setBase(theirs);
              save.mutate(theirs);
            }}
            onUseTheirs={() => {
              setValues(valuesOf(theirs, years));
              setBase(theirs);
              setTheirs(null);
              form.clear();
            }}
          />
        )}
        <PageTitle title="Change settings" hasErrors={errors.length > 0 || !!theirs} />
        <form noValidate onSubmit={submit}>
          <TextInput
            name="coverageTarget"
            label="Training coverage target (%)"
            hint="The share of staff in each role whose training must be in date, for example 85"
            inputMode="decimal"
            width={4}
            value={values.coverageTarget}
            onChange={set('coverageTarget')}
            error={forField('coverageTarget')}
          />
          <TextInput
            name="reminderThresholds"
            label="Reminders (days before an item is due)"
            hint="Separate the numbers with commas, for example 60, 30, 7, 0 (0 is the day it is due)"
            width={20}
            value={values.reminderThresholds}
            onChange={set('reminderThresholds')}
            error={forField('reminderThresholds')}
          />
          <Checkbox
            name="copySteeringGroupOnOverdue"
            label="Copy the steering group on reminders of overdue items"
            checked={values.copySteeringGroupOnOverdue}
            onChange={set('copySteeringGroupOnOverdue')}
          />
          <Textarea
            name="steeringGroupEmails"
            label="Steering group email addresses"
            hint="One on each line, for example a shared mailbox. Up to 10."
            rows={4}
            value={values.steeringGroupEmails}
            onChange={set('steeringGroupEmails')}
            error={forField('steeringGroupEmails')}
          />
          {([0, 1] as const).map((i) => (
            <Select
              key={years[i]}
              name={`frameworkByYear.${years[i]}`}
              label={`Benchmark framework for ${years[i]}`}
              value={i === 0 ? values.frameworkThisYear : values.frameworkNextYear}
              onChange={set(i === 0 ? 'frameworkThisYear' : 'frameworkNextYear')}
              options={[{ value: '', label: 'Built-in default' }, ...frameworks]}
              error={forField(`frameworkByYear.${years[i]}`)}
            />
          ))}
          {([0, 1] as const).map((i) => (
            <TextInput
              key={years[i]}
              name={`deadline-${years[i]}`}
              label={`Statement deadline for ${years[i]}`}
              hint={savedDeadlines[i] ? 'Authorities yet to submit are reminded when it changes' : 'Not set yet. Authorities yet to submit are reminded once it is set'}
              type="date"
              width={10}
              value={deadlines[i]}
              onChange={(value) => setDeadlines((d) => (i === 0 ? [value, d[1]] : [d[0], value]))}
              error={forField(`deadline-${years[i]}`)}
            />
          ))}
          {!theirs && (
            <Button type="submit" pending={save.isPending}>
              Save settings
            </Button>
          )}
        </form>
      </div>
    </div>
  );
}
