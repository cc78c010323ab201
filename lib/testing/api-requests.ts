// Requests to the PowerDNS-compatible API as its clients send them, for the
// API's tests (lib/api/*.test.ts): an rrset of a PATCH body, a key with a
// scope, and a call through the router with the key already checked.
import type { ApiKeyPrincipal, ApiKeyScope } from '../auth/api-key-scope';
import { routeApiRequest } from '../api/router';

export function rrsetChange(name: string, type: string, contents: string[], changetype = 'REPLACE', ttl = 300) {
  return { name, type, ttl, changetype, records: contents.map((content) => ({ content, disabled: false })) };
}

export function keyWith(name: string, scope: Partial<ApiKeyScope> = {}): ApiKeyPrincipal {
  return { id: 1, name, scope: { zones: null, names: [], types: [], readOnly: false, ...scope } };
}

/** METHOD /api/v1/PATH as `key`; the body is sent as JSON unless it is a string already. */
export async function callApi(method: string, path: string, body: unknown, key: ApiKeyPrincipal, init: RequestInit = {}) {
  const request = new Request(`http://localhost/api/v1/${path}`, {
    method,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    ...init,
  });
  const response = await routeApiRequest(request, path.split('?')[0]!.split('/'), key);
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), json: text ? JSON.parse(text) : null };
}
