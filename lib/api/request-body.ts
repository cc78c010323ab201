// Reading a JSON request body for the API without trusting it: its size is
// capped before it is parsed (lib/http/body.ts), and anything that is not a
// JSON object is a 400 with the reason, as PowerDNS answers a malformed body.
import { BodyTooLarge, readBodyCapped } from '../http/body';
import { ApiError } from './errors';

/**
 * The largest body the API reads: 10 MB. A PATCH of the largest allowed
 * number of rrsets (lib/api/patch.ts MAX_RRSETS) with long TXT records fits
 * well inside it; more is refused with 413 before it is parsed.
 */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function readJsonObject(request: Request, limit = MAX_BODY_BYTES): Promise<Record<string, unknown>> {
  let bytes: Buffer;
  try {
    bytes = await readBodyCapped(request, limit);
  } catch (err) {
    if (err instanceof BodyTooLarge) throw new ApiError(413, `The request body is larger than the limit of ${limit} bytes`);
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new ApiError(400, `Request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ApiError(400, 'Request body is not a JSON object');
  return value as Record<string, unknown>;
}
