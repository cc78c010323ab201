// The one error type for failures people cause and can fix (bad input, a
// name taken, a stale edit, no permission), with a closed set of codes.
// Thrown by the change service, users, settings and autoprimaries; actions
// turn it into form state (lib/forms.ts), API routes into HTTP statuses and
// the CLI into exit codes. Anything else that escapes is an unexpected
// failure.

export type AppErrorCode =
  | 'invalid' // input failed validation; fieldErrors / recordErrors say where
  | 'exists' // a zone or user of that name already exists
  | 'not-found' // no such zone / record
  | 'conflict' // the zone changed since the editor loaded it (stale serial)
  | 'forbidden' // the zone is read-only here (secondary) or the user may not
  | 'approval-required'; // an approval rule holds the change: request approval instead (lib/zones/approval-rules.ts)

/** A refused record: where it was, and why. */
export interface RecordError {
  /** Index into the submitted list, or the zone-file line number. */
  index?: number;
  line?: number;
  record?: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly fieldErrors: Record<string, string[]> = {},
    readonly recordErrors: RecordError[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}
