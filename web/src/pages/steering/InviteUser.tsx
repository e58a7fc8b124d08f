import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { ApiError, call } from '../../api/client';
import type { Role } from '../../api/types';
import { useApi } from '../../app/context';
import { ROLE_LABELS, useAbilities } from '../../app/session';
import { friendly, ROLE_HINTS } from '../../components/admin-labels';
import { ErrorSummary, fieldId } from '../../components/ErrorSummary';
import { Radios, Select, TextInput } from '../../components/fields';
import { asApiError, useFormErrors } from '../../components/forms';
import { PageTitle } from '../../components/PageTitle';
import { BackLink, Button } from '../../components/ui';

const ROLES: Role[] = ['steering-group', 'authority-lead', 'authority-editor', 'viewer'];
/** Roles that belong to one authority (the API requires it for these; a viewer may have one). */
const NEEDS_AUTHORITY: Role[] = ['authority-lead', 'authority-editor'];

const MESSAGES = {
  email: 'Enter an email address in the correct format, like name@example.org',
  displayName: 'Enter their name, or leave it empty',
  role: 'Select a role',
  authorityId: 'Select their authority',
};

interface Values {
  email: string;
  displayName: string;
  role: string;
  authorityId: string;
}

/** Inviting a user: a question page, then "Check your answers", then the invitation. */
export default function InviteUser() {
  const can = useAbilities();
  if (!can.managesUsers)
    return (
      <>
        <PageTitle title="Invite a user" />
        <p className="govuk-body">Only the steering group invites users.</p>
      </>
    );
  return <Invite />;
}

function Invite() {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const authorities = useQuery({ queryKey: ['authorities'], queryFn: () => call(api.GET('/authorities')) });
  const [values, setValues] = useState<Values>({ email: '', displayName: '', role: '', authorityId: '' });
  const [step, setStep] = useState<'form' | 'check'>('form');
  const [focus, setFocus] = useState<string | null>(null);
  const form = useFormErrors();
  const { errors, forField } = friendly(form.errors, MESSAGES);
  const set = (key: keyof Values) => (value: string) => setValues((v) => ({ ...v, [key]: value }));
  const role = values.role as Role | '';
  const showsAuthority = role === 'authority-lead' || role === 'authority-editor' || role === 'viewer';
  const authorityName = (id: string) => authorities.data?.items.find((a) => a.id === id)?.name ?? id;

  useEffect(() => {
    if (step === 'form' && focus) {
      document.getElementById(fieldId(focus))?.focus();
      setFocus(null);
    }
  }, [step, focus]);

  const send = useMutation({
    mutationFn: () =>
      call(
        api.POST('/users', {
          body: {
            email: values.email.trim(),
            displayName: values.displayName.trim() || undefined,
            role: role as Role,
            authorityId: showsAuthority && values.authorityId ? values.authorityId : undefined,
          },
        }),
      ),
    onSuccess: async (user) => {
      await queryClient.invalidateQueries({ queryKey: ['users'] });
      navigate('/users', { state: { flash: `Invitation sent to ${user.email}` } });
    },
    onError: (error) => {
      const e = asApiError(error);
      // A duplicate address is the email's problem: shown against it, on the question page.
      form.setError(e.isConflict ? new ApiError(409, e.message, e.code, [{ path: 'email', message: e.message }]) : e);
      if (!e.isNetwork) setStep('form');
    },
  });

  /** Only what must be answered to show the check page; the API judges the answers. */
  const next = (event: FormEvent) => {
    event.preventDefault();
    const missing = [
      ...(values.email.trim() ? [] : [{ path: 'email', message: 'Enter their email address' }]),
      ...(role ? [] : [{ path: 'role', message: 'Select a role' }]),
      ...(role && NEEDS_AUTHORITY.includes(role) && !values.authorityId ? [{ path: 'authorityId', message: 'Select their authority' }] : []),
    ];
    if (missing.length) {
      form.setError(new ApiError(400, 'There is a problem', 'validation', missing));
      return;
    }
    form.clear();
    setStep('check');
  };

  const change = (path: string) => {
    setStep('form');
    setFocus(path);
  };

  if (step === 'check') {
    const rows = [
      { key: 'Email address', value: values.email.trim(), path: 'email' },
      { key: 'Name', value: values.displayName.trim() || 'Not given', path: 'displayName' },
      { key: 'Role', value: ROLE_LABELS[role as Role], path: 'role' },
      ...(showsAuthority ? [{ key: 'Authority', value: values.authorityId ? authorityName(values.authorityId) : 'None', path: 'authorityId' }] : []),
    ];
    return (
      <div className="govuk-grid-row">
        <div className="govuk-grid-column-two-thirds">
          {errors.length > 0 && <ErrorSummary errors={errors} fields={[]} />}
          <PageTitle title="Check your answers before sending the invitation" hasErrors={errors.length > 0} />
          <dl className="govuk-summary-list govuk-!-margin-bottom-9">
            {rows.map((r) => (
              <div className="govuk-summary-list__row" key={r.path}>
                <dt className="govuk-summary-list__key">{r.key}</dt>
                <dd className="govuk-summary-list__value">{r.value}</dd>
                <dd className="govuk-summary-list__actions">
                  <button type="button" className="govuk-link app-link-button" onClick={() => change(r.path)}>
                    Change<span className="govuk-visually-hidden"> {r.key.toLowerCase()}</span>
                  </button>
                </dd>
              </div>
            ))}
          </dl>
          <h2 className="govuk-heading-m">Now send the invitation</h2>
          <p className="govuk-body">They will get an email with a link to set a password and sign in.</p>
          <Button onClick={() => send.mutate()} pending={send.isPending}>
            Send invitation
          </Button>
        </div>
      </div>
    );
  }

  const authorityOptions = [
    { value: '', label: role === 'viewer' ? 'None (the whole partnership)' : 'Select an authority' },
    ...[...(authorities.data?.items ?? [])].sort((a, b) => a.name.localeCompare(b.name)).map((a) => ({ value: a.id, label: a.name })),
  ];
  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <BackLink to="/users" />
        {errors.length > 0 && <ErrorSummary errors={errors} />}
        <PageTitle title="Invite a user" hasErrors={errors.length > 0} />
        <form noValidate onSubmit={next}>
          <TextInput name="email" label="Email address" type="email" spellCheck={false} autoComplete="off" value={values.email} onChange={set('email')} error={forField('email')} />
          <TextInput name="displayName" label="Name (optional)" value={values.displayName} onChange={set('displayName')} error={forField('displayName')} />
          <Radios
            name="role"
            legend="Role"
            hint="Each user has one role"
            value={values.role}
            onChange={set('role')}
            options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r], hint: ROLE_HINTS[r] }))}
            error={forField('role')}
          />
          {showsAuthority && (
            <Select
              name="authorityId"
              label={role === 'viewer' ? 'Authority (optional)' : 'Authority'}
              hint={role === 'viewer' ? 'Only if they scrutinise one authority' : 'The authority they work for'}
              value={values.authorityId}
              onChange={set('authorityId')}
              options={authorityOptions}
              error={forField('authorityId')}
            />
          )}
          <Button type="submit">Continue</Button>
        </form>
      </div>
    </div>
  );
}
