// The zone of the DNSSEC answer tests (dnssec-answers.test.ts, the NSD
// differential with DO, the delv validation): every shape of answer RFC 4035
// §3.1 and RFC 5155 §7.2 give a proof for, in one small zone, and a reader of
// the proofs in an answer, so a table can name what it expects by the names
// proven rather than by NSEC3 hashes.
import { compareCanonical } from '../dns/dnssec/canonical';
import { nsec3Hash } from '../dns/dnssec/nsec3';
import type { RR } from '../dns/types';

export const SIGNED_ZONE = 'sig.test.';
const Z = SIGNED_ZONE;

/** The unsigned zone file: absolute names, explicit TTLs. */
export function dnssecZoneFile(): string {
  const rr = (owner: string, ttl: number, type: string, rdata: string) => `${owner === '@' ? Z : `${owner}.${Z}`} ${ttl} IN ${type} ${rdata}`;
  return [
    rr('@', 3600, 'SOA', `ns1.${Z} hostmaster.${Z} 2026120601 7200 3600 1209600 300`),
    rr('@', 3600, 'NS', `ns1.${Z}`),
    rr('@', 3600, 'MX', `10 mail.${Z}`),
    rr('ns1', 3600, 'A', '192.0.2.1'),
    rr('mail', 3600, 'A', '192.0.2.25'),
    rr('mail', 3600, 'AAAA', '2001:db8::25'),
    rr('www', 300, 'A', '192.0.2.80'),
    rr('www', 300, 'AAAA', '2001:db8::80'),
    rr('www', 300, 'TXT', '"web server"'),
    rr('alias', 300, 'CNAME', `www.${Z}`),
    rr('chain', 300, 'CNAME', `alias.${Z}`),
    rr('cwild', 300, 'CNAME', `x.wild.${Z}`),
    rr('cnx', 300, 'CNAME', `nothing.${Z}`),
    rr('host.ent', 300, 'A', '192.0.2.5'),
    rr('*.wild', 300, 'A', '192.0.2.99'),
    rr('secure', 3600, 'NS', `ns.secure.${Z}`),
    rr('secure', 3600, 'DS', '12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF'),
    rr('ns.secure', 3600, 'A', '192.0.2.53'),
    rr('insecure', 3600, 'NS', `ns.insecure.${Z}`),
    rr('ns.insecure', 3600, 'A', '192.0.2.54'),
    '',
  ].join('\n');
}

/**
 * The owner of the NSEC (or NSEC3) record that matches or covers `name` in the zone's
 * `records`: for NSEC the last owner at or before the name; for NSEC3 the same among the
 * hashed owners, for the hash of the name (no salt, no extra iterations), wrapping round.
 */
export function proofOwner(records: readonly RR[], denial: 'nsec' | 'nsec3', name: string): string {
  const owners = records.filter((r) => r.type === (denial === 'nsec' ? 'NSEC' : 'NSEC3')).map((r) => r.name).sort(compareCanonical);
  const key = denial === 'nsec' ? name : `${nsec3Hash(name)}.${Z}`;
  const before = owners.filter((o) => compareCanonical(o, key) <= 0);
  return before.length ? before.at(-1)! : owners.at(-1)!;
}
