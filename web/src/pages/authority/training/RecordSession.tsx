import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { call } from '../../../api/client';
import type { BodyOf } from '../../../api/types';
import { useApi } from '../../../app/context';
import { friendly } from '../../../components/admin-labels';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { Radios, Select, Textarea, TextInput } from '../../../components/fields';
import { asApiError, useFormErrors } from '../../../components/forms';
import { PageTitle } from '../../../components/PageTitle';
import { BackLink, Button, LoadError, Loading } from '../../../components/ui';
import { AUDIENCE_LABELS, forgetTraining, useAuthorityId, useCourses, useTrainingAbilities } from './common';

const MESSAGES = {
  date: 'Enter the date of the session, like 27 3 2026',
  courseId: 'Select what the session covered',
  provider: 'Enter who delivered the session',
  audience: 'Select who the session was for',
  attendees: 'Enter the number of attendees as a whole number, like 24',
  feedbackRespondents: 'Enter how many gave feedback as a whole number, or 0',
  feedbackGoodOrExcellent: 'Enter how many rated it good or excellent as a whole number, or 0',
  notes: 'Notes must be 2,000 characters or fewer',
};

/** A whole number as typed, or the text itself for the API to refuse in words. */
const count = (text: string) => (text.trim() === '' ? undefined : /^\d+$/.test(text.trim()) ? Number(text.trim()) : text);

/** Recording a delivered session (/authorities/:id/training/sessions/new): attendees and feedback, no names. */
export default function RecordSession() {
  const id = useAuthorityId();
  const can = useTrainingAbilities(id);
  const courses = useCourses();
  if (!can.edits)
    return (
      <>
        <PageTitle title="Record a delivered session" />
        <p className="govuk-body">Your role cannot record training for this authority.</p>
      </>
    );
  if (courses.error) return <LoadError error={courses.error} retry={() => void courses.refetch()} />;
  if (courses.isPending) return <Loading what="Loading the courses" />;
  return <Form authorityId={id} courses={courses.data.items.filter((c) => c.active)} />;
}

function Form({ authorityId, courses }: { authorityId: string; courses: { id: string; name: string }[] }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [values, setValues] = useState({ date: '', courseId: '', provider: '', audience: '', attendees: '', feedbackRespondents: '', feedbackGoodOrExcellent: '', notes: '' });
  const form = useFormErrors();
  const { errors, forField } = friendly(form.errors, MESSAGES);
  const set = (key: keyof typeof values) => (value: string) => setValues((v) => ({ ...v, [key]: value }));
  const save = useMutation({
    mutationFn: () => {
      const body = {
        // Empty answers go as absent: the API then says "required", which reads as what to do.
        date: values.date || undefined,
        courseId: values.courseId || undefined,
        provider: values.provider.trim() || undefined,
        audience: values.audience || undefined,
        attendees: count(values.attendees),
        feedbackRespondents: count(values.feedbackRespondents),
        feedbackGoodOrExcellent: count(values.feedbackGoodOrExcellent),
        notes: values.notes.trim() || undefined,
      } as unknown as BodyOf<'/authorities/{id}/sessions', 'post'>;
      return call(api.POST('/authorities/{id}/sessions', { params: { path: { id: authorityId } }, body }));
    },
    onSuccess: async () => {
      forgetTraining(queryClient, authorityId);
      navigate(`/authorities/${authorityId}/training`, { state: { flash: 'Session recorded' } });
    },
    onError: (error) => form.setError(asApiError(error)),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    form.clear();
    save.mutate();
  };
  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <BackLink to={`/authorities/${authorityId}/training`} />
        {errors.length > 0 && <ErrorSummary errors={errors} />}
        <PageTitle title="Record a delivered session" hasErrors={errors.length > 0} />
        <p className="govuk-body">A briefing, workshop or training event you ran, with how many attended and what they thought of it. No names are recorded.</p>
        <form noValidate onSubmit={submit}>
          <TextInput name="date" label="Date of the session" hint="For example, 27 3 2026" type="date" width={10} value={values.date} onChange={set('date')} error={forField('date')} />
          <Select
            name="courseId"
            label="What it covered"
            value={values.courseId}
            onChange={set('courseId')}
            options={[{ value: '', label: 'Select a course' }, ...courses.map((c) => ({ value: c.id, label: c.name }))]}
            error={forField('courseId')}
          />
          <TextInput name="provider" label="Delivered by" hint="A team, an organisation or a trainer’s role" value={values.provider} onChange={set('provider')} error={forField('provider')} />
          <Radios
            name="audience"
            legend="Who it was for"
            value={values.audience}
            onChange={set('audience')}
            options={Object.entries(AUDIENCE_LABELS).map(([value, label]) => ({ value, label }))}
            error={forField('audience')}
          />
          <TextInput name="attendees" label="Number of attendees" inputMode="numeric" width={5} value={values.attendees} onChange={set('attendees')} error={forField('attendees')} />
          <TextInput name="feedbackRespondents" label="How many gave feedback (optional)" inputMode="numeric" width={5} value={values.feedbackRespondents} onChange={set('feedbackRespondents')} error={forField('feedbackRespondents')} />
          <TextInput
            name="feedbackGoodOrExcellent"
            label="How many rated it good or excellent (optional)"
            hint="On knowing how to act on a concern, the measure the partnership reports"
            inputMode="numeric"
            width={5}
            value={values.feedbackGoodOrExcellent}
            onChange={set('feedbackGoodOrExcellent')}
            error={forField('feedbackGoodOrExcellent')}
          />
          <Textarea name="notes" label="Notes (optional)" rows={3} value={values.notes} onChange={set('notes')} error={forField('notes')} />
          <Button type="submit" pending={save.isPending}>
            {form.error?.isNetwork ? 'Try again' : 'Save session'}
          </Button>
        </form>
      </div>
    </div>
  );
}
