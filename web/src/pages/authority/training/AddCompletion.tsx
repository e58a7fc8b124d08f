import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { call } from '../../../api/client';
import type { BodyOf } from '../../../api/types';
import { useApi } from '../../../app/context';
import { friendly, MODE_LABELS } from '../../../components/admin-labels';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { Select, TextInput } from '../../../components/fields';
import { asApiError, useFormErrors } from '../../../components/forms';
import { PageTitle } from '../../../components/PageTitle';
import { BackLink, Button, LoadError, Loading } from '../../../components/ui';
import { forgetTraining, useAuthorityId, useCourses, usePlan, useTrainingAbilities } from './common';

const MESSAGES = {
  staffRef: 'Enter the person’s staff reference, like their payroll or employee number',
  courseId: 'Select the course',
  completedOn: 'Enter the date the course was completed, like 31 3 2026',
  name: 'Enter the person’s name, or leave it empty',
  role: 'Select a role of the training plan, or leave it empty',
};

/** Recording one completion by hand (/authorities/:id/training/completions/new). */
export default function AddCompletion() {
  const id = useAuthorityId();
  const can = useTrainingAbilities(id);
  const plan = usePlan(id);
  const courses = useCourses();
  if (!can.edits)
    return (
      <>
        <PageTitle title="Add a completion" />
        <p className="govuk-body">Your role cannot record training for this authority.</p>
      </>
    );
  const failed = [plan, courses].find((q) => q.error);
  if (failed) return <LoadError error={failed.error} retry={() => void failed.refetch()} />;
  if (plan.isPending || courses.isPending) return <Loading what="Loading the courses" />;
  return <Form authorityId={id} roles={plan.data!.roles} courses={courses.data!.items.filter((c) => c.active)} />;
}

function Form({ authorityId, roles, courses }: { authorityId: string; roles: { id: string; name: string }[]; courses: { id: string; name: string }[] }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [values, setValues] = useState({ staffRef: '', name: '', role: '', courseId: '', completedOn: '', deliveryMode: '' });
  const form = useFormErrors();
  const { errors, forField } = friendly(form.errors, MESSAGES);
  const set = (key: keyof typeof values) => (value: string) => setValues((v) => ({ ...v, [key]: value }));
  const save = useMutation({
    mutationFn: () => {
      const body = {
        // Empty answers go as absent: the API then says "required", which reads as what to do.
        staffRef: values.staffRef.trim() || undefined,
        name: values.name.trim() || undefined,
        role: values.role || undefined,
        courseId: values.courseId || undefined,
        completedOn: values.completedOn || undefined,
        deliveryMode: values.deliveryMode || undefined,
      } as unknown as BodyOf<'/authorities/{id}/completions', 'post'>;
      return call(api.POST('/authorities/{id}/completions', { params: { path: { id: authorityId } }, body }));
    },
    onSuccess: async (saved) => {
      forgetTraining(queryClient, authorityId);
      const course = courses.find((c) => c.id === saved.courseId)?.name ?? saved.courseId;
      navigate(`/authorities/${authorityId}/training`, { state: { flash: `Completion recorded: ${saved.staffRef}, ${course}` } });
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
        <PageTitle title="Add a completion" hasErrors={errors.length > 0} />
        <p className="govuk-body">Record one person completing one course. To record many, import your learning system’s export instead.</p>
        <form noValidate onSubmit={submit}>
          <TextInput name="staffRef" label="Staff reference" hint="Their payroll or employee number, as your learning system records it" width={20} spellCheck={false} value={values.staffRef} onChange={set('staffRef')} error={forField('staffRef')} />
          <TextInput name="name" label="Name (optional)" hint="Leave it empty unless you need it: the staff reference is enough" value={values.name} onChange={set('name')} error={forField('name')} />
          <Select
            name="role"
            label="Role in the training plan (optional)"
            hint="So that they count towards the role’s coverage"
            value={values.role}
            onChange={set('role')}
            options={[{ value: '', label: 'No role' }, ...roles.map((r) => ({ value: r.id, label: r.name }))]}
            error={forField('role')}
          />
          <Select
            name="courseId"
            label="Course"
            value={values.courseId}
            onChange={set('courseId')}
            options={[{ value: '', label: 'Select a course' }, ...courses.map((c) => ({ value: c.id, label: c.name }))]}
            error={forField('courseId')}
          />
          <TextInput name="completedOn" label="Date completed" hint="For example, 27 3 2026" type="date" width={10} value={values.completedOn} onChange={set('completedOn')} error={forField('completedOn')} />
          <Select
            name="deliveryMode"
            label="How it was delivered (optional)"
            value={values.deliveryMode}
            onChange={set('deliveryMode')}
            options={[{ value: '', label: 'Not recorded' }, ...Object.entries(MODE_LABELS).map(([value, label]) => ({ value, label }))]}
            error={forField('deliveryMode')}
          />
          <Button type="submit" pending={save.isPending}>
            {form.error?.isNetwork ? 'Try again' : 'Save completion'}
          </Button>
        </form>
      </div>
    </div>
  );
}
