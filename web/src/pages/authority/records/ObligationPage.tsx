import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { call } from '../../../api/client';
import type { BodyOf } from '../../../api/types';
import { useApi } from '../../../app/context';
import { friendly } from '../../../components/admin-labels';
import { Conflict, type ConflictField } from '../../../components/Conflict';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { Radios, Textarea, TextInput } from '../../../components/fields';
import { useVersionedForm } from '../../../components/forms';
import { PageTitle } from '../../../components/PageTitle';
import { BackLink, Button, formatDate, LoadError, Loading, NotificationBanner, SummaryList, type SummaryRow } from '../../../components/ui';
import {
  CADENCE_LABELS, DueTag, dueInWords, OBLIGATION_STATUS, ObligationStatusTag, SECTION_LABELS, today, useAuthority, useRecordAbilities, type Obligation,
} from './common';

type Evidence = BodyOf<'/authorities/{id}/sop/obligations/{obligationId}/evidence', 'put'>;

interface Values {
  status: string;
  evidencedOn: string;
  notes: string;
  links: string;
}

const MESSAGES = {
  status: 'Select how far the obligation is met',
  evidencedOn: 'Enter the date the evidence was gathered, like 14 March 2027',
  'evidence.notes': 'Describe the evidence in up to 4,000 characters',
  'evidence.links': 'Enter each link on its own line as a full web address, like https://example.org/minutes.pdf',
};
const FIELDS = ['status', 'evidencedOn', 'evidence.notes', 'evidence.links'];
const CONFLICT_FIELDS: ConflictField[] = [
  { key: 'status', label: 'Status' },
  { key: 'notes', label: 'Evidence' },
  { key: 'links', label: 'Links' },
];

const lines = (text: string) => text.split(/\n+/).map((l) => l.trim()).filter(Boolean);
const valuesOf = (o: Obligation): Values => ({ status: o.status, evidencedOn: today(), notes: o.evidence.notes, links: o.evidence.links.join('\n') });
const display = (v: Values) => ({ status: OBLIGATION_STATUS[v.status as Obligation['status']]?.label ?? v.status, notes: v.notes, links: lines(v.links) });

/** One obligation of the SOP (reminders link here): what it commits to, its evidence, and recording more. */
export default function ObligationPage() {
  const { id = '', obligationId = '' } = useParams();
  const api = useApi();
  const can = useRecordAbilities(id);
  const authority = useAuthority(id);
  const [flash, setFlash] = useState<string | undefined>((useLocation().state as { flash?: string } | null)?.flash);
  const obligation = useQuery({
    queryKey: ['obligation', id, obligationId],
    queryFn: () => call(api.GET('/authorities/{id}/sop/obligations/{obligationId}', { params: { path: { id, obligationId } } })),
  });
  const name = authority.data?.name ?? id;
  const o = obligation.data;
  let body;
  if (obligation.isPending) body = <Loading what="Loading the obligation" />;
  else if (obligation.error) body = <LoadError error={obligation.error} retry={() => void obligation.refetch()} />;
  else {
    const rows: SummaryRow[] = [
      { key: 'Section', value: SECTION_LABELS[o!.section] },
      { key: 'Commitment', value: o!.commitment },
      { key: 'Cadence', value: CADENCE_LABELS[o!.cadence] },
      { key: 'Owner', value: o!.ownerRole },
      { key: 'Status', value: <ObligationStatusTag status={o!.status} /> },
      { key: 'Last evidenced', value: o!.lastEvidencedOn ? formatDate(o!.lastEvidencedOn) : 'No evidence recorded yet' },
      {
        key: 'Next due',
        value: (
          <>
            {formatDate(o!.nextDueOn)} ({dueInWords(o!.nextDueOn)}) <DueTag on={o!.nextDueOn} />
          </>
        ),
      },
      { key: 'Evidence', value: o!.evidence.notes || 'None recorded' },
      {
        key: 'Links',
        value: o!.evidence.links.length ? (
          <ul className="govuk-list">
            {o!.evidence.links.map((l) => (
              <li key={l}>
                <a className="govuk-link" href={l} rel="noreferrer noopener" target="_blank">
                  {l} (opens in new tab)
                </a>
              </li>
            ))}
          </ul>
        ) : (
          'None'
        ),
      },
    ];
    body = (
      <>
        <SummaryList rows={rows} />
        {can.editsSop && (
          <p className="govuk-body">
            <Link className="govuk-link" to={`/authorities/${id}/sop/obligations/${obligationId}/edit`}>
              Edit this obligation<span className="govuk-visually-hidden">: its commitment, cadence and owner</span>
            </Link>
          </p>
        )}
        {can.recordsEvidence && <EvidenceForm key={o!.version} id={id} obligation={o!} onSaved={(message) => setFlash(message)} />}
      </>
    );
  }
  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <BackLink to={`/authorities/${id}/sop`}>Back to the SOP</BackLink>
        {flash && (
          <NotificationBanner type="success">
            <p className="govuk-notification-banner__heading">{flash}</p>
          </NotificationBanner>
        )}
        <PageTitle title="SOP obligation" caption={name} />
        {body}
      </div>
    </div>
  );
}

function EvidenceForm({ id, obligation, onSaved }: { id: string; obligation: Obligation; onSaved: (message: string) => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Values>(() => valuesOf(obligation));
  const [version, setVersion] = useState(obligation.version);
  const load = () => call(api.GET('/authorities/{id}/sop/obligations/{obligationId}', { params: { path: { id, obligationId: obligation.id } } }));
  const { form, theirs, setTheirs, onError } = useVersionedForm<Obligation>(load);
  const { errors, forField } = friendly(form.errors, MESSAGES);
  const set = (key: keyof Values) => (value: string) => setValues((v) => ({ ...v, [key]: value }));

  const save = useMutation({
    mutationFn: (against: number) => {
      const body = { status: values.status || undefined, evidencedOn: values.evidencedOn, evidence: { notes: values.notes, links: lines(values.links) }, version: against } as Evidence;
      return call(api.PUT('/authorities/{id}/sop/obligations/{obligationId}/evidence', { params: { path: { id, obligationId: obligation.id } }, body }));
    },
    onSuccess: async (saved) => {
      form.clear();
      setTheirs(null);
      queryClient.setQueryData(['obligation', id, obligation.id], saved);
      await queryClient.invalidateQueries({ queryKey: ['obligations', id], refetchType: 'all' });
      onSaved(`Evidence recorded. The next evidence is due by ${formatDate(saved.nextDueOn)}.`);
      window.scrollTo(0, 0);
    },
    onError,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTheirs(null);
    save.mutate(version);
  };
  return (
    <form noValidate onSubmit={submit}>
      <h2 className="govuk-heading-m govuk-!-margin-top-6">Record evidence</h2>
      <p className="govuk-body">
        Record what shows the commitment is met and when the evidence was gathered. The next due date follows from it ({CADENCE_LABELS[obligation.cadence].toLowerCase()}).
      </p>
      <ErrorSummary errors={errors} fields={FIELDS} />
      {theirs && (
        <Conflict
          what="this obligation"
          fields={CONFLICT_FIELDS}
          yours={display(values)}
          theirs={display(valuesOf(theirs))}
          pending={save.isPending}
          onKeepMine={() => {
            setVersion(theirs.version);
            save.mutate(theirs.version);
          }}
          onUseTheirs={() => {
            setValues({ ...valuesOf(theirs), evidencedOn: values.evidencedOn });
            setVersion(theirs.version);
            setTheirs(null);
            form.clear();
          }}
        />
      )}
      <Radios
        name="status"
        legend="How far is it met?"
        value={values.status}
        onChange={set('status')}
        error={forField('status')}
        options={Object.entries(OBLIGATION_STATUS).map(([value, s]) => ({ value, label: s.label, hint: s.hint }))}
      />
      <TextInput name="evidencedOn" label="Date the evidence was gathered" type="date" width={10} value={values.evidencedOn} onChange={set('evidencedOn')} error={forField('evidencedOn')} />
      <Textarea name="evidence.notes" label="Evidence" hint="For example: minuted at the steering group on 3 March, item 4" value={values.notes} onChange={set('notes')} error={forField('evidence.notes')} />
      <Textarea name="evidence.links" label="Links to evidence (optional)" hint="One web address on each line, up to 20" rows={3} value={values.links} onChange={set('links')} error={forField('evidence.links')} />
      {!theirs && (
        <Button type="submit" pending={save.isPending}>
          Record evidence
        </Button>
      )}
    </form>
  );
}
