// Record validation for the change service: each record on its own
// (name, type, content) and the zone as it would be after the change
// (RRset TTLs, CNAME exclusivity, NS/MX targets). Pure: no database.
import { canonicalName, DnsNameError, isInZone } from '../dns/names';
import { isSignerType } from '../dns/dnssec/types';
import { mayAccompanyCname, normalizeContent, RdataError, RECORD_TYPES } from '../dns/rdata';
import { RecordIndex } from '../dns/record-index';
import { MAX_TTL } from '../dns/ttl';
import type { RR } from '../dns/types';
import type { RecordError } from '../errors';

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

/**
 * Why a person, an import, the API or an UPDATE may not write `type` in a primary zone: the
 * signer makes these records (RFC 3007 §4.3 keeps UPDATE off them too).
 */
export function signerTypeMessage(type: string): string {
  return `${type} records are managed by the signer; sign the zone with \`zonekeeper zone sign\``;
}

/**
 * The type of a record a person writes, upper case. `signer` is the signer's own commit
 * (lib/zones/changes.ts ApplyOptions.asSigner): only then are its types (SIGNER_TYPES) let through.
 */
export function normalizeType(type: string, signer = false): Normalized<string> {
  const t = type.trim().toUpperCase();
  if (t === 'SOA') return { ok: false, message: 'the SOA record is edited through the zone settings, not as a record' };
  if (isSignerType(t)) return signer ? { ok: true, value: t } : { ok: false, message: signerTypeMessage(t) };
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

/** Normalizes one submitted record; `ttl` falls back to `defaultTtl`; `signer` as for normalizeType. */
export function normalizeRecord(raw: RawRecord, zone: string, defaultTtl: number, signer = false): Normalized<RR> {
  const name = normalizeOwner(raw.name, zone);
  if (!name.ok) return name;
  const type = normalizeType(raw.type, signer);
  if (!type.ok) return type;
  const content = normalizeRecordContent(type.value, raw.content, zone);
  if (!content.ok) return content;
  const ttl = raw.ttl ?? defaultTtl;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL) {
    return { ok: false, message: `TTL must be a whole number of seconds from 0 to ${MAX_TTL}, got ${raw.ttl}` };
  }
  return { ok: true, value: { name: name.value, type: type.value, ttl, content: content.value } };
}

export function describeRecord(r: Pick<RR, 'name' | 'type' | 'content'>): string {
  return `${r.name} ${r.type} ${r.content}`;
}

/**
 * The name an NS or MX record points at, where RFC 2181 §10.2/10.3 want a
 * host with addresses, never an alias; undefined for other types. Stored
 * beside each record (Record.target) so that a change can find what points
 * at a name without reading the zone.
 */
export function pointerTarget(r: Pick<RR, 'type' | 'content'>): string | undefined {
  if (r.type === 'NS') return r.content;
  if (r.type === 'MX') return r.content.split(/\s+/)[1];
  return undefined;
}

/**
 * What Record.target holds for `r`: what the record points at, so that the
 * rows pointing at a name or an address are found along an index rather than
 * by reading zones. NS and MX (pointerTarget: the CNAME check reads them by
 * zone), CNAME, PTR and SRV: the name pointed at; A and AAAA: the address as
 * stored (the global search, lib/search/data.ts). RRSIG: its expiration as
 * written in it (YYYYMMDDHHmmSS, whose order as text is its order in time), so
 * that the signer finds the signatures due for renewal along
 * Record(zoneId, target) without reading the zone (lib/zones/dnssec-commit.ts).
 * Readers by target always name the types they want.
 */
export function storedTarget(r: Pick<RR, 'type' | 'content'>): string | undefined {
  switch (r.type) {
    case 'RRSIG':
      return r.content.split(/\s+/)[4];
    case 'A':
    case 'AAAA':
    case 'CNAME':
    case 'PTR':
      return r.content;
    case 'SRV':
      return r.content.split(/\s+/)[3];
    default:
      return pointerTarget(r);
  }
}

/**
 * Checks the rules that involve more than one record, on the zone as it
 * would be after the change (SOA excluded). Returns one error per problem.
 */
export function checkZoneRules(zone: string, records: readonly RR[]): RecordError[] {
  const errors: RecordError[] = [];
  const byName = new RecordIndex<RR>();
  for (const r of records) byName.add(r);
  for (const name of byName.names()) checkNameRules(zone, name, byName.at(name), errors);
  const isCname = (name: string) => byName.at(name).some((r) => r.type === 'CNAME');
  for (const r of records) checkPointer(r, isCname, errors);
  checkApexNs(zone, byName.at(zone), errors);
  return errors;
}

/** What a change's validation knows of the zone as it would be after it (see lib/zones/neighbourhood.ts). */
export interface Neighbourhood {
  /** Every record at each name the change touches, and at the apex. */
  names: ReadonlyMap<string, readonly RR[]>;
  /** Other names, among the targets of NS and MX records in `names`, that hold a CNAME. */
  cnames: ReadonlySet<string>;
  /** NS and MX records outside `names` that point at a name in it. */
  pointers: readonly RR[];
}

/**
 * The rules of checkZoneRules for a change that touched only the names in
 * `n.names`: every problem that involves one of them, found from what the
 * neighbourhood holds. A zone that met the rules before the change meets them
 * after it exactly when this finds nothing, since every other name keeps its
 * records.
 */
export function checkChangeRules(zone: string, n: Neighbourhood): RecordError[] {
  const errors: RecordError[] = [];
  for (const [name, list] of n.names) checkNameRules(zone, name, list, errors);
  const isCname = (name: string) => {
    const list = n.names.get(name);
    return list ? list.some((r) => r.type === 'CNAME') : n.cnames.has(name);
  };
  for (const list of n.names.values()) for (const r of list) checkPointer(r, isCname, errors);
  for (const r of n.pointers) checkPointer(r, isCname, errors);
  const apex = n.names.get(zone);
  if (apex) checkApexNs(zone, apex, errors);
  return errors;
}

/** The rules on the records of one name: a CNAME alone and once, never at the apex; one TTL per RRset. */
function checkNameRules(zone: string, name: string, records: readonly RR[], errors: RecordError[]): void {
  // Most names hold one record: nothing to compare it with (a CNAME at the apex and a DS
  // without its NS are wrong on their own).
  if (records.length === 1 && records[0]!.type !== 'DS' && !(name === zone && records[0]!.type === 'CNAME')) return;
  const types = new Map<string, RR[]>();
  for (const r of records) {
    const set = types.get(r.type);
    if (set) set.push(r);
    else types.set(r.type, [r]);
  }
  const cname = types.get('CNAME');
  if (cname) {
    // RFC 1034 §3.6.2 and RFC 2181 §10.1: a CNAME stands alone, and once; but for its
    // signature and NSEC (RFC 4035 §2.5).
    if (cname.length > 1) errors.push({ record: `${name} CNAME`, message: `${name} has ${cname.length} CNAME records; a name may have only one` });
    const others = [...types.keys()].filter((t) => t !== 'CNAME' && !mayAccompanyCname(t));
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
  if (types.has('DS')) checkDs(zone, name, types.has('NS'), errors);
  for (const [type, set] of types) {
    // RFC 2181 §5.2: all records of one RRset share one TTL; but signatures take the TTL of the
    // set each covers (RFC 4034 §3), so the RRSIGs at a name differ as their sets do.
    if (type === 'RRSIG') continue;
    const ttls = new Set(set.map((r) => r.ttl));
    if (ttls.size > 1) {
      errors.push({
        record: `${name} ${type}`,
        message: `${name} ${type} has records with different TTLs (${[...ttls].join(', ')}); records of one set must share one TTL`,
      });
    }
  }
}

/**
 * DS sits at a delegation point, in the parent's side of the cut (RFC 4034 §5, RFC 4035 §2.4):
 * never at the apex, whose DS lives in the parent zone, and only beside the NS records that
 * delegate the name.
 */
function checkDs(zone: string, name: string, hasNs: boolean, errors: RecordError[]): void {
  if (name === zone) {
    errors.push({ record: `${name} DS`, message: `${name} is the zone apex; its DS records belong in the parent zone, not here (RFC 4035 §2.4)` });
  } else if (!hasNs) {
    errors.push({ record: `${name} DS`, message: `${name} has DS records but no NS records; DS belongs only at a delegation, beside its NS records (RFC 4035 §2.4)` });
  }
}

/** RFC 2181 §10.2/10.3: NS and MX must point at a name with addresses, never an alias. */
function checkPointer(r: RR, isCname: (name: string) => boolean, errors: RecordError[]): void {
  const target = pointerTarget(r);
  if (target && isCname(target)) {
    errors.push({ record: describeRecord(r), message: `${r.type} of ${r.name} points at ${target}, which is a CNAME; point it at the real host name` });
  }
}

function checkApexNs(zone: string, apex: readonly RR[], errors: RecordError[]): void {
  if (!apex.some((r) => r.type === 'NS')) {
    errors.push({ record: `${zone} NS`, message: `the zone apex ${zone} needs at least one NS record` });
  }
}

export function recordKey(r: Pick<RR, 'name' | 'type' | 'content'>): string {
  return `${r.name}\u0000${r.type}\u0000${r.content}`;
}
