// Zones and RRsets in the JSON shapes PowerDNS 4.7's HTTP API uses, which
// its clients (lego, lexicon, external-dns, octoDNS) read: the zone object
// with its `id` and `url`, RRsets grouped by name and type, and zone ids
// with unusual characters written as `=XX` (PowerDNS's apiZoneNameToId).
import type { PublicKey } from '../zones/dnssec-keys';
import { algorithmLabel } from '../dns/dnssec/types';
import type { RR } from '../dns/types';
import type { ZoneDetail } from '../zones/data';

export const API_BASE = '/api/v1';
export const SERVER_ID = 'localhost';
export const SERVER_URL = `${API_BASE}/servers/${SERVER_ID}`;

type ZoneHeader = Omit<ZoneDetail, 'records'>;

/** A zone name as PowerDNS writes it in ids and URLs: letters, digits, `.`, `-` and `_` as they are, every other byte as `=XX`. */
export function zoneIdOf(name: string): string {
  let out = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9._-]/.test(c) ? c : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The zone name a client's zone id stands for: `=XX` decoded (`=2F` is `/`); the trailing dot may be missing. */
export function zoneNameFromId(id: string): string {
  return id.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** PowerDNS's kinds for ours: a primary is "Master" (so lego sends NOTIFY after a change), a secondary "Slave". */
export function kindOf(zone: ZoneHeader): 'Master' | 'Slave' {
  return zone.kind === 'primary' ? 'Master' : 'Slave';
}

export interface ApiRRset {
  name: string;
  type: string;
  ttl: number;
  records: { content: string; disabled: boolean }[];
  comments: never[];
}

/**
 * A zone as GET …/zones lists it (no `rrsets`), or with them as GET
 * …/zones/{id} returns it. Fields with no counterpart here carry PowerDNS's
 * value for a zone without them (no DNSSEC, no account, no catalog);
 * `edited_serial` is the serial (every API change bumps it, as PowerDNS's
 * soa_edit_api DEFAULT does) and `notified_serial` is 0: the NOTIFY queue
 * is per target, not per zone.
 */
export function zoneObject(zone: ZoneHeader, records?: readonly RR[]): Record<string, unknown> {
  const id = zoneIdOf(zone.name);
  return {
    account: '',
    api_rectify: false,
    catalog: '',
    dnssec: zone.dnssec !== null,
    edited_serial: zone.serial,
    id,
    kind: kindOf(zone),
    last_check: 0,
    master_tsig_key_ids: [],
    masters: zone.kind === 'secondary' ? zone.primaries.map(masterText) : [],
    name: zone.name,
    notified_serial: 0,
    nsec3narrow: false,
    nsec3param: zone.dnssec === 'nsec3' ? NSEC3PARAM : '',
    ...(records ? { rrsets: rrsetsOf(records) } : {}),
    serial: zone.serial,
    slave_tsig_key_ids: [],
    soa_edit: '',
    soa_edit_api: 'DEFAULT',
    url: `${SERVER_URL}/zones/${id}`,
  };
}

/**
 * A key as PowerDNS's GET …/cryptokeys lists it: public data only (PowerDNS
 * adds `privatekey` for one key asked by id; we never do).
 */
export function cryptokeyObject(k: PublicKey): Record<string, unknown> {
  return {
    type: 'Cryptokey',
    id: k.id,
    keytype: k.role,
    active: k.active,
    published: k.published,
    dnskey: k.dnskey,
    ...(k.ds ? { ds: [k.ds] } : {}),
    algorithm: algorithmLabel(k.algorithm).split(' ')[0],
    bits: 256,
  };
}

/** RFC 9276's parameters, which the signer always uses (SHA-1, no opt-out, no extra iterations, no salt). */
const NSEC3PARAM = '1 0 0 -';

/** A primary's ADDRESS:PORT as PowerDNS writes a master: the port only when it is not 53, an IPv6 address in brackets only then. */
export function masterText(hostPort: string): string {
  if (!hostPort.endsWith(':53')) return hostPort;
  const host = hostPort.slice(0, -3);
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Records grouped by owner name and type, in the order given; the set's TTL is its first record's (the change service keeps them equal). */
export function rrsetsOf(records: readonly RR[]): ApiRRset[] {
  const sets = new Map<string, ApiRRset>();
  for (const r of records) {
    const key = `${r.name} ${r.type}`;
    let set = sets.get(key);
    if (!set) sets.set(key, (set = { name: r.name, type: r.type, ttl: r.ttl, records: [], comments: [] }));
    set.records.push({ content: r.content, disabled: false });
  }
  return [...sets.values()];
}
