import type { ResponseOf } from '../api/types';
import { ROLE_LABELS } from '../app/session';
import { formatDateTime } from './ui';

export type AuditEvent = ResponseOf<'/audit', 'get'>['items'][number];

export const ACTION_LABELS: Record<string, string> = {
  create: 'Created',
  update: 'Updated',
  delete: 'Deleted',
  erase: 'Erased',
  submit: 'Submitted',
  review: 'Reviewed',
  import: 'Imported',
  remind: 'Reminded',
};

/** A value as the API gave it (personal fields arrive already redacted), short enough to read. */
function show(value: unknown): string {
  if (value === undefined) return '—';
  if (value === null) return 'none';
  if (typeof value === 'string') return value;
  const text = JSON.stringify(value);
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

const roleLabel = (role: string) => (ROLE_LABELS as Record<string, string>)[role] ?? role;

/** One row of the audit table, with the changed fields (before and after) in a disclosure. */
export function AuditRow({ event, authorityName }: { event: AuditEvent; authorityName?: string }) {
  const hasDetails = event.changes.length > 0 || !!event.note;
  return (
    <tr className="govuk-table__row">
      <td className="govuk-table__cell">
        <time dateTime={event.at}>{formatDateTime(event.at)}</time>
      </td>
      <td className="govuk-table__cell">
        {event.actor.userId}
        <br />
        <span className="govuk-hint govuk-!-margin-bottom-0">{roleLabel(event.actor.role)}</span>
      </td>
      <td className="govuk-table__cell">{ACTION_LABELS[event.action] ?? event.action}</td>
      <td className="govuk-table__cell">
        {event.entityType}
        <br />
        <span className="govuk-hint govuk-!-margin-bottom-0">{event.entityId}</span>
      </td>
      <td className="govuk-table__cell">{event.authorityId ? (authorityName ?? event.authorityId) : '—'}</td>
      <td className="govuk-table__cell">
        {hasDetails ? (
          <details className="govuk-details govuk-!-margin-bottom-0">
            <summary className="govuk-details__summary">
              <span className="govuk-details__summary-text">
                Details<span className="govuk-visually-hidden"> of this change</span>
              </span>
            </summary>
            <div className="govuk-details__text app-audit-changes">
              {event.note && <p className="govuk-body-s app-statement-text">Note: {event.note}</p>}
              {event.changes.length > 0 && (
                <dl className="govuk-summary-list govuk-summary-list--no-border govuk-!-font-size-16">
                  {event.changes.map((c, i) => (
                    <div className="govuk-summary-list__row" key={`${c.field}-${i}`}>
                      <dt className="govuk-summary-list__key">{c.field}</dt>
                      <dd className="govuk-summary-list__value">
                        Before: {show(c.from)}
                        <br />
                        After: {show(c.to)}
                      </dd>
                    </div>
                  ))}
                </dl>
              )}
            </div>
          </details>
        ) : (
          'No field changes'
        )}
      </td>
    </tr>
  );
}
