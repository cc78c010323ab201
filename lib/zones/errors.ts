// The one error type of the change service, with a closed set of codes.
// Actions, API routes and the CLI map these to form messages, HTTP statuses
// and exit codes; anything else that escapes is an unexpected failure.

export type ZoneErrorCode =
  | 'invalid' // input failed validation; fieldErrors / recordErrors say where
  | 'exists' // a zone or user of that name already exists
  | 'not-found' // no such zone / record
  | 'conflict' // the zone changed since the editor loaded it (stale serial)
  | 'forbidden'; // the zone is read-only here (secondary) or the user may not

export interface RecordError {
  /** Index into the submitted list, or the zone-file line number. */
  index?: number;
  line?: number;
  record?: string;
  message: string;
}

export class ZoneError extends Error {
  constructor(
    readonly code: ZoneErrorCode,
    message: string,
    readonly fieldErrors: Record<string, string[]> = {},
    readonly recordErrors: RecordError[] = [],
  ) {
    super(message);
    this.name = 'ZoneError';
  }
}
