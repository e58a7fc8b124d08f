import * as z from 'zod';

/**
 * A whole number read from a query string or path parameter (always text there). Unlike
 * `z.coerce.number()`, a missing value is reported as required and text that is not a
 * number as such — not as "expected number, received NaN" — and `""` is not read as 0.
 */
export function wholeNumber(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  const message = max === Number.MAX_SAFE_INTEGER ? `a whole number, ${min} or more` : `a whole number from ${min} to ${max}`;
  return z.preprocess(
    (value) => (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : value),
    z
      .number({ error: (issue) => (issue.input === undefined ? `Required: ${message}.` : `Must be ${message}.`) })
      .int({ error: `Must be ${message}.` })
      .min(min, { error: `Must be ${message}.` })
      .max(max, { error: `Must be ${message}.` }),
  );
}
