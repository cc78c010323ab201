// Record validation for the change service: each record on its own
// (name, type, content) and the zone as it would be after the change
// (RRset TTLs, CNAME exclusivity, NS/MX targets). Pure: no database.
import { canonicalName, DnsNameError, isInZone } from '../dns/names';
import { normalizeContent, RdataError, RECORD_TYPES } from '../dns/rdata';
import type { RR } from '../dns/types';
import type { RecordError } from './errors';

export interface RawRecord {
  name: string;
  type: string;
  ttl?: number;
  content: string;
}

export type Normalized<T> = { ok: true; value: T } | { ok: false; message: string };

const EDITABLE_TYPES = new Set<string>(RECORD_TYPES.filter((t) => t !== 'SOA'));

export function normalizeOwner(name: string, zone: string): Normalized<string> {
  try {
    const n = canonicalName(name.trim(), zone);
    if (!isInZone(n, zone)) return { ok: false, message: `${n} is outside the zone ${zone}` };
    return { ok: true, value: n };
  } catch (err) {
    if (err instanceof DnsNameError) return { ok: false, message: err.message };
    throw err;
  }
}

export function normalizeType(type: string): Normalized<string> {
  const t = type.trim().toUpperCase();
  if (t === 'SOA') return { ok: false, message: 'the SOA record is edited through the zone settings, not as a record' };
  if (!EDITABLE_TYPES.has(t)) {
    return { ok: false, message: `unsupported record type "${type}" (supported: ${[...EDITABLE_TYPES].join(', ')})` };
  }
  return { ok: true, value: t };
}

export function normalizeRecordContent(type: string, content: string, zone: string): Normalized<string> {
  try {
    return { ok: true, value: normalizeContent(type, content, zone) };
  } catch (err) {
    if (err instanceof RdataError || err instanceof DnsNameError) return { ok: false, message: err.message };
    throw err;
  }
}

/** Normalizes one submitted record; `ttl` falls back to `defaultTtl`. */
export function normalizeRecord(raw: RawRecord, zone: string, defaultTtl: number): Normalized<RR> {
  const name = normalizeOwner(raw.name, zone);
  if (!name.ok) return name;
  const type = normalizeType(raw.type);
  if (!type.ok) return type;
  const content = normalizeRecordContent(type.value, raw.content, zone);
  if (!content.ok) return content;
  const ttl = raw.ttl ?? defaultTtl;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 2147483647) {
    return { ok: false, message: `TTL must be a whole number of seconds from 0 to 2147483647, got ${raw.ttl}` };
  }
  return { ok: true, value: { name: name.value, type: type.value, ttl, content: content.value } };
}

export function describeRecord(r: Pick<RR, 'name' | 'type' | 'content'>): string {
  return `${r.name} ${r.type} ${r.content}`;
}

/**
 * Checks the rules that involve more than one record, on the zone as it
 * would be after the change (SOA excluded). Returns one error per problem.
 */
export function checkZoneRules(zone: string, records: readonly RR[]): RecordError[] {
  const errors: RecordError[] = [];
  const byName = new Map<string, Map<string, RR[]>>();
  for (const r of records) {
    let types = byName.get(r.name);
    if (!types) byName.set(r.name, (types = new Map()));
    const set = types.get(r.type);
    if (set) set.push(r);
    else types.set(r.type, [r]);
  }
  for (const [name, types] of byName) {
    const cname = types.get('CNAME');
    if (cname) {
      // RFC 1034 §3.6.2 and RFC 2181 §10.1: a CNAME stands alone, and once.
      if (cname.length > 1) errors.push({ record: `${name} CNAME`, message: `${name} has ${cname.length} CNAME records; a name may have only one` });
      const others = [...types.keys()].filter((t) => t !== 'CNAME');
      if (others.length > 0 || name === zone) {
        errors.push({
          record: `${name} CNAME`,
          message:
            name === zone
              ? `${name} is the zone apex; it cannot have a CNAME (it has the SOA and NS records)`
              : `${name} has a CNAME and other data (${others.join(', ')}); a CNAME must be the only record at its name`,
        });
      }
    }
    for (const [type, set] of types) {
      // RFC 2181 §5.2: all records of one RRset share one TTL.
      const ttls = new Set(set.map((r) => r.ttl));
      if (ttls.size > 1) {
        errors.push({
          record: `${name} ${type}`,
          message: `${name} ${type} has records with different TTLs (${[...ttls].join(', ')}); records of one set must share one TTL`,
        });
      }
    }
  }
  // RFC 2181 §10.2/10.3: NS and MX must point at a name with addresses, never an alias.
  for (const r of records) {
    let target: string | undefined;
    if (r.type === 'NS') target = r.content;
    else if (r.type === 'MX') target = r.content.split(/\s+/)[1];
    if (target && byName.get(target)?.has('CNAME')) {
      errors.push({ record: describeRecord(r), message: `${r.type} of ${r.name} points at ${target}, which is a CNAME; point it at the real host name` });
    }
  }
  if (!byName.get(zone)?.has('NS')) {
    errors.push({ record: `${zone} NS`, message: `the zone apex ${zone} needs at least one NS record` });
  }
  return errors;
}

export function recordKey(r: Pick<RR, 'name' | 'type' | 'content'>): string {
  return `${r.name}\u0000${r.type}\u0000${r.content}`;
}
