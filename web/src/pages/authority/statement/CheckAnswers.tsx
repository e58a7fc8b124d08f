import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { call, type FieldError } from '../../../api/client';
import { formatBytes } from '../../../api/upload';
import { useApi } from '../../../app/context';
import { ErrorSummary, type SummaryError } from '../../../components/ErrorSummary';
import { Checkbox } from '../../../components/fields';
import { asApiError } from '../../../components/forms';
import { PageTitle } from '../../../components/PageTitle';
import { Button, formatDate, SummaryList, Tag, type SummaryRow } from '../../../components/ui';
import { NARRATIVE_SECTIONS, NETWORK_MESSAGE, QUESTION_TYPES, RATING_LABELS, statementPath, StatementTaskPage, type StatementPageContext } from './statement-common';
import './statement.css';

const RATING_COLOURS = { 'not-yet-started': 'red', developing: 'yellow', achieving: 'green' } as const;

/** "Check your answers": the whole statement with a change link per answer, then (for the lead) the submission. */
export default function CheckAnswers() {
  return <StatementTaskPage title={() => 'Check your answers'}>{(ctx) => <Check ctx={ctx} />}</StatementTaskPage>;
}

/** The API's field errors of a refused submission, each turned into a link to the task that fixes it. */
function problemsOf(errors: readonly FieldError[], base: string, latestVersion: number): SummaryError[] {
  const problems: SummaryError[] = [];
  const unrated = new Map<string, string[]>();
  for (const e of errors) {
    const rating = /^ratings\.(\d+)\.(\d+)/.exec(e.path);
    if (rating) {
      unrated.set(rating[1], [...(unrated.get(rating[1]) ?? []), `${rating[1]}.${rating[2]}`]);
    } else if (e.path.startsWith('signOff')) {
      problems.push({ path: e.path, message: e.message, to: `${base}/sign-off` });
    } else if (e.path === 'document') {
      problems.push({
        message: `The answers changed since version ${latestVersion}, but the signed document is the one submitted with it. Attach a newly signed document, or confirm that it still stands`,
        path: 'confirmDocumentStands',
      });
    } else if (e.path.startsWith('scores.')) {
      problems.push({ path: e.path, message: e.message, to: `${base}/benchmarks/${e.path.split('.')[1]}` });
    } else {
      // Not a field of this page: listed without a link.
      problems.push({ message: e.message });
    }
  }
  const benchmarkProblems = [...unrated].map(([b, qs]) => ({
    path: `ratings.${b}`,
    message: `Benchmark ${b}: rate ${qs.length === 1 ? `question ${qs[0]}` : `questions ${qs.slice(0, -1).join(', ')} and ${qs.at(-1)}`} before submitting`,
    to: `${base}/benchmarks/${b}`,
  }));
  return [...benchmarkProblems, ...problems];
}

function Check({ ctx }: { ctx: StatementPageContext }) {
  const { id, year, statement: s, benchmarks, authorityName, isLead } = ctx;
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const base = statementPath(id, year);
  const [confirm, setConfirm] = useState(false);
  const [problems, setProblems] = useState<SummaryError[]>([]);
  const change = (to: string, what: string): SummaryRow['action'] => ({ to, label: 'Change', visuallyHidden: what });

  const submit = useMutation({
    mutationFn: () => call(api.POST('/authorities/{id}/statements/{year}/submit', { params: { path: { id, year } }, body: { version: s.version, ...(confirm ? { confirmDocumentStands: true as const } : {}) } })),
    onSuccess: async (result) => {
      setProblems([]);
      queryClient.setQueryData(['statement', id, year], { ...result.statement, applicableQuestions: s.applicableQuestions, applicableBenchmarks: s.applicableBenchmarks });
      await queryClient.invalidateQueries({ queryKey: ['statement', id, year] });
      navigate(base, { state: { flash: `Statement submitted to the steering group (version ${result.version.number})` } });
    },
    onError: (e) => {
      const error = asApiError(e);
      if (error.isConflict) {
        void queryClient.invalidateQueries({ queryKey: ['statement', id, year] });
        setProblems([{ message: `${error.message.replace(/; reload it and try again\.?$/, '.')} The answers below are now the latest: check them, then submit again.` }]);
      } else if (error.isNetwork) {
        setProblems([{ message: NETWORK_MESSAGE.replace('Your changes have not been saved', 'The statement has not been submitted').replace(' Nothing you typed has been lost.', '').replace('save again', 'submit again') }]);
      } else {
        setProblems(error.fieldErrors.length ? problemsOf(error.fieldErrors, base, s.submissions) : [{ message: error.message }]);
      }
    },
  });
  const send = (event: FormEvent) => {
    event.preventDefault();
    submit.mutate();
  };

  return (
    // Full width: the toolkit's questions are long, and a narrow key column made them a tall ribbon.
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-full">
        <ErrorSummary errors={problems} title="The statement is not ready to submit" />
        <PageTitle title={isLead ? 'Check your answers before submitting the statement' : 'Check your answers'} caption={`${authorityName}: statement ${year}`} hasErrors={problems.length > 0} />
        {benchmarks.map((b) => {
          const score = s.scores?.[String(b.number)];
          return (
            <section key={b.number} aria-labelledby={`check-benchmark-${b.number}`}>
              <h2 className="govuk-heading-m" id={`check-benchmark-${b.number}`}>
                Benchmark {b.number}: {b.title}
              </h2>
              <SummaryList
                rows={[
                  ...b.questions.map((q) => {
                    const answer = s.ratings?.[q.id];
                    return {
                      key: (
                        <>
                          {q.id} {q.text} <span className="govuk-visually-hidden">({QUESTION_TYPES[q.type]})</span>
                        </>
                      ),
                      value: (
                        <>
                          {answer ? <Tag colour={RATING_COLOURS[answer.rating]}>{RATING_LABELS[answer.rating]}</Tag> : <Tag colour="grey">Not rated</Tag>}
                          {answer?.details && <p className="govuk-body govuk-!-margin-top-2 govuk-!-margin-bottom-0 app-statement-text">{answer.details}</p>}
                        </>
                      ),
                      action: change(`${base}/benchmarks/${b.number}`, `the answer to ${q.id}`),
                    };
                  }),
                  { key: `Score for benchmark ${b.number}`, value: score ? `${score} out of 5` : 'Not scored', action: change(`${base}/benchmarks/${b.number}`, `the score for benchmark ${b.number}`) },
                ]}
              />
            </section>
          );
        })}
        <h2 className="govuk-heading-m">Narrative</h2>
        <SummaryList
          rows={NARRATIVE_SECTIONS.map((n) => ({
            key: n.label,
            value: s.narrative?.[n.key] ? <span className="app-statement-text">{s.narrative[n.key]}</span> : 'Not written',
            action: change(`${base}/narrative/${n.key}`, n.label.toLowerCase()),
          }))}
        />
        <h2 className="govuk-heading-m">Sign-off</h2>
        <SummaryList
          rows={
            s.signOff
              ? [
                  { key: 'Signed by', value: s.signOff.name, action: change(`${base}/sign-off`, 'who signed it') },
                  { key: 'Role', value: s.signOff.role, action: change(`${base}/sign-off`, 'their role') },
                  { key: 'Date', value: formatDate(s.signOff.date), action: change(`${base}/sign-off`, 'the date') },
                  { key: 'Declaration', value: s.signOff.declaration, action: change(`${base}/sign-off`, 'the declaration') },
                ]
              : [{ key: 'Signed by', value: 'Not signed off yet', action: change(`${base}/sign-off`, 'the sign-off') }]
          }
        />
        <h2 className="govuk-heading-m">Signed document</h2>
        <SummaryList
          rows={[
            {
              key: 'Document',
              value: s.document ? `${s.document.fileName} (${formatBytes(s.document.size)})` : 'None attached',
              action: change(`${base}/document`, 'the signed document'),
            },
          ]}
        />
        <div className="govuk-grid-row">
          <div className="govuk-grid-column-two-thirds">
            {isLead ? (
              <form noValidate onSubmit={send}>
                <h2 className="govuk-heading-m">Now submit the statement</h2>
                <p className="govuk-body">
                  By submitting it you send version {s.submissions + 1} to the steering group. It cannot be changed while they review it; they will accept it, or return it with
                  comments for you to change and resubmit. {authorityName}’s training, IT-filter and SOP figures are recorded with it as they stand today.
                </p>
                {s.submissions > 0 && s.document && (
                  <Checkbox
                    name="confirmDocumentStands"
                    label={`The signed document (${s.document.fileName}) still stands for the changed answers`}
                    hint={`Only needed if you changed an answer since version ${s.submissions} and have not attached a newly signed document.`}
                    checked={confirm}
                    onChange={setConfirm}
                  />
                )}
                <Button type="submit" pending={submit.isPending}>
                  Submit the statement
                </Button>
              </form>
            ) : (
              <div className="govuk-inset-text">
                Only {authorityName}’s Prevent lead can submit the statement. When the answers are ready, tell them: they check them here and submit them to the steering group.
              </div>
            )}
          </div>
        </div>
      </div>
    </div>
  );
}
