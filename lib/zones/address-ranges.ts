// Address ranges (CIDR) as zones and settings hold them: a zone's
// allow-transfer list, the template's, and the admin's list of primaries
// editors may name for secondary zones. Written canonical once, matched by
// the worker (transfers out) and the change service (new secondary zones).
import ipaddr from 'ipaddr.js';

/** Thrown by normalizeCidr; the message names the input. */
export class AddressRangeError extends Error {
  constructor(text: string) {
    super(`"${text}" is not an address range like 192.0.2.0/24 or 2001:db8::/32`);
    this.name = 'AddressRangeError';
  }
}

/** `192.0.2.0/24`, `2001:DB8::/32`, or a single address (that host only) → canonical `ADDRESS/BITS`. */
export function normalizeCidr(text: string): string {
  const t = text.trim();
  try {
    const [addr, bits] = t.includes('/') ? ipaddr.parseCIDR(t) : [ipaddr.parse(t), ipaddr.parse(t).kind() === 'ipv4' ? 32 : 128];
    return `${addr.toString()}/${bits}`;
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
      // A malformed stored range never grants anything.
    }
  }
  return false;
}
