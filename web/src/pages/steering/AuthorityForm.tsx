import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { call } from '../../api/client';
import type { ResponseOf } from '../../api/types';
import { useApi } from '../../app/context';
import { useAbilities, useMe } from '../../app/session';
import { friendly, SECTOR_LABELS, TYPE_LABELS } from '../../components/admin-labels';
import { Conflict, type ConflictField } from '../../components/Conflict';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Radios, Select, TextInput } from '../../components/fields';
import { useVersionedForm } from '../../components/forms';
import { PageTitle } from '../../components/PageTitle';
import { BackLink, Button, LoadError, Loading } from '../../components/ui';

type Authority = ResponseOf<'/authorities/{id}', 'get'>;

interface Values {
  id: string;
  name: string;
  sector: string;
  type: string;
  preventLeadName: string;
  preventLeadEmail: string;
  itProvidedBy: string;
}

const EMPTY: Values = { id: '', name: '', sector: '', type: '', preventLeadName: '', preventLeadEmail: '', itProvidedBy: '' };

const valuesOf = (a: Authority): Values => ({
  id: a.id,
  name: a.name,
  sector: a.sector,
  type: a.type,
  preventLeadName: a.preventLeadName ?? '',
  preventLeadEmail: a.preventLeadEmail ?? '',
  itProvidedBy: a.itProvidedBy ?? '',
});

const MESSAGES = {
  name: 'Enter the authority’s name',
  sector: 'Select the authority’s Schedule 6 sector',
  type: 'Select the type of authority',
  preventLeadName: 'Enter the Prevent lead’s name, or leave it empty',
  preventLeadEmail: 'Enter the Prevent lead’s email address in the correct format, like name@example.org',
  itProvidedBy: 'Select the authority that provides its IT, or its own',
  id: 'Enter a short code of lower-case letters, digits and hyphens, or leave it empty',
};

const FIELDS: ConflictField[] = [
  { key: 'name', label: 'Name' },
  { key: 'sector', label: 'Sector' },
  { key: 'type', label: 'Type' },
  { key: 'preventLeadName', label: 'Prevent lead' },
  { key: 'preventLeadEmail', label: 'Prevent lead’s email' },
  { key: 'itProvidedBy', label: 'IT provided by' },
];

/** Adding an authority (/authorities/new) or changing one (/authorities/:id/edit). */
export default function AuthorityForm() {
  const { id } = useParams();
  const api = useApi();
  const can = useAbilities();
  const me = useMe().data;
  const mayEdit = can.editsPartnership || (!!id && me?.role === 'authority-lead' && me.authorityId === id);
  const authority = useQuery({
    queryKey: ['authority', id],
    queryFn: () => call(api.GET('/authorities/{id}', { params: { path: { id: id! } } })),
    enabled: !!id && mayEdit,
  });
  const list = useQuery({ queryKey: ['authorities'], queryFn: () => call(api.GET('/authorities')), enabled: mayEdit });
  const title = id ? 'Change an authority' : 'Add an authority';
  if (!mayEdit)
    return (
      <>
        <PageTitle title={title} />
        <p className="govuk-body">Your role cannot change authorities.</p>
      </>
    );
  if (id && authority.isPending) return <Loading what="Loading the authority" />;
  if (id && authority.error) return <LoadError error={authority.error} retry={() => void authority.refetch()} />;
  return <Form key={id ?? 'new'} title={title} existing={authority.data} others={list.data?.items ?? []} />;
}

function Form({ title, existing, others }: { title: string; existing?: Authority; others: Authority[] }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Values>(existing ? valuesOf(existing) : EMPTY);
  const [version, setVersion] = useState(existing?.version);
  const { form, theirs, setTheirs, onError } = useVersionedForm<Authority>(
    existing ? () => call(api.GET('/authorities/{id}', { params: { path: { id: existing.id } } })) : undefined,
  );
  const { errors, forField } = friendly(form.errors, MESSAGES);
  const set = (key: keyof Values) => (value: string) => setValues((v) => ({ ...v, [key]: value }));

  const save = useMutation({
    mutationFn: async (withVersion: number | undefined) => {
      const fields = {
        name: values.name,
        sector: (values.sector || undefined) as Authority['sector'],
        type: (values.type || undefined) as Authority['type'],
        preventLeadName: values.preventLeadName.trim() || undefined,
        preventLeadEmail: values.preventLeadEmail.trim() || undefined,
        itProvidedBy: values.itProvidedBy || undefined,
      };
      if (existing) {
        return call(api.PUT('/authorities/{id}', { params: { path: { id: existing.id } }, body: { ...fields, version: withVersion! } }));
      }
      return call(api.POST('/authorities', { body: { ...fields, id: values.id.trim() || undefined } }));
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: ['authorities'] });
      queryClient.setQueryData(['authority', saved.id], saved);
      navigate(`/authorities/${saved.id}`, { state: { flash: existing ? `${saved.name}: details saved` : `${saved.name} added to the partnership` } });
    },
    onError,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTheirs(null);
    save.mutate(version);
  };
  const error = form.error;
  const idTaken = !existing && error?.isConflict;
  const others2 = others.filter((a) => a.id !== existing?.id).sort((a, b) => a.name.localeCompare(b.name));

  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <BackLink to={existing ? `/authorities/${existing.id}` : '/authorities'} />
        {errors.length > 0 && !error?.isConflict && <ErrorSummary errors={errors} />}
        {idTaken && <ErrorSummary errors={[{ path: 'id', message: error?.message || 'An authority with this short code already exists' }]} />}
        {theirs && existing && (
          <Conflict
            what="this authority"
            fields={FIELDS}
            yours={values as unknown as Record<string, unknown>}
            theirs={valuesOf(theirs) as unknown as Record<string, unknown>}
            pending={save.isPending}
            onUseTheirs={() => {
              setValues(valuesOf(theirs));
              setVersion(theirs.version);
              setTheirs(null);
              form.clear();
            }}
            onKeepMine={() => {
              setVersion(theirs.version);
              save.mutate(theirs.version);
            }}
          />
        )}
        <PageTitle title={title} caption={existing?.name} hasErrors={errors.length > 0 || !!theirs} />
        <form noValidate onSubmit={submit}>
          <TextInput name="name" label="Name" value={values.name} onChange={set('name')} error={forField('name')} />
          {!existing && (
            <TextInput
              name="id"
              label="Short code (optional)"
              hint="Used in links, for example north-demoshire. Leave empty to have one made for you."
              value={values.id}
              onChange={set('id')}
              width={20}
              error={forField('id') ?? (idTaken ? error?.message : undefined)}
            />
          )}
          <Radios
            name="sector"
            legend="Sector"
            hint="Its sector in Schedule 6 of the Counter-Terrorism and Security Act 2015"
            value={values.sector}
            onChange={set('sector')}
            options={Object.entries(SECTOR_LABELS).map(([value, label]) => ({ value, label }))}
            error={forField('sector')}
          />
          <Select
            name="type"
            label="Type of authority"
            value={values.type}
            onChange={set('type')}
            options={[{ value: '', label: 'Select a type' }, ...Object.entries(TYPE_LABELS).map(([value, label]) => ({ value, label }))]}
            error={forField('type')}
          />
          <TextInput name="preventLeadName" label="Prevent lead’s name (optional)" value={values.preventLeadName} onChange={set('preventLeadName')} error={forField('preventLeadName')} autoComplete="off" />
          <TextInput
            name="preventLeadEmail"
            label="Prevent lead’s email address (optional)"
            hint="Reminders for this authority go here"
            type="email"
            spellCheck={false}
            value={values.preventLeadEmail}
            onChange={set('preventLeadEmail')}
            error={forField('preventLeadEmail')}
          />
          <Select
            name="itProvidedBy"
            label="IT provided by"
            hint="If another authority of the partnership runs its IT (and its web filtering)"
            value={values.itProvidedBy}
            onChange={set('itProvidedBy')}
            options={[{ value: '', label: 'Its own IT' }, ...others2.map((a) => ({ value: a.id, label: a.name }))]}
            error={forField('itProvidedBy')}
          />
          {!theirs && (
            <Button type="submit" pending={save.isPending}>
              {existing ? 'Save changes' : 'Add authority'}
            </Button>
          )}
        </form>
      </div>
    </div>
  );
}
