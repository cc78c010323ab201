// Addresses that mean nothing on the public Internet (private, shared,
// loopback, link-local, unique local) or that are reserved for documentation,
// and zone names that are not public: for the editor's warning when such an
// address goes into a public zone (issue 21). A warning, never a refusal:
// split-horizon setups publish private addresses on purpose. Pure.
import ipaddr from 'ipaddr.js';
import { addressAllowed } from './address';
import { isInZone } from './names';

export interface AddressUse {
  kind: 'private' | 'documentation';
  /** The range it lies in and the document that sets it aside, for the message. */
  range: string;
  rfc: string;
}

const RANGES: readonly (AddressUse & { cidr: string })[] = [
  { kind: 'private', cidr: '10.0.0.0/8', range: '10.0.0.0/8', rfc: 'RFC 1918' },
  { kind: 'private', cidr: '172.16.0.0/12', range: '172.16.0.0/12', rfc: 'RFC 1918' },
  { kind: 'private', cidr: '192.168.0.0/16', range: '192.168.0.0/16', rfc: 'RFC 1918' },
  { kind: 'private', cidr: '100.64.0.0/10', range: '100.64.0.0/10', rfc: 'RFC 6598 shared address space' },
  { kind: 'private', cidr: '127.0.0.0/8', range: '127.0.0.0/8', rfc: 'loopback, RFC 1122' },
  { kind: 'private', cidr: '169.254.0.0/16', range: '169.254.0.0/16', rfc: 'link-local, RFC 3927' },
  { kind: 'private', cidr: '::1/128', range: '::1', rfc: 'loopback, RFC 4291' },
  { kind: 'private', cidr: 'fe80::/10', range: 'fe80::/10', rfc: 'link-local, RFC 4291' },
  { kind: 'private', cidr: 'fc00::/7', range: 'fc00::/7', rfc: 'unique local, RFC 4193' },
  { kind: 'documentation', cidr: '192.0.2.0/24', range: '192.0.2.0/24', rfc: 'RFC 5737' },
  { kind: 'documentation', cidr: '198.51.100.0/24', range: '198.51.100.0/24', rfc: 'RFC 5737' },
  { kind: 'documentation', cidr: '203.0.113.0/24', range: '203.0.113.0/24', rfc: 'RFC 5737' },
  { kind: 'documentation', cidr: '2001:db8::/32', range: '2001:db8::/32', rfc: 'RFC 3849' },
  { kind: 'documentation', cidr: '3fff::/20', range: '3fff::/20', rfc: 'RFC 9637' },
];

/** What `address` is set aside for, or null for an ordinary (public) address or no address at all. */
export function addressUse(address: string): AddressUse | null {
  const hit = RANGES.find((r) => addressAllowed(address, [r.cidr]));
  return hit ? { kind: hit.kind, range: hit.range, rfc: hit.rfc } : null;
}

/**
 * Names under which no public zone lives: special-use and reserved names
 * (RFC 6761, RFC 2606, RFC 8375 home.arpa, RFC 6762 local) and the private
 * names people commonly use inside networks (internal, lan, corp, home,
 * intranet, private).
 */
const NOT_PUBLIC = [
  'internal.', 'local.', 'lan.', 'home.arpa.', 'test.', 'example.', 'invalid.', 'localhost.',
  'example.com.', 'example.net.', 'example.org.', 'corp.', 'home.', 'intranet.', 'private.',
];

/** The address prefix a reverse zone covers (`10.in-addr.arpa.` → 10.0.0.0/8), or null for another name. */
function reversePrefix(zone: string): { address: string; bits: number } | null {
  const labels = zone.replace(/\.$/, '').split('.');
  if (zone.endsWith('.in-addr.arpa.')) {
    const octets = labels.slice(0, -2).reverse();
    if (octets.length === 0 || octets.length > 4 || !octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) < 256)) return null;
    return { address: [...octets, '0', '0', '0'].slice(0, 4).join('.'), bits: octets.length * 8 };
  }
  if (zone.endsWith('.ip6.arpa.')) {
    const nibbles = labels.slice(0, -2).reverse();
    if (nibbles.length === 0 || nibbles.length > 32 || !nibbles.every((n) => /^[0-9a-f]$/.test(n))) return null;
    const hex = nibbles.join('').padEnd(32, '0');
    return { address: hex.match(/.{4}/g)!.join(':'), bits: nibbles.length * 4 };
  }
  return null;
}

/** A zone whose names the public Internet resolves: not a special-use or private name, nor the reverse zone of a set-aside range. */
export function isPublicZoneName(zone: string): boolean {
  if (NOT_PUBLIC.some((n) => isInZone(zone, n))) return false;
  const prefix = reversePrefix(zone);
  if (!prefix) return true;
  // Inside a set-aside range only when the zone's prefix is at least as long as the range's.
  return !RANGES.some((r) => {
    const [, bits] = ipaddr.parseCIDR(r.cidr);
    return prefix.bits >= bits && addressAllowed(prefix.address, [r.cidr]);
  });
}

/** The editor's warning for an A/AAAA record with `address` in `zone`, or null. */
export function addressWarning(zone: string, owner: string, address: string): string | null {
  const use = addressUse(address);
  if (!use || !isPublicZoneName(zone)) return null;
  const what = use.kind === 'private' ? `a private address (${use.range}, ${use.rfc})` : `a documentation address (${use.range}, ${use.rfc})`;
  return `${owner} gets ${what}, which does not work on the Internet, in the public zone ${zone}: check it is meant (split horizon) and not a typo.`;
}
