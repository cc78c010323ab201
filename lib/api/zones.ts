// The zone endpoints of the PowerDNS-compatible API under
// /api/v1/servers/localhost/zones: list, create, read, change (PATCH),
// delete, NOTIFY and retrieve. Reads go through lib/zones/data.ts, writes
// through the change service (lib/zones/zone-lifecycle.ts,
// lib/zones/changes.ts), so an API change is one changeset like any other:
// validated whole, one serial bump, one Change naming the key, one NOTIFY
// round. A key sees only the zones it reaches (lib/auth/api-key-scope.ts);
// any other zone is answered as if it did not exist.
import { keyReachesZone, type ApiKeyPrincipal } from '../auth/api-key-scope';
import { controlRequest, ControlUnavailableError } from '../control/client';
import type { Actor } from '../zones/actor';
import { applyChangeset } from '../zones/changes';
import { getZone, getZoneHeader, listZoneHeaders, type ZoneDetail } from '../zones/data';
import { createZone, deleteZone } from '../zones/zone-lifecycle';
import { getSetting } from '../settings/data';
import { getSigningStatus } from '../zones/dnssec-keys';
import { isSignerType } from '../dns/dnssec/types';
import { ApiError, jsonResponse, zoneNotFound } from './errors';
import { absoluteApiName, changesetFromPatch } from './patch';
import { readJsonObject } from './request-body';
import { cryptokeyObject, zoneNameFromId, zoneObject } from './shapes';

/** Who an API change is by, in the changelog and `zonekeeper zone status`. */
export function apiActor(key: ApiKeyPrincipal): Actor {
  return { name: `api key ${key.name}` };
}

type ZoneHeader = Omit<ZoneDetail, 'records'>;

/** The zone a path's id names, when it exists and the key reaches it; 404 otherwise, the same either way. */
async function reachableZone(zoneId: string, key: ApiKeyPrincipal): Promise<ZoneHeader> {
  const name = zoneNameFromId(zoneId);
  const zone = await getZoneHeader(name);
  // PowerDNS names the zone as it parsed it: with its final dot.
  if (!zone || !keyReachesZone(key, zone.name)) throw zoneNotFound(name.endsWith('.') ? name : `${name}.`);
  return zone;
}

function refuseReadOnly(key: ApiKeyPrincipal): void {
  if (key.scope.readOnly) throw new ApiError(403, `API key ${key.name} is read-only`);
}

/**
 * Why the key may not create or delete the zone `zone` as a whole; null when
 * it may. That takes a key without limits on names and types: a zone's SOA
 * and NS at its apex come and go with it.
 */
function zoneWideRefusal(key: ApiKeyPrincipal, zone: string): string | null {
  const s = key.scope;
  if (!keyReachesZone(key, zone)) return `API key ${key.name} may not create or delete the zone ${zone}`;
  if (s.readOnly) return `API key ${key.name} is read-only`;
  if (s.names.length || s.types.length) return `API key ${key.name} may change only some records, not create or delete zones`;
  return null;
}

/** GET …/zones: the zones the key reaches, without rrsets; `?zone=NAME` gives that zone only (or none). */
export async function listZonesResponse(url: URL, key: ApiKeyPrincipal): Promise<Response> {
  const filter = url.searchParams.get('zone');
  let names = key.scope.zones ?? undefined;
  if (filter !== null) {
    const name = absoluteApiName(filter);
    names = names && !names.includes(name) ? [] : [name];
  }
  const zones = await listZoneHeaders(names);
  return jsonResponse(200, zones.map((z) => zoneObject(z)));
}

/** GET …/zones/{id}: the zone with its rrsets (`?rrsets=false` leaves them out, as PowerDNS 4.7 does). */
export async function getZoneResponse(zoneId: string, url: URL, key: ApiKeyPrincipal): Promise<Response> {
  const header = await reachableZone(zoneId, key);
  if (url.searchParams.get('rrsets') === 'false') return jsonResponse(200, zoneObject(header));
  const zone = await getZone(header.name);
  if (!zone) throw zoneNotFound(header.name);
  // A zone we sign lists what its owner wrote, as PowerDNS lists a zone it signs live: the
  // signatures and chain are the signer's, and a client that read them would try to manage them.
  // A secondary's records are listed as transferred, as PowerDNS does for a presigned zone.
  const records = zone.kind === 'primary' && zone.dnssec !== null ? zone.records.filter((r) => !isSignerType(r.type)) : zone.records;
  return jsonResponse(200, zoneObject(zone, records));
}

/** PATCH …/zones/{id}: the rrsets as one changeset; 204, or the reason nothing changed. */
export async function patchZoneResponse(zoneId: string, request: Request, key: ApiKeyPrincipal): Promise<Response> {
  const zone = await reachableZone(zoneId, key);
  refuseReadOnly(key);
  const body = await readJsonObject(request);
  const changeset = changesetFromPatch(body, zone.name, key);
  if (changeset.add?.length || changeset.remove?.length || changeset.soa) {
    await applyChangeset(zone.name, { ...changeset, comment: 'HTTP API' }, apiActor(key), { ignoreMissingRemovals: true });
  }
  return new Response(null, { status: 204 });
}

/** PowerDNS's kinds for a new zone: Native and Master make a primary here, Slave a secondary. */
const KINDS: Record<string, 'primary' | 'secondary'> = { native: 'primary', master: 'primary', primary: 'primary', slave: 'secondary', secondary: 'secondary' };

function stringList(body: Record<string, unknown>, key: string): string[] {
  const v = body[key] ?? [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new ApiError(422, `Key '${key}' is not an Array of Strings`);
  return v as string[];
}

/**
 * POST …/zones: a new zone with `nameservers` (else the apex NS among its
 * rrsets, else the zone template's) and
 * optional `rrsets`. The rrsets are checked before the zone is created, and
 * written as its second change; should that still fail, the zone is removed
 * again, so a refused request leaves nothing behind.
 */
export async function createZoneResponse(request: Request, key: ApiKeyPrincipal): Promise<Response> {
  const body = await readJsonObject(request);
  if (typeof body.name !== 'string') throw new ApiError(422, "Key 'name' not present or not a String");
  const name = absoluteApiName(body.name);
  const refusal = zoneWideRefusal(key, name);
  if (refusal) throw new ApiError(403, refusal);
  const kindText = body.kind === undefined ? 'Native' : body.kind;
  if (typeof kindText !== 'string') throw new ApiError(422, "Key 'kind' is not a String");
  const kind = KINDS[kindText.toLowerCase()];
  if (!kind) throw new ApiError(422, `ZoneKind '${kindText}' is not supported; use Native, Master or Slave`);
  const nameservers = stringList(body, 'nameservers');
  for (const ns of nameservers) if (!ns.endsWith('.')) throw new ApiError(422, `Nameserver is not canonical: '${ns}'`);
  const masters = stringList(body, 'masters');
  // PowerDNS 4.7's `catalog`: the producer catalog that lists the zone, "" for none; absent: the template's.
  if (body.catalog !== undefined && typeof body.catalog !== 'string') throw new ApiError(422, "Key 'catalog' is not a String");
  const catalog = typeof body.catalog === 'string' ? { catalog: body.catalog || 'none' } : {};
  if (body.rrsets !== undefined && !Array.isArray(body.rrsets)) throw new ApiError(422, "Key 'rrsets' is not an Array");
  const rrsets = (body.rrsets ?? []) as unknown[];
  if (kind === 'secondary' && rrsets.length) throw new ApiError(422, 'A Slave zone takes its records from its masters, not rrsets');
  // The rrsets of a new zone have no changetype: each replaces what the zone would have.
  const changeset = changesetFromPatch(
    { rrsets: rrsets.map((r) => (typeof r === 'object' && r !== null && !Array.isArray(r) ? { ...r, changetype: 'REPLACE' } : r)) },
    name,
    key,
  );
  if (await getZoneHeader(name)) throw new ApiError(409, `Domain '${name}' already exists`);
  const actor = apiActor(key);
  // octoDNS sends `nameservers: []` and the apex NS among its rrsets: those are the zone's name
  // servers (its SOA names the first), not the template's.
  const apexNs = nameservers.length ? nameservers : (changeset.add ?? []).filter((r) => r.name === name && r.type === 'NS').map((r) => r.content);
  await createZone({ name, kind, nameservers: apexNs, primaries: masters, ...catalog }, actor);
  if (changeset.add?.length || changeset.remove?.length || changeset.soa) {
    try {
      await applyChangeset(name, { ...changeset, comment: 'HTTP API: zone created' }, actor, { ignoreMissingRemovals: true });
    } catch (err) {
      // Undoing this request's own creation: nothing worth keeping to restore.
      await deleteZone(name, actor, { keep: false });
      throw err;
    }
  }
  const zone = await getZone(name);
  if (!zone) throw zoneNotFound(name);
  return jsonResponse(201, zoneObject(zone, zone.records));
}

/** DELETE …/zones/{id}: 204. */
export async function deleteZoneResponse(zoneId: string, key: ApiKeyPrincipal): Promise<Response> {
  const zone = await reachableZone(zoneId, key);
  const refusal = zoneWideRefusal(key, zone.name);
  if (refusal) throw new ApiError(403, refusal);
  // A second admin confirms deletions here (Settings → Deleted zones): a key is nobody to ask, so refuse.
  if ((await getSetting('zoneDeletion')).requireSecondAdmin) {
    throw new ApiError(409, `Deleting a zone needs a second admin on this server: an admin requests it on the zone's settings page and another confirms it`);
  }
  await deleteZone(zone.name, apiActor(key));
  return new Response(null, { status: 204 });
}

/**
 * PUT …/zones/{id}/notify: the worker NOTIFYs the zone's secondaries now.
 * Every change already queued its own NOTIFY round, so a worker that is not
 * running is no failure of the client's change: 200 with the reason, so that
 * lego (which calls this after each change to a Master zone) goes on.
 */
export async function notifyZoneResponse(zoneId: string, key: ApiKeyPrincipal): Promise<Response> {
  const zone = await reachableZone(zoneId, key);
  refuseReadOnly(key);
  try {
    await controlRequest('POST /notify', { zone: zone.name });
  } catch (err) {
    if (!(err instanceof ControlUnavailableError)) throw new ApiError(422, `NOTIFY of ${zone.name} failed: ${(err as Error).message}`);
    return jsonResponse(200, { result: `Notification not sent now (${err.message}); the DNS worker sends each change's NOTIFY when it runs` });
  }
  return jsonResponse(200, { result: 'Notification queued' });
}

/** GET …/zones/{id}/cryptokeys: the zone's DNSSEC keys, public halves and DS only; [] for a zone that is not signed. */
export async function cryptokeysResponse(zoneId: string, key: ApiKeyPrincipal): Promise<Response> {
  const zone = await reachableZone(zoneId, key);
  const keys = zone.dnssec === null ? [] : (await getSigningStatus(zone.id)).keys;
  return jsonResponse(200, keys.map(cryptokeyObject));
}

/** PUT …/zones/{id}/axfr-retrieve: a transfer of a secondary zone from its primaries, now; 200 when it ended. */
export async function retrieveZoneResponse(zoneId: string, key: ApiKeyPrincipal): Promise<Response> {
  const zone = await reachableZone(zoneId, key);
  refuseReadOnly(key);
  if (zone.kind !== 'secondary') throw new ApiError(422, `Domain '${zone.name}' is not a slave domain (or has no master defined)`);
  let reply;
  try {
    reply = await controlRequest('POST /retrieve', { zone: zone.name }, 60_000);
  } catch (err) {
    if (err instanceof ControlUnavailableError) throw new ApiError(503, `The DNS worker is not reachable: ${err.message}`);
    throw new ApiError(422, `Retrieval of ${zone.name} failed: ${(err as Error).message}`);
  }
  if (!reply.ok) throw new ApiError(422, `Retrieval of ${zone.name} failed: ${reply.error}`);
  return jsonResponse(200, { result: `Added retrieval request for '${zone.name}' from primary ${reply.primary}` });
}
