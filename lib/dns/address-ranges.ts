// Address ranges (CIDR): the one place that parses them and tests an address
// against them. Used by transfer access (allow-transfer), the web app's
// trusted proxies and anything else that admits peers by address. Pure.
import ipaddr from 'ipaddr.js';

/** The canonical form of an address (IPv4-mapped IPv6 as IPv4), or null when it is not an address. */
export function canonicalIp(address: string): string | null {
  try {
    return ipaddr.process(address.trim()).toString();
  } catch {
    return null;
  }
}

/** Thrown by parseRange; the message names the input. */
export class AddressRangeError extends Error {
  constructor(text: string) {
    super(`"${text}" is not an address range like 192.0.2.0/24 or 2001:db8::/32`);
    this.name = 'AddressRangeError';
  }
}

/**
 * `192.0.2.0/24`, `2001:DB8::/32`, or a single address (that host only, as
 * /32 or /128) → canonical `ADDRESS/BITS`; AddressRangeError otherwise.
 */
export function parseRange(text: string): string {
  const t = text.trim();
  try {
    if (t.includes('/')) {
      const [net, bits] = ipaddr.parseCIDR(t);
      return `${net.toString()}/${bits}`;
    }
    const addr = ipaddr.parse(t);
    return `${addr.toString()}/${addr.kind() === 'ipv4' ? 32 : 128}`;
  } catch {
    throw new AddressRangeError(t);
  }
}

/** True when `address` (IPv4, IPv6 or IPv4-mapped IPv6) lies in one of `ranges`. */
export function addressAllowed(address: string, ranges: readonly string[]): boolean {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(address);
  } catch {
    return false;
  }
  for (const r of ranges) {
    try {
      const [net, bits] = ipaddr.parseCIDR(r);
      if (net.kind() === addr.kind() && addr.match([net, bits] as [typeof addr, number])) return true;
    } catch {
      // A malformed stored range never grants access.
    }
  }
  return false;
}
