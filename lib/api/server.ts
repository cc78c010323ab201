// The server endpoints of the PowerDNS-compatible API: the one server,
// `localhost`, its (empty) configuration and a few statistics. The version
// string is PowerDNS-like so that clients that check it (octoDNS-powerdns
// reads it as a number and needs 4.5 or later) take us for 4.7.
import type { ApiKeyPrincipal } from '../auth/api-key-scope';
import { countZonesByKind } from '../zones/data';
import { jsonResponse } from './errors';
import { API_BASE, SERVER_ID, SERVER_URL } from './shapes';

/** The PowerDNS version we answer as: the API we follow is 4.7's. */
export const POWERDNS_VERSION = '4.7.0-zonekeeper';

export function apiIndexResponse(): Response {
  return jsonResponse(200, [{ url: API_BASE, version: 1 }]);
}

function serverObject(): Record<string, unknown> {
  return {
    config_url: `${SERVER_URL}/config{/config_setting}`,
    daemon_type: 'authoritative',
    id: SERVER_ID,
    type: 'Server',
    url: SERVER_URL,
    version: POWERDNS_VERSION,
    zones_url: `${SERVER_URL}/zones{/zone}`,
  };
}

export function serversResponse(): Response {
  return jsonResponse(200, [serverObject()]);
}

export function serverResponse(): Response {
  return jsonResponse(200, serverObject());
}

/** GET …/config: PowerDNS lists its settings; ours live in Settings and are nobody's business here. */
export function configResponse(): Response {
  return jsonResponse(200, []);
}

/** GET …/statistics: counts of the zones the key reaches, as PowerDNS's StatisticItems (values are strings there). */
export async function statisticsResponse(key: ApiKeyPrincipal): Promise<Response> {
  // Counted by the database: a key that reaches every zone must not read 50,000 rows to count them.
  const { primary, secondary } = await countZonesByKind(key.scope.zones ?? undefined);
  const item = (name: string, value: number) => ({ name, type: 'StatisticItem', value: String(value) });
  return jsonResponse(200, [item('zones', primary + secondary), item('primary-zones', primary), item('secondary-zones', secondary)]);
}
