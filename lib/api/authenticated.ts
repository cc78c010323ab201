// The door of the HTTP API: every request to /api and /api/v1/… is checked
// for a key (lib/auth/api-keys.ts authenticateApiKey: X-API-Key or
// Authorization: Bearer, failed checks throttled per address) before the
// router (./router.ts) sees it. A refusal is JSON like every other answer.
import { authenticateApiKey } from '../auth/api-keys';
import type { ApiKeyPrincipal } from '../auth/api-key-scope';
import { errorResponse } from './errors';

/** `answer(key)` for a request with a good key; 401 (or 429 with Retry-After) otherwise. */
export async function withApiKey(request: Request, clientAddress: string, answer: (key: ApiKeyPrincipal) => Promise<Response> | Response): Promise<Response> {
  const auth = await authenticateApiKey(request.headers, clientAddress);
  if (!auth.ok) {
    const refused = errorResponse(auth.status, auth.error);
    if (auth.retryAfterSeconds !== undefined) refused.headers.set('retry-after', String(auth.retryAfterSeconds));
    return refused;
  }
  return answer(auth.key);
}
