import { useState } from 'react';
import { ApiError, type FieldError } from '../api/client';

/** The message(s) for one field: its own errors and those of anything below it (`roles` gets `roles.0.name`). */
export function messageFor(errors: readonly FieldError[], path: string): string | undefined {
  return errors.filter((e) => e.path === path || e.path.startsWith(`${path}.`)).map((e) => e.message).join('. ') || undefined;
}

/**
 * A form's errors from the API: the list for the error summary and a lookup by field path.
 * A field error for `a.b.c` also shows on a field named `a.b` or `a` if the page has no
 * input for the exact path.
 */
export function useFormErrors() {
  const [error, setError] = useState<ApiError | null>(null);
  const errors: FieldError[] = error
    ? error.fieldErrors.length
      ? error.fieldErrors
      : error.isConflict
        ? []
        : [{ path: '', message: error.message }]
    : [];
  return { error, setError, errors, forField: (path: string) => messageFor(errors, path), clear: () => setError(null) };
}

/**
 * A form that saves a versioned record: its API errors, and on a version conflict (409) the
 * record as it stands now, loaded for the Conflict panel. What the user typed stays in the form.
 * `loadCurrent` is omitted where there is nothing to compare (a new record).
 */
export function useVersionedForm<T>(loadCurrent: (() => Promise<T | null>) | undefined) {
  const form = useFormErrors();
  const [theirs, setTheirs] = useState<T | null>(null);
  async function onError(error: unknown) {
    const e = asApiError(error);
    form.setError(e);
    if (!e.isConflict || !loadCurrent) return;
    try {
      setTheirs(await loadCurrent());
    } catch (loadError) {
      form.setError(asApiError(loadError));
    }
  }
  return { form, theirs, setTheirs, onError };
}

export function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, (error as Error)?.message ?? 'Something went wrong.');
}
