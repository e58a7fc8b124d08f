import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import type { FieldError } from '../api/client';

/** One problem in the summary: a field on this page (`path`), or a page that fixes it (`to`, a route). */
export interface SummaryError {
  path?: FieldError['path'];
  message: string;
  to?: string;
}

/** The id of the input for an API error path, e.g. `roles.0.name` → `field-roles-0-name`. */
export const fieldId = (path: string) => `field-${path.replace(/[^A-Za-z0-9_-]+/g, '-')}`;

/**
 * GOV.UK error summary: at the top of the page, focused when it appears, each error a link
 * to its field, or to the page that fixes it (what a submission still lacks lives on other
 * pages). Errors whose path has no field on the page, and no page, are listed without a link.
 */
export function ErrorSummary({ errors, title = 'There is a problem', fields }: { errors: readonly SummaryError[]; title?: string; fields?: readonly string[] }) {
  const box = useRef<HTMLDivElement>(null);
  const key = errors.map((e) => `${e.path}:${e.message}`).join('|');
  useEffect(() => {
    if (errors.length) box.current?.focus();
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!errors.length) return null;
  const linkable = (path: string) => !fields || fields.includes(path);
  return (
    <div className="govuk-error-summary" data-module="govuk-error-summary" ref={box} tabIndex={-1}>
      <div role="alert">
        <h2 className="govuk-error-summary__title">{title}</h2>
        <div className="govuk-error-summary__body">
          <ul className="govuk-list govuk-error-summary__list">
            {errors.map((e, i) => (
              <li key={`${e.path}-${i}`}>
                {e.to ? (
                  <Link to={e.to}>{e.message}</Link>
                ) : e.path && linkable(e.path) ? (
                  <a
                    href={`#${fieldId(e.path)}`}
                    onClick={(event) => {
                      const input = document.getElementById(fieldId(e.path!));
                      if (!input) return;
                      event.preventDefault();
                      input.scrollIntoView({ block: 'center' });
                      input.focus();
                    }}
                  >
                    {e.message}
                  </a>
                ) : (
                  e.message
                )}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}
