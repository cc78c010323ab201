// The PowerDNS-compatible HTTP API (issue 17): which handler answers each
// method and path under /api/v1, as plain functions of a web Request. The
// route files (app/api/route.ts, app/api/v1/[...path]/route.ts) check the
// key (lib/auth/api-keys.ts authenticateApiKey) and call routeApiRequest;
// this never sees a key that failed. Every failure is JSON `{"error": …}`
// (lib/api/errors.ts); an unexpected one is logged and answered 500 without
// its details.
import type { ApiKeyPrincipal } from '../auth/api-key-scope';
import { AppError } from '../errors';
import { ApiError, appErrorResponse, errorResponse } from './errors';
import { configResponse, serverResponse, serversResponse, statisticsResponse } from './server';
import { SERVER_ID } from './shapes';
import {
  createZoneResponse,
  cryptokeysResponse,
  deleteZoneResponse,
  getZoneResponse,
  listZonesResponse,
  notifyZoneResponse,
  patchZoneResponse,
  retrieveZoneResponse,
} from './zones';

export { apiIndexResponse } from './server';

/**
 * Answers one API request. `path` is what follows /api/v1/, split on `/`
 * (already URL-decoded); an empty last part (a trailing slash) is ignored.
 */
export async function routeApiRequest(request: Request, path: string[], key: ApiKeyPrincipal): Promise<Response> {
  try {
    return await dispatch(request, path[path.length - 1] === '' ? path.slice(0, -1) : path, key);
  } catch (err) {
    if (err instanceof ApiError) return errorResponse(err.status, err.message);
    if (err instanceof AppError) return appErrorResponse(err);
    console.error('API request failed:', request.method, new URL(request.url).pathname, err);
    return errorResponse(500, 'Internal Server Error');
  }
}

async function dispatch(request: Request, path: string[], key: ApiKeyPrincipal): Promise<Response> {
  const method = request.method.toUpperCase();
  const url = new URL(request.url);
  const [servers, server, section, zoneId, action, ...rest] = path;
  const only = (allowed: string, answer: () => Response | Promise<Response>) =>
    method === allowed ? answer() : errorResponse(405, `Method ${method} is not allowed here`);
  if (servers !== 'servers' || rest.length) return errorResponse(404, 'Not Found');
  if (server === undefined) return only('GET', serversResponse);
  if (server !== SERVER_ID) return errorResponse(404, `Not Found: no server '${server}'; the only one is ${SERVER_ID}`);
  if (section === undefined) return only('GET', serverResponse);
  if (section === 'config' && zoneId === undefined) return only('GET', configResponse);
  if (section === 'statistics' && zoneId === undefined) return only('GET', () => statisticsResponse(key));
  if (section !== 'zones') return errorResponse(404, 'Not Found');
  if (zoneId === undefined) {
    if (method === 'GET') return listZonesResponse(url, key);
    if (method === 'POST') return createZoneResponse(request, key);
    return errorResponse(405, `Method ${method} is not allowed here`);
  }
  if (action === undefined) {
    if (method === 'GET') return getZoneResponse(zoneId, url, key);
    if (method === 'PATCH') return patchZoneResponse(zoneId, request, key);
    if (method === 'DELETE') return deleteZoneResponse(zoneId, key);
    return errorResponse(405, `Method ${method} is not allowed here`);
  }
  if (action === 'notify') return only('PUT', () => notifyZoneResponse(zoneId, key));
  if (action === 'cryptokeys') return only('GET', () => cryptokeysResponse(zoneId, key));
  if (action === 'axfr-retrieve') return only('PUT', () => retrieveZoneResponse(zoneId, key));
  return errorResponse(404, 'Not Found');
}
