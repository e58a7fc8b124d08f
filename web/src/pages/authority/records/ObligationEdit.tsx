import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { call } from '../../../api/client';
import type { BodyOf } from '../../../api/types';
import { useApi } from '../../../app/context';
import { friendly } from '../../../components/admin-labels';
import { Conflict, type ConflictField } from '../../../components/Conflict';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { Radios, Select, Textarea, TextInput } from '../../../components/fields';
import { asApiError, useFormErrors, useVersionedForm } from '../../../components/forms';
import { PageTitle } from '../../../components/PageTitle';
import { BackLink, Button, LoadError, Loading } from '../../../components/ui';
import { CADENCE_LABELS, SECTION_LABELS, useAuthority, useRecordAbilities, type Obligation } from './common';

type Put = BodyOf<'/authorities/{id}/sop/obligations/{obligationId}', 'put'>;

interface Values {
  section: string;
  commitment: string;
  cadence: string;
  ownerRole: string;
}

const MESSAGES = {
  section: 'Select the toolkit section',
  commitment: 'Enter what the SOP commits the authority to, in up to 2,000 characters',
  cadence: 'Select how often evidence is due',
  ownerRole: 'Enter the role that owns it, like Prevent lead',
};
const FIELDS = Object.keys(MESSAGES);
const CONFLICT_FIELDS: ConflictField[] = [
  { key: 'section', label: 'Section' },
  { key: 'commitment', label: 'Commitment' },
  { key: 'cadence', label: 'Cadence' },
  { key: 'ownerRole', label: 'Owner' },
];
const valuesOf = (o: Obligation): Values => ({ section: o.section, commitment: o.commitment, cadence: o.cadence, ownerRole: o.ownerRole });
const display = (v: Values) => ({ ...v, section: SECTION_LABELS[v.section as Obligation['section']] ?? v.section, cadence: CADENCE_LABELS[v.cadence as Obligation['cadence']] ?? v.cadence });

/** The lead edits an obligation of the SOP (its status and evidence stay as recorded). */
export default function ObligationEdit() {
  const { id = '', obligationId = '' } = useParams();
  const api = useApi();
  const can = useRecordAbilities(id);
  const authority = useAuthority(id);
  const obligation = useQuery({
    queryKey: ['obligation', id, obligationId],
    queryFn: () => call(api.GET('/authorities/{id}/sop/obligations/{obligationId}', { params: { path: { id, obligationId } } })),
    enabled: can.editsSop,
  });
  if (!can.editsSop)
    return (
      <>
        <PageTitle title="Edit an obligation" />
        <p className="govuk-body">Only the authority’s Prevent lead edits the obligations of its SOP.</p>
      </>
    );
  if (obligation.isPending || authority.isPending) return <Loading what="Loading the obligation" />;
  const failed = obligation.error ?? authority.error;
  if (failed) return <LoadError error={failed} retry={() => void obligation.refetch()} />;
  return <Form id={id} name={authority.data!.name} existing={obligation.data!} />;
}

function Form({ id, name, existing }: { id: string; name: string; existing: Obligation }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Values>(valuesOf(existing));
  const [base, setBase] = useState<Obligation>(existing);
  const path = { id, obligationId: existing.id };
  const { form, theirs, setTheirs, onError } = useVersionedForm<Obligation>(() => call(api.GET('/authorities/{id}/sop/obligations/{obligationId}', { params: { path } })));
  const { errors, forField } = friendly(form.errors, MESSAGES);
  const set = (key: keyof Values) => (value: string) => setValues((v) => ({ ...v, [key]: value }));
  const save = useMutation({
    // Status and evidence go back as they are: editing the commitment leaves them alone.
    mutationFn: (against: Obligation) =>
      call(api.PUT('/authorities/{id}/sop/obligations/{obligationId}', { params: { path }, body: { ...values, status: against.status, evidence: against.evidence, version: against.version } as Put })),
    onSuccess: async (saved) => {
      queryClient.setQueryData(['obligation', id, existing.id], saved);
      await queryClient.invalidateQueries({ queryKey: ['obligations', id], refetchType: 'all' });
      navigate(`/authorities/${id}/sop/obligations/${existing.id}`, { state: { flash: 'Obligation saved' } });
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
        <BackLink to={`/authorities/${id}/sop/obligations/${existing.id}`}>Back to the obligation</BackLink>
        {errors.length > 0 && <ErrorSummary errors={errors} fields={FIELDS} />}
        {theirs && (
          <Conflict
            what="this obligation"
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
        <PageTitle title="Edit an obligation" caption={name} hasErrors={errors.length > 0 || !!theirs} />
        <p className="govuk-body">Make the obligation fit your authority. Its status and evidence stay as recorded; changing the cadence moves its next due date.</p>
        <form noValidate onSubmit={submit}>
          <Select
            name="section"
            label="Toolkit section"
            value={values.section}
            onChange={set('section')}
            error={forField('section')}
            options={Object.entries(SECTION_LABELS).map(([value, label]) => ({ value, label }))}
          />
          <Textarea name="commitment" label="Commitment" hint="What the SOP commits the authority to" value={values.commitment} onChange={set('commitment')} error={forField('commitment')} />
          <Radios
            name="cadence"
            legend="How often is evidence due?"
            value={values.cadence}
            onChange={set('cadence')}
            error={forField('cadence')}
            options={Object.entries(CADENCE_LABELS).map(([value, label]) => ({ value, label }))}
          />
          <TextInput name="ownerRole" label="Owner" hint="The role responsible, for example Prevent lead" value={values.ownerRole} onChange={set('ownerRole')} error={forField('ownerRole')} />
          {!theirs && (
            <Button type="submit" pending={save.isPending}>
              Save changes
            </Button>
          )}
        </form>
        {!theirs && <Remove id={id} obligation={base} />}
      </div>
    </div>
  );
}

/** Removing the obligation (its past versions stay for past years' reports), after a confirmation. */
function Remove({ id, obligation }: { id: string; obligation: Obligation }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const form = useFormErrors();
  const remove = useMutation({
    mutationFn: () =>
      call(api.DELETE('/authorities/{id}/sop/obligations/{obligationId}', { params: { path: { id, obligationId: obligation.id }, query: { version: obligation.version } } })),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: ['obligation', id, obligation.id] });
      await queryClient.invalidateQueries({ queryKey: ['obligations', id], refetchType: 'all' });
      navigate(`/authorities/${id}/sop`, { state: { flash: 'Obligation removed' } });
    },
    onError: (e) => form.setError(asApiError(e)),
  });
  return (
    <section className="govuk-!-margin-top-8" aria-labelledby="remove-heading">
      <h2 className="govuk-heading-m" id="remove-heading">
        Remove this obligation
      </h2>
      {form.error && (
        <div className="govuk-error-summary" role="alert">
          <h3 className="govuk-error-summary__title">There is a problem</h3>
          <div className="govuk-error-summary__body">
            <p className="govuk-body">{form.error.message}</p>
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
            <p className="govuk-body govuk-!-font-weight-bold">Are you sure? Its reminders stop; its past evidence stays in past years’ reports.</p>
            <div className="govuk-button-group">
              <Button variant="warning" onClick={() => remove.mutate()} pending={remove.isPending}>
                Yes, remove this obligation
              </Button>
              <button type="button" className="govuk-link app-link-button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          </div>
        </div>
      ) : (
        <>
          <p className="govuk-body">If the SOP no longer commits the authority to it. A template obligation removed can be copied in again.</p>
          <Button variant="warning" onClick={() => setConfirming(true)}>
            Remove this obligation
          </Button>
        </>
      )}
    </section>
  );
}
