import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { call, type ApiError } from '../../../api/client';
import type { BodyOf } from '../../../api/types';
import { useApi } from '../../../app/context';
import { friendly } from '../../../components/admin-labels';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { Radios, Textarea, TextInput } from '../../../components/fields';
import { asApiError, useFormErrors } from '../../../components/forms';
import { PageTitle } from '../../../components/PageTitle';
import { BackLink, Button, formatDate, LoadError, Loading, NotificationBanner } from '../../../components/ui';
import { today, useAuthority, useRecordAbilities, useSop, type Sop } from './common';

type Review = BodyOf<'/authorities/{id}/sop/reviews', 'post'>;

interface Values {
  reviewedOn: string;
  reviewer: string;
  outcome: string;
  minuteRef: string;
  newSopVersion: string;
  natureOfRevision: string;
  nextReviewDate: string;
}

const MESSAGES = {
  reviewedOn: 'Enter the date of the review, like 14 March 2027',
  reviewer: 'Enter who reviewed the SOP',
  outcome: 'Select whether the SOP was revised',
  minuteRef: 'Enter the steering group minute that records the review, like SG 2027/03 item 4',
  newSopVersion: 'Enter the new version number of the SOP, like 1.1',
  natureOfRevision: 'Describe the revision in up to 500 characters',
  nextReviewDate: 'Enter a real date for the next review, or leave it empty',
};
const FIELDS = Object.keys(MESSAGES);

/** The lead records the SOP's annual review, as minuted by the steering group; the next review moves on. */
export default function SopReviewForm() {
  const { id = '' } = useParams();
  const can = useRecordAbilities(id);
  const sop = useSop(id);
  const authority = useAuthority(id);
  if (!can.editsSop)
    return (
      <>
        <PageTitle title="Record the annual review of the SOP" />
        <p className="govuk-body">Only the authority’s Prevent lead records the review of its SOP.</p>
      </>
    );
  if (sop.isPending || authority.isPending) return <Loading what="Loading the SOP" />;
  const failed = sop.error ?? authority.error;
  if (failed) return <LoadError error={failed} retry={() => void sop.refetch()} />;
  return <Form id={id} sop={sop.data!} name={authority.data!.name} />;
}

function Form({ id, sop, name }: { id: string; sop: Sop; name: string }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Values>({ reviewedOn: today(), reviewer: '', outcome: '', minuteRef: '', newSopVersion: '', natureOfRevision: '', nextReviewDate: '' });
  const [version, setVersion] = useState(sop.version);
  const form = useFormErrors();
  const { errors, forField } = friendly(form.errors, MESSAGES);
  const set = (key: keyof Values) => (value: string) => setValues((v) => ({ ...v, [key]: value }));
  const conflict: ApiError | null = form.error?.isConflict ? form.error : null;

  const save = useMutation({
    mutationFn: () => {
      const revised = values.outcome === 'revised';
      const body = {
        reviewedOn: values.reviewedOn,
        reviewer: values.reviewer,
        outcome: values.outcome || undefined,
        minuteRef: values.minuteRef,
        ...(revised && values.newSopVersion.trim() ? { newSopVersion: values.newSopVersion } : {}),
        ...(revised && values.natureOfRevision.trim() ? { natureOfRevision: values.natureOfRevision } : {}),
        ...(values.nextReviewDate ? { nextReviewDate: values.nextReviewDate } : {}),
        version,
      } as Review;
      return call(api.POST('/authorities/{id}/sop/reviews', { params: { path: { id } }, body }));
    },
    onSuccess: async ({ sop: saved }) => {
      queryClient.setQueryData(['sop', id], saved);
      // Refetched before leaving, so the SOP page shows the review at once (not the cached history first).
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['sop-reviews', id], refetchType: 'all' }),
        queryClient.invalidateQueries({ queryKey: ['sop-versions', id], refetchType: 'all' }),
        queryClient.invalidateQueries({ queryKey: ['sops'] }),
      ]);
      navigate(`/authorities/${id}/sop`, { state: { flash: `Review recorded. The next review is due by ${formatDate(saved.nextReviewDate)}.` } });
    },
    onError: (e) => form.setError(asApiError(e)),
  });

  /** After a conflict: the SOP as it is now, whose version the next submission goes against. */
  const reload = async () => {
    const current = await queryClient.fetchQuery({ queryKey: ['sop', id], queryFn: () => call(api.GET('/authorities/{id}/sop', { params: { path: { id } } })), staleTime: 0 });
    setVersion(current.version);
    form.clear();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };

  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <BackLink to={`/authorities/${id}/sop`}>Back to the SOP</BackLink>
        {!conflict && <ErrorSummary errors={errors} fields={FIELDS} />}
        {conflict && (
          <NotificationBanner title="The SOP has changed">
            <p className="govuk-notification-banner__heading">Someone else changed the SOP while you were recording the review.</p>
            <p className="govuk-body">Nothing you typed has been lost. Check the SOP as it is now, then record the review again.</p>
            <Button variant="secondary" onClick={() => void reload()}>
              Use the SOP as it is now
            </Button>
          </NotificationBanner>
        )}
        <PageTitle title="Record the annual review of the SOP" caption={name} hasErrors={errors.length > 0} />
        <p className="govuk-body">
          {sop.title}, version {sop.sopVersion}. Its next review is due by {formatDate(sop.nextReviewDate)}. Record the review once the steering group has minuted it.
        </p>
        <form noValidate onSubmit={submit}>
          <TextInput name="reviewedOn" label="Date of the review" type="date" width={10} value={values.reviewedOn} onChange={set('reviewedOn')} error={forField('reviewedOn')} />
          <TextInput name="reviewer" label="Reviewed by" hint="Name and role, for example Robin Example, Head of Policy and Partnerships" value={values.reviewer} onChange={set('reviewer')} error={forField('reviewer')} />
          <TextInput
            name="minuteRef"
            label="Steering group minute"
            hint="The minute that records the review, for example SG 2027/03 item 4"
            width={20}
            value={values.minuteRef}
            onChange={set('minuteRef')}
            error={forField('minuteRef')}
          />
          <Radios
            name="outcome"
            legend="Outcome of the review"
            value={values.outcome}
            onChange={set('outcome')}
            error={forField('outcome')}
            options={[
              { value: 'unchanged', label: 'Unchanged', hint: `The SOP stays at version ${sop.sopVersion}` },
              { value: 'revised', label: 'Revised', hint: 'A new version of the SOP; the revision is added to its revision record' },
            ]}
          />
          {values.outcome === 'revised' && (
            <>
              <TextInput name="newSopVersion" label="New version number" hint={`It is at version ${sop.sopVersion} now`} width={5} value={values.newSopVersion} onChange={set('newSopVersion')} error={forField('newSopVersion')} />
              <Textarea name="natureOfRevision" label="Nature of the revision (optional)" hint="What changed, for the revision record" rows={3} value={values.natureOfRevision} onChange={set('natureOfRevision')} error={forField('natureOfRevision')} />
            </>
          )}
          <TextInput
            name="nextReviewDate"
            label="Next review date (optional)"
            hint="Leave empty for 12 months after the date of the review"
            type="date"
            width={10}
            value={values.nextReviewDate}
            onChange={set('nextReviewDate')}
            error={forField('nextReviewDate')}
          />
          {!conflict && (
            <Button type="submit" pending={save.isPending}>
              Record the review
            </Button>
          )}
        </form>
      </div>
    </div>
  );
}
