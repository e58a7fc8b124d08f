import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { call } from '../../api/client';
import { useApi } from '../../app/context';
import { friendly } from '../../components/admin-labels';
import { Conflict, type ConflictField } from '../../components/Conflict';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Select, TextInput } from '../../components/fields';
import { useVersionedForm } from '../../components/forms';
import { PageTitle } from '../../components/PageTitle';
import { BackLink, Button, formatDateTime, LoadError, Loading } from '../../components/ui';
import {
  COMMUNICATION_KIND_LABELS, countOf, isForbidden, OfficialSensitive, quarterLabel, REFERRAL_SECTOR_LABELS, REFERRAL_SECTORS, useDeliveryFigures,
  type Figures, type Quarter, type QuarterBody, type ReferralSector,
} from './delivery-common';

interface TrainingRow {
  key: number;
  audience: string;
  events: string;
  attendees: string;
  feedbackRespondents: string;
  feedbackGoodOrExcellent: string;
}
interface CommunicationRow {
  key: number;
  kind: string;
  description: string;
  count: string;
  reach: string;
}
interface Values {
  referrals: Record<ReferralSector, string>;
  channelAdopted: string;
  channelOpened: string;
  channelClosed: string;
  hateCrimeReports: string;
  outreachTraining: TrainingRow[];
  communications: CommunicationRow[];
}

let nextKey = 1;
const str = (n: number | undefined) => (n === undefined ? '' : String(n));
const emptyTraining = (): TrainingRow => ({ key: nextKey++, audience: '', events: '', attendees: '', feedbackRespondents: '', feedbackGoodOrExcellent: '' });
const emptyCommunication = (): CommunicationRow => ({ key: nextKey++, kind: '', description: '', count: '', reach: '' });

function valuesOf(q: Quarter | undefined): Values {
  return {
    referrals: Object.fromEntries(REFERRAL_SECTORS.map((s) => [s, str(q?.referrals[s])])) as Record<ReferralSector, string>,
    channelAdopted: str(q?.channelAdopted),
    channelOpened: str(q?.channelOpened),
    channelClosed: str(q?.channelClosed),
    hateCrimeReports: str(q?.hateCrimeReports),
    outreachTraining: (q?.outreachTraining ?? []).map((t) => ({
      key: nextKey++,
      audience: t.audience,
      events: str(t.events),
      attendees: str(t.attendees),
      feedbackRespondents: str(t.feedbackRespondents),
      feedbackGoodOrExcellent: str(t.feedbackGoodOrExcellent),
    })),
    communications: (q?.communications ?? []).map((c) => ({ key: nextKey++, kind: c.kind, description: c.description, count: str(c.count), reach: str(c.reach) })),
  };
}

/** What is sent: whole numbers as numbers, anything else as typed for the API to judge; optional counts left out when empty. */
function bodyOf(v: Values, version: number): QuarterBody {
  const optional = (text: string) => countOf(text);
  return {
    referrals: Object.fromEntries(REFERRAL_SECTORS.map((s) => [s, countOf(v.referrals[s])])),
    channelAdopted: countOf(v.channelAdopted),
    channelOpened: countOf(v.channelOpened),
    channelClosed: countOf(v.channelClosed),
    hateCrimeReports: countOf(v.hateCrimeReports),
    outreachTraining: v.outreachTraining.map((t) => ({
      audience: t.audience,
      events: countOf(t.events),
      attendees: countOf(t.attendees),
      ...(t.feedbackRespondents.trim() ? { feedbackRespondents: optional(t.feedbackRespondents) } : {}),
      ...(t.feedbackGoodOrExcellent.trim() ? { feedbackGoodOrExcellent: optional(t.feedbackGoodOrExcellent) } : {}),
    })),
    communications: v.communications.map((c) => ({
      kind: c.kind || undefined,
      description: c.description,
      count: countOf(c.count),
      ...(c.reach.trim() ? { reach: countOf(c.reach) } : {}),
    })),
    version,
  } as unknown as QuarterBody;
}

/** The comparable, displayable form of the values (for the conflict panel). */
function display(v: Values): Record<string, unknown> {
  return {
    ...Object.fromEntries(REFERRAL_SECTORS.map((s) => [`referrals.${s}`, v.referrals[s].trim()])),
    channelAdopted: v.channelAdopted.trim(),
    channelOpened: v.channelOpened.trim(),
    channelClosed: v.channelClosed.trim(),
    hateCrimeReports: v.hateCrimeReports.trim(),
    outreachTraining: v.outreachTraining.map((t) => `${t.audience.trim()}: ${t.events.trim()} events, ${t.attendees.trim()} attendees`),
    communications: v.communications.map((c) => `${COMMUNICATION_KIND_LABELS[c.kind] ?? c.kind} – ${c.description.trim()}: ${c.count.trim()}`),
  };
}
const CONFLICT_FIELDS: ConflictField[] = [
  ...REFERRAL_SECTORS.map((s) => ({ key: `referrals.${s}`, label: `Referrals: ${REFERRAL_SECTOR_LABELS[s]}` })),
  { key: 'channelAdopted', label: 'Adopted by the Channel panel' },
  { key: 'channelOpened', label: 'Channel cases opened' },
  { key: 'channelClosed', label: 'Channel cases closed' },
  { key: 'hateCrimeReports', label: 'Hate-crime reports' },
  { key: 'outreachTraining', label: 'Outreach training' },
  { key: 'communications', label: 'Communications' },
];

const COUNT = 'as a whole number, 0 if none';
/** What to do, for the schema's technical messages, per field on the page (rows by their index). */
function messagesFor(v: Values): Record<string, string> {
  const m: Record<string, string> = {
    ...Object.fromEntries(REFERRAL_SECTORS.map((s) => [`referrals.${s}`, `Enter the referrals from ${REFERRAL_SECTOR_LABELS[s].toLowerCase()} ${COUNT}`])),
    channelAdopted: `Enter the referrals adopted by the Channel panel ${COUNT}`,
    channelOpened: `Enter the Channel cases opened ${COUNT}`,
    channelClosed: `Enter the Channel cases closed ${COUNT}`,
    hateCrimeReports: `Enter the hate-crime reports ${COUNT}`,
  };
  v.outreachTraining.forEach((_, i) => {
    const n = i + 1;
    m[`outreachTraining.${i}.audience`] = `Enter who was trained in audience ${n}, like Faith leaders`;
    m[`outreachTraining.${i}.events`] = `Enter the events for audience ${n} ${COUNT}`;
    m[`outreachTraining.${i}.attendees`] = `Enter the attendees for audience ${n} ${COUNT}`;
    m[`outreachTraining.${i}.feedbackRespondents`] = `Enter how many in audience ${n} gave feedback as a whole number, or leave it empty`;
    m[`outreachTraining.${i}.feedbackGoodOrExcellent`] = `Enter how many in audience ${n} rated it good or excellent as a whole number, or leave it empty`;
  });
  v.communications.forEach((_, i) => {
    const n = i + 1;
    m[`communications.${i}.kind`] = `Select the kind of communication ${n}`;
    m[`communications.${i}.description`] = `Describe communication ${n}, like Quarterly Prevent newsletter`;
    m[`communications.${i}.count`] = `Enter how many for communication ${n} (issues, events, posts) ${COUNT}`;
    m[`communications.${i}.reach`] = `Enter the people reached by communication ${n} as a whole number, or leave it empty`;
  });
  return m;
}

/** Entering, or correcting, one quarter's delivery figures (the steering group and the police). */
export default function QuarterForm() {
  const { year = '', quarter = '' } = useParams();
  const n = Number(quarter);
  const figures = useDeliveryFigures(year);
  const title = `Delivery figures for ${quarterLabel(n)} ${year}`;
  if (![1, 2, 3, 4].includes(n))
    return (
      <>
        <PageTitle title="Page not found" />
        <p className="govuk-body">A reporting year has four quarters, 1 to 4.</p>
      </>
    );
  if (figures.isPending) return <Loading what="Loading the figures" />;
  if (isForbidden(figures.error) || (figures.data && figures.data.access !== 'full'))
    return (
      <>
        <PageTitle title={title} />
        <p className="govuk-body">Only the steering group and the police’s Prevent leads and editors enter delivery figures.</p>
      </>
    );
  if (figures.error) return <LoadError error={figures.error} retry={() => void figures.refetch()} />;
  const existing = figures.data!.quarters?.find((q) => q.quarter === n);
  return <Form key={`${year}-${n}`} year={year} quarter={n} existing={existing} />;
}

function Form({ year, quarter, existing }: { year: string; quarter: number; existing?: Quarter }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Values>(() => valuesOf(existing));
  const [version, setVersion] = useState(existing?.version ?? 0);
  const load = async () => {
    const fresh = (await call(api.GET('/delivery-figures/{year}', { params: { path: { year } } }))) as Figures;
    return fresh.quarters?.find((q) => q.quarter === quarter) ?? null;
  };
  const { form, theirs, setTheirs, onError } = useVersionedForm<Quarter>(load);
  const { errors, forField } = friendly(form.errors, messagesFor(values));
  const set = <K extends keyof Values>(key: K) => (value: Values[K]) => setValues((v) => ({ ...v, [key]: value }));
  const setRow = <K extends 'outreachTraining' | 'communications'>(list: K, i: number, field: keyof Values[K][number]) => (value: string) =>
    setValues((v) => ({ ...v, [list]: (v[list] as Values[K][number][]).map((r, j) => (j === i ? { ...r, [field]: value } : r)) }));

  const save = useMutation({
    mutationFn: (against: number) => call(api.PUT('/delivery-figures/{year}/quarters/{quarter}', { params: { path: { year, quarter } }, body: bodyOf(values, against) })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['delivery-figures', year], refetchType: 'all' });
      await queryClient.invalidateQueries({ queryKey: ['annual-report'] });
      navigate(`/delivery?year=${encodeURIComponent(year)}`, { state: { flash: `Figures for ${quarterLabel(quarter)} ${year} saved` } });
    },
    onError,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTheirs(null);
    save.mutate(version);
  };

  // Adding or removing a row moves focus somewhere sensible: the new row's first field, or the add button.
  const addRow = (list: 'outreachTraining' | 'communications') => {
    const row = list === 'outreachTraining' ? emptyTraining() : emptyCommunication();
    const index = values[list].length;
    setValues((v) => ({ ...v, [list]: [...v[list], row] }));
    const first = list === 'outreachTraining' ? `field-outreachTraining-${index}-audience` : `field-communications-${index}-kind`;
    requestAnimationFrame(() => document.getElementById(first)?.focus());
  };
  const removeRow = (list: 'outreachTraining' | 'communications', i: number) => {
    setValues((v) => ({ ...v, [list]: v[list].filter((_, j) => j !== i) }));
    requestAnimationFrame(() => document.getElementById(`add-${list}`)?.focus());
  };

  const fields = Object.keys(messagesFor(values));
  const verb = existing ? 'Change' : 'Enter';
  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <BackLink to={`/delivery?year=${encodeURIComponent(year)}`}>Back to the delivery figures</BackLink>
        {errors.length > 0 && <ErrorSummary errors={errors} fields={fields} />}
        {theirs && (
          <Conflict
            what="these figures"
            fields={CONFLICT_FIELDS}
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
        <PageTitle title={`${verb} figures for ${quarterLabel(quarter)}`} caption={`Delivery figures ${year}`} hasErrors={errors.length > 0 || !!theirs} />
        <OfficialSensitive>Counts only: never enter anything that names or describes a person.</OfficialSensitive>
        {existing ? (
          <p className="govuk-body">
            You are correcting version {existing.version} of these figures, last saved {formatDateTime(existing.updatedAt)}.
          </p>
        ) : (
          <p className="govuk-body">Enter the quarter’s figures. Enter 0 where there were none.</p>
        )}
        <form noValidate onSubmit={submit}>
          <fieldset className="govuk-fieldset govuk-!-margin-bottom-6">
            <legend className="govuk-fieldset__legend govuk-fieldset__legend--m">
              <h2 className="govuk-fieldset__heading">Prevent referrals received, by referring sector</h2>
            </legend>
            {REFERRAL_SECTORS.map((s) => (
              <TextInput
                key={s}
                name={`referrals.${s}`}
                label={REFERRAL_SECTOR_LABELS[s]}
                inputMode="numeric"
                width={4}
                value={values.referrals[s]}
                onChange={(value) => setValues((v) => ({ ...v, referrals: { ...v.referrals, [s]: value } }))}
                error={forField(`referrals.${s}`)}
              />
            ))}
          </fieldset>
          <fieldset className="govuk-fieldset govuk-!-margin-bottom-6">
            <legend className="govuk-fieldset__legend govuk-fieldset__legend--m">
              <h2 className="govuk-fieldset__heading">Channel panel</h2>
            </legend>
            <TextInput name="channelAdopted" label="Referrals adopted" inputMode="numeric" width={4} value={values.channelAdopted} onChange={set('channelAdopted')} error={forField('channelAdopted')} />
            <TextInput name="channelOpened" label="Cases opened" inputMode="numeric" width={4} value={values.channelOpened} onChange={set('channelOpened')} error={forField('channelOpened')} />
            <TextInput name="channelClosed" label="Cases closed" inputMode="numeric" width={4} value={values.channelClosed} onChange={set('channelClosed')} error={forField('channelClosed')} />
          </fieldset>
          <TextInput
            name="hateCrimeReports"
            label="Hate-crime reports in the area"
            labelClass="govuk-label--m"
            hint="The reports made to the police in the quarter; the reports compare them with Prevent referrals"
            inputMode="numeric"
            width={5}
            value={values.hateCrimeReports}
            onChange={set('hateCrimeReports')}
            error={forField('hateCrimeReports')}
          />

          <h2 className="govuk-heading-m">Training for audiences outside the authorities</h2>
          <p className="govuk-body">Training the partnership delivered, for example to faith leaders or taxi drivers. Leave this empty if there was none.</p>
          {values.outreachTraining.map((t, i) => (
            <fieldset className="govuk-fieldset app-repeat" key={t.key}>
              <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">Audience {i + 1}</legend>
              <TextInput name={`outreachTraining.${i}.audience`} label="Who was trained" value={t.audience} onChange={setRow('outreachTraining', i, 'audience')} error={forField(`outreachTraining.${i}.audience`)} />
              <div className="app-inline-fields">
                <TextInput name={`outreachTraining.${i}.events`} label="Events" inputMode="numeric" width={4} value={t.events} onChange={setRow('outreachTraining', i, 'events')} error={forField(`outreachTraining.${i}.events`)} />
                <TextInput name={`outreachTraining.${i}.attendees`} label="Attendees" inputMode="numeric" width={4} value={t.attendees} onChange={setRow('outreachTraining', i, 'attendees')} error={forField(`outreachTraining.${i}.attendees`)} />
                <TextInput
                  name={`outreachTraining.${i}.feedbackRespondents`}
                  label="Gave feedback (optional)"
                  inputMode="numeric"
                  width={4}
                  value={t.feedbackRespondents}
                  onChange={setRow('outreachTraining', i, 'feedbackRespondents')}
                  error={forField(`outreachTraining.${i}.feedbackRespondents`)}
                />
                <TextInput
                  name={`outreachTraining.${i}.feedbackGoodOrExcellent`}
                  label="Rated it good or excellent (optional)"
                  inputMode="numeric"
                  width={4}
                  value={t.feedbackGoodOrExcellent}
                  onChange={setRow('outreachTraining', i, 'feedbackGoodOrExcellent')}
                  error={forField(`outreachTraining.${i}.feedbackGoodOrExcellent`)}
                />
              </div>
              <button type="button" className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" onClick={() => removeRow('outreachTraining', i)}>
                Remove<span className="govuk-visually-hidden"> audience {i + 1}</span>
              </button>
            </fieldset>
          ))}
          <button type="button" id="add-outreachTraining" className="govuk-button govuk-button--secondary" data-module="govuk-button" onClick={() => addRow('outreachTraining')}>
            {values.outreachTraining.length ? 'Add another audience' : 'Add an audience'}
          </button>

          <h2 className="govuk-heading-m">Communications and engagement</h2>
          <p className="govuk-body">Newsletters, events, campaigns, social media posts and web pages about Prevent. Leave this empty if there were none.</p>
          {values.communications.map((c, i) => (
            <fieldset className="govuk-fieldset app-repeat" key={c.key}>
              <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">Communication {i + 1}</legend>
              <Select
                name={`communications.${i}.kind`}
                label="Kind"
                value={c.kind}
                onChange={setRow('communications', i, 'kind')}
                options={[{ value: '', label: 'Select a kind' }, ...Object.entries(COMMUNICATION_KIND_LABELS).map(([value, label]) => ({ value, label }))]}
                error={forField(`communications.${i}.kind`)}
              />
              <TextInput name={`communications.${i}.description`} label="Description" value={c.description} onChange={setRow('communications', i, 'description')} error={forField(`communications.${i}.description`)} />
              <div className="app-inline-fields">
                <TextInput
                  name={`communications.${i}.count`}
                  label="How many"
                  hint="Issues, events or posts"
                  inputMode="numeric"
                  width={4}
                  value={c.count}
                  onChange={setRow('communications', i, 'count')}
                  error={forField(`communications.${i}.count`)}
                />
                <TextInput
                  name={`communications.${i}.reach`}
                  label="People reached (optional)"
                  hint="If known"
                  inputMode="numeric"
                  width={5}
                  value={c.reach}
                  onChange={setRow('communications', i, 'reach')}
                  error={forField(`communications.${i}.reach`)}
                />
              </div>
              <button type="button" className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" onClick={() => removeRow('communications', i)}>
                Remove<span className="govuk-visually-hidden"> communication {i + 1}</span>
              </button>
            </fieldset>
          ))}
          <button type="button" id="add-communications" className="govuk-button govuk-button--secondary" data-module="govuk-button" onClick={() => addRow('communications')}>
            {values.communications.length ? 'Add another communication' : 'Add a communication'}
          </button>

          {!theirs && (
            <div className="govuk-button-group">
              <Button type="submit" pending={save.isPending}>
                Save figures
              </Button>
            </div>
          )}
        </form>
      </div>
    </div>
  );
}
