import type { ChangeEvent, ReactNode } from 'react';
import { fieldId } from './ErrorSummary';

interface Common {
  /** The API field path the value goes to: ties the input to its error. */
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  /** Label as the page heading's size (a question page) or a normal label. */
  labelClass?: string;
}

function Hint({ id, hint }: { id: string; hint?: ReactNode }) {
  return hint ? (
    <div id={`${id}-hint`} className="govuk-hint">
      {hint}
    </div>
  ) : null;
}

function ErrorMessage({ id, error }: { id: string; error?: string }) {
  return error ? (
    <p id={`${id}-error`} className="govuk-error-message">
      <span className="govuk-visually-hidden">Error:</span> {error}
    </p>
  ) : null;
}

const describedBy = (id: string, hint?: ReactNode, error?: string) => [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

/** The GOV.UK form group of a single labelled control: label, hint, error message, then the control. */
function LabelledField({ id, label, labelClass, hint, error, children }: { id: string; label: ReactNode; labelClass?: string; hint?: ReactNode; error?: string; children: ReactNode }) {
  return (
    <div className={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <label className={`govuk-label ${labelClass ?? ''}`} htmlFor={id}>
        {label}
      </label>
      <Hint id={id} hint={hint} />
      <ErrorMessage id={id} error={error} />
      {children}
    </div>
  );
}

export function TextInput({
  name, label, hint, error, value, onChange, type = 'text', width, inputMode, autoComplete, spellCheck, labelClass, step,
}: Common & {
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'email' | 'number' | 'date' | 'tel' | 'url';
  width?: 2 | 3 | 4 | 5 | 10 | 20 | 30;
  inputMode?: 'numeric' | 'decimal' | 'email' | 'text';
  autoComplete?: string;
  spellCheck?: boolean;
  step?: string;
}) {
  const id = fieldId(name);
  return (
    <LabelledField id={id} label={label} labelClass={labelClass} hint={hint} error={error}>
      <input
        className={`govuk-input${width ? ` govuk-input--width-${width}` : ''}${error ? ' govuk-input--error' : ''}`}
        id={id}
        name={name}
        type={type}
        value={value}
        step={step}
        inputMode={inputMode}
        autoComplete={autoComplete ?? 'off'}
        spellCheck={spellCheck}
        aria-describedby={describedBy(id, hint, error)}
        onChange={(e: ChangeEvent<HTMLInputElement>) => onChange(e.target.value)}
      />
    </LabelledField>
  );
}

export function Textarea({ name, label, hint, error, value, onChange, rows = 5, labelClass }: Common & { value: string; onChange: (value: string) => void; rows?: number }) {
  const id = fieldId(name);
  return (
    <LabelledField id={id} label={label} labelClass={labelClass} hint={hint} error={error}>
      <textarea
        className={`govuk-textarea${error ? ' govuk-textarea--error' : ''}`}
        id={id}
        name={name}
        rows={rows}
        value={value}
        aria-describedby={describedBy(id, hint, error)}
        onChange={(e) => onChange(e.target.value)}
      />
    </LabelledField>
  );
}

export function Select({
  name, label, hint, error, value, onChange, options, labelClass,
}: Common & { value: string; onChange: (value: string) => void; options: readonly { value: string; label: string }[] }) {
  const id = fieldId(name);
  return (
    <LabelledField id={id} label={label} labelClass={labelClass} hint={hint} error={error}>
      <select
        className={`govuk-select${error ? ' govuk-select--error' : ''}`}
        id={id}
        name={name}
        value={value}
        aria-describedby={describedBy(id, hint, error)}
        onChange={(e) => onChange(e.target.value)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </LabelledField>
  );
}

/** The GOV.UK form group of several controls answering one question: fieldset, legend, hint, error message, then the controls. */
function FieldsetGroup({
  id, legend, legendClass, hint, error, role, children,
}: { id: string; legend: ReactNode; legendClass?: string; hint?: ReactNode; error?: string; role?: 'group'; children: ReactNode }) {
  return (
    <div className={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <fieldset className="govuk-fieldset" role={role} aria-describedby={describedBy(id, hint, error)}>
        <legend className={`govuk-fieldset__legend ${legendClass ?? 'govuk-fieldset__legend--s'}`}>{legend}</legend>
        <Hint id={id} hint={hint} />
        <ErrorMessage id={id} error={error} />
        {children}
      </fieldset>
    </div>
  );
}

/** Radios in a fieldset; the first radio carries the field id (where the error summary links). */
export function Radios({
  name, legend, hint, error, value, onChange, options, inline, legendClass,
}: {
  name: string;
  legend: ReactNode;
  hint?: ReactNode;
  error?: string;
  value: string;
  onChange: (value: string) => void;
  options: readonly { value: string; label: string; hint?: string }[];
  inline?: boolean;
  legendClass?: string;
}) {
  const id = fieldId(name);
  return (
    <FieldsetGroup id={id} legend={legend} legendClass={legendClass} hint={hint} error={error}>
      <div className={`govuk-radios${inline ? ' govuk-radios--inline' : ''}`} data-module="govuk-radios">
        {options.map((o, i) => {
          const optionId = i === 0 ? id : `${id}-${i + 1}`;
          return (
            <div className="govuk-radios__item" key={o.value}>
              <input
                className="govuk-radios__input"
                id={optionId}
                name={name}
                type="radio"
                value={o.value}
                checked={value === o.value}
                aria-describedby={o.hint ? `${optionId}-hint` : undefined}
                onChange={() => onChange(o.value)}
              />
              <label className="govuk-label govuk-radios__label" htmlFor={optionId}>
                {o.label}
              </label>
              {o.hint && (
                <div id={`${optionId}-hint`} className="govuk-hint govuk-radios__hint">
                  {o.hint}
                </div>
              )}
            </div>
          );
        })}
      </div>
    </FieldsetGroup>
  );
}

/** GOV.UK checkboxes in a fieldset (several answers to one question); the first box carries the field id. */
export function Checkboxes({
  name, legend, hint, error, values, onChange, options,
}: {
  name: string;
  legend: ReactNode;
  hint?: string;
  error?: string;
  values: readonly string[];
  onChange: (values: string[]) => void;
  options: readonly { value: string; label: string }[];
}) {
  const id = fieldId(name);
  return (
    <FieldsetGroup id={id} legend={legend} hint={hint} error={error}>
      <div className="govuk-checkboxes" data-module="govuk-checkboxes">
        {options.map((o, i) => {
          const optionId = i === 0 ? id : `${id}-${i + 1}`;
          return (
            <div className="govuk-checkboxes__item" key={o.value}>
              <input
                className="govuk-checkboxes__input"
                id={optionId}
                name={name}
                type="checkbox"
                value={o.value}
                checked={values.includes(o.value)}
                onChange={(e) => onChange(e.target.checked ? [...values, o.value] : values.filter((v) => v !== o.value))}
              />
              <label className="govuk-label govuk-checkboxes__label" htmlFor={optionId}>
                {o.label}
              </label>
            </div>
          );
        })}
      </div>
    </FieldsetGroup>
  );
}

/** What the three boxes of a date input hold, as typed. */
export interface DateParts {
  day: string;
  month: string;
  year: string;
}

/** The boxes' values for a YYYY-MM-DD date (empty boxes for none). */
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
  const parts = [
    { key: 'day', label: 'Day', width: 2, id },
    { key: 'month', label: 'Month', width: 2, id: `${id}-month` },
    { key: 'year', label: 'Year', width: 4, id: `${id}-year` },
  ] as const;
  return (
    <FieldsetGroup id={id} legend={legend} hint={hint} error={error} role="group">
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
    </FieldsetGroup>
  );
}

export function Checkbox({ name, label, hint, checked, onChange }: { name: string; label: ReactNode; hint?: string; checked: boolean; onChange: (checked: boolean) => void }) {
  const id = fieldId(name);
  return (
    <div className="govuk-form-group">
      <div className="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
        <div className="govuk-checkboxes__item">
          <input
            className="govuk-checkboxes__input"
            id={id}
            name={name}
            type="checkbox"
            checked={checked}
            aria-describedby={hint ? `${id}-hint` : undefined}
            onChange={(e) => onChange(e.target.checked)}
          />
          <label className="govuk-label govuk-checkboxes__label" htmlFor={id}>
            {label}
          </label>
          {hint && (
            <div id={`${id}-hint`} className="govuk-hint govuk-checkboxes__hint">
              {hint}
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
