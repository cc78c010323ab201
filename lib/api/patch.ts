// The body of PATCH …/zones/{id} (PowerDNS's `rrsets[]` with changetype
// REPLACE or DELETE) turned into one changeset for the change service
// (lib/zones/changes.ts applyChangeset): a REPLACE removes the whole RRset
// and adds the records given, a DELETE removes the RRset. Pure: every rrset
// is checked here, against PowerDNS's rules and the key's scope
// (lib/auth/api-key-scope.ts), before anything is written; the change
// service then checks the zone as it would be, in the same transaction that
// writes it.
import { keyWriteRefusal, type ApiKeyPrincipal } from '../auth/api-key-scope';
import { canonicalName, DnsNameError, isInZone } from '../dns/names';
import { MAX_TTL } from '../dns/ttl';
import type { Changeset } from '../zones/changes';
import type { RecordDelete } from '../zones/schema';
import { normalizeRecordContent, normalizeType, type RawRecord } from '../zones/validate';
import { ApiError } from './errors';

/**
 * RRsets per PATCH. High, because external-dns sends all the creations of a
 * sync in one PATCH and cannot split them; 10,000 commit in about a second.
 */
export const MAX_RRSETS = 10_000;
/** Records per PATCH, over all its rrsets. */
export const MAX_RECORDS = 20_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringField(o: Record<string, unknown>, key: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new ApiError(400, `Key '${key}' not present or not a String`);
  return v;
}

/**
 * The changeset a PATCH body asks for in `zone` (canonical), refused with an
 * ApiError when any rrset is malformed (400), invalid (422) or outside the
 * key's scope (403). Fields PowerDNS would ignore here (comments, the rest
 * of a zone object that external-dns sends) are ignored.
 */
export function changesetFromPatch(body: Record<string, unknown>, zone: string, key: ApiKeyPrincipal): Changeset {
  const rrsets = body.rrsets;
  if (!Array.isArray(rrsets)) throw new ApiError(400, "Key 'rrsets' not present or not an Array");
  if (rrsets.length > MAX_RRSETS) {
    throw new ApiError(422, `A PATCH may change at most ${MAX_RRSETS} RRsets; this one has ${rrsets.length}. Split it into several.`);
  }
  const add: RawRecord[] = [];
  const remove: RecordDelete[] = [];
  const seen = new Set<string>();
  for (const rrset of rrsets) {
    if (!isObject(rrset)) throw new ApiError(400, 'Each of rrsets must be a JSON object');
    const rawName = stringField(rrset, 'name');
    const rawType = stringField(rrset, 'type');
    const changetype = stringField(rrset, 'changetype').toUpperCase();
    const name = ownerName(rawName);
    const type = normalizeType(rawType);
    if (!type.ok) throw new ApiError(422, `RRset ${name} IN ${rawType}: ${type.message}`);
    const label = `${name} IN ${type.value}`;
    if (!isInZone(name, zone)) throw new ApiError(422, `RRset ${label}: Name is out of zone`);
    if (changetype !== 'REPLACE' && changetype !== 'DELETE') throw new ApiError(422, `Changetype not understood`);
    if (seen.has(label)) throw new ApiError(422, `Duplicate RRset ${label} with changetype: ${changetype}`);
    seen.add(label);
    const refusal = keyWriteRefusal(key, zone, name, type.value);
    if (refusal) throw new ApiError(403, refusal);
    if (changetype === 'DELETE') {
      remove.push({ name, type: type.value });
      continue;
    }
    // PowerDNS leaves the records alone when a REPLACE carries no `records` (a change of comments only).
    if (rrset.records === undefined) continue;
    if (!Array.isArray(rrset.records)) throw new ApiError(400, "Key 'records' is not an Array");
    remove.push({ name, type: type.value });
    if (rrset.records.length === 0) continue;
    const ttl = rrset.ttl;
    if (typeof ttl !== 'number' || !Number.isInteger(ttl)) throw new ApiError(400, "Key 'ttl' not present or not an Integer");
    if (ttl < 0 || ttl > MAX_TTL) throw new ApiError(422, `RRset ${label}: TTL must be from 0 to ${MAX_TTL}`);
    const contents = new Set<string>();
    for (const record of rrset.records) {
      if (!isObject(record)) throw new ApiError(400, 'Each of records must be a JSON object');
      const raw = stringField(record, 'content');
      if (record.disabled !== undefined && typeof record.disabled !== 'boolean') throw new ApiError(400, "Key 'disabled' is not a Boolean");
      if (record.disabled === true) throw new ApiError(422, `Record ${name}/${type.value} '${raw}': disabled records are not supported here`);
      const content = recordContent(name, type.value, raw);
      if (contents.has(content)) throw new ApiError(422, `Duplicate record in RRset ${label} with content "${content}"`);
      contents.add(content);
      add.push({ name, type: type.value, ttl, content });
    }
    if (add.length > MAX_RECORDS) throw new ApiError(422, `A PATCH may carry at most ${MAX_RECORDS} records. Split it into several.`);
  }
  return { add, remove };
}

/** An rrset's name: absolute (with its final dot) as PowerDNS requires, canonical. */
function ownerName(raw: string): string {
  if (!raw.endsWith('.')) throw new ApiError(422, `DNS Name '${raw}' is not canonical`);
  try {
    return canonicalName(raw);
  } catch (err) {
    if (err instanceof DnsNameError) throw new ApiError(422, `Unable to parse DNS Name '${raw}': ${err.message}`);
    throw err;
  }
}

/**
 * A record's content in canonical form. Names in it are absolute, as
 * PowerDNS reads them (never relative to the zone); TXT text must be quoted,
 * which PowerDNS refuses otherwise with the same wording.
 */
function recordContent(name: string, type: string, raw: string): string {
  const c = normalizeRecordContent(type, raw, '.');
  if (!c.ok) throw new ApiError(422, `Record ${name}/${type} '${raw}': ${c.message}`);
  if (type === 'TXT' && !raw.trim().startsWith('"')) {
    throw new ApiError(422, `Record ${name}/${type} '${raw}': Not in expected format (parsed as '${c.value}')`);
  }
  return c.value;
}
