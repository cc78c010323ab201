// How the PowerDNS-compatible API (lib/api/router.ts) answers: JSON bodies,
// and failures as `{"error": "…"}` with the status PowerDNS 4.7 gives (404
// unknown zone, 409 existing zone, 422 invalid change, 400 malformed body).
// Handlers throw ApiError; the router turns it, and AppError from the change
// service (lib/errors.ts), into a response.
import { AppError } from '../errors';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export function errorResponse(status: number, message: string): Response {
  return jsonResponse(status, { error: message });
}

/** PowerDNS's wording for a zone it does not have (or, here, one the key does not reach). */
export function zoneNotFound(name: string): ApiError {
  return new ApiError(404, `Could not find domain '${name}'`);
}

/** An error from the change service in PowerDNS's terms: the reasons of each refused record follow the summary. */
export function appErrorResponse(err: AppError): Response {
  const status = { invalid: 422, exists: 409, 'not-found': 404, conflict: 409, forbidden: 422, 'approval-required': 422 }[err.code];
  const reasons = err.recordErrors.map((e) => (e.record ? `${e.record}: ${e.message}` : e.message));
  const fields = Object.entries(err.fieldErrors).map(([k, m]) => `${k}: ${m.join(', ')}`);
  const detail = [...reasons, ...fields];
  return errorResponse(status, detail.length ? `${err.message} ${detail.join('; ')}` : err.message);
}
