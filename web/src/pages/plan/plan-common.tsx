import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { call } from '../../api/client';
import type { Me, ResponseOf, Role } from '../../api/types';
import { useApi } from '../../app/context';
import { ROLE_LABELS } from '../../app/session';
import { Select } from '../../components/fields';
import { BENCHMARKS, RAG_LABELS, RAGS, RagTag } from '../../components/toolkit';
import { formatDate, Tag } from '../../components/ui';

/** Words and helpers shared by the action-plan pages: presentation only, the API decides. */

export type PlanYear = ResponseOf<'/action-plans/{planId}', 'get'>;
export type Plan = PlanYear['plan'];
export type Action = PlanYear['actions'][number];
export type Rag = Action['rag'];
export type Timescale = Action['timescale'];
export type Progress = Action['progress'][number];

export { RAG_LABELS, RAGS, RagTag };

export const RECURRENCE_LABELS: Record<string, string> = { monthly: 'Monthly', quarterly: 'Quarterly', annually: 'Annually' };

/** The toolkit's benchmarks by number: their short names. */
export const BENCHMARK_NAMES: Record<number, string> = Object.fromEntries(BENCHMARKS.map((b) => [b.number, b.name]));
export const benchmarkName = (n: number) => (BENCHMARK_NAMES[n] ? `${n}. ${BENCHMARK_NAMES[n]}` : `Benchmark ${n}`);


export function OverdueTag() {
  return <Tag colour="pink">Overdue</Tag>;
}

/** "By 3 March 2027", "Monthly", "Ongoing". */
export function timescaleInWords(t: Timescale): string {
  if (t.kind === 'date') return `By ${formatDate(t.dueOn)}`;
  if (t.kind === 'recurring') return RECURRENCE_LABELS[t.every] ?? t.every;
  return 'Ongoing';
}

/** The plan's period: "2025-26 to 2027-28". */
export const periodOf = (p: Pick<Plan, 'firstYear' | 'lastYear'>) => (p.firstYear === p.lastYear ? p.firstYear : `${p.firstYear} to ${p.lastYear}`);

/** Each year of the plan, in words: closed, open or not started. */
export function yearState(plan: Plan, year: string): 'closed' | 'open' | 'future' {
  if (plan.closedYears.includes(year)) return 'closed';
  if (!plan.closed && year === plan.currentYear) return 'open';
  return year < plan.currentYear ? 'closed' : 'future';
}

/** Who wrote an update: their name where the API gives it, else their role. */
export function author(p: Progress, people: Record<string, string>, authorityNames: Record<string, string> = {}): string {
  const role = ROLE_LABELS[p.role as Role] ?? p.role;
  return people[p.by] ?? (p.authorityId && authorityNames[p.authorityId] ? `${role}, ${authorityNames[p.authorityId]}` : role);
}

/** Whether the caller may record progress on an action (the API enforces the same). */
export function mayUpdate(me: Pick<Me, 'role' | 'authorityId'> | undefined, action: Pick<Action, 'leadAuthorities'>, editable: boolean): boolean {
  if (!me || !editable) return false;
  if (me.role === 'steering-group') return true;
  return (me.role === 'authority-lead' || me.role === 'authority-editor') && !!me.authorityId && action.leadAuthorities.includes(me.authorityId);
}

/** Whether the caller sees only the actions their authority leads (its leads and editors, and a viewer bound to an authority). */
export const seesOwnActions = (me: Pick<Me, 'role' | 'authorityId'> | undefined) => !!me?.authorityId && me.role !== 'steering-group';

/** An id made from a title: "Safe education" → safe-education. */
export function slugOf(title: string): string {
  return title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}

export const planKey = (planId: string, year?: string) => ['action-plan', planId, year ?? 'open'] as const;

/** A plan year (the open year unless `year` is given). */
export function usePlanYear(planId: string, year?: string, enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey: planKey(planId, year),
    queryFn: () => call(api.GET('/action-plans/{planId}', { params: { path: { planId }, query: year ? { year } : {} } })),
    enabled,
  });
}

/**
 * The partnership's authorities by id (GET /authorities). An authority's users may read only their
 * own authority there: the plan page takes the lead authorities' names from the plan year's own
 * `authorityNames`, and this is the fallback.
 */
export function useAuthorityNames() {
  const api = useApi();
  const query = useQuery({ queryKey: ['authorities'], queryFn: () => call(api.GET('/authorities')) });
  const names = new Map((query.data?.items ?? []).map((a) => [a.id, a.name]));
  return { query, names, nameOf: (id: string) => names.get(id) ?? (query.data ? `${id} (another authority)` : id) };
}

/** Counts of a year's actions by status, with how many are overdue. */
export function countsOf(actions: readonly Pick<Action, 'rag' | 'overdue'>[]) {
  const c = { red: 0, amber: 0, green: 0, complete: 0, overdue: 0, total: actions.length };
  for (const a of actions) {
    c[a.rag]++;
    if (a.overdue) c.overdue++;
  }
  return c;
}

/** "3 red, 2 amber, 8 green, 1 complete; 4 overdue" as tags with their counts. */
export function CountsLine({ actions }: { actions: readonly Pick<Action, 'rag' | 'overdue'>[] }) {
  const c = countsOf(actions);
  return (
    <ul className="app-plan-counts" aria-label="Actions by status">
      {RAGS.map((r) => (
        <li key={r}>
          <RagTag rag={r} /> {c[r]}
        </li>
      ))}
      <li>
        <OverdueTag /> {c.overdue}
      </li>
    </ul>
  );
}

/** The year switcher: a select of the plan's years and a Show button (the year goes in the address). */
export function YearForm({ plan, years, year, onShow }: { plan: Plan; years: readonly string[]; year: string; onShow: (year: string) => void }) {
  const [chosen, setChosen] = useState(year);
  useEffect(() => setChosen(year), [year]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onShow(chosen);
  };
  const words = { closed: 'closed', open: 'open', future: 'not started' } as const;
  return (
    <form className="app-year-form" onSubmit={submit}>
      <Select name="plan-year" label="Plan year" value={chosen} onChange={setChosen} options={years.map((y) => ({ value: y, label: `${y} (${words[yearState(plan, y)]})` }))} />
      <button type="submit" className="govuk-button govuk-button--secondary" data-module="govuk-button">
        Show
      </button>
    </form>
  );
}
