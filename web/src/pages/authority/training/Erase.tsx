import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { call } from '../../../api/client';
import { useApi } from '../../../app/context';
import { friendly } from '../../../components/admin-labels';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { TextInput } from '../../../components/fields';
import { asApiError, useFormErrors } from '../../../components/forms';
import { PageTitle } from '../../../components/PageTitle';
import { BackLink, Button, formatDate, Table } from '../../../components/ui';
import { forgetTraining, useAuthorityId, useCourses, useTrainingAbilities, type Completion } from './common';

const MESSAGES = { staffRef: 'Enter the staff reference of the person who asked' };

/**
 * Erasing one person's training records on request (UK GDPR Article 17), authority lead only:
 * find them by staff reference (sent in the request body, never in the address), see exactly
 * what will go, then confirm.
 */
export default function Erase() {
  const id = useAuthorityId();
  const can = useTrainingAbilities(id);
  if (!can.erases)
    return (
      <>
        <BackLink to={`/authorities/${id}/training`} />
        <PageTitle title="Erase a person’s training records" />
        <p className="govuk-body">Only the authority’s Prevent lead can erase a person’s training records. Ask them to do it.</p>
      </>
    );
  return <EraseForm authorityId={id} />;
}

function EraseForm({ authorityId }: { authorityId: string }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const courses = useCourses();
  const courseName = (cid: string) => courses.data?.items.find((c) => c.id === cid)?.name ?? cid;
  const [staffRef, setStaffRef] = useState('');
  const [found, setFound] = useState<{ staffRef: string; items: Completion[] } | null>(null);
  const form = useFormErrors();
  const { errors, forField } = friendly(form.errors, MESSAGES);

  const search = useMutation({
    mutationFn: () => call(api.POST('/authorities/{id}/completions/search', { params: { path: { id: authorityId } }, body: { staffRef: staffRef.trim() || (undefined as unknown as string) } })),
    onSuccess: (result) => setFound({ staffRef: staffRef.trim(), items: result.items }),
    onError: (error) => form.setError(asApiError(error)),
  });
  const erase = useMutation({
    mutationFn: (ref: string) => call(api.POST('/authorities/{id}/erasures', { params: { path: { id: authorityId } }, body: { staffRef: ref } })),
    onSuccess: async (result) => {
      forgetTraining(queryClient, authorityId);
      navigate(`/authorities/${authorityId}/training`, { state: { flash: `${result.erased} training ${result.erased === 1 ? 'record' : 'records'} erased` } });
    },
    onError: (error) => form.setError(asApiError(error)),
  });

  const find = (event: FormEvent) => {
    event.preventDefault();
    form.clear();
    setFound(null);
    search.mutate();
  };

  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <BackLink to={`/authorities/${authorityId}/training`} />
        {errors.length > 0 && <ErrorSummary errors={errors} />}
        <PageTitle title="Erase a person’s training records" hasErrors={errors.length > 0} />
        <p className="govuk-body">
          When someone asks for their personal data to be erased, this removes every training record of their staff reference: current and earlier completions, with their name, team and role. It cannot be
          undone. The audit trail keeps that an erasure happened, but not who it was for.
        </p>
        <form noValidate onSubmit={find}>
          <TextInput name="staffRef" label="Staff reference" width={20} spellCheck={false} value={staffRef} onChange={setStaffRef} error={forField('staffRef')} />
          <Button type="submit" variant="secondary" pending={search.isPending}>
            Find their records
          </Button>
        </form>
        {found && found.items.length === 0 && <p className="govuk-body">There are no training records for staff reference {found.staffRef}.</p>}
        {found && found.items.length > 0 && (
          <>
            <Table label="Records that will be erased" caption={`${found.items.length} ${found.items.length === 1 ? 'record' : 'records'} of ${found.staffRef} will be erased`} headers={['Course', 'Completed', 'Name recorded']}>
              {found.items.map((c) => (
                <tr className="govuk-table__row" key={c.id}>
                  <td className="govuk-table__cell">{courseName(c.courseId)}</td>
                  <td className="govuk-table__cell">{formatDate(c.completedOn)}</td>
                  <td className="govuk-table__cell">{c.name ?? '—'}</td>
                </tr>
              ))}
            </Table>
            <div className="govuk-warning-text">
              <span className="govuk-warning-text__icon" aria-hidden="true">
                !
              </span>
              <strong className="govuk-warning-text__text">
                <span className="govuk-visually-hidden">Warning</span>
                These records will be erased for good, and the person will no longer count towards coverage.
              </strong>
            </div>
            <Button variant="warning" onClick={() => erase.mutate(found.staffRef)} pending={erase.isPending}>
              Erase {found.items.length} {found.items.length === 1 ? 'record' : 'records'}
            </Button>
          </>
        )}
      </div>
    </div>
  );
}
