import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, call } from '../../../api/client';
import type { BodyOf } from '../../../api/types';
import { useApi } from '../../../app/context';
import { useAbilities, useMe } from '../../../app/session';
import { asApiError, useVersionedForm } from '../../../components/forms';
import { PageTitle } from '../../../components/PageTitle';
import type { Framework, Statement } from '../../../components/statement-version';
import { BackLink, formatDate, LoadError, Loading } from '../../../components/ui';

export type { Framework, Statement };
export type Benchmark = Framework['benchmarks'][number];
export type Content = Pick<BodyOf<'/authorities/{id}/statements/{year}', 'put'>, 'ratings' | 'scores' | 'narrative' | 'signOff'>;
export type Rating = 'not-yet-started' | 'developing' | 'achieving';

/** The self-assessment tool's scale, in the API's values. */
export const RATING_OPTIONS: readonly { value: Rating; label: string; hint: string }[] = [
  { value: 'not-yet-started', label: 'Not yet started', hint: 'Nothing is in place yet.' },
  { value: 'developing', label: 'Developing', hint: 'Work is under way but not yet complete or embedded.' },
  { value: 'achieving', label: 'Achieving', hint: 'In place and working, with evidence to show it.' },
];
export const RATING_LABELS: Record<string, string> = Object.fromEntries(RATING_OPTIONS.map((o) => [o.value, o.label]));

/** The Home Office's 1–5 scale (seed 003): 3 is the duty met. */
export const SCORE_OPTIONS = [
  { value: '1', label: '1', hint: 'Duty not met: little or nothing in place.' },
  { value: '2', label: '2', hint: 'Duty not met: some arrangements, with gaps.' },
  { value: '3', label: '3', hint: 'Duty met.' },
  { value: '4', label: '4', hint: 'Duty exceeded in some respects.' },
  { value: '5', label: '5', hint: 'Duty exceeded: good practice others could learn from.' },
] as const;

export const QUESTION_TYPES: Record<string, string> = { expectation: 'Expectation of compliance', 'good-practice': 'Good practice' };

/** The narrative sections of the statement (the API's keys), with what each should say. */
export const NARRATIVE_SECTIONS = [
  { key: 'leadership', label: 'Leadership', hint: 'Who leads on Prevent, how senior leaders oversee it and how it is governed.' },
  { key: 'partnershipWorking', label: 'Partnership working', hint: 'How you work with the steering group, Channel panel and other partners.' },
  { key: 'understandingAndManagingRisk', label: 'Understanding and managing risk', hint: 'How the Counter Terrorism Local Profile and your own risk assessment shape what you do.' },
  { key: 'informationSharing', label: 'Information sharing', hint: 'How you share information about people at risk, and the agreements you rely on.' },
  { key: 'training', label: 'Training', hint: 'Who was trained, to what level, and how you know it worked.' },
  { key: 'communicationsAndEngagement', label: 'Communications and engagement', hint: 'How staff and communities hear about Prevent and can raise concerns.' },
  { key: 'holdingToAccount', label: 'Holding to account', hint: 'How you check that the duty is met and act when it is not.' },
] as const;
export type NarrativeKey = (typeof NARRATIVE_SECTIONS)[number]['key'];

export const statementPath = (id: string, year: string) => `/authorities/${id}/statements/${year}`;

/** The content of a statement as the PUT takes it (the whole of it: a PUT replaces it). */
export function contentOf(s: Statement): Content {
  return { ratings: s.ratings ?? {}, scores: s.scores ?? {}, narrative: s.narrative ?? {}, ...(s.signOff ? { signOff: s.signOff } : {}) };
}

export type TaskState = 'not-started' | 'in-progress' | 'completed';
export const TASK_STATE_LABELS: Record<TaskState, string> = { 'not-started': 'Not started', 'in-progress': 'In progress', completed: 'Completed' };

/** A benchmark is completed when every question is rated and it has its 1–5 score. */
export function benchmarkState(s: Pick<Statement, 'ratings' | 'scores'>, b: Benchmark): TaskState {
  const rated = b.questions.filter((q) => s.ratings?.[q.id]).length;
  const scored = s.scores?.[String(b.number)] !== undefined;
  if (rated === b.questions.length && scored) return 'completed';
  return rated || scored ? 'in-progress' : 'not-started';
}

/** The framework the statement is written against, limited to the benchmarks that apply to the authority. */
export function applicableBenchmarks(s: Statement, frameworks: readonly Framework[] | undefined): { framework?: Framework; benchmarks: Benchmark[] } {
  const framework = frameworks?.find((f) => `${f.id}@${f.version}` === s.framework);
  return { framework, benchmarks: (framework?.benchmarks ?? []).filter((b) => s.applicableBenchmarks.includes(b.number)) };
}

/** The statement, its framework and the authority, as every statement page needs them. A 404 is a statement not started yet. */
export function useStatementData(id: string, year: string) {
  const api = useApi();
  const statement = useQuery({
    queryKey: ['statement', id, year],
    queryFn: () => call(api.GET('/authorities/{id}/statements/{year}', { params: { path: { id, year } } })),
    retry: (count, e) => (e as ApiError).status !== 404 && (e as ApiError).status !== 403 && (e as ApiError).status !== 400 && count < 2,
  });
  const frameworks = useQuery({ queryKey: ['frameworks'], queryFn: () => call(api.GET('/frameworks')), staleTime: 10 * 60_000 });
  const authority = useQuery({ queryKey: ['authority', id], queryFn: () => call(api.GET('/authorities/{id}', { params: { path: { id } } })) });
  return { statement, frameworks, authority };
}

/**
 * Saves the statement: the page's change applied to the copy it was based on, sent whole with
 * that copy's version (a PUT replaces the content). The saved record replaces the cached one.
 */
export function useSaveStatement(id: string, year: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ base, change }: { base: Statement; change: (content: Content) => Content }) => {
      const body = { ...change(contentOf(base)), version: base.version } as BodyOf<'/authorities/{id}/statements/{year}', 'put'>;
      const saved = await call(api.PUT('/authorities/{id}/statements/{year}', { params: { path: { id, year } }, body }));
      const merged: Statement = { ...saved, applicableQuestions: base.applicableQuestions, applicableBenchmarks: base.applicableBenchmarks, people: base.people };
      queryClient.setQueryData(['statement', id, year], merged);
      return merged;
    },
  });
}

/** The statement as it stands now on the server (for the conflict panel). */
export function useLoadCurrent(id: string, year: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return () =>
    queryClient.fetchQuery({
      queryKey: ['statement', id, year],
      queryFn: () => call(api.GET('/authorities/{id}/statements/{year}', { params: { path: { id, year } } })),
      staleTime: 0,
    });
}

/** Why a statement page offers no form, in words; undefined when the user may edit it. */
function readOnlyReason(s: Statement, isAuthorityUser: boolean, authorityName: string): string | undefined {
  if (!isAuthorityUser) return `Only ${authorityName}’s Prevent lead and editors change its statement.`;
  if (s.status === 'submitted') return 'This statement has been submitted to the steering group, so it can no longer be changed. If the steering group returns it, you can change it again.';
  if (s.status === 'accepted') return 'The steering group has accepted this statement, so it can no longer be changed.';
  return undefined;
}

export interface StatementPageContext {
  id: string;
  year: string;
  statement: Statement;
  framework?: Framework;
  benchmarks: Benchmark[];
  authorityName: string;
  isLead: boolean;
}

/**
 * The frame of a statement sub-page (a task): loads what it needs, and shows the form only to
 * the authority's lead and editors while the statement is a draft or returned; everyone else
 * reads why not, with a link back to the statement.
 */
export function StatementTaskPage({ title, children }: { title: (ctx: Omit<StatementPageContext, 'statement'> & { statement?: Statement }) => string; children: (ctx: StatementPageContext) => ReactNode }) {
  const { id = '', year = '' } = useParams();
  const { statement, frameworks, authority } = useStatementData(id, year);
  const me = useMe();
  const can = useAbilities();
  const authorityName = authority.data?.name ?? me.data?.authorityName ?? id;
  const back = <BackLink to={statementPath(id, year)}>Back to the statement</BackLink>;
  if (statement.isPending || frameworks.isPending || authority.isPending) {
    return (
      <>
        {back}
        <PageTitle title={`Statement ${year}`} caption={authorityName} />
        <Loading what="Loading the statement" />
      </>
    );
  }
  const failed = [statement, frameworks, authority].find((q) => q.error);
  if (failed || !statement.data) {
    const notStarted = (statement.error as ApiError | null)?.status === 404;
    return (
      <>
        {back}
        <PageTitle title={notStarted ? `The ${year} statement has not been started` : `Statement ${year}`} caption={authorityName} />
        {notStarted ? (
          <p className="govuk-body">
            <Link className="govuk-link" to={statementPath(id, year)}>
              Go to the statement
            </Link>{' '}
            to start it.
          </p>
        ) : (
          <LoadError error={failed?.error} retry={() => void failed?.refetch()} />
        )}
      </>
    );
  }
  const s = statement.data;
  const { framework, benchmarks } = applicableBenchmarks(s, frameworks.data?.items);
  const ctx: StatementPageContext = { id, year, statement: s, framework, benchmarks, authorityName, isLead: me.data?.role === 'authority-lead' };
  const reason = readOnlyReason(s, can.isAuthorityUser, authorityName);
  if (reason) {
    return (
      <>
        {back}
        <PageTitle title={title(ctx)} caption={`${authorityName}: statement ${year}`} />
        <p className="govuk-body">{reason}</p>
        <p className="govuk-body">
          <Link className="govuk-link" to={statementPath(id, year)}>
            Read the statement
          </Link>
        </p>
      </>
    );
  }
  return (
    <>
      {back}
      {children(ctx)}
    </>
  );
}

/** The reminder that a change to the answers undoes the sign-off (the API drops it). */
export function SignOffWarning({ statement }: { statement: Statement }) {
  if (!statement.signOff) return null;
  return (
    <div className="govuk-warning-text">
      <span className="govuk-warning-text__icon" aria-hidden="true">
        !
      </span>
      <strong className="govuk-warning-text__text">
        <span className="govuk-visually-hidden">Warning</span>
        {statement.signOff.name} signed this statement off on {formatDate(statement.signOff.date)}. Changing an answer removes the sign-off: it must then be signed off again.
      </strong>
    </div>
  );
}

/** What a failed save says when the service could not be reached: the typed input is still on the page. */
export const NETWORK_MESSAGE = 'Your changes have not been saved: the service could not be reached. Nothing you typed has been lost. Check your connection, then save again.';

export function saveErrorOf(error: ApiError): ApiError {
  return error.isNetwork ? new ApiError(0, NETWORK_MESSAGE) : error;
}

/**
 * One task page's saving: the copy it is based on, the save (this page's change applied to that
 * copy, sent with its version), the conflict panel's record, and back to the task list with
 * `flash` once saved. A conflict whose current record already `holds` this page's answers is a
 * save whose answer the network lost, then retried: it counts as saved and nothing is sent twice.
 */
export function useStatementTask(ctx: StatementPageContext, options: { change: (content: Content) => Content; flash: string; holds: (current: Statement) => boolean }) {
  const { id, year } = ctx;
  const navigate = useNavigate();
  const [base, setBase] = useState<Statement>(ctx.statement);
  const save = useSaveStatement(id, year);
  const { form, theirs, setTheirs, onError } = useVersionedForm<Statement>(useLoadCurrent(id, year));
  const saved = () => navigate(statementPath(id, year), { state: { flash: options.flash } });
  const send = (against: Statement) =>
    save.mutate({ base: against, change: options.change }, { onSuccess: () => void saved(), onError: (e) => void onError(saveErrorOf(asApiError(e))) });
  useEffect(() => {
    if (theirs && options.holds(theirs)) void saved();
  }, [theirs]); // eslint-disable-line react-hooks/exhaustive-deps
  return { base, setBase, save, form, theirs, setTheirs, send };
}
