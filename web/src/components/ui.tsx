import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../api/client';

export type TagColour = 'grey' | 'green' | 'turquoise' | 'blue' | 'light-blue' | 'purple' | 'pink' | 'red' | 'orange' | 'yellow';

/** A status tag: the colour is never the only signal, the text always says it. */
export function Tag({ colour, children }: { colour?: TagColour; children: ReactNode }) {
  return <strong className={`govuk-tag${colour ? ` govuk-tag--${colour}` : ''}`}>{children}</strong>;
}

export interface SummaryRow {
  key: ReactNode;
  value: ReactNode;
  /** A change link (omit for read-only users: the control is not shown at all). */
  action?: { to: string; label: string; visuallyHidden: string };
}

export function SummaryList({ rows, noBorder }: { rows: SummaryRow[]; noBorder?: boolean }) {
  const anyAction = rows.some((r) => r.action);
  return (
    <dl className={`govuk-summary-list${noBorder ? ' govuk-summary-list--no-border' : ''}`}>
      {rows.map((row, i) => (
        <div className={`govuk-summary-list__row${anyAction && !row.action ? ' govuk-summary-list__row--no-actions' : ''}`} key={i}>
          <dt className="govuk-summary-list__key">{row.key}</dt>
          <dd className="govuk-summary-list__value">{row.value}</dd>
          {row.action && (
            <dd className="govuk-summary-list__actions">
              <Link className="govuk-link" to={row.action.to}>
                {row.action.label}
                <span className="govuk-visually-hidden"> {row.action.visuallyHidden}</span>
              </Link>
            </dd>
          )}
        </div>
      ))}
    </dl>
  );
}

export function NotificationBanner({ type = 'important', title, children }: { type?: 'important' | 'success'; title?: string; children: ReactNode }) {
  const success = type === 'success';
  return (
    <div
      className={`govuk-notification-banner${success ? ' govuk-notification-banner--success' : ''}`}
      role={success ? 'alert' : 'region'}
      aria-labelledby="notification-banner-title"
      data-module="govuk-notification-banner"
    >
      <div className="govuk-notification-banner__header">
        <h2 className="govuk-notification-banner__title" id="notification-banner-title">
          {title ?? (success ? 'Success' : 'Important')}
        </h2>
      </div>
      <div className="govuk-notification-banner__content">{children}</div>
    </div>
  );
}

/** While data loads: announced politely, never a blank page. */
export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="govuk-body app-loading" role="status" aria-live="polite">
      {what}…
    </p>
  );
}

/** A failed read, explained: what happened and what the user can do. */
export function LoadError({ error, retry }: { error: unknown; retry?: () => void }) {
  const e = error instanceof ApiError ? error : undefined;
  const message =
    e?.status === 404
      ? 'We could not find that. It may have been removed, or the link may be wrong.'
      : e?.status === 403
        ? 'Your role cannot see this page.'
        : e?.isNetwork
          ? 'The service could not be reached. Check your connection and try again.'
          : (e?.message ?? 'Something went wrong loading this page.');
  return (
    <div className="govuk-error-summary" role="alert">
      <h2 className="govuk-error-summary__title">{e?.status === 404 ? 'Not found' : 'There is a problem'}</h2>
      <div className="govuk-error-summary__body">
        <p className="govuk-body">{message}</p>
        {retry && e?.status !== 404 && e?.status !== 403 && (
          <button type="button" className="govuk-button govuk-button--secondary" onClick={retry}>
            Try again
          </button>
        )}
      </div>
    </div>
  );
}

/** Renders a query's data, its loading state or its error. */
export function QueryView<T>({ query, what, children }: { query: { data?: T; error: unknown; isPending: boolean; refetch: () => unknown }; what?: string; children: (data: T) => ReactNode }) {
  if (query.isPending) return <Loading what={what ? `Loading ${what}` : 'Loading'} />;
  if (query.error) return <LoadError error={query.error} retry={() => void query.refetch()} />;
  return <>{children(query.data as T)}</>;
}

export function Button({
  children, onClick, type = 'button', variant, disabled, pending,
}: {
  children: ReactNode;
  onClick?: () => void;
  type?: 'button' | 'submit';
  variant?: 'secondary' | 'warning';
  disabled?: boolean;
  /** While a request runs: disabled and labelled so, to stop double submission. */
  pending?: boolean;
}) {
  return (
    <button
      type={type}
      className={`govuk-button${variant ? ` govuk-button--${variant}` : ''}`}
      data-module="govuk-button"
      disabled={disabled || pending}
      aria-disabled={disabled || pending || undefined}
      onClick={onClick}
    >
      {children}
    </button>
  );
}

export function BackLink({ to, children = 'Back' }: { to: string; children?: ReactNode }) {
  return (
    <Link to={to} className="govuk-back-link">
      {children}
    </Link>
  );
}

/** GOV.UK pagination for cursor pages: previous (kept by the page) and next. */
export function Pagination({ onPrevious, onNext, label = 'Pages' }: { onPrevious?: () => void; onNext?: () => void; label?: string }) {
  if (!onPrevious && !onNext) return null;
  return (
    <nav className="govuk-pagination govuk-pagination--block" aria-label={label}>
      {onPrevious && (
        <div className="govuk-pagination__prev">
          <button type="button" className="govuk-link govuk-pagination__link app-link-button" rel="prev" onClick={onPrevious}>
            <span className="govuk-pagination__link-title">
              Previous<span className="govuk-visually-hidden"> page</span>
            </span>
          </button>
        </div>
      )}
      {onNext && (
        <div className="govuk-pagination__next">
          <button type="button" className="govuk-link govuk-pagination__link app-link-button" rel="next" onClick={onNext}>
            <span className="govuk-pagination__link-title">
              Next<span className="govuk-visually-hidden"> page</span>
            </span>
          </button>
        </div>
      )}
    </nav>
  );
}

/** A date as staff read it: 5 March 2026. */
export function formatDate(iso: string | undefined | null): string {
  if (!iso) return '—';
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: iso.length === 10 ? 'UTC' : undefined });
}

export function formatDateTime(iso: string | undefined | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** A share (0–1) as a whole percentage; an em dash where there is nothing to divide. */
export function percent(share: number | null | undefined): string {
  return share === null || share === undefined ? '—' : `${Math.round(share * 100)}%`;
}

/**
 * A GOV.UK table in a scrollable, focusable region (wide tables scroll in their own box, not the
 * page), with its caption and column headers; the rows are the children. A header may be
 * visually hidden (an actions column) and is left out where `null`.
 */
export function Table({ label, caption, headers, children }: { label: string; caption: ReactNode; headers: readonly (ReactNode | { hidden: string } | null)[]; children: ReactNode }) {
  return (
    <div className="app-table-scroll" tabIndex={0} role="region" aria-label={label}>
      <table className="govuk-table">
        <caption className="govuk-table__caption govuk-table__caption--m">{caption}</caption>
        <thead className="govuk-table__head">
          <tr className="govuk-table__row">
            {headers.map((h, i) =>
              h === null ? null : (
                <th scope="col" className="govuk-table__header" key={i}>
                  {typeof h === 'object' && h !== null && 'hidden' in h ? <span className="govuk-visually-hidden">{h.hidden}</span> : h}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody className="govuk-table__body">{children}</tbody>
      </table>
    </div>
  );
}
