import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { call } from '../../../api/client';
import { useApi } from '../../../app/context';
import { PageTitle } from '../../../components/PageTitle';
import { formatDate, LoadError, Loading, percent, Table, Tag } from '../../../components/ui';
import { AUDIENCE_LABELS, Flash, todayIso, useAuthority, useAuthorityId, useCourses, usePlan, useTrainingAbilities, type Completion, type Course, type Plan } from './common';
import { ImportHistory } from './ImportHistory';
import './training.css';

const LEVEL_RANK: Record<string, number> = { frontline: 0, specialist: 1, strategic: 2 };
/** Pages of completions read to list who is covered (500 each): enough for 10,000 current records. */
const MAX_PAGES = 20;

/** Every completion the API lists for the authority, page by page (bounded). */
function useAllCompletions(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['completions', id, 'all'],
    queryFn: async () => {
      const items: Completion[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < MAX_PAGES; i++) {
        const page = await call(api.GET('/authorities/{id}/completions', { params: { path: { id }, query: { limit: 500, ...(cursor ? { cursor } : {}) } } }));
        items.push(...page.items);
        cursor = page.nextCursor;
        if (!cursor) return { items, complete: true };
      }
      return { items, complete: false };
    },
  });
}

interface Person {
  staffRef: string;
  role?: string;
  /** Of each course, the latest completion. */
  current: Map<string, Completion>;
}

/** People from completions, with their role as the API counts it (the role on the latest completion naming one). */
function peopleOf(completions: readonly Completion[]): Person[] {
  const people = new Map<string, Person & { roleDate: string; roleCourse: string }>();
  for (const c of completions) {
    let p = people.get(c.staffRef);
    if (!p) people.set(c.staffRef, (p = { staffRef: c.staffRef, current: new Map(), roleDate: '', roleCourse: '' }));
    const seen = p.current.get(c.courseId);
    if (!seen || c.completedOn > seen.completedOn) p.current.set(c.courseId, c);
    if (c.role && (c.completedOn > p.roleDate || (c.completedOn === p.roleDate && c.courseId >= p.roleCourse))) [p.role, p.roleDate, p.roleCourse] = [c.role, c.completedOn, c.courseId];
  }
  return [...people.values()].sort((a, b) => a.staffRef.localeCompare(b.staffRef));
}

function covers(role: Plan['roles'][number], person: Person, courses: ReadonlyMap<string, Course>, today: string): boolean {
  const inDate = [...person.current.values()].filter((c) => c.expiresOn === null || c.expiresOn > today).map((c) => c.courseId);
  if (!role.requiredCourses.every((id) => inDate.includes(id))) return false;
  if (!role.requiredLevel) return true;
  return inDate.some((id) => courses.has(id) && LEVEL_RANK[courses.get(id)!.level] >= LEVEL_RANK[role.requiredLevel!]);
}

/** An authority's training (/authorities/:id/training): coverage against the plan, refreshers due, and the actions. */
export default function Training() {
  const id = useAuthorityId();
  const api = useApi();
  const can = useTrainingAbilities(id);
  const authority = useAuthority(id);
  const summary = useQuery({ queryKey: ['training-summary', id], queryFn: () => call(api.GET('/authorities/{id}/training-summary', { params: { path: { id } } })) });
  const plan = usePlan(id);
  const courses = useCourses();
  const completions = useAllCompletions(id);
  const expiring = useQuery({
    queryKey: ['expiring', id],
    queryFn: () => call(api.GET('/authorities/{id}/completions', { params: { path: { id }, query: { expiringWithinDays: 60, limit: 500 } } })),
  });
  const queries = [authority, summary, plan, courses, completions, expiring];
  const failed = queries.find((q) => q.error);
  if (failed) return <LoadError error={failed.error} retry={() => void failed.refetch()} />;
  if (queries.some((q) => q.isPending)) return <Loading what="Loading the training records" />;

  const s = summary.data!;
  const cov = s.coverage;
  const today = todayIso();
  const courseById = new Map(courses.data!.items.map((c) => [c.id, c]));
  const courseName = (cid: string) => courseById.get(cid)?.name ?? cid;
  const people = peopleOf(completions.data!.items);
  const overdue = people.flatMap((p) => [...p.current.values()].filter((c) => c.expiresOn !== null && c.expiresOn <= today)).sort((a, b) => (a.expiresOn ?? '').localeCompare(b.expiresOn ?? ''));
  const due = [...expiring.data!.items].sort((a, b) => (a.expiresOn ?? '').localeCompare(b.expiresOn ?? ''));
  const base = `/authorities/${id}/training`;

  return (
    <>
      <Flash />
      <PageTitle title="Training records" caption={authority.data!.name} />
      <p className="govuk-body">
        How many of each role of the training plan have their Prevent training in date, against the partnership’s target of {percent(cov.target)}, and which refreshers are due. Figures as at{' '}
        {formatDate(s.asAt)}, reporting year {s.year}.
      </p>
      {can.edits && (
        <div className="govuk-button-group">
          <Link to={`${base}/import`} role="button" draggable="false" className="govuk-button" data-module="govuk-button">
            Import training records
          </Link>
          <Link to={`${base}/completions/new`} role="button" draggable="false" className="govuk-button govuk-button--secondary" data-module="govuk-button">
            Add a completion
          </Link>
          <Link to={`${base}/sessions/new`} role="button" draggable="false" className="govuk-button govuk-button--secondary" data-module="govuk-button">
            Record a delivered session
          </Link>
        </div>
      )}

      <h2 className="govuk-heading-l">Coverage by role</h2>
      {cov.roles.length === 0 ? (
        <p className="govuk-body">
          The training plan has no roles yet, so there is nothing to measure coverage against.{' '}
          {can.edits && (
            <Link className="govuk-link" to={`${base}/plan`}>
              Set up the training plan
            </Link>
          )}
        </p>
      ) : (
        <>
          {cov.roles.map((r) => {
            const role = plan.data!.roles.find((x) => x.id === r.roleId);
            const inRole = people.filter((p) => p.role === r.roleId);
            const covered = role ? inRole.filter((p) => covers(role, p, courseById, today)) : [];
            const notCovered = role ? inRole.filter((p) => !covers(role, p, courseById, today)) : [];
            const share = Math.min(100, Math.round((r.coverage ?? 0) * 100));
            const requires = [
              ...(role?.requiredCourses ?? []).map(courseName),
              ...(role?.requiredLevel ? [`a course at ${role.requiredLevel} level or above`] : []),
            ].join(' and ');
            return (
              <section className="app-coverage-role" key={r.roleId} aria-labelledby={`role-${r.roleId}`}>
                <h3 className="govuk-heading-m" id={`role-${r.roleId}`}>
                  {r.name}
                </h3>
                <p className="govuk-body-s govuk-!-margin-bottom-2">Requires {requires || 'nothing yet'}</p>
                <div className="app-bar" aria-hidden="true">
                  <div className="app-bar__fill" style={{ width: `${share}%` }} />
                  <div className="app-bar__target" style={{ left: `${Math.round(cov.target * 100)}%` }} />
                </div>
                <p className="govuk-body">
                  <strong>
                    {r.covered.toLocaleString('en-GB')} of {r.headcount.toLocaleString('en-GB')} covered ({percent(r.coverage)})
                  </strong>{' '}
                  <Tag colour={r.meetsTarget ? 'green' : 'red'}>{r.meetsTarget ? 'Meets target' : 'Below target'}</Tag>
                  <br />
                  <span className="govuk-body-s">
                    {r.staffRecorded.toLocaleString('en-GB')} staff have training recorded in this role
                    {r.headcount > r.staffRecorded ? `; ${(r.headcount - r.staffRecorded).toLocaleString('en-GB')} of the headcount have none` : ''}.
                  </span>
                </p>
                <StaffList title={`Covered in ${r.name}`} summary={`Who is covered (${covered.length})`} refs={covered.map((p) => p.staffRef)} />
                <StaffList title={`Not covered in ${r.name}`} summary={`Who has training recorded but is not covered (${notCovered.length})`} refs={notCovered.map((p) => p.staffRef)} />
              </section>
            );
          })}
          <p className="govuk-body">
            <strong>
              All roles: {cov.total.covered.toLocaleString('en-GB')} of {cov.total.headcount.toLocaleString('en-GB')} covered ({percent(cov.total.coverage)})
            </strong>{' '}
            <Tag colour={cov.total.meetsTarget ? 'green' : 'red'}>{cov.total.meetsTarget ? 'Meets target' : 'Below target'}</Tag>
          </p>
          {cov.staffWithoutRole > 0 && (
            <p className="govuk-body">
              {cov.staffWithoutRole.toLocaleString('en-GB')} people have training recorded but no role of the plan, so they count towards no role. Import with a job title column to give them one.
            </p>
          )}
          {!completions.data!.complete && <p className="govuk-body">The lists of who is covered show the first {(MAX_PAGES * 500).toLocaleString('en-GB')} records only; the figures count everyone.</p>}
        </>
      )}
      {can.edits && (
        <p className="govuk-body">
          <Link className="govuk-link" to={`${base}/plan`}>
            Change the training plan<span className="govuk-visually-hidden"> (roles, headcounts and required training)</span>
          </Link>
        </p>
      )}

      <h2 className="govuk-heading-l">Refreshers</h2>
      <ul className="govuk-list govuk-list--bullet">
        <li>
          <strong>{s.refreshersOverdue.toLocaleString('en-GB')}</strong> overdue
        </li>
        <li>
          <strong>{s.refreshersDueWithin60Days.toLocaleString('en-GB')}</strong> due in the next 60 days
        </li>
      </ul>
      <RefresherTable label="Refreshers due in the next 60 days" items={due} courseName={courseName} when="Due" />
      <RefresherTable label="Overdue refreshers" items={overdue} courseName={courseName} when="Was due" />

      <h2 className="govuk-heading-l">Delivered sessions in {s.year}</h2>
      <p className="govuk-body">
        {s.sessions.count.toLocaleString('en-GB')} sessions, {s.sessions.attendees.toLocaleString('en-GB')} attendees
        {s.sessions.feedbackShare !== null ? `; ${percent(s.sessions.feedbackShare)} of ${s.sessions.feedbackRespondents.toLocaleString('en-GB')} who gave feedback rated them good or excellent` : ''}.
      </p>

      <SessionList authorityId={id} year={s.year} courseName={courseName} />

      <ImportHistory authorityId={id} limit={5} />
      <p className="govuk-body">
        <Link className="govuk-link" to={`${base}/import`}>
          {can.edits ? 'Import training records, and every import so far' : 'Every import so far'}
        </Link>
      </p>
      {can.erases && (
        <>
          <h2 className="govuk-heading-m">Requests to erase a person’s records</h2>
          <p className="govuk-body">
            <Link className="govuk-link" to={`${base}/erase`}>
              Erase one person’s training records
            </Link>
          </p>
        </>
      )}
    </>
  );
}

/** The sessions delivered in the reporting year (April to March). */
function SessionList({ authorityId, year, courseName }: { authorityId: string; year: string; courseName: (id: string) => string }) {
  const api = useApi();
  const start = Number(year.slice(0, 4));
  const sessions = useQuery({
    queryKey: ['sessions', authorityId, year],
    queryFn: () => call(api.GET('/authorities/{id}/sessions', { params: { path: { id: authorityId }, query: { from: `${start}-04-01`, to: `${start + 1}-03-31` } } })),
  });
  if (!sessions.data?.items.length) return null;
  const items = [...sessions.data.items].sort((a, b) => b.date.localeCompare(a.date));
  return (
    <details className="govuk-details">
      <summary className="govuk-details__summary">
        <span className="govuk-details__summary-text">The sessions ({items.length})</span>
      </summary>
      <div className="govuk-details__text">
        <Table label="Delivered sessions" caption={`Sessions delivered in ${year}`} headers={['Date', 'Course', 'For', 'Attendees', 'Rated good or excellent']}>
          {items.map((x) => (
            <tr className="govuk-table__row" key={x.id}>
              <td className="govuk-table__cell">{formatDate(x.date)}</td>
              <td className="govuk-table__cell">{courseName(x.courseId)}</td>
              <td className="govuk-table__cell">{AUDIENCE_LABELS[x.audience] ?? x.audience}</td>
              <td className="govuk-table__cell govuk-table__cell--numeric">{x.attendees}</td>
              <td className="govuk-table__cell govuk-table__cell--numeric">{x.feedbackRespondents ? `${x.feedbackGoodOrExcellent} of ${x.feedbackRespondents}` : '—'}</td>
            </tr>
          ))}
        </Table>
      </div>
    </details>
  );
}

function StaffList({ title, summary, refs }: { title: string; summary: string; refs: string[] }) {
  if (!refs.length) return null;
  return (
    <details className="govuk-details">
      <summary className="govuk-details__summary">
        <span className="govuk-details__summary-text">{summary}</span>
      </summary>
      <div className="govuk-details__text">
        <p className="govuk-body-s govuk-!-margin-bottom-1">{title}, by staff reference:</p>
        <p className="govuk-body">{refs.join(', ')}</p>
      </div>
    </details>
  );
}

function RefresherTable({ label, items, courseName, when }: { label: string; items: Completion[]; courseName: (id: string) => string; when: string }) {
  if (!items.length) return null;
  const shown = items.slice(0, 100);
  return (
    <details className="govuk-details">
      <summary className="govuk-details__summary">
        <span className="govuk-details__summary-text">
          {label} ({items.length.toLocaleString('en-GB')})
        </span>
      </summary>
      <div className="govuk-details__text">
        <Table label={label} caption={items.length > shown.length ? `${label}: the first ${shown.length}` : label} headers={['Staff reference', 'Course', when]}>
          {shown.map((c) => (
            <tr className="govuk-table__row" key={c.id}>
              <td className="govuk-table__cell">{c.staffRef}</td>
              <td className="govuk-table__cell">{courseName(c.courseId)}</td>
              <td className="govuk-table__cell">{formatDate(c.expiresOn)}</td>
            </tr>
          ))}
        </Table>
      </div>
    </details>
  );
}
