// What a server action returns for a failure it expects: an AppError (bad
// input, a name taken, no permission) or the database being unable to write
// (a full disk), as the form's state. Anything else is unexpected and is
// rethrown, for the route's error.tsx. Server only (it reads lib/db-errors.ts);
// the form state itself is lib/forms.ts.
import { databaseFailure } from './db-errors';
import { AppError } from './errors';
import { formFieldErrors, type FormState } from './forms';

/**
 * `err` as form state: its field errors under the form's `fields` (others
 * under `form`) and the submitted `values`. With `onFieldsMessage`, that
 * summary replaces the error's message when errors sit on fields (the
 * message usually repeats a field's).
 */
export function formStateFromError<F extends string>(err: unknown, fields: readonly F[], values: Partial<Record<F, string>>, onFieldsMessage?: string): FormState<F> {
  const down = databaseFailure(err);
  if (down) return { message: down.message, values };
  if (!(err instanceof AppError)) throw err;
  const fieldErrors = formFieldErrors(err.fieldErrors, fields, err.message);
  const onFields = Object.keys(fieldErrors).some((k) => k !== 'form');
  return { message: onFields && onFieldsMessage ? onFieldsMessage : err.message, fieldErrors, values };
}
