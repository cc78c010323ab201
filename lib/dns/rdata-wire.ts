// Record data between its canonical presentation form (what the database
// holds, rdata.ts) and its wire form (RFC 1035 §3.3, uncompressed), which is
// how the DNS worker keeps zones in memory.
//
// Loading a zone converts every record, so the common types take a direct
// path: A, AAAA, NS, CNAME, PTR, MX, TXT, SOA and SRV in exactly the shape
// normalizeContent writes them, and DS and the signer's types (a signed zone is
// mostly RRSIG and NSEC/NSEC3; rdata-wire-dnssec.ts). Anything else, or anything that shape does
// not cover (escapes, underscores or a wildcard in a name, leading zeros),
// goes through contentToWire and the encoder, which decide; the direct path
// only ever gives the bytes that path gives (rdata-wire.test.ts compares them).
import { contentToWire, isGenericType, wireToContent } from './rdata.ts';
import { writeDnssecRdata } from './rdata-wire-dnssec.ts';
import { MAX_TTL } from './ttl.ts';
import { decodeRdata, encodeRdata, ipv4ToWire, ipv6ToWire } from './wire.ts';

/** The longest rdata (RDLENGTH is 16 bits); writers need this much room at `at`. */
export const MAX_RDATA = 65535;

/**
 * Writes the rdata of `content` (canonical presentation form, as stored) for `type` at
 * `out[at]`, uncompressed, and returns where it ends. `out` must have MAX_RDATA bytes of room
 * at `at`. Throws RdataError or WireError for content that cannot be encoded, as
 * contentToWire and encodeMessage would.
 */
export function writeContentRdata(type: string, content: string, out: Buffer, at: number): number {
  if (isGenericType(type)) return at + genericRdata(type, content).copy(out, at);
  const end = directRdata(type, content, out, at);
  if (end >= 0) return end;
  const rdata = encodeRdata(type, contentToWire(type, content));
  return at + rdata.copy(out, at);
}

/** The rdata of `content` for `type` in a Buffer of its own (see writeContentRdata). */
export function contentToRdata(type: string, content: string): Buffer {
  if (isGenericType(type)) return genericRdata(type, content);
  const end = directRdata(type, content, SCRATCH, 0);
  if (end >= 0) return Buffer.from(SCRATCH.subarray(0, end));
  return encodeRdata(type, contentToWire(type, content));
}

const SCRATCH = Buffer.allocUnsafe(MAX_RDATA);

/** Canonical presentation form of rdata held in wire form (`bytes[start, end)`): the inverse of writeContentRdata. */
export function rdataToContent(type: string, bytes: Buffer, start: number, end: number): string {
  if (isGenericType(type)) return wireToContent(type, bytes.subarray(start, end));
  return wireToContent(type, decodeRdata(type, bytes, start, end));
}

/**
 * Generic rdata (RFC 3597) is bytes as they came, whatever the type's codec would make of them
 * (dns-packet has one for RP, say, which would read and rewrite the names): never through it.
 */
function genericRdata(type: string, content: string): Buffer {
  return contentToWire(type, content) as Buffer;
}

// ---------------------------------------------------------------------------------------------
// The direct path. Each writer returns the end offset, or -1 when the content is not in the
// plain shape it handles (then nothing it wrote counts).

function directRdata(type: string, s: string, out: Buffer, at: number): number {
  switch (type) {
    case 'A':
      return ipv4(s, out, at);
    case 'AAAA':
      return ipv6(s, out, at);
    case 'NS':
      return hostName(s, 0, s.length, out, at, false);
    case 'CNAME':
    case 'PTR':
      return hostName(s, 0, s.length, out, at, true);
    case 'MX':
      return mx(s, out, at);
    case 'TXT':
      return txt(s, out, at);
    case 'SOA':
      return soa(s, out, at);
    case 'SRV':
      return srv(s, out, at);
    case 'DS':
    case 'CDS':
    case 'DNSKEY':
    case 'CDNSKEY':
    case 'RRSIG':
    case 'NSEC':
    case 'NSEC3':
    case 'NSEC3PARAM':
      return writeDnssecRdata(type, s, out, at);
    default:
      return -1;
  }
}

function ipv4(s: string, out: Buffer, at: number): number {
  // normalizeContent refuses leading zeros ("010" reads as octal to some tools); let it say so.
  for (let i = 0; i < s.length - 1; i++) {
    if (s.charCodeAt(i) === 48 && (i === 0 || s.charCodeAt(i - 1) === 46) && s.charCodeAt(i + 1) !== 46) return -1;
  }
  return ipv4ToWire(s, out, at) ? at + 4 : -1;
}

function ipv6(s: string, out: Buffer, at: number): number {
  // Lowercase hex, colons and an IPv4 tail only: anything else is for ipaddr.js to judge.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 58) || (c >= 97 && c <= 102) || c === 46)) return -1;
  }
  return ipv6ToWire(s, out, at) ? at + 16 : -1;
}

/**
 * An absolute name of host-name labels (RFC 1123 §2.1: letters, digits and inner hyphens,
 * lowercase) in `s[from, to)`, or the root when `root` allows it, written as wire labels.
 * Such a name is valid wherever a type takes a name (RFC 2181 §10.3 targets included).
 */
function hostName(s: string, from: number, to: number, out: Buffer, at: number, root: boolean): number {
  if (to - from === 1 && s.charCodeAt(from) === 46) {
    if (!root) return -1;
    out[at] = 0;
    return at + 1;
  }
  if (to <= from || s.charCodeAt(to - 1) !== 46 || to - from > 254) return -1;
  let lenAt = at;
  let p = at + 1;
  let labelStart = from;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      const len = i - labelStart;
      // Empty, too long, or a hyphen at either end.
      if (len === 0 || len > 63 || s.charCodeAt(labelStart) === 45 || s.charCodeAt(i - 1) === 45) return -1;
      out[lenAt] = len;
      lenAt = p++;
      labelStart = i + 1;
    } else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45) {
      out[p++] = c;
    } else return -1;
  }
  out[lenAt] = 0;
  return p;
}

/** A decimal number in `s[from, to)` up to `max`, or -1 (a sign, a space or nothing at all). */
function number(s: string, from: number, to: number, max: number): number {
  if (to <= from || to - from > 10) return -1;
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v <= max ? v : -1;
}

function u16At(out: Buffer, at: number, v: number): void {
  out[at] = v >> 8;
  out[at + 1] = v & 0xff;
}

// "preference exchange"; a null MX (RFC 7505) only with preference 0, as normalizeContent checks.
function mx(s: string, out: Buffer, at: number): number {
  const sp = s.indexOf(' ');
  const pref = number(s, 0, sp, 0xffff);
  if (pref < 0) return -1;
  u16At(out, at, pref);
  return hostName(s, sp + 1, s.length, out, at + 2, pref === 0);
}

// "priority weight port target"; RFC 2782 allows the root as target.
function srv(s: string, out: Buffer, at: number): number {
  let from = 0;
  for (let f = 0; f < 3; f++) {
    const sp = s.indexOf(' ', from);
    const v = number(s, from, sp, 0xffff);
    if (v < 0) return -1;
    u16At(out, at + 2 * f, v);
    from = sp + 1;
  }
  return hostName(s, from, s.length, out, at + 6, true);
}

const MAX_SERIAL = 4294967295;

// "mname rname serial refresh retry expire minimum", the timers as plain seconds.
function soa(s: string, out: Buffer, at: number): number {
  let sp = s.indexOf(' ');
  let p = hostName(s, 0, sp, out, at, true);
  if (p < 0) return -1;
  let from = sp + 1;
  sp = s.indexOf(' ', from);
  p = hostName(s, from, sp, out, p, true);
  if (p < 0) return -1;
  for (let f = 0; f < 5; f++) {
    from = sp + 1;
    sp = f === 4 ? s.length : s.indexOf(' ', from);
    const v = number(s, from, sp, f === 0 ? MAX_SERIAL : MAX_TTL);
    if (v < 0) return -1;
    out.writeUInt32BE(v, p);
    p += 4;
  }
  return p;
}

// One or more quoted strings separated by one space, none holding a backslash (no escapes to
// resolve) or more than 255 bytes (normalizeContent splits those): each is a <character-string>.
function txt(s: string, out: Buffer, at: number): number {
  const n = s.length;
  let p = at;
  let i = 0;
  for (;;) {
    if (s.charCodeAt(i) !== 34) return -1;
    const close = s.indexOf('"', i + 1);
    // Near the 65535-byte limit the general path decides (and says what is wrong).
    if (close < 0 || p + 256 - at > MAX_RDATA) return -1;
    const text = s.slice(i + 1, close);
    // 85 UTF-16 units are at most 255 UTF-8 bytes; only longer strings need measuring.
    if (text.includes('\\') || (text.length > 85 && Buffer.byteLength(text) > 255)) return -1;
    const bytes = out.write(text, p + 1, 'utf8');
    out[p] = bytes;
    p += 1 + bytes;
    if (close === n - 1) return p;
    if (s.charCodeAt(close + 1) !== 32) return -1;
    i = close + 2;
  }
}
