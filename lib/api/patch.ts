// The body of PATCH …/zones/{id} (PowerDNS's `rrsets[]` with changetype
// REPLACE or DELETE) turned into one changeset for the change service
// (lib/zones/changes.ts applyChangeset): a REPLACE removes the whole RRset
// and adds the records given, a DELETE removes the RRset; a REPLACE of the
// apex SOA sets the zone's SOA fields. Pure: every rrset
// is checked here, against PowerDNS's rules and the key's scope
// (lib/auth/api-key-scope.ts), before anything is written; the change
// service then checks the zone as it would be, in the same transaction that
// writes it.
import { keyWriteRefusal, type ApiKeyPrincipal } from '../auth/api-key-scope';
import { canonicalName, DnsNameError, isInZone } from '../dns/names';
import { parseSoaContent } from '../dns/rdata';
import { MAX_TTL } from '../dns/ttl';
import type { Changeset, SoaEdit } from '../zones/changes';
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
  if (typeof v !== 'string') throw new ApiError(422, `Key '${key}' not present or not a String`);
  return v;
}

/**
 * The changeset a PATCH body asks for in `zone` (canonical), refused with an
 * ApiError when any rrset is malformed or invalid (422, as PowerDNS answers
 * a missing or mistyped key too) or outside the key's scope (403). Each
 * rrset replaces or deletes a whole RRset, so when one set comes twice
 * (a DELETE, then a REPLACE) the later one decides, as PowerDNS applies them
 * in order. Fields PowerDNS would ignore here (comments, the rest of a zone
 * object that external-dns sends) are ignored.
 */
export function changesetFromPatch(body: Record<string, unknown>, zone: string, key: ApiKeyPrincipal): Changeset {
  const rrsets = body.rrsets;
  if (!Array.isArray(rrsets)) throw new ApiError(422, 'No rrsets given in update request');
  if (rrsets.length > MAX_RRSETS) {
    throw new ApiError(422, `A PATCH may change at most ${MAX_RRSETS} RRsets; this one has ${rrsets.length}. Split it into several.`);
  }
  // What the request leaves of each RRset it names: its records, none when deleted.
  const finals = new Map<string, { name: string; type: string; records: RawRecord[] }>();
  const seen = new Set<string>();
  let recordCount = 0;
  let soa: SoaEdit | undefined;
  for (const rrset of rrsets) {
    if (!isObject(rrset)) throw new ApiError(422, 'Each of rrsets must be a JSON object');
    const rawName = stringField(rrset, 'name');
    const rawType = stringField(rrset, 'type');
    const changetype = stringField(rrset, 'changetype').toUpperCase();
    const name = absoluteApiName(rawName);
    if (!isInZone(name, zone)) throw new ApiError(422, `RRset ${name} IN ${rawType.toUpperCase()}: Name is out of zone`);
    if (rawType.toUpperCase() === 'SOA') {
      const refusal = keyWriteRefusal(key, zone, name, 'SOA');
      if (refusal) throw new ApiError(403, refusal);
      if (seen.has(`SOA ${changetype}`)) throw new ApiError(422, `Duplicate RRset ${name} IN SOA with changetype: ${changetype}`);
      seen.add(`SOA ${changetype}`);
      soa = soaReplacement(rrset, zone, name, changetype) ?? soa;
      continue;
    }
    const type = normalizeType(rawType);
    if (!type.ok) throw new ApiError(422, `RRset ${name} IN ${rawType}: ${type.message}`);
    const label = `${name} IN ${type.value}`;
    if (changetype !== 'REPLACE' && changetype !== 'DELETE') throw new ApiError(422, `Changetype not understood`);
    if (seen.has(`${label} ${changetype}`)) throw new ApiError(422, `Duplicate RRset ${label} with changetype: ${changetype}`);
    seen.add(`${label} ${changetype}`);
    const refusal = keyWriteRefusal(key, zone, name, type.value);
    if (refusal) throw new ApiError(403, refusal);
    if (changetype === 'DELETE') {
      finals.set(label, { name, type: type.value, records: [] });
      continue;
    }
    if (rrset.records === undefined) {
      // PowerDNS leaves the records alone when a REPLACE carries no `records`: a change of comments only.
      if (rrset.comments === undefined) throw new ApiError(422, `No change for RRset ${label}`);
      continue;
    }
    const records = replacementRecords(rrset, name, type.value);
    recordCount += records.length;
    if (recordCount > MAX_RECORDS) throw new ApiError(422, `A PATCH may carry at most ${MAX_RECORDS} records. Split it into several.`);
    finals.set(label, { name, type: type.value, records });
  }
  const sets = [...finals.values()];
  return { remove: sets.map(({ name, type }) => ({ name, type })), add: sets.flatMap((s) => s.records), ...(soa ? { soa } : {}) };
}

/**
 * The SOA fields a REPLACE of the apex SOA sets; its serial is left to the
 * zone's policy (every change bumps it, as PowerDNS's soa_edit_api DEFAULT
 * does). Undefined for a change of comments only. The SOA cannot be deleted.
 */
function soaReplacement(rrset: Record<string, unknown>, zone: string, name: string, changetype: string): SoaEdit | undefined {
  if (name !== zone) throw new ApiError(422, `RRset ${name} IN SOA: an SOA belongs at the zone apex ${zone} only`);
  if (changetype === 'DELETE') throw new ApiError(422, `RRset ${name} IN SOA: the SOA record cannot be deleted`);
  if (changetype !== 'REPLACE') throw new ApiError(422, `Changetype not understood`);
  if (rrset.records === undefined) return undefined;
  if (!Array.isArray(rrset.records) || rrset.records.length !== 1) throw new ApiError(422, `RRset ${name} IN SOA: give exactly one SOA record`);
  const [record] = replacementRecords(rrset, name, 'SOA');
  const f = parseSoaContent(record!.content);
  return { mname: f.mname, rname: f.rname, refresh: f.refresh, retry: f.retry, expire: f.expire, minimum: f.minimum, ttl: record!.ttl! };
}

/** The records of a REPLACE, each checked; none when its `records` is empty (the set is deleted). */
function replacementRecords(rrset: Record<string, unknown>, name: string, type: string): RawRecord[] {
  if (!Array.isArray(rrset.records)) throw new ApiError(422, "Key 'records' is not an Array");
  if (rrset.records.length === 0) return [];
  const label = `${name} IN ${type}`;
  const ttl = rrset.ttl;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl)) throw new ApiError(422, "Key 'ttl' not an Integer or not present");
  if (ttl < 0 || ttl > MAX_TTL) throw new ApiError(422, `RRset ${label}: TTL must be from 0 to ${MAX_TTL}`);
  const contents = new Set<string>();
  return rrset.records.map((record: unknown) => {
    if (!isObject(record)) throw new ApiError(422, 'Each of records must be a JSON object');
    const raw = stringField(record, 'content');
    if (record.disabled !== undefined && typeof record.disabled !== 'boolean') throw new ApiError(422, "Key 'disabled' not present or not a Bool");
    if (record.disabled === true) throw new ApiError(422, `Record ${name}/${type} '${raw}': disabled records are not supported here`);
    const content = recordContent(name, type, raw);
    if (contents.has(content)) throw new ApiError(422, `Duplicate record in RRset ${label} with content "${content}"`);
    contents.add(content);
    return { name, type, ttl, content };
  });
}

/** A name a client sent (an rrset's, a new zone's, `?zone=`): absolute, with its final dot, as PowerDNS requires; canonical. */
export function absoluteApiName(raw: string): string {
  if (!raw.endsWith('.')) throw new ApiError(422, `DNS Name '${raw}' is not canonical`);
  try {
    return canonicalName(raw);
  } catch (err) {
    if (err instanceof DnsNameError) throw new ApiError(422, `Unable to parse DNS Name '${raw}': ${err.message}`);
    throw err;
  }
}

/**
 * Types whose content PowerDNS takes only as it writes it back, and which we
 * write the same way: names in full (it refuses a relative name), A in plain
 * dotted form, CAA with its value quoted. Compared without regard to case, as
 * PowerDNS compares.
 */
const STRICT_TYPES = new Set(['A', 'CNAME', 'NS', 'PTR', 'MX', 'SRV', 'SOA', 'CAA']);

/**
 * A record's content in canonical form. As PowerDNS, this refuses content
 * not written as it would write it back ("Not in expected format"): spaces
 * around it, TXT text not in quotes, and the STRICT_TYPES in another form.
 * Other types are taken in any form that parses (PowerDNS keeps TXT as
 * written, and our canonical forms of the rest need not be its own).
 */
function recordContent(name: string, type: string, raw: string): string {
  const c = normalizeRecordContent(type, raw, '.');
  if (!c.ok) throw new ApiError(422, `Record ${name}/${type} '${raw}': ${c.message}`);
  const padded = raw.trim() !== raw;
  const unquotedText = type === 'TXT' && !raw.startsWith('"');
  const otherForm = STRICT_TYPES.has(type) && c.value.toLowerCase() !== raw.toLowerCase();
  if (padded || unquotedText || otherForm) throw new ApiError(422, `Record ${name}/${type} '${raw}': Not in expected format (parsed as '${c.value}')`);
  return c.value;
}
