import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { call } from '../api/client';
import { useServices } from '../app/context';
import { partnershipChoice, ROLE_LABELS, useMe, useMemberships } from '../app/session';
import { ErrorSummary } from '../components/ErrorSummary';
import { Radios } from '../components/fields';
import { asApiError, useFormErrors } from '../components/forms';
import { PageTitle } from '../components/PageTitle';
import { Button, Loading, LoadError } from '../components/ui';

const MESSAGE = 'Select the partnership you want to work in';

/**
 * For a person in several partnerships: which one to act for. Asked once after signing in, and
 * reached from "Switch partnership" in the header. A new partnership is recorded (PUT
 * /me/partnership), a fresh token is fetched for it, and everything cached from the old one is
 * dropped before the new partnership's home page.
 */
export default function ChoosePartnership() {
  const { api, auth } = useServices();
  const me = useMe().data!;
  const memberships = useMemberships();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const returnTo = (location.state as { returnTo?: string } | null)?.returnTo ?? '/';
  const current = memberships.data?.items.find((m) => m.current)?.tenantId ?? '';
  const [selected, setSelected] = useState<string | null>(null);
  const value = selected ?? current;
  const form = useFormErrors();
  const [missing, setMissing] = useState(false);

  const choose = useMutation({
    mutationFn: async (tenantId: string) => {
      await call(api.PUT('/me/partnership', { body: { tenantId } }));
      await auth.renew();
    },
    onSuccess: async () => {
      partnershipChoice.record(me.userId);
      // Nothing of the old partnership may show in the new one: drop every cached answer.
      queryClient.clear();
      await navigate('/', { replace: true });
    },
    onError: (error) => form.setError(asApiError(error)),
  });

  if (memberships.isPending) return <Loading what="Loading your partnerships" />;
  if (memberships.error) return <LoadError error={memberships.error} retry={() => void memberships.refetch()} />;

  function submit(event: FormEvent) {
    event.preventDefault();
    form.clear();
    if (!value) {
      setMissing(true);
      return;
    }
    setMissing(false);
    if (value === current) {
      // Staying where the token already is: no new token, nothing to drop.
      partnershipChoice.record(me.userId);
      void navigate(returnTo, { replace: true });
      return;
    }
    choose.mutate(value);
  }

  const errors = missing ? [{ path: 'tenantId', message: MESSAGE }] : form.errors;
  const options = memberships.data.items.map((m) => ({
    value: m.tenantId,
    label: m.partnershipName ?? m.tenantId,
    hint: `${ROLE_LABELS[m.role]}${m.authorityName ? `, ${m.authorityName}` : ''}${m.current ? ' (where you are now)' : ''}`,
  }));
  return (
    <>
      <PageTitle title="Choose a partnership" hasErrors={errors.length > 0} />
      <ErrorSummary errors={errors} />
      <form onSubmit={submit} noValidate>
        <Radios
          name="tenantId"
          legend="Which partnership do you want to work in?"
          legendClass="govuk-fieldset__legend--m"
          hint="You belong to more than one. You can switch at any time from the header."
          error={missing ? MESSAGE : undefined}
          value={value}
          onChange={setSelected}
          options={options}
        />
        <Button type="submit" pending={choose.isPending}>
          Continue
        </Button>
      </form>
    </>
  );
}
