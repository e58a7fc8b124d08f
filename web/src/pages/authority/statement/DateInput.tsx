import { fieldId } from '../../../components/ErrorSummary';

export interface DateParts {
  day: string;
  month: string;
  year: string;
}

export const partsOf = (iso: string | undefined): DateParts => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
  return m ? { day: String(Number(m[3])), month: String(Number(m[2])), year: m[1] } : { day: '', month: '', year: '' };
};

/** YYYY-MM-DD from what was typed, or undefined when a part is missing or not a number. */
export function isoOf(p: DateParts): string | undefined {
  const [d, m, y] = [p.day.trim(), p.month.trim(), p.year.trim()];
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return undefined;
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

/**
 * The GOV.UK date input: day, month and year boxes in a fieldset. The day box carries the
 * field's id, so an error summary link for `name` lands on it.
 */
export function DateInput({ name, legend, hint, error, value, onChange }: { name: string; legend: string; hint?: string; error?: string; value: DateParts; onChange: (value: DateParts) => void }) {
  const id = fieldId(name);
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const parts = [
    { key: 'day', label: 'Day', width: 2, id },
    { key: 'month', label: 'Month', width: 2, id: `${id}-month` },
    { key: 'year', label: 'Year', width: 4, id: `${id}-year` },
  ] as const;
  return (
    <div className={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <fieldset className="govuk-fieldset" role="group" aria-describedby={describedBy}>
        <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">{legend}</legend>
        {hint && (
          <div id={`${id}-hint`} className="govuk-hint">
            {hint}
          </div>
        )}
        {error && (
          <p id={`${id}-error`} className="govuk-error-message">
            <span className="govuk-visually-hidden">Error:</span> {error}
          </p>
        )}
        <div className="govuk-date-input">
          {parts.map((p) => (
            <div className="govuk-date-input__item" key={p.key}>
              <div className="govuk-form-group">
                <label className="govuk-label govuk-date-input__label" htmlFor={p.id}>
                  {p.label}
                </label>
                <input
                  className={`govuk-input govuk-date-input__input govuk-input--width-${p.width}${error ? ' govuk-input--error' : ''}`}
                  id={p.id}
                  name={`${name}-${p.key}`}
                  type="text"
                  inputMode="numeric"
                  autoComplete="off"
                  value={value[p.key]}
                  onChange={(e) => onChange({ ...value, [p.key]: e.target.value })}
                />
              </div>
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}
