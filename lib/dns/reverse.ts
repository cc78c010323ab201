// Reverse zones from address prefixes: 192.0.2.0/24 → 2.0.192.in-addr.arpa.,
// 2001:db8::/48 → 8.b.d.0.1.0.0.2.ip6.arpa. (RFC 1035 §3.5, RFC 3596 §2.5).
import ipaddr from 'ipaddr.js';

export class ReversePrefixError extends Error {}

/** True when the text looks like ADDRESS/LENGTH rather than a domain name. */
export function looksLikePrefix(text: string): boolean {
  return /^[0-9a-f.:]+\/\d{1,3}$/i.test(text.trim());
}

/**
 * The reverse zone that holds exactly the addresses of `prefix`. Only prefixes
 * on a label boundary have one: octets for IPv4 (/8, /16, /24), nibbles for
 * IPv6 (multiples of 4). RFC 2317 classless delegation is not done here.
 */
export function reverseZoneForPrefix(prefix: string): string {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  let bits: number;
  try {
    [addr, bits] = ipaddr.parseCIDR(prefix.trim());
  } catch {
    throw new ReversePrefixError(`"${prefix}" is not an address prefix like 192.0.2.0/24 or 2001:db8::/48`);
  }
  if (addr.kind() === 'ipv4') {
    if (bits % 8 !== 0 || bits === 0 || bits > 24) {
      throw new ReversePrefixError(`an IPv4 reverse zone needs a /8, /16 or /24 prefix, not /${bits}`);
    }
    const octets = (addr as ipaddr.IPv4).octets.slice(0, bits / 8);
    checkHostBitsZero(addr, bits, prefix);
    return `${octets.reverse().join('.')}.in-addr.arpa.`;
  }
  if (bits % 4 !== 0 || bits === 0 || bits > 124) {
    throw new ReversePrefixError(`an IPv6 reverse zone needs a prefix length that is a multiple of 4 (like /48 or /64), not /${bits}`);
  }
  checkHostBitsZero(addr, bits, prefix);
  const hex = (addr as ipaddr.IPv6).parts.map((p) => p.toString(16).padStart(4, '0')).join('');
  return `${hex.slice(0, bits / 4).split('').reverse().join('.')}.ip6.arpa.`;
}

function checkHostBitsZero(addr: ipaddr.IPv4 | ipaddr.IPv6, bits: number, prefix: string): void {
  const network = addr.kind() === 'ipv4'
    ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${bits}`)
    : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${bits}`);
  if (network.toString() !== addr.toString()) {
    throw new ReversePrefixError(`"${prefix}" has host bits set; did you mean ${network.toString()}/${bits}?`);
  }
}

/**
 * The name under in-addr.arpa. or ip6.arpa. where the PTR record of one
 * address lives (RFC 1035 §3.5, RFC 3596 §2.5): 192.0.2.1 → 1.2.0.192.in-addr.arpa.
 * Throws ReversePrefixError when `address` is not an IPv4 or IPv6 address.
 */
export function reverseNameOf(address: string): string {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(address.trim());
  } catch {
    throw new ReversePrefixError(`"${address}" is not an IP address`);
  }
  if (addr.kind() === 'ipv4') return `${(addr as ipaddr.IPv4).octets.slice().reverse().join('.')}.in-addr.arpa.`;
  const hex = (addr as ipaddr.IPv6).parts.map((p) => p.toString(16).padStart(4, '0')).join('');
  return `${hex.split('').reverse().join('.')}.ip6.arpa.`;
}
