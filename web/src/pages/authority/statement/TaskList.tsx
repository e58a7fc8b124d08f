import { Link } from 'react-router';
import type { TagColour } from '../../../components/ui';
import { TASK_STATE_LABELS, type TaskState } from './statement-common';

export interface Task {
  /** Unique on the page: the ids of the status and hint come from it. */
  key: string;
  title: string;
  to: string;
  hint?: string;
  state: TaskState | 'optional';
}

const TAGS: Record<Exclude<TaskState, 'completed'> | 'optional', { colour: TagColour; label: string }> = {
  'not-started': { colour: 'blue', label: TASK_STATE_LABELS['not-started'] },
  'in-progress': { colour: 'light-blue', label: TASK_STATE_LABELS['in-progress'] },
  optional: { colour: 'grey', label: 'Optional' },
};

/** The GOV.UK task list: each task a link, its status in words (completed as plain text, the rest as tags). */
export function TaskList({ tasks }: { tasks: readonly Task[] }) {
  return (
    <ul className="govuk-task-list">
      {tasks.map((t) => {
        const statusId = `task-${t.key}-status`;
        const hintId = `task-${t.key}-hint`;
        const tag = t.state === 'completed' ? undefined : TAGS[t.state];
        return (
          <li className="govuk-task-list__item govuk-task-list__item--with-link" key={t.key}>
            <div className="govuk-task-list__name-and-hint">
              <Link className="govuk-link govuk-task-list__link" to={t.to} aria-describedby={[t.hint ? hintId : '', statusId].filter(Boolean).join(' ')}>
                {t.title}
              </Link>
              {t.hint && (
                <div id={hintId} className="govuk-task-list__hint">
                  {t.hint}
                </div>
              )}
            </div>
            <div className="govuk-task-list__status" id={statusId}>
              {tag ? <strong className={`govuk-tag govuk-tag--${tag.colour}`}>{tag.label}</strong> : TASK_STATE_LABELS.completed}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
