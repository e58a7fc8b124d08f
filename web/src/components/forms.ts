import { useState } from 'react';
import { ApiError, type FieldError } from '../api/client';

/**
 * A form's errors from the API: the list for the error summary and a lookup by field path.
 * A field error for `a.b.c` also shows on a field named `a.b` or `a` if the page has no
 * input for the exact path.
 */
export function useFormErrors() {
  const [error, setError] = useState<ApiError | null>(null);
  const errors: FieldError[] = error
    ? error.fieldErrors.length
      ? error.fieldErrors.map((e) => ({ path: e.path.replace(/^body\./, ''), message: e.message }))
      : error.isConflict
        ? []
        : [{ path: '', message: error.message }]
    : [];
  const forField = (path: string): string | undefined =>
    errors.filter((e) => e.path === path || e.path.startsWith(`${path}.`)).map((e) => e.message).join('. ') || undefined;
  return { error, setError, errors, forField, clear: () => setError(null) };
}

export function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, (error as Error)?.message ?? 'Something went wrong.');
}
