// Signing a whole zone: the records DNSSEC adds to an unsigned zone (DNSKEY,
// CDS/CDNSKEY, NSEC3PARAM, the NSEC or NSEC3 chain, and an RRSIG over every
// authoritative RRset), for `zonekeeper zone sign` and as the reference the
// incremental planner (resign.ts) is tested against.
import { ancestorNames, canonicalName, isInZone } from '../names.ts';
import type { RR } from '../types.ts';
import { compareCanonical } from './canonical.ts';
import { nsecContent } from './nsec.ts';
import { nsec3Content, nsec3Hash } from './nsec3.ts';
import {
  apexKeyRecords,
  dataTypes,
  denialTtl,
  nsec3Types,
  nsecTypes,
  signedTypes,
  signWithKeys,
  type NamePlace,
} from './signing-rules.ts';
import { isSignerType, type SigningPolicy, type ZoneKey } from './types.ts';

/** One name of the zone as the chains see it. */
export interface ChainName {
  name: string;
  place: NamePlace;
  /** Types present (dataTypes, apex key types included); empty for an empty non-terminal. */
  types: string[];
}

/**
 * The authoritative names of `records` (unsigned, SOA included; signer types ignored):
 * the apex, every owner not below a delegation point, the delegation points themselves,
 * each with its place and types, apex key types from `apexKeys` added. Glue and anything
 * else below a zone cut is not authoritative (RFC 4035 §2.2) and is left out.
 */
export function authoritativeNames(zone: string, records: readonly RR[], apexKeys: readonly RR[]): Map<string, ChainName> {
  const byName = new Map<string, RR[]>();
  for (const r of [...records, ...apexKeys]) {
    if (!isInZone(r.name, zone)) throw new Error(`${r.name} is not in zone ${zone}`);
    if (isSignerType(r.type) && !apexKeys.includes(r)) continue;
    const list = byName.get(r.name);
    if (list) list.push(r);
    else byName.set(r.name, [r]);
  }
  const isCut = (name: string) => name !== zone && (byName.get(name) ?? []).some((r) => r.type === 'NS');
  const out = new Map<string, ChainName>();
  for (const [name, list] of byName) {
    if (ancestorNames(name).some((a) => a !== zone && isInZone(a, zone) && isCut(a))) continue; // occluded
    const place: NamePlace = name === zone ? 'apex' : isCut(name) ? 'cut' : 'name';
    const types = dataTypes(list, place).concat(place === 'apex' ? apexKeys.map((r) => r.type) : []);
    out.set(name, { name, place, types: [...new Set(types)] });
  }
  return out;
}

/** The empty non-terminals between the apex and the authoritative names (RFC 5155 §7.1): NSEC3 owners too. */
export function emptyNonTerminals(zone: string, names: ReadonlyMap<string, ChainName>): ChainName[] {
  const out = new Map<string, ChainName>();
  for (const name of names.keys()) {
    for (const a of ancestorNames(name)) {
      if (a === zone || !isInZone(a, zone)) break;
      if (names.has(a) || out.has(a)) continue;
      out.set(a, { name: a, place: 'name', types: [] });
    }
  }
  return [...out.values()];
}

/**
 * The NSEC or NSEC3 records (unsigned) of a zone whose authoritative names are `names`:
 * NSEC over the names in canonical order (RFC 4034 §4.1.1), the last pointing back at
 * the apex; NSEC3 over the hashes of the names and the empty non-terminals, in hash order
 * (RFC 5155 §7.1). TTL per denialTtl.
 */
export function denialChain(zone: string, names: ReadonlyMap<string, ChainName>, denial: SigningPolicy['denial'], ttl: number): RR[] {
  if (denial === 'nsec') {
    const owners = [...names.keys()].sort(compareCanonical);
    return owners.map((name, i) => ({
      name,
      type: 'NSEC',
      ttl,
      content: nsecContent(owners[(i + 1) % owners.length]!, nsecTypes(names.get(name)!.types)),
    }));
  }
  const nodes = [...names.values(), ...emptyNonTerminals(zone, names)]
    .map((n) => ({ hash: nsec3Hash(n.name), n }))
    .sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  return nodes.map(({ hash, n }, i) => ({
    name: `${hash}.${zone}`,
    type: 'NSEC3',
    ttl,
    content: nsec3Content(nodes[(i + 1) % nodes.length]!.hash, nsec3Types(n.types, n.place)),
  }));
}

/**
 * The DNSSEC records to add to zone `zone` whose records are `records` (unsigned, the SOA
 * included; DNSSEC records among them are ignored), signed at `now` (unix seconds) with
 * `keys` by `policy`: DNSKEY (published keys), CDS and CDNSKEY (published KSKs at the
 * parent), NSEC3PARAM (NSEC3 only), the NSEC or NSEC3 chain, and the RRSIGs over every
 * authoritative RRset (not NS at a delegation point, nothing below one; DS at one yes).
 * Throws when the zone has no SOA or no key can sign.
 */
export function signZone(zone: string, records: readonly RR[], keys: readonly ZoneKey[], policy: SigningPolicy, now: number): RR[] {
  const apex = canonicalName(zone);
  const soa = records.find((r) => r.type === 'SOA' && r.name === apex);
  if (!soa) throw new Error(`zone ${apex} has no SOA record at its apex`);
  const keyRecords = apexKeyRecords(apex, keys, policy);
  const names = authoritativeNames(apex, records, keyRecords);
  const chain = denialChain(apex, names, policy.denial, denialTtl(soa));

  const rrsets = new Map<string, RR[]>();
  for (const r of [...records, ...keyRecords]) {
    const n = names.get(r.name);
    if (!n || !signedTypes(n.types, n.place).includes(r.type)) continue;
    if (isSignerType(r.type) && !keyRecords.includes(r)) continue;
    const key = `${r.name} ${r.type}`;
    const list = rrsets.get(key);
    if (list) list.push(r);
    else rrsets.set(key, [r]);
  }
  for (const r of chain) rrsets.set(`${r.name} ${r.type}`, [r]);

  const out: RR[] = [...keyRecords, ...chain];
  for (const rrset of rrsets.values()) out.push(...signWithKeys(apex, rrset, keys, policy, now));
  return out;
}
