// Record data: validating and normalising presentation-format rdata, and converting it to and from dns-packet's `data` shapes.
import ipaddr from 'ipaddr.js';
import { SIGNER_TYPES } from './dnssec/types.ts';
import { absoluteName, canonicalName, DnsNameError, isHostname } from './names.ts';
import {
  base32HexField,
  base64Field,
  checkDigestSize,
  checkKeySize,
  checkSignatureSize,
  formatSigTime,
  packetTypeCode,
  packetTypeName,
  sigTimeField,
  sortedTypes,
  toBase32Hex,
  toBase64,
  typeField,
  typeMnemonic,
  typeText,
} from './rdata-dnssec.ts';
import { RdataError } from './rdata-error.ts';
import { isValidSerial } from './serial.ts';
import { MAX_TTL, parseTtl } from './ttl.ts';
import { splitTxt } from './txt.ts';
import type { SoaFields } from './types.ts';

export const RECORD_TYPES = [
  'A',
  'AAAA',
  'CNAME',
  'MX',
  'NS',
  'PTR',
  'TXT',
  'SRV',
  'CAA',
  'DS',
  'TLSA',
  'SSHFP',
  'NAPTR',
  'HINFO',
  'SOA',
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** A type a person may pick and write (the editor, the API, UPDATE, an imported file). */
export function isRecordType(type: string): type is RecordType {
  return (RECORD_TYPES as readonly string[]).includes(type);
}

/**
 * Every type Zonekeeper stores, loads and transfers: RECORD_TYPES and the signer's
 * (SIGNER_TYPES, lib/dns/dnssec/types.ts), which only the signer writes in a zone we sign
 * and a secondary keeps as its primary sent them. Not for pickers: they offer RECORD_TYPES.
 */
export const STORED_TYPES = [...RECORD_TYPES, ...SIGNER_TYPES] as const;
export type StoredType = (typeof STORED_TYPES)[number];

/** A type Zonekeeper stores and serves: STORED_TYPES, or a generic TYPEnnn (see isGenericType). */
export function isStoredType(type: string): boolean {
  return (STORED_TYPES as readonly string[]).includes(type) || isGenericType(type);
}

/**
 * A type we have no handler for, written TYPEnnn with its rdata as `\# length hex`
 * (RFC 3597 §5): what a primary sends that we cannot read field by field (BIND's private
 * TYPE65534 signing-state records, which its NSEC bitmaps list; LOC, SPF, RP…) is kept as it
 * came, its bytes untouched. Never a type we handle (TYPE1 is A: write A), nor a meta type
 * (RFC 6895 §3.1: OPT, 128–255).
 */
export function isGenericType(type: string): boolean {
  const m = /^TYPE(\d{1,5})$/.exec(type);
  if (!m) return false;
  const code = Number(m[1]);
  if (code === 0 || code > 0xffff || code === 41 || (code >= 128 && code <= 255)) return false;
  const name = typeMnemonic(code);
  return name === undefined || !(STORED_TYPES as readonly string[]).includes(name);
}

/**
 * Whether a record of `type` may share its name with a CNAME: the signature of the CNAME and
 * the name's NSEC (RFC 4035 §2.5, RFC 2181 §10.1); NSEC3 for completeness, though its hashed
 * owner holds no CNAME in practice. Everything else makes the CNAME illegal (RFC 1034 §3.6.2).
 */
export function mayAccompanyCname(type: string): boolean {
  return type === 'RRSIG' || type === 'NSEC' || type === 'NSEC3';
}

export { RdataError };

// ---------------------------------------------------------------------------
// Tokens and character-strings (RFC 1035 §5.1)

interface Token {
  /** Text as written, quotes included for quoted tokens. */
  raw: string;
  quoted: boolean;
}

function tokenize(content: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < content.length) {
    const c = content[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '"') {
      i++;
      while (i < content.length && content[i] !== '"') i += content[i] === '\\' ? 2 : 1;
      if (i >= content.length) throw new RdataError(`unterminated quoted string in ${JSON.stringify(content)}`);
      i++;
      tokens.push({ raw: content.slice(start, i), quoted: true });
    } else {
      while (i < content.length && !/\s/.test(content[i]) && content[i] !== '"') i += content[i] === '\\' ? 2 : 1;
      tokens.push({ raw: content.slice(start, Math.min(i, content.length)), quoted: false });
    }
  }
  return tokens;
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The octets of a character-string token, with \X and \DDD escapes resolved. */
function tokenBytes(t: Token): Uint8Array {
  const s = t.quoted ? t.raw.slice(1, -1) : t.raw;
  const out: number[] = [];
  let literal = '';
  const flush = () => {
    if (literal) out.push(...utf8.encode(literal));
    literal = '';
  };
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\') {
      literal += s[i];
      continue;
    }
    flush();
    const ddd = /^\d{3}/.exec(s.slice(i + 1, i + 4));
    if (ddd) {
      const v = Number(ddd[0]);
      if (v > 255) throw new RdataError(`escape \\${ddd[0]} is not a byte value (000 to 255)`);
      out.push(v);
      i += 3;
    } else if (i + 1 < s.length) {
      out.push(...utf8.encode(s[i + 1]));
      i += 1;
    } else {
      throw new RdataError(`${t.raw} ends with a lone backslash`);
    }
  }
  flush();
  return Uint8Array.from(out);
}

function utf8SequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

const escapeByte = (b: number) => `\\${String(b).padStart(3, '0')}`;

/**
 * Quoted presentation of a character-string: `"` and `\` escaped, control bytes and
 * bytes that are not valid UTF-8 written as \DDD, readable UTF-8 text kept as is.
 */
function quoteBytes(bytes: Uint8Array): string {
  let out = '"';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    if (b === 0x22 || b === 0x5c) {
      out += `\\${String.fromCharCode(b)}`;
      i++;
    } else if (b < 0x20 || b === 0x7f) {
      out += escapeByte(b);
      i++;
    } else if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
    } else {
      const n = utf8SequenceLength(b);
      let text: string | undefined;
      if (n > 0 && i + n <= bytes.length) {
        try {
          text = strictUtf8.decode(bytes.subarray(i, i + n));
        } catch {
          text = undefined;
        }
      }
      // C1 controls (U+0080..U+009F) are invisible; keep them escaped too.
      if (text !== undefined && text.codePointAt(0)! >= 0xa0) {
        out += text;
        i += n;
      } else {
        out += escapeByte(b);
        i++;
      }
    }
  }
  return `${out}"`;
}

function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new RdataError(`${what} must be valid UTF-8 text`);
  }
}

function toBytes(v: unknown, what: string): Uint8Array {
  if (typeof v === 'string') return utf8.encode(v);
  if (v instanceof Uint8Array) return Uint8Array.from(v);
  throw new RdataError(`${what} is missing from the wire data`);
}

// ---------------------------------------------------------------------------
// Field helpers

function intField(token: Token | undefined, min: number, max: number, what: string): number {
  const raw = token?.raw ?? '';
  if (token?.quoted || !/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new RdataError(`${what} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function wireInt(v: unknown, min: number, max: number, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new RdataError(`${what} must be a whole number from ${min} to ${max}, got ${String(v)}`);
  }
  return v;
}

function nameField(token: Token | undefined, origin: string, what: string): string {
  if (!token || token.quoted) throw new RdataError(`${what} must be a domain name, got ${token?.raw ?? 'nothing'}`);
  try {
    return canonicalName(token.raw, origin);
  } catch (e) {
    if (e instanceof DnsNameError) throw new RdataError(`${what}: ${e.message}`);
    throw e;
  }
}

function hostField(token: Token | undefined, origin: string, what: string, allowRoot: boolean): string {
  const name = nameField(token, origin, what);
  if (name === '.' && allowRoot) return name;
  if (!isHostname(name)) {
    throw new RdataError(
      `${what} must be a host name (letters, digits and hyphens between dots), got "${name}"`,
    );
  }
  return name;
}

/** Names arrive from dns-packet without the trailing dot, and the root as "." (or ""). */
function wireName(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new RdataError(`${what} is missing from the wire data`);
  try {
    return absoluteName(v);
  } catch (e) {
    if (e instanceof DnsNameError) throw new RdataError(`${what}: ${e.message}`);
    throw e;
  }
}

/** dns-packet strips one trailing dot itself; we hand it the form its decoder returns. */
function nameToWire(name: string): string {
  return name === '.' ? '.' : name.slice(0, -1);
}

function hexField(tokens: Token[], what: string): Uint8Array {
  // Hex may be split by whitespace (RFC 4034 §5.3, RFC 6698 §2.2).
  const hex = tokens.map((t) => t.raw).join('');
  if (tokens.some((t) => t.quoted) || !/^[0-9a-fA-F]+$/.test(hex) || hex.length % 2 !== 0) {
    throw new RdataError(`${what} must be hexadecimal digits in pairs, got "${hex}"`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s.toUpperCase();
}

function expectCount(type: string, tokens: Token[], n: number, shape: string, content: string): void {
  if (tokens.length !== n) throw new RdataError(`${type} record needs ${shape}, got "${content}"`);
}

function stringField(token: Token | undefined, what: string): Uint8Array {
  if (!token) throw new RdataError(`${what} is missing`);
  const bytes = tokenBytes(token);
  // RFC 1035 §3.3: a <character-string> holds at most 255 octets.
  if (bytes.length > 255) throw new RdataError(`${what} is longer than 255 bytes`);
  return bytes;
}

// ---------------------------------------------------------------------------
// Per-type handlers

interface Handler<F> {
  parse(tokens: Token[], origin: string, content: string): F;
  format(f: F): string;
  toWire(f: F): unknown;
  fromWire(data: unknown): F;
}

function obj(data: unknown, type: string): Record<string, unknown> {
  if (typeof data !== 'object' || data === null) throw new RdataError(`${type} wire data must be an object`);
  return data as Record<string, unknown>;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function ipv4(text: string): string {
  // Dotted quad only, no leading zeros: "010" reads as octal to some tools.
  if (!IPV4.test(text)) throw new RdataError(`A record needs an IPv4 address like 192.0.2.1, got "${text}"`);
  return text;
}

function ipv6(text: string): string {
  let addr: ipaddr.IPv6;
  try {
    // Parsed once (isValid would parse it a first time): an import may hold hundreds of thousands.
    if (text.includes('%')) throw new Error('a zone index');
    addr = ipaddr.IPv6.parse(text);
  } catch {
    throw new RdataError(`AAAA record needs an IPv6 address like 2001:db8::1, got "${text}"`);
  }
  // RFC 5952 §5: IPv4-mapped addresses keep the dotted-quad tail.
  if (addr.isIPv4MappedAddress()) return `::ffff:${addr.toIPv4Address().toString()}`;
  return addr.toRFC5952String();
}

const a: Handler<string> = {
  parse: (t, _o, c) => {
    if (t.length !== 1 || t[0].quoted) throw new RdataError(`A record needs an IPv4 address like 192.0.2.1, got "${c}"`);
    return ipv4(t[0].raw);
  },
  format: (f) => f,
  toWire: (f) => f,
  fromWire: (d) => ipv4(String(d)),
};

const aaaa: Handler<string> = {
  parse: (t, _o, c) => {
    if (t.length !== 1 || t[0].quoted) {
      throw new RdataError(`AAAA record needs an IPv6 address like 2001:db8::1, got "${c}"`);
    }
    return ipv6(t[0].raw);
  },
  format: (f) => f,
  toWire: (f) => f,
  fromWire: (d) => ipv6(String(d)),
};

function singleName(type: string, hostOnly: boolean): Handler<string> {
  return {
    parse: (t, o, c) => {
      expectCount(type, t, 1, 'one target name', c);
      return hostOnly ? hostField(t[0], o, `${type} target`, false) : nameField(t[0], o, `${type} target`);
    },
    format: (f) => f,
    toWire: nameToWire,
    fromWire: (d) => wireName(d, `${type} target`),
  };
}

interface Mx {
  preference: number;
  exchange: string;
}
const mx: Handler<Mx> = {
  parse: (t, o, c) => {
    expectCount('MX', t, 2, '"preference mail-server", like "10 mail.example.test."', c);
    const preference = intField(t[0], 0, 65535, 'MX preference');
    const exchange = hostField(t[1], o, 'MX mail server', true);
    // RFC 7505: "." means "no mail here" and is only meaningful as the sole MX with preference 0.
    if (exchange === '.' && preference !== 0) {
      throw new RdataError('a null MX (mail server ".") must have preference 0 (RFC 7505)');
    }
    return { preference, exchange };
  },
  format: (f) => `${f.preference} ${f.exchange}`,
  toWire: (f) => ({ preference: f.preference, exchange: nameToWire(f.exchange) }),
  fromWire: (d) => {
    const o = obj(d, 'MX');
    return {
      preference: wireInt(o.preference, 0, 65535, 'MX preference'),
      exchange: wireName(o.exchange, 'MX mail server'),
    };
  },
};

const txt: Handler<Uint8Array[]> = {
  parse: (t, _o, c) => {
    if (t.length === 0) throw new RdataError('TXT record needs text, like "v=spf1 -all" (in quotes)');
    if (t.length > 1 && t.some((x) => !x.quoted)) {
      throw new RdataError(`TXT text with spaces must be in double quotes, like "${c.replace(/"/g, '')}"; got ${c}`);
    }
    const chunks = t.flatMap((x) => splitTxt(tokenBytes(x)));
    // RDLENGTH is 16 bits: each string costs its length plus one length octet.
    const size = chunks.reduce((n, ch) => n + ch.length + 1, 0);
    if (size > 65535) throw new RdataError(`TXT record is too long (${size} bytes; the limit is 65535)`);
    return chunks;
  },
  format: (f) => f.map(quoteBytes).join(' '),
  toWire: (f) => f.map((ch) => Buffer.from(ch)),
  fromWire: (d) => {
    const list = Array.isArray(d) ? d : [d];
    if (list.length === 0) throw new RdataError('TXT wire data has no strings');
    return list.map((x) => toBytes(x, 'TXT string'));
  },
};

interface Srv {
  priority: number;
  weight: number;
  port: number;
  target: string;
}
const srv: Handler<Srv> = {
  parse: (t, o, c) => {
    expectCount('SRV', t, 4, '"priority weight port target", like "10 5 5060 sip.example.test."', c);
    return {
      priority: intField(t[0], 0, 65535, 'SRV priority'),
      weight: intField(t[1], 0, 65535, 'SRV weight'),
      port: intField(t[2], 0, 65535, 'SRV port'),
      // RFC 2782: target "." means the service is decidedly not available.
      target: hostField(t[3], o, 'SRV target', true),
    };
  },
  format: (f) => `${f.priority} ${f.weight} ${f.port} ${f.target}`,
  toWire: (f) => ({ priority: f.priority, weight: f.weight, port: f.port, target: nameToWire(f.target) }),
  fromWire: (d) => {
    const o = obj(d, 'SRV');
    return {
      priority: wireInt(o.priority, 0, 65535, 'SRV priority'),
      weight: wireInt(o.weight, 0, 65535, 'SRV weight'),
      port: wireInt(o.port, 0, 65535, 'SRV port'),
      target: wireName(o.target, 'SRV target'),
    };
  },
};

interface Caa {
  flags: number;
  tag: string;
  value: Uint8Array;
}
function caaTag(raw: string): string {
  // RFC 8659 §4.1: the tag is 1-15 ASCII letters and digits.
  const tag = raw.toLowerCase();
  if (!/^[a-z0-9]{1,15}$/.test(tag)) {
    throw new RdataError(`CAA tag must be 1 to 15 letters or digits (like issue, issuewild, iodef), got "${raw}"`);
  }
  return tag;
}
const caa: Handler<Caa> = {
  parse: (t, _o, c) => {
    expectCount('CAA', t, 3, '"flags tag value", like 0 issue "letsencrypt.org"', c);
    const value = tokenBytes(t[2]);
    // dns-packet carries the value as a JS string, so it must be text.
    decodeUtf8(value, 'CAA value');
    return { flags: intField(t[0], 0, 255, 'CAA flags'), tag: caaTag(t[1].raw), value };
  },
  format: (f) => `${f.flags} ${f.tag} ${quoteBytes(f.value)}`,
  toWire: (f) => ({ flags: f.flags, tag: f.tag, value: decodeUtf8(f.value, 'CAA value') }),
  fromWire: (d) => {
    const o = obj(d, 'CAA');
    return {
      flags: wireInt(o.flags, 0, 255, 'CAA flags'),
      tag: caaTag(String(o.tag)),
      value: toBytes(o.value, 'CAA value'),
    };
  },
};

interface Ds {
  keyTag: number;
  algorithm: number;
  digestType: number;
  digest: Uint8Array;
}
function dsParse(type: 'DS' | 'CDS', t: Token[], c: string): Ds {
  if (t.length < 4) {
    throw new RdataError(`${type} record needs "key-tag algorithm digest-type digest", like "12345 13 2 ABCD…"; got "${c}"`);
  }
  const f = {
    keyTag: intField(t[0], 0, 65535, `${type} key tag`),
    algorithm: intField(t[1], 0, 255, `${type} algorithm`),
    digestType: intField(t[2], 0, 255, `${type} digest type`),
    digest: hexField(t.slice(3), `${type} digest`),
  };
  checkDigestSize(f.digestType, f.digest, `${type} digest`);
  return f;
}
const dsFormat = (f: Ds) => `${f.keyTag} ${f.algorithm} ${f.digestType} ${toHex(f.digest)}`;
const ds: Handler<Ds> = {
  parse: (t, _o, c) => dsParse('DS', t, c),
  format: dsFormat,
  toWire: (f) => ({ keyTag: f.keyTag, algorithm: f.algorithm, digestType: f.digestType, digest: Buffer.from(f.digest) }),
  fromWire: (d) => {
    const o = obj(d, 'DS');
    return {
      keyTag: wireInt(o.keyTag, 0, 65535, 'DS key tag'),
      algorithm: wireInt(o.algorithm, 0, 255, 'DS algorithm'),
      digestType: wireInt(o.digestType, 0, 255, 'DS digest type'),
      digest: toBytes(o.digest instanceof Uint8Array ? o.digest : null, 'DS digest'),
    };
  },
};

const TLSA_MATCH_BYTES: Readonly<Record<number, number>> = { 1: 32, 2: 64 }; // RFC 6698 §2.1.3
interface Tlsa {
  usage: number;
  selector: number;
  matchingType: number;
  data: Uint8Array;
}
const tlsa: Handler<Tlsa> = {
  parse: (t, _o, c) => {
    if (t.length < 4) {
      throw new RdataError(`TLSA record needs "usage selector matching-type data", like "3 1 1 ABCD…"; got "${c}"`);
    }
    const f = {
      usage: intField(t[0], 0, 255, 'TLSA usage'),
      selector: intField(t[1], 0, 255, 'TLSA selector'),
      matchingType: intField(t[2], 0, 255, 'TLSA matching type'),
      data: hexField(t.slice(3), 'TLSA data'),
    };
    const want = TLSA_MATCH_BYTES[f.matchingType];
    if (want !== undefined && f.data.length !== want) {
      throw new RdataError(
        `TLSA matching type ${f.matchingType} needs ${want * 2} hex digits, got ${f.data.length * 2}`,
      );
    }
    return f;
  },
  format: (f) => `${f.usage} ${f.selector} ${f.matchingType} ${toHex(f.data)}`,
  toWire: (f) => ({
    usage: f.usage,
    selector: f.selector,
    matchingType: f.matchingType,
    certificate: Buffer.from(f.data),
  }),
  fromWire: (d) => {
    const o = obj(d, 'TLSA');
    return {
      usage: wireInt(o.usage, 0, 255, 'TLSA usage'),
      selector: wireInt(o.selector, 0, 255, 'TLSA selector'),
      matchingType: wireInt(o.matchingType, 0, 255, 'TLSA matching type'),
      data: toBytes(o.certificate instanceof Uint8Array ? o.certificate : null, 'TLSA data'),
    };
  },
};

// dns-packet only knows the fingerprint lengths of types 1 and 2 (RFC 4255, RFC 6594).
const SSHFP_FP_BYTES: Readonly<Record<number, number>> = { 1: 20, 2: 32 };
interface Sshfp {
  algorithm: number;
  fpType: number;
  fingerprint: Uint8Array;
}
function sshfpLength(fpType: number, got: number): void {
  const want = SSHFP_FP_BYTES[fpType];
  if (want === undefined) throw new RdataError(`SSHFP fingerprint type must be 1 (SHA-1) or 2 (SHA-256), got ${fpType}`);
  if (got !== want) throw new RdataError(`SSHFP fingerprint type ${fpType} needs ${want * 2} hex digits, got ${got * 2}`);
}
const sshfp: Handler<Sshfp> = {
  parse: (t, _o, c) => {
    if (t.length < 3) {
      throw new RdataError(`SSHFP record needs "algorithm fingerprint-type fingerprint", like "4 2 ABCD…"; got "${c}"`);
    }
    const f = {
      algorithm: intField(t[0], 0, 255, 'SSHFP algorithm'),
      fpType: intField(t[1], 0, 255, 'SSHFP fingerprint type'),
      fingerprint: hexField(t.slice(2), 'SSHFP fingerprint'),
    };
    sshfpLength(f.fpType, f.fingerprint.length);
    return f;
  },
  format: (f) => `${f.algorithm} ${f.fpType} ${toHex(f.fingerprint)}`,
  toWire: (f) => ({ algorithm: f.algorithm, hash: f.fpType, fingerprint: toHex(f.fingerprint) }),
  fromWire: (d) => {
    const o = obj(d, 'SSHFP');
    const fp = typeof o.fingerprint === 'string' ? o.fingerprint : '';
    const f = {
      algorithm: wireInt(o.algorithm, 0, 255, 'SSHFP algorithm'),
      fpType: wireInt(o.hash, 0, 255, 'SSHFP fingerprint type'),
      fingerprint: hexField([{ raw: fp, quoted: false }], 'SSHFP fingerprint'),
    };
    sshfpLength(f.fpType, f.fingerprint.length);
    return f;
  },
};

interface Naptr {
  order: number;
  preference: number;
  flags: Uint8Array;
  services: Uint8Array;
  regexp: Uint8Array;
  replacement: string;
}
const naptr: Handler<Naptr> = {
  parse: (t, o, c) => {
    expectCount(
      'NAPTR',
      t,
      6,
      '"order preference flags services regexp replacement", like 100 10 "u" "E2U+sip" "!^.*$!sip:info@example.test!" .',
      c,
    );
    const f = {
      order: intField(t[0], 0, 65535, 'NAPTR order'),
      preference: intField(t[1], 0, 65535, 'NAPTR preference'),
      flags: stringField(t[2], 'NAPTR flags'),
      services: stringField(t[3], 'NAPTR services'),
      regexp: stringField(t[4], 'NAPTR regexp'),
      replacement: nameField(t[5], o, 'NAPTR replacement'),
    };
    // dns-packet carries these strings as JS strings, so they must be text.
    decodeUtf8(f.flags, 'NAPTR flags');
    decodeUtf8(f.services, 'NAPTR services');
    decodeUtf8(f.regexp, 'NAPTR regexp');
    return f;
  },
  format: (f) =>
    `${f.order} ${f.preference} ${quoteBytes(f.flags)} ${quoteBytes(f.services)} ${quoteBytes(f.regexp)} ${f.replacement}`,
  toWire: (f) => ({
    order: f.order,
    preference: f.preference,
    flags: decodeUtf8(f.flags, 'NAPTR flags'),
    services: decodeUtf8(f.services, 'NAPTR services'),
    regexp: decodeUtf8(f.regexp, 'NAPTR regexp'),
    replacement: nameToWire(f.replacement),
  }),
  fromWire: (d) => {
    const o = obj(d, 'NAPTR');
    return {
      order: wireInt(o.order, 0, 65535, 'NAPTR order'),
      preference: wireInt(o.preference, 0, 65535, 'NAPTR preference'),
      flags: toBytes(o.flags, 'NAPTR flags'),
      services: toBytes(o.services, 'NAPTR services'),
      regexp: toBytes(o.regexp, 'NAPTR regexp'),
      replacement: wireName(o.replacement, 'NAPTR replacement'),
    };
  },
};

interface Hinfo {
  cpu: Uint8Array;
  os: Uint8Array;
}
const hinfo: Handler<Hinfo> = {
  parse: (t, _o, c) => {
    expectCount('HINFO', t, 2, 'two quoted strings, "cpu" "os", like "x86_64" "Linux"', c);
    const f = { cpu: stringField(t[0], 'HINFO cpu'), os: stringField(t[1], 'HINFO os') };
    decodeUtf8(f.cpu, 'HINFO cpu');
    decodeUtf8(f.os, 'HINFO os');
    return f;
  },
  format: (f) => `${quoteBytes(f.cpu)} ${quoteBytes(f.os)}`,
  toWire: (f) => ({ cpu: decodeUtf8(f.cpu, 'HINFO cpu'), os: decodeUtf8(f.os, 'HINFO os') }),
  fromWire: (d) => {
    const o = obj(d, 'HINFO');
    return { cpu: toBytes(o.cpu, 'HINFO cpu'), os: toBytes(o.os, 'HINFO os') };
  },
};

function soaTimer(token: Token, what: string): number {
  try {
    return parseTtl(token.raw);
  } catch (e) {
    throw new RdataError(`SOA ${what}: ${(e as Error).message.replace(/^TTL /, '')}`);
  }
}
const soa: Handler<SoaFields> = {
  parse: (t, o, c) => {
    expectCount(
      'SOA',
      t,
      7,
      '"primary-ns mailbox serial refresh retry expire minimum", like "ns1.example.test. hostmaster.example.test. 1 1h 15m 1w 5m"',
      c,
    );
    // Operators often write the mailbox with "@"; RFC 1035 §8 writes it as a name.
    // A lone "@" is still the origin.
    const rnameToken = t[1].raw === '@' ? t[1] : { raw: t[1].raw.replace('@', '.'), quoted: t[1].quoted };
    const serialRaw = t[2].raw;
    const serial = Number(serialRaw);
    if (t[2].quoted || !/^\d+$/.test(serialRaw) || !isValidSerial(serial)) {
      throw new RdataError(`SOA serial must be a whole number from 0 to 4294967295, got "${serialRaw}"`);
    }
    return {
      mname: nameField(t[0], o, 'SOA primary name server'),
      rname: nameField(rnameToken, o, 'SOA mailbox'),
      serial,
      refresh: soaTimer(t[3], 'refresh'),
      retry: soaTimer(t[4], 'retry'),
      expire: soaTimer(t[5], 'expire'),
      minimum: soaTimer(t[6], 'minimum'),
    };
  },
  format: (f) => `${f.mname} ${f.rname} ${f.serial} ${f.refresh} ${f.retry} ${f.expire} ${f.minimum}`,
  toWire: (f) => ({ ...f, mname: nameToWire(f.mname), rname: nameToWire(f.rname) }),
  fromWire: (d) => {
    const o = obj(d, 'SOA');
    const timer = (v: unknown, what: string) => wireInt(v, 0, MAX_TTL, `SOA ${what}`);
    return {
      mname: wireName(o.mname, 'SOA primary name server'),
      rname: wireName(o.rname, 'SOA mailbox'),
      serial: wireInt(o.serial, 0, 4294967295, 'SOA serial'),
      refresh: timer(o.refresh, 'refresh'),
      retry: timer(o.retry, 'retry'),
      expire: timer(o.expire, 'expire'),
      minimum: timer(o.minimum, 'minimum'),
    };
  },
};

// ---------------------------------------------------------------------------
// DNSSEC types (RFC 4034, RFC 5155, RFC 7344). dns-packet knows DNSKEY, RRSIG, NSEC and NSEC3;
// CDS, CDNSKEY and NSEC3PARAM travel as raw rdata (a Buffer, RFC 3597), as wire.ts hands
// every type dns-packet has no codec for.

/** Fields that may not be quoted: base64, hex, type lists. */
function plainTokens(t: Token[], what: string): string[] {
  const quoted = t.find((x) => x.quoted);
  if (quoted) throw new RdataError(`${what} is not quoted text, got ${quoted.raw}`);
  return t.map((x) => x.raw);
}

/** Raw rdata (a Buffer) as dns-packet gives a type it has no codec for. */
function rawRdata(d: unknown, type: string, minLength: number): Buffer {
  if (!(d instanceof Uint8Array)) throw new RdataError(`${type} wire data must be raw rdata bytes`);
  if (d.length < minLength) throw new RdataError(`${type} rdata is cut short (${d.length} bytes)`);
  return Buffer.from(d.buffer, d.byteOffset, d.length);
}

const cds: Handler<Ds> = {
  parse: (t, _o, c) => dsParse('CDS', t, c),
  format: dsFormat,
  toWire: (f) => Buffer.concat([Buffer.from([f.keyTag >> 8, f.keyTag & 0xff, f.algorithm, f.digestType]), f.digest]),
  fromWire: (d) => {
    const b = rawRdata(d, 'CDS', 5);
    const f = { keyTag: b.readUInt16BE(0), algorithm: b[2]!, digestType: b[3]!, digest: Uint8Array.from(b.subarray(4)) };
    checkDigestSize(f.digestType, f.digest, 'CDS digest');
    return f;
  },
};

interface Dnskey {
  flags: number;
  algorithm: number;
  key: Uint8Array;
}
function dnskeyParse(type: string, t: Token[], c: string): Dnskey {
  if (t.length < 4) {
    throw new RdataError(`${type} record needs "flags protocol algorithm public-key", like "257 3 13 <base64>"; got "${c}"`);
  }
  const flags = intField(t[0], 0, 65535, `${type} flags`);
  // RFC 4034 §2.1.2: any other protocol value makes the key invalid.
  if (t[1]!.raw !== '3') throw new RdataError(`${type} protocol must be 3 (RFC 4034 §2.1.2), got "${t[1]!.raw}"`);
  const algorithm = intField(t[2], 0, 255, `${type} algorithm`);
  const key = base64Field(plainTokens(t.slice(3), `${type} public key`), `${type} public key`);
  checkKeySize(algorithm, key, `${type} public key`);
  return { flags, algorithm, key };
}
const dnskeyFormat = (f: Dnskey) => `${f.flags} 3 ${f.algorithm} ${toBase64(f.key)}`;
function dnskeyFromBytes(type: string, b: Buffer): Dnskey {
  if (b[2] !== 3) throw new RdataError(`${type} protocol must be 3 (RFC 4034 §2.1.2), got ${b[2]}`);
  const f = { flags: b.readUInt16BE(0), algorithm: b[3]!, key: Uint8Array.from(b.subarray(4)) };
  if (f.key.length === 0) throw new RdataError(`${type} has no public key`);
  checkKeySize(f.algorithm, f.key, `${type} public key`);
  return f;
}
const dnskey: Handler<Dnskey> = {
  parse: (t, _o, c) => dnskeyParse('DNSKEY', t, c),
  format: dnskeyFormat,
  toWire: (f) => ({ flags: f.flags, algorithm: f.algorithm, key: Buffer.from(f.key) }),
  fromWire: (d) => {
    const o = obj(d, 'DNSKEY');
    const f = {
      flags: wireInt(o.flags, 0, 65535, 'DNSKEY flags'),
      algorithm: wireInt(o.algorithm, 0, 255, 'DNSKEY algorithm'),
      key: toBytes(o.key instanceof Uint8Array ? o.key : null, 'DNSKEY public key'),
    };
    if (f.key.length === 0) throw new RdataError('DNSKEY has no public key');
    checkKeySize(f.algorithm, f.key, 'DNSKEY public key');
    return f;
  },
};
const cdnskey: Handler<Dnskey> = {
  parse: (t, _o, c) => dnskeyParse('CDNSKEY', t, c),
  format: dnskeyFormat,
  toWire: (f) => Buffer.concat([Buffer.from([f.flags >> 8, f.flags & 0xff, 3, f.algorithm]), f.key]),
  fromWire: (d) => dnskeyFromBytes('CDNSKEY', rawRdata(d, 'CDNSKEY', 4)),
};

interface Rrsig {
  typeCovered: number;
  algorithm: number;
  labels: number;
  originalTtl: number;
  expiration: number;
  inception: number;
  keyTag: number;
  signer: string;
  signature: Uint8Array;
}
const rrsig: Handler<Rrsig> = {
  parse: (t, o, c) => {
    if (t.length < 9) {
      throw new RdataError(
        'RRSIG record needs "type-covered algorithm labels original-ttl expiration inception key-tag signer signature", ' +
          `like "A 13 2 300 20261220000000 20261206000000 12345 example.test. <base64>"; got "${c}"`,
      );
    }
    const f = {
      typeCovered: typeField(plainTokens([t[0]!], 'RRSIG type covered')[0]!, 'RRSIG type covered'),
      algorithm: intField(t[1], 0, 255, 'RRSIG algorithm'),
      labels: intField(t[2], 0, 255, 'RRSIG labels'),
      originalTtl: intField(t[3], 0, 4294967295, 'RRSIG original TTL'),
      expiration: sigTimeField(plainTokens([t[4]!], 'RRSIG expiration')[0]!, 'RRSIG expiration'),
      inception: sigTimeField(plainTokens([t[5]!], 'RRSIG inception')[0]!, 'RRSIG inception'),
      keyTag: intField(t[6], 0, 65535, 'RRSIG key tag'),
      signer: nameField(t[7], o, 'RRSIG signer'),
      signature: base64Field(plainTokens(t.slice(8), 'RRSIG signature'), 'RRSIG signature'),
    };
    checkSignatureSize(f.algorithm, f.signature, 'RRSIG signature');
    return f;
  },
  format: (f) =>
    `${typeText(f.typeCovered)} ${f.algorithm} ${f.labels} ${f.originalTtl} ${formatSigTime(f.expiration)} ` +
    `${formatSigTime(f.inception)} ${f.keyTag} ${f.signer} ${toBase64(f.signature)}`,
  toWire: (f) => ({
    typeCovered: packetTypeName(f.typeCovered),
    algorithm: f.algorithm,
    labels: f.labels,
    originalTTL: f.originalTtl,
    expiration: f.expiration,
    inception: f.inception,
    keyTag: f.keyTag,
    signersName: nameToWire(f.signer),
    signature: Buffer.from(f.signature),
  }),
  fromWire: (d) => {
    const o = obj(d, 'RRSIG');
    const f = {
      typeCovered: packetTypeCode(o.typeCovered, 'RRSIG type covered'),
      algorithm: wireInt(o.algorithm, 0, 255, 'RRSIG algorithm'),
      labels: wireInt(o.labels, 0, 255, 'RRSIG labels'),
      originalTtl: wireInt(o.originalTTL, 0, 4294967295, 'RRSIG original TTL'),
      expiration: wireInt(o.expiration, 0, 4294967295, 'RRSIG expiration'),
      inception: wireInt(o.inception, 0, 4294967295, 'RRSIG inception'),
      keyTag: wireInt(o.keyTag, 0, 65535, 'RRSIG key tag'),
      signer: wireName(o.signersName, 'RRSIG signer'),
      signature: toBytes(o.signature instanceof Uint8Array ? o.signature : null, 'RRSIG signature'),
    };
    if (f.signature.length === 0) throw new RdataError('RRSIG has no signature');
    checkSignatureSize(f.algorithm, f.signature, 'RRSIG signature');
    return f;
  },
};

/** A type list as written after NSEC's next name or NSEC3's hash: any order, written back sorted. */
const typeList = (t: Token[], what: string) => sortedTypes(plainTokens(t, what).map((x) => typeField(x, what)));
const formatTypes = (codes: readonly number[]) => codes.map((c) => ` ${typeText(c)}`).join('');
function wireTypes(v: unknown, what: string): number[] {
  if (!Array.isArray(v)) throw new RdataError(`${what} is missing from the wire data`);
  return sortedTypes(v.map((x) => packetTypeCode(x, what)));
}

interface Nsec {
  next: string;
  types: number[];
}
// RFC 6840 §5.1: the next name of an NSEC is signed as it is written, not lowercased (unlike
// every other name in rdata, RFC 4034 §6.2), so it keeps the case it came in: a primary's
// "WWW" stays "WWW" and its signature stays valid. Checked as any name is.
function nsecNext(token: Token | undefined, origin: string): string {
  const lower = nameField(token, origin, 'NSEC next name');
  const raw = token!.raw;
  if (raw === '@' || raw === '.') return lower;
  const kept = raw.endsWith('.') ? raw : `${raw}.${lower.slice(raw.length + 1)}`;
  return kept.toLowerCase() === lower ? kept : lower;
}
function wireNsecNext(v: unknown): string {
  const lower = wireName(v, 'NSEC next name');
  const s = String(v);
  const kept = s.endsWith('.') ? s : `${s}.`;
  return kept.toLowerCase() === lower ? kept : lower;
}
const nsec: Handler<Nsec> = {
  parse: (t, o, c) => {
    if (t.length < 1) throw new RdataError(`NSEC record needs "next-name types…", like "b.example.test. A RRSIG NSEC"; got "${c}"`);
    return { next: nsecNext(t[0], o), types: typeList(t.slice(1), 'NSEC type list') };
  },
  format: (f) => `${f.next}${formatTypes(f.types)}`,
  toWire: (f) => ({ nextDomain: nameToWire(f.next), rrtypes: f.types.map(packetTypeName) }),
  fromWire: (d) => {
    const o = obj(d, 'NSEC');
    return { next: wireNsecNext(o.nextDomain), types: wireTypes(o.rrtypes, 'NSEC type list') };
  },
};

interface Nsec3Param {
  algorithm: number;
  flags: number;
  iterations: number;
  salt: Uint8Array;
}
function nsec3ParamFields(type: string, t: Token[]): Nsec3Param {
  return {
    algorithm: intField(t[0], 0, 255, `${type} hash algorithm`),
    flags: intField(t[1], 0, 255, `${type} flags`),
    iterations: intField(t[2], 0, 65535, `${type} iterations`),
    // RFC 5155 §3.3: "-" is the empty salt.
    salt: t[3]!.raw === '-' ? new Uint8Array(0) : hexField([t[3]!], `${type} salt (or "-" for none)`),
  };
}
function checkSalt(type: string, salt: Uint8Array): void {
  if (salt.length > 255) throw new RdataError(`${type} salt is longer than 255 bytes`);
}
const formatParams = (f: Nsec3Param) => `${f.algorithm} ${f.flags} ${f.iterations} ${f.salt.length ? toHex(f.salt) : '-'}`;

interface Nsec3 extends Nsec3Param {
  hash: Uint8Array;
  types: number[];
}
const nsec3: Handler<Nsec3> = {
  parse: (t, _o, c) => {
    if (t.length < 5) {
      throw new RdataError(
        `NSEC3 record needs "hash-algorithm flags iterations salt next-hash types…", like "1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG"; got "${c}"`,
      );
    }
    const f = {
      ...nsec3ParamFields('NSEC3', t),
      hash: base32HexField(plainTokens([t[4]!], 'NSEC3 next hash')[0]!, 'NSEC3 next hash'),
      types: typeList(t.slice(5), 'NSEC3 type list'),
    };
    checkSalt('NSEC3', f.salt);
    if (f.hash.length === 0 || f.hash.length > 255) throw new RdataError('NSEC3 next hash must be 1 to 255 bytes');
    return f;
  },
  format: (f) => `${formatParams(f)} ${toBase32Hex(f.hash)}${formatTypes(f.types)}`,
  toWire: (f) => ({
    algorithm: f.algorithm,
    flags: f.flags,
    iterations: f.iterations,
    salt: Buffer.from(f.salt),
    nextDomain: Buffer.from(f.hash),
    rrtypes: f.types.map(packetTypeName),
  }),
  fromWire: (d) => {
    const o = obj(d, 'NSEC3');
    const f = {
      algorithm: wireInt(o.algorithm, 0, 255, 'NSEC3 hash algorithm'),
      flags: wireInt(o.flags, 0, 255, 'NSEC3 flags'),
      iterations: wireInt(o.iterations, 0, 65535, 'NSEC3 iterations'),
      salt: toBytes(o.salt instanceof Uint8Array ? o.salt : null, 'NSEC3 salt'),
      hash: toBytes(o.nextDomain instanceof Uint8Array ? o.nextDomain : null, 'NSEC3 next hash'),
      types: wireTypes(o.rrtypes, 'NSEC3 type list'),
    };
    if (f.hash.length === 0) throw new RdataError('NSEC3 has no next hash');
    return f;
  },
};

const nsec3param: Handler<Nsec3Param> = {
  parse: (t, _o, c) => {
    expectCount('NSEC3PARAM', t, 4, '"hash-algorithm flags iterations salt", like "1 0 0 -"', c);
    const f = nsec3ParamFields('NSEC3PARAM', t);
    checkSalt('NSEC3PARAM', f.salt);
    return f;
  },
  format: formatParams,
  toWire: (f) => {
    const head = Buffer.from([f.algorithm, f.flags, f.iterations >> 8, f.iterations & 0xff, f.salt.length]);
    return Buffer.concat([head, f.salt]);
  },
  fromWire: (d) => {
    const b = rawRdata(d, 'NSEC3PARAM', 5);
    if (b.length !== 5 + b[4]!) throw new RdataError('NSEC3PARAM rdata length does not match its salt length');
    return { algorithm: b[0]!, flags: b[1]!, iterations: b.readUInt16BE(2), salt: Uint8Array.from(b.subarray(5)) };
  },
};

// ---------------------------------------------------------------------------
// Generic rdata (RFC 3597 §5): "\# length hex", the hex possibly split by spaces.

const generic: Handler<Uint8Array> = {
  parse: (t, _o, c) => {
    if (t.length < 2 || t[0]!.raw !== '\\#' || t[0]!.quoted) {
      throw new RdataError(`a record of a type without a mnemonic needs its data as "\\# length hex" (RFC 3597 §5), like "\\# 2 ABCD"; got "${c}"`);
    }
    const length = intField(t[1], 0, 65535, 'generic rdata length');
    const bytes = t.length > 2 ? hexField(t.slice(2), 'generic rdata') : new Uint8Array(0);
    if (bytes.length !== length) throw new RdataError(`generic rdata says ${length} bytes but holds ${bytes.length}`);
    return bytes;
  },
  format: (f) => (f.length ? `\\# ${f.length} ${toHex(f)}` : '\\# 0'),
  toWire: (f) => Buffer.from(f),
  fromWire: (d) => Uint8Array.from(rawRdata(d, 'generic', 0)),
};

const erase = <F>(h: Handler<F>) => h as unknown as Handler<unknown>;

const HANDLERS: Readonly<Record<StoredType, Handler<unknown>>> = {
  A: erase(a),
  AAAA: erase(aaaa),
  CNAME: erase(singleName('CNAME', false)),
  MX: erase(mx),
  // RFC 2181 §10.3: NS targets are host names.
  NS: erase(singleName('NS', true)),
  PTR: erase(singleName('PTR', false)),
  TXT: erase(txt),
  SRV: erase(srv),
  CAA: erase(caa),
  DS: erase(ds),
  TLSA: erase(tlsa),
  SSHFP: erase(sshfp),
  NAPTR: erase(naptr),
  HINFO: erase(hinfo),
  SOA: erase(soa),
  DNSKEY: erase(dnskey),
  CDNSKEY: erase(cdnskey),
  CDS: erase(cds),
  RRSIG: erase(rrsig),
  NSEC: erase(nsec),
  NSEC3: erase(nsec3),
  NSEC3PARAM: erase(nsec3param),
};

function handler(type: string): Handler<unknown> {
  // UNKNOWN_n is how wire.ts (typeNameOf) names a type without a mnemonic: RFC 3597's TYPEn.
  const t = type.startsWith('UNKNOWN_') ? `TYPE${type.slice(8)}` : type.toUpperCase();
  if (isGenericType(t)) return erase(generic);
  if (!(STORED_TYPES as readonly string[]).includes(t)) throw new RdataError(`unsupported record type ${type}`);
  return HANDLERS[t as StoredType];
}

// ---------------------------------------------------------------------------
// Public API

/**
 * Canonical presentation form of `content` for `type`: names absolute and lowercase
 * (relative ones completed with `origin`), numbers plain, hex uppercase, strings quoted.
 * Throws RdataError with a message meant for the operator.
 */
export function normalizeContent(type: string, content: string, origin: string): string {
  const h = handler(type);
  return h.format(h.parse(tokenize(content), origin, content.trim()));
}

/** The dns-packet `data` value that encodes `content` (expected in canonical form). */
export function contentToWire(type: string, content: string): unknown {
  const h = handler(type);
  return h.toWire(h.parse(tokenize(content), '.', content.trim()));
}

/** Canonical presentation form of a dns-packet `data` value (the inverse of contentToWire). */
export function wireToContent(type: string, data: unknown): string {
  const h = handler(type);
  return h.format(h.fromWire(data));
}

/**
 * The character-strings of TXT `content` (canonical presentation form), as
 * bytes: what a reader of a TXT's meaning (a catalog's version and group
 * properties, lib/dns/catalog-parse.ts) compares, escapes undone.
 */
export function txtContentStrings(content: string): Uint8Array[] {
  return txt.parse(tokenize(content), '.', content.trim());
}

/** SOA content from its fields; names must be absolute. */
export function soaContent(f: SoaFields): string {
  return normalizeContent('SOA', soaText(f), '.');
}

/** The fields in SOA content's order, as they are: canonical only when they are (soaContent makes it so). */
export function soaText(f: SoaFields): string {
  return `${f.mname} ${f.rname} ${f.serial} ${f.refresh} ${f.retry} ${f.expire} ${f.minimum}`;
}

/** The fields of SOA content (canonical or not; relative names are read against the root). */
export function parseSoaContent(content: string): SoaFields {
  return soa.parse(tokenize(content), '.', content.trim());
}
