import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { call } from '../../../api/client';
import type { BodyOf } from '../../../api/types';
import { useApi } from '../../../app/context';
import { useAbilities } from '../../../app/session';
import { friendly } from '../../../components/admin-labels';
import { Conflict, type ConflictField } from '../../../components/Conflict';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { Checkboxes, Radios, Select, Textarea, TextInput } from '../../../components/fields';
import { useVersionedForm } from '../../../components/forms';
import { PageTitle } from '../../../components/PageTitle';
import { BackLink, Button, LoadError, Loading } from '../../../components/ui';
import { OUTCOME_LABELS, SCOPE_LABELS, today, useAssurances, useAuthority, useProviderName, useRecordAbilities, type Assurance } from './common';

type Put = BodyOf<'/authorities/{id}/it-filter-assurances/{year}', 'put'>;

interface Values {
  reviewedOn: string;
  itProvidedBy: string;
  assuredByName: string;
  assuredByRole: string;
  assuredByOrganisation: string;
  product: string;
  ctiruListApplied: string;
  ctiruListVersion: string;
  scope: string[];
  scopeOther: string;
  outcome: string;
  actions: string;
  evidence: string;
}

const MESSAGES = {
  reviewedOn: 'Enter the date the filters were reviewed, like 14 March 2027',
  itProvidedBy: 'Select who provides the IT',
  'assuredBy.name': 'Enter the name of the person who gave the assurance',
  'assuredBy.role': 'Enter their role, like Head of ICT',
  'assuredBy.organisation': 'Enter their organisation',
  product: 'Enter the filter or firewall product',
  ctiruListApplied: 'Select whether the CTIRU list of terms is applied',
  ctiruListVersion: 'Give the date or version of the CTIRU list applied',
  scope: 'Select what the review covered',
  scopeOther: 'Describe the other scope',
  outcome: 'Select the outcome of the review',
  actions: 'Say what will be done when not fully assured',
  evidence: 'Enter an evidence reference or link in up to 1,000 characters',
};
const FIELDS = Object.keys(MESSAGES);
const CONFLICT_FIELDS: ConflictField[] = [
  { key: 'reviewedOn', label: 'Reviewed on' },
  { key: 'itProvidedBy', label: 'IT provided by' },
  { key: 'assuredByName', label: 'Assured by' },
  { key: 'product', label: 'Product' },
  { key: 'ctiruListApplied', label: 'CTIRU list applied' },
  { key: 'ctiruListVersion', label: 'CTIRU list version' },
  { key: 'scope', label: 'Scope' },
  { key: 'outcome', label: 'Outcome' },
  { key: 'actions', label: 'Actions' },
  { key: 'evidence', label: 'Evidence' },
];

function valuesOf(a: Assurance | undefined, itProvidedBy: string): Values {
  return {
    reviewedOn: a?.reviewedOn ?? today(),
    itProvidedBy: a ? (a.itProvidedBy ?? '') : itProvidedBy,
    assuredByName: a?.assuredBy.name ?? '',
    assuredByRole: a?.assuredBy.role ?? '',
    assuredByOrganisation: a?.assuredBy.organisation ?? '',
    product: a?.product ?? '',
    ctiruListApplied: a ? (a.ctiruListApplied ? 'yes' : 'no') : '',
    ctiruListVersion: a?.ctiruListVersion ?? '',
    scope: a?.scope ?? [],
    scopeOther: a?.scopeOther ?? '',
    outcome: a?.outcome ?? '',
    actions: a?.actions ?? '',
    evidence: a?.evidence ?? '',
  };
}

/** Recording (or correcting) a year's IT-filter assurance. */
export default function ItFilterForm() {
  const { id = '', year = '' } = useParams();
  const can = useRecordAbilities(id);
  const authority = useAuthority(id);
  const assurances = useAssurances(id);
  const title = `IT-filter assurance ${year}`;
  if (!can.recordsItFilter)
    return (
      <>
        <PageTitle title={title} />
        <p className="govuk-body">Your role cannot record IT-filter assurances.</p>
      </>
    );
  if (authority.isPending || assurances.isPending) return <Loading what="Loading the assurance" />;
  const failed = authority.error ?? assurances.error;
  if (failed) return <LoadError error={failed} retry={() => void assurances.refetch()} />;
  const existing = assurances.data!.items.find((a) => a.year === year);
  return <Form id={id} year={year} name={authority.data!.name} existing={existing} recordedProvider={authority.data!.itProvidedBy ?? ''} />;
}

function Form({ id, year, name, existing, recordedProvider }: { id: string; year: string; name: string; existing?: Assurance; recordedProvider: string }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const can = useAbilities();
  const providerName = useProviderName();
  const list = useQuery({ queryKey: ['authorities'], queryFn: () => call(api.GET('/authorities')), enabled: can.seesPartnership });
  const [values, setValues] = useState<Values>(() => valuesOf(existing, recordedProvider));
  const [version, setVersion] = useState(existing?.version ?? 0);
  const load = async () => (await call(api.GET('/authorities/{id}/it-filter-assurances', { params: { path: { id } } }))).items.find((a) => a.year === year) ?? null;
  const { form, theirs, setTheirs, onError } = useVersionedForm<Assurance>(load);
  const { errors, forField } = friendly(form.errors, MESSAGES);
  const set = <K extends keyof Values>(key: K) => (value: Values[K]) => setValues((v) => ({ ...v, [key]: value }));

  // Who may provide the IT: the partnership's authorities for the steering group; for the
  // authority's own users (who cannot list the others) the provider on the authority's details.
  const known = new Set([recordedProvider, existing?.itProvidedBy ?? '', values.itProvidedBy].filter(Boolean));
  const providers = can.seesPartnership
    ? (list.data?.items ?? []).filter((a) => a.id !== id).sort((a, b) => a.name.localeCompare(b.name)).map((a) => ({ value: a.id, label: a.name }))
    : [...known].map((p) => ({ value: p, label: providerName(p) }));

  const save = useMutation({
    mutationFn: (against: number) => {
      const applied = values.ctiruListApplied === 'yes' ? true : values.ctiruListApplied === 'no' ? false : undefined;
      const optional = (text: string) => (text.trim() ? text : undefined);
      const body = {
        reviewedOn: values.reviewedOn,
        ...(values.itProvidedBy ? { itProvidedBy: values.itProvidedBy } : {}),
        assuredBy: { name: values.assuredByName, role: values.assuredByRole, organisation: values.assuredByOrganisation },
        product: values.product,
        ctiruListApplied: applied,
        ctiruListVersion: applied ? optional(values.ctiruListVersion) : undefined,
        scope: values.scope,
        scopeOther: values.scope.includes('other') ? optional(values.scopeOther) : undefined,
        outcome: values.outcome || undefined,
        actions: optional(values.actions),
        evidence: optional(values.evidence),
        version: against,
      } as Put;
      return call(api.PUT('/authorities/{id}/it-filter-assurances/{year}', { params: { path: { id, year } }, body }));
    },
    onSuccess: async () => {
      // Refetched before leaving, so the page shows the new status at once (not the cached one first).
      await queryClient.invalidateQueries({ queryKey: ['it-filter', id], refetchType: 'all' });
      navigate(`/authorities/${id}/it-filter-assurances`, { state: { flash: `IT-filter assurance for ${year} saved` } });
    },
    onError,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTheirs(null);
    save.mutate(version);
  };
  const shown = (v: Values) => ({ ...v, itProvidedBy: providerName(v.itProvidedBy || undefined), ctiruListApplied: v.ctiruListApplied === 'yes' ? 'Yes' : v.ctiruListApplied === 'no' ? 'No' : '' });

  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <BackLink to={`/authorities/${id}/it-filter-assurances`}>Back to the IT-filter assurance</BackLink>
        {errors.length > 0 && <ErrorSummary errors={errors} fields={FIELDS} />}
        {theirs && (
          <Conflict
            what="this assurance"
            fields={CONFLICT_FIELDS}
            yours={shown(values)}
            theirs={shown(valuesOf(theirs, recordedProvider))}
            pending={save.isPending}
            onKeepMine={() => {
              setVersion(theirs.version);
              save.mutate(theirs.version);
            }}
            onUseTheirs={() => {
              setValues(valuesOf(theirs, recordedProvider));
              setVersion(theirs.version);
              setTheirs(null);
              form.clear();
            }}
          />
        )}
        <PageTitle title={`IT-filter assurance ${year}`} caption={name} hasErrors={errors.length > 0 || !!theirs} />
        <p className="govuk-body">Record the year’s review of the firewalls and web filters, and who assured it.</p>
        <form noValidate onSubmit={submit}>
          <TextInput name="reviewedOn" label="Date the filters were reviewed" type="date" width={10} value={values.reviewedOn} onChange={set('reviewedOn')} error={forField('reviewedOn')} />
          <Select
            name="itProvidedBy"
            label="Who provides the IT"
            hint={can.seesPartnership ? 'If another authority of the partnership runs its IT (and its web filtering)' : 'Another authority of the partnership is listed if your authority’s details say it provides your IT; your steering group can change that'}
            value={values.itProvidedBy}
            onChange={set('itProvidedBy')}
            options={[{ value: '', label: `${name} (its own IT)` }, ...providers]}
            error={forField('itProvidedBy')}
          />
          <fieldset className="govuk-fieldset govuk-!-margin-bottom-6">
            <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">Who gave the assurance</legend>
            <TextInput name="assuredBy.name" label="Name" value={values.assuredByName} onChange={set('assuredByName')} error={forField('assuredBy.name')} />
            <TextInput name="assuredBy.role" label="Role" value={values.assuredByRole} onChange={set('assuredByRole')} error={forField('assuredBy.role')} />
            <TextInput name="assuredBy.organisation" label="Organisation" value={values.assuredByOrganisation} onChange={set('assuredByOrganisation')} error={forField('assuredBy.organisation')} />
          </fieldset>
          <TextInput name="product" label="Filter or firewall product" value={values.product} onChange={set('product')} error={forField('product')} />
          <Radios
            name="ctiruListApplied"
            legend="Is the CTIRU list of terms applied?"
            inline
            value={values.ctiruListApplied}
            onChange={set('ctiruListApplied')}
            error={forField('ctiruListApplied')}
            options={[
              { value: 'yes', label: 'Yes' },
              { value: 'no', label: 'No' },
            ]}
          />
          {values.ctiruListApplied === 'yes' && (
            <TextInput name="ctiruListVersion" label="Date or version of the CTIRU list" width={20} value={values.ctiruListVersion} onChange={set('ctiruListVersion')} error={forField('ctiruListVersion')} />
          )}
          <Checkboxes
            name="scope"
            legend="What did the review cover?"
            hint="Select all that apply"
            values={values.scope}
            onChange={set('scope')}
            error={forField('scope')}
            options={Object.entries(SCOPE_LABELS).map(([value, label]) => ({ value, label }))}
          />
          {values.scope.includes('other') && <TextInput name="scopeOther" label="Other scope" value={values.scopeOther} onChange={set('scopeOther')} error={forField('scopeOther')} />}
          <Radios
            name="outcome"
            legend="Outcome"
            value={values.outcome}
            onChange={set('outcome')}
            error={forField('outcome')}
            options={Object.entries(OUTCOME_LABELS).map(([value, o]) => ({ value, label: o.label }))}
          />
          <Textarea
            name="actions"
            label={values.outcome && values.outcome !== 'assured' ? 'Actions' : 'Actions (optional)'}
            hint="Required unless fully assured: what will be done, by whom and when"
            rows={3}
            value={values.actions}
            onChange={set('actions')}
            error={forField('actions')}
          />
          <TextInput name="evidence" label="Evidence (optional)" hint="A reference or link, for example ICT assurance letter of 3 March" value={values.evidence} onChange={set('evidence')} error={forField('evidence')} />
          {!theirs && (
            <Button type="submit" pending={save.isPending}>
              Save the assurance
            </Button>
          )}
        </form>
      </div>
    </div>
  );
}
