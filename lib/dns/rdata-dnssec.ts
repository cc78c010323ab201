// The fields DNSSEC record data is made of, between presentation and wire form: base64 keys
// and signatures (RFC 4034 §2.2, §3.2), base32hex hashes (RFC 5155 §3.3), signature times
// (RFC 4034 §3.2), type lists and their bitmaps (RFC 4034 §4.1.2). rdata.ts builds the record
// types from these, and rdata-wire-dnssec.ts writes them straight to wire form. Loads no codec
// (rdata.ts runs in the browser too); Buffer only inside functions the server calls.
import { RdataError } from './rdata-error.ts';
import { TYPE_CODE, TYPE_NAME } from './type-names.ts';

// ---------------------------------------------------------------------------------------------
// Base64 (RFC 4648 §4), as keys and signatures are written: may be split by whitespace (BIND
// writes 36 characters a line, RFC 4034 §2.2 allows any split), padding required.

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes of base64 text split over `parts`; throws RdataError naming `what`. */
export function base64Field(parts: readonly string[], what: string): Buffer {
  const text = parts.join('');
  if (text === '' || !BASE64.test(text) || text.length % 4 !== 0) {
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    throw new RdataError(`${what} must be base64 (A–Z, a–z, 0–9, + and /, padded with = to a multiple of 4), got "${shown}"`);
  }
  const bytes = Buffer.from(text, 'base64');
  // Node ignores bits a padded final group cannot hold; a text that does not read back is not canonical base64.
  if (bytes.toString('base64') !== text) throw new RdataError(`${what} is not valid base64 (its last group has stray bits)`);
  return bytes;
}

export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');

// ---------------------------------------------------------------------------------------------
// Base32hex without padding (RFC 4648 §7), as NSEC3 writes its next hashed owner name.

const B32HEX = '0123456789ABCDEFGHIJKLMNOPQRSTUV';

/** The bytes of base32hex text (either case); throws RdataError naming `what`. */
export function base32HexField(text: string, what: string): Buffer {
  const upper = text.toUpperCase();
  // Lengths 1, 3 and 6 (mod 8) cannot end a whole number of bytes.
  if (!/^[0-9A-V]+$/.test(upper) || [1, 3, 6].includes(upper.length % 8)) {
    throw new RdataError(`${what} must be base32hex (digits and A–V, no padding), got "${text}"`);
  }
  const out = Buffer.alloc(Math.floor((upper.length * 5) / 8));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (let i = 0; i < upper.length; i++) {
    value = (value << 5) | B32HEX.indexOf(upper[i]!);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >> bits) & 0xff;
    }
  }
  if ((value & ((1 << bits) - 1)) !== 0) throw new RdataError(`${what} is not valid base32hex (its last character has stray bits)`);
  return out;
}

/** Upper-case base32hex without padding, as BIND and RFC 5155's examples write it. */
export function toBase32Hex(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += B32HEX[(value >> bits) & 31];
    }
  }
  if (bits > 0) out += B32HEX[(value << (5 - bits)) & 31];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Signature times (RFC 4034 §3.2): 32-bit seconds since 1970, written YYYYMMDDHHmmSS (UTC) or
// as the plain number. A 14-digit number is always the date: as seconds it would not fit.

export const MAX_U32 = 4294967295;

/** Seconds of a signature time written either way; throws RdataError naming `what`. */
export function sigTimeField(text: string, what: string): number {
  if (/^\d{1,10}$/.test(text) && Number(text) <= MAX_U32) return Number(text);
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (m) {
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    const ms = Date.UTC(y, mo - 1, d, h, mi, s);
    const back = new Date(ms);
    const real = back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
    if (real && ms >= 0 && ms / 1000 <= MAX_U32) return ms / 1000;
  }
  throw new RdataError(
    `${what} must be a UTC time written YYYYMMDDHHmmSS (1970 to 2106) or a number of seconds since 1970, got "${text}"`,
  );
}

/** YYYYMMDDHHmmSS (UTC) of a 32-bit signature time. */
export function formatSigTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/[-T:]/g, '').slice(0, 14);
}

// ---------------------------------------------------------------------------------------------
// Type mnemonics and bitmaps (RFC 4034 §4.1.2, RFC 3597 §5 for TYPEnnn).

// Types that wire.ts (dns-packet's list) has no mnemonic for but BIND names in a type bitmap.
const MORE_TYPES: ReadonlyMap<string, number> = new Map([
  ['WKS', 11], ['MINFO', 14], ['RT', 21], ['SMIMEA', 53], ['OPENPGPKEY', 61], ['CSYNC', 62],
  ['ZONEMD', 63], ['SVCB', 64], ['HTTPS', 65], ['NID', 104], ['L32', 105], ['L64', 106], ['LP', 107],
  ['EUI48', 108], ['EUI64', 109], ['URI', 256], ['AMTRELAY', 260],
]);
const MORE_NAMES: ReadonlyMap<number, string> = new Map([...MORE_TYPES].map(([n, c]) => [c, n]));

/** The code of a type mnemonic or TYPEnnn (RFC 3597 §5); throws RdataError naming `what`. */
export function typeField(text: string, what: string): number {
  const upper = text.toUpperCase();
  const code = MORE_TYPES.get(upper) ?? TYPE_CODE.get(upper);
  if (code !== undefined) return code;
  const m = /^TYPE(\d{1,5})$/.exec(upper);
  if (m && Number(m[1]) <= 0xffff) return Number(m[1]);
  throw new RdataError(`${what}: "${text}" is not a record type (write types without a mnemonic as TYPE followed by the number, like TYPE65534)`);
}

/** The mnemonic we know a type code by, if any. */
export const typeMnemonic = (code: number): string | undefined => TYPE_NAME.get(code) ?? MORE_NAMES.get(code);

/** The presentation mnemonic of a type code: its name when it has one, TYPEnnn otherwise. */
export function typeText(code: number): string {
  return typeMnemonic(code) ?? `TYPE${code}`;
}

/** The name dns-packet's codecs know a type code by (its own mnemonic, or UNKNOWN_n). */
export const packetTypeName = (code: number): string => TYPE_NAME.get(code) ?? `UNKNOWN_${code}`;

/** The type code of a name in dns-packet data (a mnemonic, UNKNOWN_n or TYPEn). */
export function packetTypeCode(v: unknown, what: string): number {
  if (typeof v !== 'string') throw new RdataError(`${what} is missing from the wire data`);
  const m = /^UNKNOWN_(\d{1,5})$/.exec(v);
  if (m && Number(m[1]) <= 0xffff) return Number(m[1]);
  return typeField(v, what);
}

/** Sorted, without repeats: the order a bitmap lists types in (RFC 4034 §4.1.2). */
export const sortedTypes = (codes: Iterable<number>): number[] => [...new Set(codes)].sort((x, y) => x - y);

/** The type bitmap of `codes` (sorted, unique) in wire form: windows with only the octets they need. */
export function typeBitmap(codes: readonly number[]): Buffer {
  const out: number[] = [];
  let i = 0;
  while (i < codes.length) {
    const window = codes[i]! >> 8;
    const octets = new Array<number>(32).fill(0);
    let last = 0;
    for (; i < codes.length && codes[i]! >> 8 === window; i++) {
      const low = codes[i]! & 0xff;
      octets[low >> 3] |= 0x80 >> (low & 7);
      last = low >> 3;
    }
    out.push(window, last + 1, ...octets.slice(0, last + 1));
  }
  return Buffer.from(out);
}

/**
 * The type codes of a bitmap in wire form; throws RdataError for one RFC 4034 §4.1.2 forbids
 * (windows out of order or repeated, a length of 0 or over 32, bytes past the end).
 */
export function readTypeBitmap(bytes: Uint8Array, what: string): number[] {
  const codes: number[] = [];
  let p = 0;
  let prev = -1;
  while (p < bytes.length) {
    if (p + 2 > bytes.length) throw new RdataError(`${what} type bitmap is cut short`);
    const window = bytes[p]!;
    const len = bytes[p + 1]!;
    if (window <= prev || len === 0 || len > 32 || p + 2 + len > bytes.length) {
      throw new RdataError(`${what} type bitmap is malformed (RFC 4034 §4.1.2)`);
    }
    for (let o = 0; o < len; o++) {
      const b = bytes[p + 2 + o]!;
      for (let bit = 0; bit < 8; bit++) if (b & (0x80 >> bit)) codes.push((window << 8) | (o << 3) | bit);
    }
    prev = window;
    p += 2 + len;
  }
  return codes;
}

// ---------------------------------------------------------------------------------------------
// Sizes fixed by an algorithm, so a truncated paste is caught here rather than by a resolver.

// Public key bytes: RFC 6605 §4 (ECDSA P-256, P-384), RFC 8080 §3 (Ed25519, Ed448).
const KEY_BYTES: Readonly<Record<number, number>> = { 13: 64, 14: 96, 15: 32, 16: 57 };
// Signature bytes: RFC 6605 §4, RFC 8080 §4.
const SIGNATURE_BYTES: Readonly<Record<number, number>> = { 13: 64, 14: 96, 15: 64, 16: 114 };
// Digest bytes by digest type: RFC 4034 (SHA-1), RFC 4509 (SHA-256), RFC 5933 (GOST), RFC 6605 (SHA-384).
const DIGEST_BYTES: Readonly<Record<number, number>> = { 1: 20, 2: 32, 3: 32, 4: 48 };

function checkSize(table: Readonly<Record<number, number>>, kind: number, got: number, what: string, unit: string): void {
  const want = table[kind];
  if (want !== undefined && got !== want) throw new RdataError(`${what} needs ${want} bytes for ${unit} ${kind}, got ${got}`);
}

/** Throws RdataError when a public key has the wrong size for its algorithm. */
export const checkKeySize = (algorithm: number, key: Uint8Array, what: string) => checkSize(KEY_BYTES, algorithm, key.length, what, 'algorithm');
/** Throws RdataError when a signature has the wrong size for its algorithm. */
export const checkSignatureSize = (algorithm: number, sig: Uint8Array, what: string) => checkSize(SIGNATURE_BYTES, algorithm, sig.length, what, 'algorithm');

/** Throws RdataError when a DS/CDS digest has the wrong length for its digest type (counted in hex digits, as written). */
export function checkDigestSize(digestType: number, digest: Uint8Array, what: string): void {
  const want = DIGEST_BYTES[digestType];
  if (want !== undefined && digest.length !== want) {
    throw new RdataError(`${what} type ${digestType} needs ${want * 2} hex digits, got ${digest.length * 2}`);
  }
}
