import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { ApiError } from '../../../api/client';
import { Conflict, differingFields, type ConflictField } from '../../../components/Conflict';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { Radios, Textarea } from '../../../components/fields';
import { messageFor } from '../../../components/forms';
import { PageTitle } from '../../../components/PageTitle';
import { Button, Tag } from '../../../components/ui';
import {
  QUESTION_TYPES, RATING_LABELS, RATING_OPTIONS, SCORE_OPTIONS, SignOffWarning, StatementTaskPage, useStatementTask,
  type Benchmark, type Content, type StatementPageContext, type Statement,
} from './statement-common';
import './statement.css';

interface Values {
  ratings: Record<string, { rating: string; details: string }>;
  score: string;
}

function valuesOf(s: Statement, b: Benchmark): Values {
  return {
    ratings: Object.fromEntries(b.questions.map((q) => [q.id, { rating: s.ratings?.[q.id]?.rating ?? '', details: s.ratings?.[q.id]?.details ?? '' }])),
    score: s.scores?.[String(b.number)] === undefined ? '' : String(s.scores[String(b.number)]),
  };
}

/** The values in display form, one entry per conflict field. */
function display(v: Values): Record<string, unknown> {
  return {
    ...Object.fromEntries(Object.entries(v.ratings).flatMap(([q, a]) => [[`rating-${q}`, RATING_LABELS[a.rating] ?? ''], [`details-${q}`, a.details.trim()]])),
    score: v.score ? `${v.score} out of 5` : '',
  };
}

/** One benchmark of the toolkit: a rating and evidence notes per question, and the benchmark's 1–5 score. */
export default function BenchmarkPage() {
  const { number = '' } = useParams();
  return (
    <StatementTaskPage title={(ctx) => benchmarkTitle(ctx.benchmarks.find((b) => String(b.number) === number), number)}>
      {(ctx) => {
        const benchmark = ctx.benchmarks.find((b) => String(b.number) === number);
        if (!benchmark) {
          return (
            <>
              <PageTitle title={`Benchmark ${number} does not apply`} caption={`${ctx.authorityName}: statement ${ctx.year}`} />
              <p className="govuk-body">Benchmark {number} is not one that applies to {ctx.authorityName} this year. The statement lists the benchmarks that do.</p>
            </>
          );
        }
        return <BenchmarkForm key={benchmark.number} ctx={ctx} benchmark={benchmark} />;
      }}
    </StatementTaskPage>
  );
}

const benchmarkTitle = (b: Benchmark | undefined, number: string) => (b ? `Benchmark ${b.number}: ${b.title}` : `Benchmark ${number}`);

function BenchmarkForm({ ctx, benchmark }: { ctx: StatementPageContext; benchmark: Benchmark }) {
  const { year } = ctx;
  const [values, setValues] = useState<Values>(() => valuesOf(ctx.statement, benchmark));
  /** The server copy the form was based on (its version goes with the PUT). */
  const n = String(benchmark.number);

  const FIELDS: ConflictField[] = [
    ...benchmark.questions.flatMap((q) => [
      { key: `rating-${q.id}`, label: `${q.id} rating` },
      { key: `details-${q.id}`, label: `${q.id} evidence notes` },
    ]),
    { key: 'score', label: `Score for benchmark ${n}` },
  ];

  const setRating = (q: string, patch: Partial<Values['ratings'][string]>) => setValues((v) => ({ ...v, ratings: { ...v.ratings, [q]: { ...v.ratings[q], ...patch } } }));

  /** This page's answers put into the whole content: the other benchmarks' answers stay as they are. */
  const change = (content: Content): Content => {
    const ratings = Object.fromEntries(Object.entries(content.ratings ?? {}).filter(([q]) => !(q in values.ratings)));
    for (const [q, a] of Object.entries(values.ratings)) {
      if (a.rating) ratings[q] = { rating: a.rating as never, ...(a.details.trim() ? { details: a.details.trim() } : {}) };
    }
    const scores = { ...content.scores };
    delete scores[n];
    if (values.score) scores[n] = Number(values.score);
    return { ...content, ratings, scores };
  };

  const { base, setBase, save, form, theirs, setTheirs, send } = useStatementTask(ctx, {
    change,
    flash: `Benchmark ${n} saved`,
    holds: (current) => !differingFields(FIELDS, display(values), display(valuesOf(current, benchmark))).length,
  });
  const errors = form.errors;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTheirs(null);
    // Evidence notes belong to a rating: say so here rather than lose them.
    const orphans = Object.entries(values.ratings)
      .filter(([, a]) => a.details.trim() && !a.rating)
      .map(([q]) => ({ path: `ratings.${q}`, message: `Choose a rating for question ${q}, or remove its evidence notes` }));
    if (orphans.length) {
      form.setError(new ApiError(400, 'Some answers are incomplete.', 'validation', orphans));
      return;
    }
    send(base);
  };

  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <ErrorSummary errors={errors} />
        {theirs && (
          <Conflict
            what={`benchmark ${n}`}
            fields={FIELDS}
            yours={display(values)}
            theirs={display(valuesOf(theirs, benchmark))}
            pending={save.isPending}
            onKeepMine={() => {
              setBase(theirs);
              send(theirs);
            }}
            onUseTheirs={() => {
              setValues(valuesOf(theirs, benchmark));
              setBase(theirs);
              setTheirs(null);
              form.clear();
            }}
          />
        )}
        <PageTitle title={benchmarkTitle(benchmark, n)} caption={`${ctx.authorityName}: statement ${year}`} hasErrors={errors.length > 0 || !!theirs} />
        {benchmark.outcome && (
          <p className="govuk-body">
            <strong>The outcome it looks for:</strong> {benchmark.outcome}
          </p>
        )}
        <p className="govuk-body">
          Rate each question on the self-assessment tool’s scale and note the evidence you hold. Questions marked <strong>expectation of compliance</strong> are what the Prevent duty
          requires; <strong>good practice</strong> questions go further.
        </p>
        <SignOffWarning statement={base} />
        <form noValidate onSubmit={submit}>
          {benchmark.questions.map((q) => {
            const path = `ratings.${q.id}`;
            const answer = values.ratings[q.id];
            return (
              <div className="app-statement-question" key={q.id}>
                <Radios
                  name={path}
                  legend={
                    <>
                      <span className="govuk-!-display-block govuk-!-margin-bottom-1">
                        <Tag colour={q.type === 'expectation' ? 'purple' : 'turquoise'}>{QUESTION_TYPES[q.type] ?? q.type}</Tag>
                      </span>
                      {q.id} {q.text}
                    </>
                  }
                  legendClass="govuk-fieldset__legend--s"
                  error={messageFor(errors.filter((e) => e.path === path || e.path === `${path}.rating`), path)}
                  value={answer.rating}
                  onChange={(rating) => setRating(q.id, { rating })}
                  options={RATING_OPTIONS.map((o) => ({ value: o.value, label: o.label }))}
                />
                <Textarea
                  name={`${path}.details`}
                  label={`Evidence notes for ${q.id} (optional)`}
                  hint="For example the document, minutes or figures that show it"
                  labelClass="govuk-label--s"
                  rows={3}
                  error={messageFor(errors, `${path}.details`)}
                  value={answer.details}
                  onChange={(details) => setRating(q.id, { details })}
                />
                <hr className="govuk-section-break govuk-section-break--m govuk-section-break--visible" />
              </div>
            );
          })}
          <Radios
            name={`scores.${n}`}
            legend={`Score for benchmark ${n}, from 1 to 5`}
            legendClass="govuk-fieldset__legend--m"
            hint="The Home Office scale: 3 means the duty is met, 1 or 2 that it is not met, 4 or 5 that it is exceeded."
            error={messageFor(errors, `scores.${n}`)}
            value={values.score}
            onChange={(score) => setValues((v) => ({ ...v, score }))}
            options={SCORE_OPTIONS}
          />
          {!theirs && (
            <Button type="submit" pending={save.isPending}>
              Save and return to the statement
            </Button>
          )}
        </form>
      </div>
    </div>
  );
}
