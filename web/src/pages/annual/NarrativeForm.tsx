import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { call } from '../../api/client';
import { useApi } from '../../app/context';
import { useAbilities } from '../../app/session';
import { friendly } from '../../components/admin-labels';
import { Conflict, type ConflictField } from '../../components/Conflict';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Textarea, TextInput } from '../../components/fields';
import { useVersionedForm } from '../../components/forms';
import { PageTitle } from '../../components/PageTitle';
import { BackLink, Button, LoadError, Loading } from '../../components/ui';
import { useAnnualReport, type AnnualReport, type Narrative, type NarrativeBody } from './annual-common';

interface RecommendationRow {
  key: number;
  theme: string;
  action: string;
  leadOfficer: string;
  partners: string;
}
interface Values {
  introduction: string;
  highlights: string;
  recommendations: RecommendationRow[];
}

let nextKey = 1;
const emptyRecommendation = (): RecommendationRow => ({ key: nextKey++, theme: '', action: '', leadOfficer: '', partners: '' });
const valuesOf = (n: Narrative): Values => ({
  introduction: n.introduction,
  highlights: n.highlights,
  recommendations: n.recommendations.map((r) => ({ key: nextKey++, theme: r.theme ?? '', action: r.action, leadOfficer: r.leadOfficer, partners: r.partners ?? '' })),
});
const display = (v: Values) => ({
  introduction: v.introduction.trim(),
  highlights: v.highlights.trim(),
  recommendations: v.recommendations.map((r) => `${r.theme.trim() ? `${r.theme.trim()}: ` : ''}${r.action.trim()} (lead: ${r.leadOfficer.trim()})`),
});
const CONFLICT_FIELDS: ConflictField[] = [
  { key: 'introduction', label: 'Introduction' },
  { key: 'highlights', label: 'Highlights' },
  { key: 'recommendations', label: 'Recommendations' },
];
function messagesFor(v: Values): Record<string, string> {
  const m: Record<string, string> = {
    introduction: 'Enter the introduction in up to 20,000 characters',
    highlights: 'Enter the highlights in up to 20,000 characters',
  };
  v.recommendations.forEach((_, i) => {
    const n = i + 1;
    m[`recommendations.${i}.theme`] = `Enter the theme of recommendation ${n} in up to 200 characters, or leave it empty`;
    m[`recommendations.${i}.action`] = `Enter the recommended action of recommendation ${n}`;
    m[`recommendations.${i}.leadOfficer`] = `Enter the lead officer of recommendation ${n}, by role, like Prevent Partnership Officer`;
    m[`recommendations.${i}.partners`] = `Enter the key partners of recommendation ${n} in up to 500 characters, or leave it empty`;
  });
  return m;
}

/** The steering group writes the year's annual-report narrative: introduction, highlights and recommendations. */
export default function NarrativeForm() {
  const { year = '' } = useParams();
  const can = useAbilities();
  const report = useAnnualReport(year);
  if (!can.editsPartnership)
    return (
      <>
        <PageTitle title={`Annual report narrative ${year}`} />
        <p className="govuk-body">Only the steering group writes the annual report’s narrative.</p>
      </>
    );
  if (report.isPending) return <Loading what="Loading the narrative" />;
  if (report.error) return <LoadError error={report.error} retry={() => void report.refetch()} />;
  return <Form key={year} year={year} initial={report.data!.narrative} />;
}

function Form({ year, initial }: { year: string; initial: Narrative }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Values>(() => valuesOf(initial));
  const [version, setVersion] = useState(initial.version);
  const load = async () => ((await call(api.GET('/reports/annual', { params: { query: { year } } }))) as AnnualReport).narrative;
  const { form, theirs, setTheirs, onError } = useVersionedForm<Narrative>(load);
  const messages = messagesFor(values);
  const { errors, forField } = friendly(form.errors, messages);
  const set = <K extends 'introduction' | 'highlights'>(key: K) => (value: string) => setValues((v) => ({ ...v, [key]: value }));
  const setRow = (i: number, field: keyof Omit<RecommendationRow, 'key'>) => (value: string) =>
    setValues((v) => ({ ...v, recommendations: v.recommendations.map((r, j) => (j === i ? { ...r, [field]: value } : r)) }));

  const save = useMutation({
    mutationFn: (against: number) => {
      const optional = (text: string) => (text.trim() ? text : undefined);
      const body: NarrativeBody = {
        introduction: values.introduction,
        highlights: values.highlights,
        recommendations: values.recommendations.map((r) => ({ theme: optional(r.theme), action: r.action, leadOfficer: r.leadOfficer, partners: optional(r.partners) })),
        version: against,
      };
      return call(api.PUT('/reports/annual/{year}/narrative', { params: { path: { year } }, body }));
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['annual-report', year], refetchType: 'all' });
      navigate(`/annual-report?year=${encodeURIComponent(year)}`, { state: { flash: `Narrative of the ${year} annual report saved` } });
    },
    onError,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTheirs(null);
    save.mutate(version);
  };
  const add = () => {
    const index = values.recommendations.length;
    setValues((v) => ({ ...v, recommendations: [...v.recommendations, emptyRecommendation()] }));
    requestAnimationFrame(() => document.getElementById(`field-recommendations-${index}-theme`)?.focus());
  };
  const remove = (i: number) => {
    setValues((v) => ({ ...v, recommendations: v.recommendations.filter((_, j) => j !== i) }));
    requestAnimationFrame(() => document.getElementById('add-recommendation')?.focus());
  };

  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <BackLink to={`/annual-report?year=${encodeURIComponent(year)}`}>Back to the annual report</BackLink>
        {errors.length > 0 && <ErrorSummary errors={errors} fields={Object.keys(messages)} />}
        {theirs && (
          <Conflict
            what="the narrative"
            fields={CONFLICT_FIELDS}
            yours={display(values)}
            theirs={display(valuesOf(theirs))}
            pending={save.isPending}
            onKeepMine={() => {
              setVersion(theirs.version);
              save.mutate(theirs.version);
            }}
            onUseTheirs={() => {
              setValues(valuesOf(theirs));
              setVersion(theirs.version);
              setTheirs(null);
              form.clear();
            }}
          />
        )}
        <PageTitle title="Edit the annual report’s narrative" caption={`Annual report ${year}`} hasErrors={errors.length > 0 || !!theirs} />
        <p className="govuk-body">The report’s figures come from the records; write the words around them here. Separate paragraphs with a blank line.</p>
        <form noValidate onSubmit={submit}>
          <Textarea
            name="introduction"
            label="Introduction"
            labelClass="govuk-label--m"
            hint="What the partnership is, how it meets and what the report covers"
            rows={8}
            value={values.introduction}
            onChange={set('introduction')}
            error={forField('introduction')}
          />
          <Textarea
            name="highlights"
            label="Highlights"
            labelClass="govuk-label--m"
            hint="The year’s achievements, events and changes"
            rows={8}
            value={values.highlights}
            onChange={set('highlights')}
            error={forField('highlights')}
          />
          <h2 className="govuk-heading-m">Recommendations</h2>
          <p className="govuk-body">Each with the action recommended, the lead officer (by role) and the key partners.</p>
          {values.recommendations.map((r, i) => (
            <fieldset className="govuk-fieldset app-repeat" key={r.key}>
              <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">Recommendation {i + 1}</legend>
              <TextInput
                name={`recommendations.${i}.theme`}
                label="Theme (optional)"
                hint="For example 2. Leadership, governance and accountability"
                value={r.theme}
                onChange={setRow(i, 'theme')}
                error={forField(`recommendations.${i}.theme`)}
              />
              <Textarea name={`recommendations.${i}.action`} label="Recommended action" rows={3} value={r.action} onChange={setRow(i, 'action')} error={forField(`recommendations.${i}.action`)} />
              <TextInput
                name={`recommendations.${i}.leadOfficer`}
                label="Lead officer"
                hint="By role, for example Prevent Partnership Officer"
                value={r.leadOfficer}
                onChange={setRow(i, 'leadOfficer')}
                error={forField(`recommendations.${i}.leadOfficer`)}
              />
              <TextInput name={`recommendations.${i}.partners`} label="Key partners (optional)" value={r.partners} onChange={setRow(i, 'partners')} error={forField(`recommendations.${i}.partners`)} />
              <button type="button" className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" onClick={() => remove(i)}>
                Remove<span className="govuk-visually-hidden"> recommendation {i + 1}</span>
              </button>
            </fieldset>
          ))}
          <button type="button" id="add-recommendation" className="govuk-button govuk-button--secondary" data-module="govuk-button" onClick={add}>
            {values.recommendations.length ? 'Add another recommendation' : 'Add a recommendation'}
          </button>
          {!theirs && (
            <div className="govuk-button-group">
              <Button type="submit" pending={save.isPending}>
                Save narrative
              </Button>
            </div>
          )}
        </form>
      </div>
    </div>
  );
}
