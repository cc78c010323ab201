// Addresses: the one place that parses, checks and writes IP addresses,
// `ADDRESS:PORT` (IPv6 as `[ADDRESS]:PORT`) and address ranges (CIDR). Used
// by the change service (primaries, also-notify, allow-transfer), the
// settings, autoprimaries, the environment (listen addresses, trusted
// proxies) and the worker (NOTIFY senders, transfer access). Every error is
// an AddressError whose message names the text and says what is allowed;
// callers put the field or variable name in front. Pure.
import ipaddr from 'ipaddr.js';

/** An address (or, from splitHostPort, a host name) and a port from 1 to 65535. */
export interface HostPort {
  address: string;
  port: number;
}

/** Text that is not the address, port or range asked for; the message is for people. */
export class AddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AddressError';
  }
}

/** Thrown by parseRange. */
export class AddressRangeError extends AddressError {
  constructor(text: string) {
    super(`"${text}" is not an address range like 192.0.2.0/24 or 2001:db8::/32`);
    this.name = 'AddressRangeError';
  }
}

const FORM = 'use ADDRESS[:PORT], IPv6 as [2001:db8::1]:53';

/** The canonical form of an address (IPv4-mapped IPv6 as IPv4), or null when it is not an address. */
export function canonicalIp(address: string): string | null {
  try {
    return ipaddr.process(address.trim()).toString();
  } catch {
    return null;
  }
}

/**
 * A port: a whole number from 1 to 65535. Port 0 is refused everywhere: a
 * peer cannot be reached there, and a listener there would get a port
 * nobody knows (tests that want any free port pass 0 to startWorker, not
 * through text).
 */
export function parsePort(text: string): number {
  const t = text.trim();
  const n = /^\d{1,5}$/.test(t) ? Number(t) : NaN;
  if (!(n >= 1 && n <= 65535)) throw new AddressError(`"${t}" is not a port: use a whole number from 1 to 65535`);
  return n;
}

/**
 * `HOST:PORT`, `[IPV6]:PORT`, or without the port `defaultPort` (a bare
 * IPv6 address, with its colons, only then). The host is not checked: it
 * may be a host name (a NOTIFY target outside the zone). Throws AddressError.
 */
export function splitHostPort(text: string, defaultPort?: number): HostPort {
  const t = text.trim();
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::([^:]*))?$/.exec(t);
  const plain = /^([A-Za-z0-9.-]+)(?::([^:]*))?$/.exec(t);
  // Without brackets, text with two or more colons can only be an IPv6 address with no port.
  const bareV6 = !bracketed && !plain && /^[0-9a-fA-F:.]+$/.test(t) && t.split(':').length > 2 ? [t, t, undefined] : null;
  const m = bracketed ?? plain ?? bareV6;
  if (!m) throw new AddressError(`"${t}" is not ADDRESS:PORT; ${FORM}`);
  if (m[2] === undefined) {
    if (defaultPort === undefined) throw new AddressError(`"${t}" needs a port: ADDRESS:PORT, IPv6 as [2001:db8::1]:53`);
    return { address: m[1]!, port: defaultPort };
  }
  try {
    return { address: m[1]!, port: parsePort(m[2]) };
  } catch {
    throw new AddressError(`"${t}": the port must be a whole number from 1 to 65535`);
  }
}

/**
 * `192.0.2.1`, `192.0.2.1:5300`, `[2001:db8::1]:53`, `2001:db8::1` (port
 * `defaultPort`) → the canonical address (canonicalIp) and the port.
 * Throws AddressError for anything else, host names included.
 */
export function parseAddressPort(text: string, defaultPort?: number): HostPort {
  const hp = splitHostPort(text, defaultPort);
  // Dotted quads only: ipaddr.js would also take `3221225985` or `0xc0.0.2.1` for 192.0.2.1.
  const literal = ipaddr.IPv4.isValidFourPartDecimal(hp.address) || ipaddr.IPv6.isValid(hp.address);
  const address = literal ? canonicalIp(hp.address) : null;
  if (address === null) throw new AddressError(`"${text.trim()}" is not an IP address; ${FORM}`);
  return { address, port: hp.port };
}

/**
 * The entries of a stored list that parse as `ADDRESS[:PORT]`, canonical.
 * Entries the rules refuse now (stored before port 0 was refused) are left
 * out: nothing can be sent to them.
 */
export function storedAddressPorts(texts: readonly string[], defaultPort: number): HostPort[] {
  const out: HostPort[] = [];
  for (const t of texts) {
    try {
      out.push(parseAddressPort(t, defaultPort));
    } catch {
      // Left out, as the comment above says; zone settings show the list as stored.
    }
  }
  return out;
}

/** `192.0.2.1:53`, `[2001:db8::1]:53`. */
export function formatHostPort(a: HostPort): string {
  return `${formatHost(a.address)}:${a.port}`;
}

/** An address as it goes before `:PORT` or in a URL: IPv6 in brackets. */
export function formatHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
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
