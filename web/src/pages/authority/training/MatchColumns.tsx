import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { call, type FieldError } from '../../../api/client';
import type { BodyOf } from '../../../api/types';
import { useApi } from '../../../app/context';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { Select } from '../../../components/fields';
import { asApiError, messageFor } from '../../../components/forms';
import { PageTitle } from '../../../components/PageTitle';
import { Button, Table } from '../../../components/ui';
import type { ImportMapping, Plan } from './common';
import { COLUMNS, distinctValues, normalizeLabel, previewFile, REQUIRED_FIELDS, type Field, type Preview } from './file-preview';

/** The fields the step asks about: the required ones and the role (job title) column. */
const ASKED: Field[] = [...REQUIRED_FIELDS, 'role'];

/** Values of the role column that are neither a plan role (id or name) nor already matched. */
export function unknownRoleValues(preview: Preview, column: number | undefined, plan: Plan, mapping: Pick<ImportMapping, 'values'>): string[] {
  if (column === undefined) return [];
  const known = new Set([...plan.roles.flatMap((r) => [r.id, r.name]), ...Object.keys(mapping.values.role)].map(normalizeLabel));
  return distinctValues(preview, column).filter((v) => !known.has(normalizeLabel(v)));
}

/** Whether the file needs the "match your columns" step: a required column not found, or job titles that are not plan roles. */
export function needsMatching(preview: Preview, plan: Plan, mapping: ImportMapping): boolean {
  return preview.missing.length > 0 || unknownRoleValues(preview, preview.index.role, plan, mapping).length > 0;
}

/**
 * "Match your columns": which column of the file is the staff reference, the course, the date
 * and the role, and which plan role each job title is. Saved as the authority's import mapping
 * (PUT …/import-mapping), so the next export of the same system imports without this step.
 */
export function MatchColumns({
  authorityId, plan, mapping, file, preview, onBack, onSaved,
}: {
  authorityId: string;
  plan: Plan;
  mapping: ImportMapping;
  file: File;
  preview: Preview;
  onBack: () => void;
  onSaved: (preview: Preview) => void;
}) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [version, setVersion] = useState(mapping.version);
  const [columns, setColumns] = useState<Record<Field, string>>(
    () => Object.fromEntries(ASKED.map((f) => [f, preview.index[f] === undefined ? '' : String(preview.index[f])])) as Record<Field, string>,
  );
  const [roleValues, setRoleValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<FieldError[]>([]);
  const headerName = (i: string) => preview.header[Number(i)] ?? '';
  const roleColumn = columns.role === '' ? undefined : Number(columns.role);
  const unknown = unknownRoleValues(preview, roleColumn, plan, mapping);
  const headerOptions = preview.header.map((h, i) => ({ value: String(i), label: h || `Column ${i + 1} (no header)` })).filter((o) => headerName(o.value) !== '');

  const save = useMutation({
    mutationFn: async () => {
      const chosen = ASKED.filter((f) => columns[f] !== '').map((f) => [headerName(columns[f]), f] as const);
      const chosenFields = new Set(chosen.map(([, f]) => f));
      const chosenHeaders = new Set(chosen.map(([h]) => normalizeLabel(h)));
      const kept = Object.entries(mapping.columns).filter(([h, f]) => !chosenFields.has(f as Field) && !chosenHeaders.has(normalizeLabel(h)));
      const values = { ...mapping.values, role: { ...mapping.values.role, ...Object.fromEntries(Object.entries(roleValues).filter(([, r]) => r)) } };
      const body = { version, columns: Object.fromEntries([...kept, ...chosen]), values } as BodyOf<'/authorities/{id}/import-mapping', 'put'>;
      return call(api.PUT('/authorities/{id}/import-mapping', { params: { path: { id: authorityId } }, body }));
    },
    onSuccess: async (saved) => {
      queryClient.setQueryData(['import-mapping', authorityId], saved);
      onSaved(await previewFile(file, saved.columns));
    },
    onError: async (error) => {
      const e = asApiError(error);
      if (e.isConflict) {
        // Someone saved matches meanwhile: take their version number, keep these choices.
        const current = await call(api.GET('/authorities/{id}/import-mapping', { params: { path: { id: authorityId } } })).catch(() => undefined);
        if (current) setVersion(current.version);
        setErrors([{ path: '', message: 'Someone else changed the saved matches while you were choosing. Your choices are kept: check them and save again.' }]);
        return;
      }
      // The API names a header (columns.<header>) or a value (values.role.<value>): shown on our field.
      const byHeader = new Map(ASKED.filter((f) => columns[f] !== '').map((f) => [headerName(columns[f]), f]));
      setErrors(
        e.fieldErrors.length
          ? e.fieldErrors.map((fe) => {
              if (fe.path.startsWith('columns.')) return { path: `match.${byHeader.get(fe.path.slice(8)) ?? ''}`, message: fe.message };
              if (fe.path.startsWith('values.role.')) return { path: `roleValue.${fe.path.slice(12)}`, message: fe.message };
              return fe;
            })
          : [{ path: '', message: e.message }],
      );
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const problems: FieldError[] = [];
    for (const f of REQUIRED_FIELDS) if (columns[f] === '') problems.push({ path: `match.${f}`, message: `Select the column that holds the ${COLUMNS[f].label.toLowerCase()}` });
    const used = new Map<string, Field>();
    for (const f of ASKED) {
      if (columns[f] === '') continue;
      if (used.has(columns[f])) problems.push({ path: `match.${f}`, message: `The column “${headerName(columns[f])}” is already the ${COLUMNS[used.get(columns[f])!].label.toLowerCase()}: choose another` });
      used.set(columns[f], f);
    }
    setErrors(problems);
    if (!problems.length) save.mutate();
  }

  const forField = (path: string) => messageFor(errors, path);
  const sample = preview.rows[preview.headerAt + 1]?.cells ?? [];
  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <button type="button" className="govuk-back-link app-link-button" onClick={onBack}>
          Back
        </button>
        {errors.length > 0 && <ErrorSummary errors={errors} />}
        <PageTitle title="Match your columns" caption={file.name} hasErrors={errors.length > 0} />
        <p className="govuk-body">
          {preview.missing.length
            ? 'Some columns of your file have names we do not recognise. Tell us which column holds what.'
            : 'Some job titles in your file are not roles of your training plan. Tell us which role each one is.'}{' '}
          Your answers are saved for this authority, so the next export from the same system imports straight away.
        </p>
        <form noValidate onSubmit={submit}>
          <fieldset className="govuk-fieldset">
            <legend className="govuk-fieldset__legend govuk-fieldset__legend--m">Columns</legend>
            {ASKED.map((f) => (
              <Select
                key={f}
                name={`match.${f}`}
                label={COLUMNS[f].required ? COLUMNS[f].label : `${COLUMNS[f].label} (optional)`}
                hint={f === 'role' ? 'The column with each person’s job title or role, to count them against your training plan' : columns[f] !== '' && sample[Number(columns[f])] ? `First row: ${sample[Number(columns[f])]}` : undefined}
                value={columns[f]}
                onChange={(value) => setColumns((c) => ({ ...c, [f]: value }))}
                options={[{ value: '', label: COLUMNS[f].required ? 'Select a column' : 'Not in the file' }, ...headerOptions]}
                error={forField(`match.${f}`)}
              />
            ))}
          </fieldset>
          {unknown.length > 0 && (
            <fieldset className="govuk-fieldset">
              <legend className="govuk-fieldset__legend govuk-fieldset__legend--m">Job titles</legend>
              <p className="govuk-body">Rows whose job title is not matched to a role are rejected, so that no one is counted in the wrong role.</p>
              {unknown.map((value) => (
                <Select
                  key={value}
                  name={`roleValue.${value}`}
                  label={value}
                  value={roleValues[value] ?? ''}
                  onChange={(role) => setRoleValues((v) => ({ ...v, [value]: role }))}
                  options={[{ value: '', label: 'Not a role of the plan (reject these rows)' }, ...plan.roles.map((r) => ({ value: r.id, label: r.name }))]}
                  error={forField(`roleValue.${value}`)}
                />
              ))}
            </fieldset>
          )}
          <Button type="submit" pending={save.isPending}>
            Save and import
          </Button>
        </form>
      </div>
      <div className="govuk-grid-column-full">
        <Table label="The first rows of your file" caption="The first rows of your file" headers={preview.header.map((h, i) => h || `Column ${i + 1}`)}>
          {preview.rows.slice(preview.headerAt + 1, preview.headerAt + 4).map((row) => (
            <tr className="govuk-table__row" key={row.line}>
              {preview.header.map((_, i) => (
                <td className="govuk-table__cell" key={i}>
                  {row.cells[i] ?? ''}
                </td>
              ))}
            </tr>
          ))}
        </Table>
      </div>
    </div>
  );
}
