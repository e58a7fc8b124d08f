import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { fieldId } from '../../../components/ErrorSummary';

export interface TaskProblem {
  message: string;
  /** The task page that fixes it (a route), or a field on this page (an API path). */
  to?: string;
  field?: string;
}

/**
 * The GOV.UK error summary for problems that live on other pages (what a submission still
 * lacks): each links to the task that fixes it. Focused when it appears.
 */
export function TaskErrorSummary({ problems, title = 'There is a problem' }: { problems: readonly TaskProblem[]; title?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const key = problems.map((p) => p.message).join('|');
  useEffect(() => {
    if (problems.length) box.current?.focus();
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!problems.length) return null;
  return (
    <div className="govuk-error-summary" data-module="govuk-error-summary" ref={box} tabIndex={-1}>
      <div role="alert">
        <h2 className="govuk-error-summary__title">{title}</h2>
        <div className="govuk-error-summary__body">
          <ul className="govuk-list govuk-error-summary__list">
            {problems.map((p, i) => (
              <li key={i}>
                {p.to ? (
                  <Link to={p.to}>{p.message}</Link>
                ) : p.field ? (
                  <a
                    href={`#${fieldId(p.field)}`}
                    onClick={(event) => {
                      const input = document.getElementById(fieldId(p.field!));
                      if (!input) return;
                      event.preventDefault();
                      input.scrollIntoView({ block: 'center' });
                      input.focus();
                    }}
                  >
                    {p.message}
                  </a>
                ) : (
                  p.message
                )}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}
