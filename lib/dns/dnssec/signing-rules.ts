// The rules shared by whole-zone signing (sign-zone.ts) and the incremental
// planner (resign.ts): which RRsets a name's signatures cover, what its
// NSEC/NSEC3 type bitmap lists, which keys sign what, and the apex records
// that come from the keys rather than from the zone's owner. Keeping them in
// one place is what lets the planner's output equal a full signing.
import { parseSoaContent } from '../rdata.ts';
import type { RR } from '../types.ts';
import { CDNSKEY_DELETE, CDS_DELETE, cdnskeyContent, dsContent } from './keys.ts';
import { NSEC3PARAM_CONTENT } from './nsec3.ts';
import { sortTypes } from './nsec.ts';
import { signRRset } from './sign.ts';
import { isSignerType, type SigningPolicy, type ZoneKey } from './types.ts';

/** Where a name stands: the apex, a delegation point (NS below the apex), or any other authoritative name. */
export type NamePlace = 'apex' | 'cut' | 'name';

/** RRsets signed by the KSKs (RFC 6781 §3.1; CDS and CDNSKEY, RFC 7344 §4.1, like DNSKEY); all others by the ZSKs. */
const KSK_TYPES = new Set(['DNSKEY', 'CDS', 'CDNSKEY']);

/**
 * The TTL of NSEC and NSEC3 records: the smaller of the SOA's TTL and its minimum field
 * (RFC 9077 §3, which updates RFC 4034 §4 and RFC 5155 §3).
 */
export function denialTtl(soa: RR): number {
  return Math.min(soa.ttl, parseSoaContent(soa.content).minimum);
}

/**
 * The apex records the signer derives from the keys and the policy: the DNSKEY RRset of the
 * published keys; CDS and CDNSKEY for the published KSKs marked atParent (RFC 7344 §4), or
 * their delete forms when none is (RFC 8078 §4);
 * NSEC3PARAM when the zone uses NSEC3 (RFC 5155 §4). All with policy.keyTtl.
 */
export function apexKeyRecords(zone: string, keys: readonly ZoneKey[], policy: SigningPolicy): RR[] {
  const ttl = policy.keyTtl;
  const out: RR[] = [];
  const published = keys.filter((k) => k.published);
  for (const k of published) out.push({ name: zone, type: 'DNSKEY', ttl, content: k.dnskey });
  const atParent = published.filter((k) => k.role === 'ksk' && k.atParent);
  for (const k of atParent) {
    out.push({ name: zone, type: 'CDS', ttl, content: dsContent(zone, k.dnskey, 2) });
    out.push({ name: zone, type: 'CDNSKEY', ttl, content: cdnskeyContent(k.dnskey) });
  }
  // No key for the parent: the zone is on its way back to insecure and asks the parent to drop its DS (RFC 8078 §4).
  if (atParent.length === 0) {
    out.push({ name: zone, type: 'CDS', ttl, content: CDS_DELETE });
    out.push({ name: zone, type: 'CDNSKEY', ttl, content: CDNSKEY_DELETE });
  }
  if (policy.denial === 'nsec3') out.push({ name: zone, type: 'NSEC3PARAM', ttl, content: NSEC3PARAM_CONTENT });
  return out;
}

/**
 * The keys that sign an RRset of `type`: the active KSKs for DNSKEY, CDS and CDNSKEY, the
 * active ZSKs for everything else. A zone whose only active keys are KSKs signs everything
 * with them (a combined signing key, RFC 6781 §3.1.1 footnote on single-key schemes).
 * Throws when no key can sign: an unsigned RRset in a signed zone would fail validation.
 */
export function signingKeysFor(type: string, keys: readonly ZoneKey[]): ZoneKey[] {
  const active = keys.filter((k) => k.active);
  const ksks = active.filter((k) => k.role === 'ksk');
  const zsks = active.filter((k) => k.role === 'zsk');
  const chosen = KSK_TYPES.has(type) ? ksks : zsks.length ? zsks : ksks;
  if (chosen.length === 0) throw new Error(`no active ${KSK_TYPES.has(type) ? 'KSK' : 'key'} to sign ${type} with`);
  return chosen;
}

/** One RRSIG per signing key over `rrset`. */
export function signWithKeys(zone: string, rrset: readonly RR[], keys: readonly ZoneKey[], policy: SigningPolicy, now: number): RR[] {
  return signingKeysFor(rrset[0]!.type, keys).map((k) => signRRset(zone, rrset, k, policy, now));
}

/**
 * The types of the records at an authoritative name that count for DNSSEC: at a
 * delegation point only NS and DS are the zone's (RFC 4035 §2.2: other data there is
 * not authoritative). Signer types are left out: the signer makes them (at the apex from
 * apexKeyRecords, which the caller adds).
 */
export function dataTypes(records: readonly RR[], place: NamePlace): string[] {
  const types = new Set<string>();
  for (const r of records) {
    if (isSignerType(r.type)) continue;
    if (place === 'cut' && r.type !== 'NS' && r.type !== 'DS') continue;
    types.add(r.type);
  }
  return sortTypes(types);
}

/** The RRsets that get signatures (RFC 4035 §2.2): all of them, except at a delegation point, where only DS is signed. */
export function signedTypes(types: readonly string[], place: NamePlace): string[] {
  return place === 'cut' ? types.filter((t) => t === 'DS') : [...types];
}

/** NSEC type bitmap: the types present plus RRSIG and NSEC, which every NSEC owner holds (RFC 4034 §4.1.2). */
export function nsecTypes(types: readonly string[]): string[] {
  return sortTypes([...types, 'RRSIG', 'NSEC']);
}

/**
 * NSEC3 type bitmap (RFC 5155 §3.2): the types at the original owner, plus RRSIG when
 * something there is signed; none for an empty non-terminal, NS (and no RRSIG) for an
 * insecure delegation. NSEC3 itself lives at the hashed owner, so it is never listed.
 */
export function nsec3Types(types: readonly string[], place: NamePlace): string[] {
  const signed = signedTypes(types, place).length > 0;
  return sortTypes(signed ? [...types, 'RRSIG'] : types);
}
