import { useEffect, useRef } from 'react';
import { Button } from './ui';

export interface ConflictField {
  /** The key in `yours` and `theirs`. */
  key: string;
  label: string;
}

const show = (value: unknown): string => {
  if (value === undefined || value === null || value === '') return '(empty)';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '(empty)';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return String(value);
};
const same = (a: unknown, b: unknown) => show(a) === show(b);

/** The fields whose values differ between the user's and the server's copies. */
export function differingFields(fields: readonly ConflictField[], yours: Record<string, unknown>, theirs: Record<string, unknown>) {
  return fields.filter((f) => !same(yours[f.key], theirs[f.key]));
}

/**
 * A version conflict, explained: someone saved the record while the user was editing it.
 * Lists each field whose values differ (theirs and yours, in display form) and offers to take
 * their version (discarding the user's input) or keep the user's changes (resubmitting them
 * over the current version). The user's input stays in the form whatever they choose to read.
 */
export function Conflict({
  fields, yours, theirs, onUseTheirs, onKeepMine, pending, what = 'this',
}: {
  fields: readonly ConflictField[];
  /** The user's values, in display form (strings, lists, booleans). */
  yours: Record<string, unknown>;
  /** The current server record, in the same form. */
  theirs: Record<string, unknown>;
  onUseTheirs: () => void;
  onKeepMine: () => void;
  pending?: boolean;
  what?: string;
}) {
  const differing = differingFields(fields, yours, theirs);
  const box = useRef<HTMLDivElement>(null);
  // Focused when it appears, as an error summary is: the next thing to read and decide.
  useEffect(() => box.current?.focus(), []);
  return (
    <div className="govuk-notification-banner app-conflict" role="alert" aria-labelledby="conflict-title" tabIndex={-1} ref={box}>
      <div className="govuk-notification-banner__header">
        <h2 className="govuk-notification-banner__title" id="conflict-title">
          Someone else changed {what}
        </h2>
      </div>
      <div className="govuk-notification-banner__content">
        <p className="govuk-notification-banner__heading">Someone else changed this while you were editing</p>
        {differing.length ? (
          <>
            <p className="govuk-body">These answers are now different from yours. Nothing you typed has been lost.</p>
            <dl className="govuk-summary-list">
              {differing.map((f) => (
                <div className="govuk-summary-list__row" key={f.key}>
                  <dt className="govuk-summary-list__key">{f.label}</dt>
                  <dd className="govuk-summary-list__value">
                    <p className="govuk-body govuk-!-margin-bottom-1">
                      <strong>Theirs:</strong> {show(theirs[f.key])}
                    </p>
                    <p className="govuk-body govuk-!-margin-bottom-0">
                      <strong>Yours:</strong> {show(yours[f.key])}
                    </p>
                  </dd>
                </div>
              ))}
            </dl>
          </>
        ) : (
          <p className="govuk-body">Their changes match your answers. Nothing you typed has been lost.</p>
        )}
        <div className="govuk-button-group">
          <Button onClick={onKeepMine} pending={pending}>
            Keep my changes
          </Button>
          <Button variant="secondary" onClick={onUseTheirs} disabled={pending}>
            Use their version
          </Button>
        </div>
      </div>
    </div>
  );
}
