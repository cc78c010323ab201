// Which network a client belongs to, for the limits no single client may
// exceed: response rate limiting counts UDP answers per prefix (rrl.ts), and
// the TCP listener counts connections per client (tcp.ts).
import ipaddr from 'ipaddr.js';

/** 2^32: the bit that sets IPv6 prefixes apart from IPv4 ones in prefixNumber(). */
const IPV6 = 0x1_0000_0000;

/**
 * The client's prefix as a number below 2^33, or -1 when `address` is not an
 * IP literal. IPv4 (and IPv4-mapped IPv6) is exact; an IPv6 prefix, at most 64
 * bits, is folded to 32, so two IPv6 networks may share a number, which can
 * only make a limit stricter for both. IPv4 is parsed without allocating: this
 * runs for every UDP answer when rate limiting is on.
 */
export function prefixNumber(address: string, v4Bits: number, v6Bits: number): number {
  const v4 = parseIpv4(address, 0);
  if (v4 >= 0) return mask(v4, v4Bits);
  // A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d.
  if (address.startsWith('::ffff:')) {
    const mapped = parseIpv4(address, 7);
    if (mapped >= 0) return mask(mapped, v4Bits);
  }
  let parts: number[];
  try {
    parts = ipaddr.IPv6.parse(address).parts;
  } catch {
    return -1;
  }
  const hi = mask(parts[0]! * 0x10000 + parts[1]!, Math.min(v6Bits, 32));
  const lo = v6Bits > 32 ? mask(parts[2]! * 0x10000 + parts[3]!, v6Bits - 32) : 0;
  // Multiplying by an odd constant is a bijection: prefixes differing only in `hi` never meet.
  return IPV6 + ((Math.imul(hi, 0x9e3779b1) ^ lo) >>> 0);
}

/** The client's prefix in CIDR notation (`192.0.2.0/24`, `2001:db8::/56`), for keys and log lines. */
export function prefixText(address: string, v4Bits: number, v6Bits: number): string {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.process(address);
  } catch {
    return address;
  }
  if (ip.kind() === 'ipv4') return `${ipaddr.IPv4.networkAddressFromCIDR(`${ip.toString()}/${v4Bits}`).toString()}/${v4Bits}`;
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${ip.toString()}/${v6Bits}`).toString()}/${v6Bits}`;
}

/** The first `bits` bits of a 32-bit unsigned number. */
function mask(value: number, bits: number): number {
  return bits <= 0 ? 0 : (value & (0xffffffff << (32 - bits))) >>> 0;
}

/** A dotted-quad IPv4 address starting at `start`, as a 32-bit unsigned number, or -1. */
function parseIpv4(s: string, start: number): number {
  let value = 0;
  let part = -1;
  let dots = 0;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2e) {
      if (part < 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = -1;
      dots++;
    } else if (c >= 0x30 && c <= 0x39) {
      part = part < 0 ? c - 0x30 : part * 10 + c - 0x30;
      if (part > 255) return -1;
    } else {
      return -1;
    }
  }
  return dots === 3 && part >= 0 ? value * 256 + part : -1;
}
