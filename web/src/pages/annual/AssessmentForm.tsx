import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiError, call } from '../../api/client';
import { useApi } from '../../app/context';
import { useAbilities } from '../../app/session';
import { friendly } from '../../components/admin-labels';
import { Conflict, type ConflictField } from '../../components/Conflict';
import { ErrorSummary } from '../../components/ErrorSummary';
import { DateInput, isoOf, partsOf, Select, Textarea, TextInput, type DateParts } from '../../components/fields';
import { useVersionedForm } from '../../components/forms';
import { PageTitle } from '../../components/PageTitle';
import { BackLink, Button, LoadError, Loading } from '../../components/ui';
import { BENCHMARKS, benchmarkName, SCORE_MEANINGS, useAssessment, type Assessment, type AssessmentBody } from './annual-common';

type FindingList = 'strengths' | 'developmentAreas';
interface FindingRow {
  key: number;
  benchmark: string;
  text: string;
}
interface Values {
  assessedOn: DateParts;
  assessedBy: string;
  scores: Record<string, string>;
  targets: Record<string, string>;
  strengths: FindingRow[];
  developmentAreas: FindingRow[];
}

let nextKey = 1;
const LISTS: { list: FindingList; plural: string; one: string }[] = [
  { list: 'strengths', plural: 'Strengths', one: 'Strength' },
  { list: 'developmentAreas', plural: 'Areas for development', one: 'Area for development' },
];
const byBenchmark = (record: Record<string, number> | undefined) => Object.fromEntries(BENCHMARKS.map((b) => [String(b.number), record?.[String(b.number)] === undefined ? '' : String(record[String(b.number)])]));
const rowsOf = (list: Assessment['strengths'] | undefined): FindingRow[] => (list ?? []).map((f) => ({ key: nextKey++, benchmark: f.benchmark ? String(f.benchmark) : '', text: f.text }));
const valuesOf = (a: Assessment | undefined): Values => ({
  assessedOn: partsOf(a?.assessedOn),
  assessedBy: a?.assessedBy ?? '',
  scores: byBenchmark(a?.scores),
  targets: byBenchmark(a?.targets),
  strengths: rowsOf(a?.strengths),
  developmentAreas: rowsOf(a?.developmentAreas),
});

function display(v: Values): Record<string, unknown> {
  const typed = [v.assessedOn.day, v.assessedOn.month, v.assessedOn.year].some((p) => p.trim());
  const finding = (f: FindingRow) => `${f.benchmark ? `${benchmarkName(Number(f.benchmark))}: ` : ''}${f.text.trim()}`;
  return {
    assessedOn: typed ? (isoOf(v.assessedOn) ?? `${v.assessedOn.day}/${v.assessedOn.month}/${v.assessedOn.year}`) : '',
    assessedBy: v.assessedBy.trim(),
    ...Object.fromEntries(BENCHMARKS.map((b) => [`score-${b.number}`, `score ${v.scores[b.number] || 'none'}, target ${v.targets[b.number] || 'none'}`])),
    strengths: v.strengths.map(finding),
    developmentAreas: v.developmentAreas.map(finding),
  };
}
const CONFLICT_FIELDS: ConflictField[] = [
  { key: 'assessedOn', label: 'Assessed on' },
  { key: 'assessedBy', label: 'Assessed by' },
  ...BENCHMARKS.map((b) => ({ key: `score-${b.number}`, label: `${b.number}. ${b.name}` })),
  { key: 'strengths', label: 'Strengths' },
  { key: 'developmentAreas', label: 'Areas for development' },
];

function messagesFor(v: Values): Record<string, string> {
  const m: Record<string, string> = {
    assessedOn: 'Enter the date of the assessment as a real date, like 19 2 2026, or leave it empty',
    assessedBy: 'Enter who assessed the area, by role, in up to 200 characters',
  };
  for (const b of BENCHMARKS) {
    m[`scores.${b.number}`] = `Select the Home Office score for ${b.name}, from 1 to 5`;
    m[`targets.${b.number}`] = `Select the target for ${b.name}, from 1 to 5`;
  }
  for (const { list, one } of LISTS) {
    v[list].forEach((_, i) => {
      m[`${list}.${i}.benchmark`] = `Select the benchmark of ${one.toLowerCase()} ${i + 1}, or none`;
      m[`${list}.${i}.text`] = `Enter ${one.toLowerCase()} ${i + 1} in up to 2,000 characters, or remove it`;
    });
  }
  return m;
}

/** Recording, or correcting, the year's Home Office assessment (the steering group). */
export default function AssessmentForm() {
  const { year = '' } = useParams();
  const can = useAbilities();
  const assessment = useAssessment(year, can.editsPartnership);
  const title = `Home Office assessment ${year}`;
  if (!can.editsPartnership)
    return (
      <>
        <PageTitle title={title} />
        <p className="govuk-body">Only the steering group records the Home Office’s assessment.</p>
      </>
    );
  const missing = assessment.error instanceof ApiError && assessment.error.status === 404;
  if (assessment.isPending) return <Loading what="Loading the assessment" />;
  if (assessment.error && !missing) return <LoadError error={assessment.error} retry={() => void assessment.refetch()} />;
  return <Form key={year} year={year} existing={missing ? undefined : assessment.data} />;
}

function Form({ year, existing }: { year: string; existing?: Assessment }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Values>(() => valuesOf(existing));
  const [version, setVersion] = useState(existing?.version ?? 0);
  const load = async () => {
    try {
      return await call(api.GET('/assessments/{year}', { params: { path: { year } } }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  };
  const { form, theirs, setTheirs, onError } = useVersionedForm<Assessment>(load);
  const messages = messagesFor(values);
  const { errors, forField } = friendly(form.errors, messages);
  const setScore = (field: 'scores' | 'targets', n: number) => (value: string) => setValues((v) => ({ ...v, [field]: { ...v[field], [n]: value } }));
  const setRow = (list: FindingList, i: number, field: 'benchmark' | 'text') => (value: string) =>
    setValues((v) => ({ ...v, [list]: v[list].map((r, j) => (j === i ? { ...r, [field]: value } : r)) }));

  const save = useMutation({
    mutationFn: (against: number) => {
      const d = values.assessedOn;
      const typed = [d.day, d.month, d.year].some((p) => p.trim());
      const picked = (record: Record<string, string>) => Object.fromEntries(Object.entries(record).filter(([, s]) => s).map(([k, s]) => [k, Number(s)]));
      const findings = (rows: FindingRow[]) => rows.map((r) => ({ ...(r.benchmark ? { benchmark: Number(r.benchmark) } : {}), text: r.text }));
      const body = {
        // A date typed but not a real one goes as typed, for the API to judge.
        ...(typed ? { assessedOn: isoOf(d) ?? `${d.year.trim()}-${d.month.trim()}-${d.day.trim()}` } : {}),
        ...(values.assessedBy.trim() ? { assessedBy: values.assessedBy } : {}),
        scores: picked(values.scores),
        targets: picked(values.targets),
        strengths: findings(values.strengths),
        developmentAreas: findings(values.developmentAreas),
        version: against,
      } as AssessmentBody;
      return call(api.PUT('/assessments/{year}', { params: { path: { year } }, body }));
    },
    onSuccess: async (saved) => {
      queryClient.setQueryData(['assessment', year], saved);
      await queryClient.invalidateQueries({ queryKey: ['annual-report'] });
      await queryClient.invalidateQueries({ queryKey: ['report'] });
      navigate(`/assessments/${year}`, { state: { flash: `Home Office assessment for ${year} saved` } });
    },
    onError,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTheirs(null);
    save.mutate(version);
  };
  const add = (list: FindingList) => {
    const index = values[list].length;
    setValues((v) => ({ ...v, [list]: [...v[list], { key: nextKey++, benchmark: '', text: '' }] }));
    requestAnimationFrame(() => document.getElementById(`field-${list}-${index}-benchmark`)?.focus());
  };
  const remove = (list: FindingList, i: number) => {
    setValues((v) => ({ ...v, [list]: v[list].filter((_, j) => j !== i) }));
    requestAnimationFrame(() => document.getElementById(`add-${list}`)?.focus());
  };
  const scoreOptions = (none: string) => [{ value: '', label: none }, ...[1, 2, 3, 4, 5].map((s) => ({ value: String(s), label: `${s} – ${SCORE_MEANINGS[s]}` }))];
  const benchmarkOptions = [{ value: '', label: 'Not about one benchmark' }, ...BENCHMARKS.map((b) => ({ value: String(b.number), label: `${b.number}. ${b.name}` }))];

  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <BackLink to={existing ? `/assessments/${year}` : `/annual-report?year=${encodeURIComponent(year)}`}>Back</BackLink>
        {errors.length > 0 && <ErrorSummary errors={errors} fields={Object.keys(messages)} />}
        {theirs && (
          <Conflict
            what="the assessment"
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
        <PageTitle title={existing ? 'Change the Home Office assessment' : 'Record the Home Office assessment'} caption={`Reporting year ${year}`} hasErrors={errors.length > 0 || !!theirs} />
        <p className="govuk-body">The Home Office’s scores for the area against the toolkit’s benchmarks, the partnership’s targets, and the strengths and areas for development it named.</p>
        <form noValidate onSubmit={submit}>
          <DateInput name="assessedOn" legend="Date of the assessment (optional)" hint="For example, 19 2 2026" value={values.assessedOn} onChange={(assessedOn) => setValues((v) => ({ ...v, assessedOn }))} error={forField('assessedOn')} />
          <TextInput
            name="assessedBy"
            label="Assessed by (optional)"
            hint="A role, not a name, for example Home Office Regional Prevent Adviser"
            value={values.assessedBy}
            onChange={(assessedBy) => setValues((v) => ({ ...v, assessedBy }))}
            error={forField('assessedBy')}
          />
          <h2 className="govuk-heading-m">Scores and targets</h2>
          <p className="govuk-body">From 1 to 5: 1 and 2 mean the duty is not met, 3 that it is met, 4 and 5 that it is exceeded. Leave a benchmark unscored if the assessment did not score it.</p>
          {BENCHMARKS.map((b) => (
            <fieldset className="govuk-fieldset app-repeat" key={b.number}>
              <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">
                {b.number}. {b.name}
              </legend>
              <div className="app-inline-fields">
                <Select name={`scores.${b.number}`} label="Home Office score" value={values.scores[b.number]} onChange={setScore('scores', b.number)} options={scoreOptions('Not scored')} error={forField(`scores.${b.number}`)} />
                <Select name={`targets.${b.number}`} label="Target" value={values.targets[b.number]} onChange={setScore('targets', b.number)} options={scoreOptions('No target')} error={forField(`targets.${b.number}`)} />
              </div>
            </fieldset>
          ))}
          {LISTS.map(({ list, plural, one }) => (
            <div key={list}>
              <h2 className="govuk-heading-m">{plural}</h2>
              {values[list].map((f, i) => (
                <fieldset className="govuk-fieldset app-repeat" key={f.key}>
                  <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">
                    {one} {i + 1}
                  </legend>
                  <Select name={`${list}.${i}.benchmark`} label="Benchmark (optional)" value={f.benchmark} onChange={setRow(list, i, 'benchmark')} options={benchmarkOptions} error={forField(`${list}.${i}.benchmark`)} />
                  <Textarea name={`${list}.${i}.text`} label="What the assessment says" rows={3} value={f.text} onChange={setRow(list, i, 'text')} error={forField(`${list}.${i}.text`)} />
                  <button type="button" className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" onClick={() => remove(list, i)}>
                    Remove<span className="govuk-visually-hidden"> {one.toLowerCase()} {i + 1}</span>
                  </button>
                </fieldset>
              ))}
              <button type="button" id={`add-${list}`} className="govuk-button govuk-button--secondary" data-module="govuk-button" onClick={() => add(list)}>
                {values[list].length ? `Add another ${one.toLowerCase()}` : `Add ${list === 'strengths' ? 'a strength' : 'an area for development'}`}
              </button>
            </div>
          ))}
          {!theirs && (
            <div className="govuk-button-group">
              <Button type="submit" pending={save.isPending}>
                Save the assessment
              </Button>
            </div>
          )}
        </form>
      </div>
    </div>
  );
}
