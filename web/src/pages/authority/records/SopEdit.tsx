import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { call, type ApiError } from '../../../api/client';
import type { BodyOf } from '../../../api/types';
import { useApi } from '../../../app/context';
import { friendly } from '../../../components/admin-labels';
import { Conflict, type ConflictField } from '../../../components/Conflict';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { Radios, Textarea, TextInput } from '../../../components/fields';
import { useVersionedForm } from '../../../components/forms';
import { PageTitle } from '../../../components/PageTitle';
import { BackLink, Button, LoadError, Loading } from '../../../components/ui';
import { RATING_LABELS, useAuthority, useRecordAbilities, useSop, type Sop } from './common';

type Put = BodyOf<'/authorities/{id}/sop', 'put'>;

interface Values {
  title: string;
  ownerName: string;
  ownerRole: string;
  sopVersion: string;
  implementationDate: string;
  nextReviewDate: string;
  securityClassification: string;
  foiDisclosable: string;
  riskRating: string;
  equalityAnalysis: string;
}

const MESSAGES = {
  title: 'Enter the SOP’s title',
  ownerName: 'Enter the name of the SOP’s owner',
  ownerRole: 'Enter the owner’s role, like Chief Executive',
  sopVersion: 'Enter the document’s version number, like 1.0',
  implementationDate: 'Enter the implementation date, like 1 April 2026',
  nextReviewDate: 'Enter the date the next review must happen before, like 1 April 2027',
  securityClassification: 'Select the security classification',
  foiDisclosable: 'Select whether the SOP can be disclosed under the Freedom of Information Act',
  riskRating: 'Select the risk rating',
  equalityAnalysis: 'Enter the result of the equality analysis, like Low',
};
const FIELDS = Object.keys(MESSAGES);
const CONFLICT_FIELDS: ConflictField[] = [
  { key: 'title', label: 'Title' },
  { key: 'ownerName', label: 'Owner' },
  { key: 'ownerRole', label: 'Owner’s role' },
  { key: 'sopVersion', label: 'Version' },
  { key: 'implementationDate', label: 'Implementation date' },
  { key: 'nextReviewDate', label: 'Next review date prior to' },
  { key: 'securityClassification', label: 'Security classification' },
  { key: 'foiDisclosable', label: 'FOI disclosable' },
  { key: 'riskRating', label: 'Risk rating' },
  { key: 'equalityAnalysis', label: 'Equality analysis' },
];

const EMPTY: Values = {
  title: '', ownerName: '', ownerRole: '', sopVersion: '1.0', implementationDate: '', nextReviewDate: '', securityClassification: 'OFFICIAL', foiDisclosable: '', riskRating: '', equalityAnalysis: '',
};
const valuesOf = (s: Sop): Values => ({
  title: s.title,
  ownerName: s.ownerName,
  ownerRole: s.ownerRole,
  sopVersion: s.sopVersion,
  implementationDate: s.implementationDate,
  nextReviewDate: s.nextReviewDate,
  securityClassification: s.securityClassification,
  foiDisclosable: s.foiDisclosable ? 'yes' : 'no',
  riskRating: s.riskRating,
  equalityAnalysis: s.equalityAnalysis,
});

/** The lead records the SOP (version 0) or changes its details, as in the document (seed 004's front sheet). */
export default function SopEdit() {
  const { id = '' } = useParams();
  const can = useRecordAbilities(id);
  const sop = useSop(id);
  const authority = useAuthority(id);
  if (!can.editsSop)
    return (
      <>
        <PageTitle title="SOP details" />
        <p className="govuk-body">Only the authority’s Prevent lead changes its SOP.</p>
      </>
    );
  if (sop.isPending || authority.isPending) return <Loading what="Loading the SOP" />;
  const missing = (sop.error as ApiError | null)?.status === 404;
  const failed = (missing ? null : sop.error) ?? authority.error;
  if (failed) return <LoadError error={failed} retry={() => void sop.refetch()} />;
  return <Form id={id} name={authority.data!.name} existing={missing ? undefined : sop.data} />;
}

function Form({ id, name, existing }: { id: string; name: string; existing?: Sop }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Values>(existing ? valuesOf(existing) : EMPTY);
  const [base, setBase] = useState<Sop | undefined>(existing);
  const load = () => call(api.GET('/authorities/{id}/sop', { params: { path: { id } } }));
  const { form, theirs, setTheirs, onError } = useVersionedForm<Sop>(load);
  const { errors, forField } = friendly(form.errors, MESSAGES);
  const set = (key: keyof Values) => (value: string) => setValues((v) => ({ ...v, [key]: value }));

  const save = useMutation({
    mutationFn: (against: Sop | undefined) => {
      const body = {
        ...values,
        foiDisclosable: values.foiDisclosable === 'yes' ? true : values.foiDisclosable === 'no' ? false : undefined,
        securityClassification: values.securityClassification || undefined,
        riskRating: values.riskRating || undefined,
        revisions: against?.revisions ?? (values.implementationDate ? [{ date: values.implementationDate, nature: 'First issue' }] : []),
        version: against?.version ?? 0,
      } as Put;
      return call(api.PUT('/authorities/{id}/sop', { params: { path: { id } }, body }));
    },
    onSuccess: async (saved) => {
      queryClient.setQueryData(['sop', id], saved);
      // Refetched before leaving, so the SOP page shows the new history at once (not the cached one first).
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['sop-versions', id], refetchType: 'all' }),
        queryClient.invalidateQueries({ queryKey: ['sops'] }),
      ]);
      navigate(`/authorities/${id}/sop`, { state: { flash: existing ? 'SOP details saved' : 'SOP recorded' } });
    },
    onError,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTheirs(null);
    save.mutate(base);
  };
  const title = existing ? 'Change the SOP’s details' : 'Record the SOP';
  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <BackLink to={`/authorities/${id}/sop`}>Back to the SOP</BackLink>
        {errors.length > 0 && <ErrorSummary errors={errors} fields={FIELDS} />}
        {theirs && (
          <Conflict
            what="the SOP"
            fields={CONFLICT_FIELDS}
            yours={values as unknown as Record<string, unknown>}
            theirs={valuesOf(theirs) as unknown as Record<string, unknown>}
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
        <PageTitle title={title} caption={name} hasErrors={errors.length > 0 || !!theirs} />
        <p className="govuk-body">The details from the SOP document’s front sheet. Its annual review is recorded separately, once minuted by the steering group.</p>
        <form noValidate onSubmit={submit}>
          <TextInput name="title" label="Title" value={values.title} onChange={set('title')} error={forField('title')} />
          <TextInput name="ownerName" label="Owner’s name" value={values.ownerName} onChange={set('ownerName')} error={forField('ownerName')} />
          <TextInput name="ownerRole" label="Owner’s role" value={values.ownerRole} onChange={set('ownerRole')} error={forField('ownerRole')} />
          <TextInput name="sopVersion" label="Version" hint="The document’s own version number, for example 1.0" width={5} value={values.sopVersion} onChange={set('sopVersion')} error={forField('sopVersion')} />
          <TextInput name="implementationDate" label="Implementation date" type="date" width={10} value={values.implementationDate} onChange={set('implementationDate')} error={forField('implementationDate')} />
          <TextInput
            name="nextReviewDate"
            label="Next review date prior to"
            hint="Reminders are sent before this date"
            type="date"
            width={10}
            value={values.nextReviewDate}
            onChange={set('nextReviewDate')}
            error={forField('nextReviewDate')}
          />
          <Radios
            name="securityClassification"
            legend="Security classification"
            value={values.securityClassification}
            onChange={set('securityClassification')}
            error={forField('securityClassification')}
            options={[
              { value: 'OFFICIAL', label: 'OFFICIAL' },
              { value: 'OFFICIAL-SENSITIVE', label: 'OFFICIAL-SENSITIVE' },
            ]}
          />
          <Radios
            name="foiDisclosable"
            legend="Can it be disclosed under the Freedom of Information Act?"
            inline
            value={values.foiDisclosable}
            onChange={set('foiDisclosable')}
            error={forField('foiDisclosable')}
            options={[
              { value: 'yes', label: 'Yes' },
              { value: 'no', label: 'No' },
            ]}
          />
          <Radios
            name="riskRating"
            legend="Risk rating"
            inline
            value={values.riskRating}
            onChange={set('riskRating')}
            error={forField('riskRating')}
            options={Object.entries(RATING_LABELS).map(([value, label]) => ({ value, label }))}
          />
          <Textarea name="equalityAnalysis" label="Equality analysis" hint="The result of the equality impact analysis, for example Low" rows={3} value={values.equalityAnalysis} onChange={set('equalityAnalysis')} error={forField('equalityAnalysis')} />
          {!theirs && (
            <Button type="submit" pending={save.isPending}>
              {existing ? 'Save changes' : 'Record the SOP'}
            </Button>
          )}
        </form>
      </div>
    </div>
  );
}
