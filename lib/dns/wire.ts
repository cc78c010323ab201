// The one DNS wire codec (STYLE.md rule 8): wraps dns-packet, hides its quirks, adds name compression and truncation.

// Contracts every caller can rely on:
//
// - Names are absolute presentation strings WITH a trailing dot (`example.test.`, root `.`),
//   case exactly as it was on the wire (questions must be echoed as sent, RFC 1035 §7.1;
//   case is kept but not significant, RFC 4343). Callers compare through `lowercased()`.
//   Label bytes that are not printable ASCII, and `.` or `\` inside a label, come out as
//   RFC 1035 §5.1 escapes (`\DDD`, `\.`, `\\`), so a decoded name always re-encodes to the
//   same bytes. The encoder also accepts names without the trailing dot (dns-packet's form)
//   and treats them as absolute.
// - `data` follows dns-packet's shapes per type (A/AAAA/NS/CNAME/PTR/DNAME: string; MX
//   {preference, exchange}; SOA {mname, rname, serial, refresh, retry, expire, minimum};
//   SRV {priority, weight, port, target}; TXT Buffer[] (encoder also takes string/Buffer or
//   arrays of them); HINFO {cpu, os}; CAA {flags, tag, value, issuerCritical}; NAPTR {order,
//   preference, flags, services, regexp, replacement}; DS/TLSA/SSHFP/DNSKEY/RRSIG/NSEC/NSEC3
//   as dns-packet), except that every domain name inside data also carries the trailing dot.
//   Types dns-packet does not know are `UNKNOWN_<n>` with the raw rdata as a Buffer
//   (RFC 3597); the encoder also accepts `TYPE<n>`. Buffers in decoded data may share memory
//   with the input buffer.
// - Decoding failures throw WireError(FORMERR); encoding failures (bad data, a message over
//   65535 bytes) throw WireError(SERVFAIL). Nothing else escapes either function.
import dnsPacket from 'dns-packet';
import { MAX_TTL } from './ttl.ts';
import { TYPE_CODE, TYPE_NAME } from './type-names.ts';

/** Response codes as numbers; values above 15 need EDNS (RFC 6891 §6.1.3). */
export const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  // RFC 2136 §2.2: the answers to an UPDATE whose prerequisites do not hold.
  YXDOMAIN: 6,
  YXRRSET: 7,
  NXRRSET: 8,
  NOTAUTH: 9,
  NOTZONE: 10,
  BADVERS: 16,
} as const;

const RCODE_NAMES = new Map<number, string>(Object.entries(RCODE).map(([name, n]) => [n, name]));

/** An rcode's name for logs, events and error messages: `REFUSED`; `rcode 6` for one without a name here. */
export function rcodeName(rcode: number): string {
  return RCODE_NAMES.get(rcode) ?? `rcode ${rcode}`;
}

/** Opcodes as numbers (RFC 1035 §4.1.1, RFC 1996, RFC 2136). */
export const OPCODE = { QUERY: 0, NOTIFY: 4, UPDATE: 5 } as const;

/** One resource record. `name` is absolute with a trailing dot, case as given (see file header). */
export interface WireRecord {
  name: string;
  type: string;
  /** Defaults to IN when encoding; always set by the decoder. */
  class?: string;
  ttl: number;
  data: unknown;
}

/**
 * Rdata already in wire form, uncompressed (RFC 1035 §3.3): `bytes[start, end)`. A zone held
 * in memory keeps its records this way and hands views of them to the encoder as `data`,
 * which copies them, compressing the names inside NS, CNAME, PTR, MX and SOA rdata exactly as
 * it does for the same record given as dns-packet data (RFC 1035 §4.1.4): a record encodes to
 * the same bytes either way.
 */
export class WireRdata {
  constructor(
    readonly bytes: Buffer,
    readonly start: number,
    readonly end: number,
  ) {}
}

export interface Question {
  /** Absolute, trailing dot, the client's case. */
  name: string;
  type: string;
  class: string;
}

export interface Edns {
  udpSize: number;
  version: number;
  dnssecOk: boolean;
  /** dns-packet option objects: `{ code, data?: Buffer, ... }`. */
  options: unknown[];
}

export interface Message {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  ad: boolean;
  cd: boolean;
  /** Full 12-bit rcode: the header's 4 bits plus the OPT record's 8 extended bits (RFC 6891 §6.1.3). */
  rcode: number;
  questions: Question[];
  answers: WireRecord[];
  authorities: WireRecord[];
  /** Never contains the OPT record: that lives in `edns`. */
  additionals: WireRecord[];
  /** From the first OPT record; when encoding, present means "write an OPT record". */
  edns?: Edns;
  /** How many OPT records the message carried, so a handler can FORMERR on two (RFC 6891 §6.1.1). */
  ednsCount: number;
}

/** A message we cannot decode (rcode FORMERR) or cannot encode (rcode SERVFAIL). */
export class WireError extends Error {
  readonly rcode: number;
  constructor(rcode: number, message: string) {
    super(message);
    this.name = 'WireError';
    this.rcode = rcode;
  }
}

// The largest DNS message: the TCP length prefix is 16 bits (RFC 1035 §4.2.2).
export const MAX_MESSAGE = 65535;
// Compression pointers carry a 14-bit offset (RFC 1035 §4.1.4).
export const MAX_POINTER = 0x3fff;
export const T_A = 1;
export const T_NS = 2;
export const T_CNAME = 5;
export const T_SOA = 6;
const T_PTR = 12;
const T_HINFO = 13;
export const T_MX = 15;
const T_TXT = 16;
export const T_AAAA = 28;
export const T_SRV = 33;
const T_NAPTR = 35;
const T_DNAME = 39;
const T_OPT = 41;
const T_RP = 17;
const T_RRSIG = 46;
const T_NSEC = 47;

// The type mnemonics (lib/dns/type-names.ts) are dns-packet's, so that ours agree with the ones
// its rdata codecs use inside RRSIG/NSEC data, and with what dns-packet.decode reports.

// dns-packet has no NONE (254), which UPDATE needs (RFC 2136 §2.4), and folds bit 15 of the
// class into an mDNS "flush" flag; unicast DNS has neither quirk, so classes are ours.
const CLASS_LIST: readonly (readonly [string, number])[] = [
  ['IN', 1], ['CS', 2], ['CH', 3], ['HS', 4], ['NONE', 254], ['ANY', 255],
];
const CLASS_CODE = new Map<string, number>(CLASS_LIST.map(([n, c]) => [n, c]));
const CLASS_NAME = new Map<number, string>(CLASS_LIST.map(([n, c]) => [c, n]));

function typeName(code: number): string {
  return TYPE_NAME.get(code) ?? `UNKNOWN_${code}`;
}

/** The mnemonic of a type code, as the decoder reports it (`UNKNOWN_<n>` when dns-packet has none). */
export function typeNameOf(code: number): string {
  return typeName(code);
}

function className(code: number): string {
  return CLASS_NAME.get(code) ?? `UNKNOWN_${code}`;
}

// `prefix<digits>` → number, or -1. RFC 3597 §5 spells unknown types TYPE<n> and classes CLASS<n>.
function numericMnemonic(upper: string, prefix: string): number {
  if (!upper.startsWith(prefix)) return -1;
  const digits = upper.length - prefix.length;
  if (digits < 1 || digits > 5) return -1;
  let v = 0;
  for (let i = prefix.length; i < upper.length; i++) {
    const d = upper.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v <= 0xffff ? v : -1;
}

function typeCode(type: string): number {
  const known = TYPE_CODE.get(type);
  if (known !== undefined) return known;
  const upper = String(type).toUpperCase();
  const again = TYPE_CODE.get(upper);
  if (again !== undefined) return again;
  let n = numericMnemonic(upper, 'UNKNOWN_');
  if (n < 0) n = numericMnemonic(upper, 'TYPE');
  if (n < 0) throw new WireError(RCODE.SERVFAIL, `unknown record type "${type}"`);
  return n;
}

/** The code of a type mnemonic (`TYPE<n>` and `UNKNOWN_<n>` too); throws WireError(SERVFAIL) for one we cannot name. */
export function typeCodeOf(type: string): number {
  return typeCode(type);
}

function classCode(klass: string): number {
  const known = CLASS_CODE.get(klass);
  if (known !== undefined) return known;
  const upper = String(klass).toUpperCase();
  const again = CLASS_CODE.get(upper);
  if (again !== undefined) return again;
  let n = numericMnemonic(upper, 'UNKNOWN_');
  if (n < 0) n = numericMnemonic(upper, 'CLASS');
  if (n < 0) throw new WireError(RCODE.SERVFAIL, `unknown class "${klass}"`);
  return n;
}

/**
 * ASCII-only lowercase of a name (RFC 4343 §3: only A–Z fold). Returns the same string when
 * there is nothing to fold, so it is cheap on the hot path.
 */
export function lowercased(name: string): string {
  let i = 0;
  const n = name.length;
  let ascii = true;
  for (; i < n; i++) {
    const c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) break;
    if (c > 127) ascii = false;
  }
  if (i === n) return name;
  if (ascii) {
    // Non-ASCII letters must not fold; check the rest before trusting toLowerCase.
    let j = i;
    while (j < n && name.charCodeAt(j) <= 127) j++;
    if (j === n) return name.toLowerCase();
  }
  let out = '';
  for (let k = 0; k < n; k++) {
    const c = name.charCodeAt(k);
    out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : name[k];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// dns-packet internals we use: its per-type rdata codecs and the EDNS option list codec. The
// published typings do not declare them.

interface RdataCodec {
  encode: ((data: unknown, buf: Buffer, offset: number) => Buffer) & { bytes: number };
  decode: ((buf: Buffer, offset: number) => unknown) & { bytes: number };
  encodingLength(data: unknown): number;
}
const dp = dnsPacket as unknown as { record(type: string): RdataCodec; opt: RdataCodec; unknown: RdataCodec };

const codecs = new Map<number, RdataCodec>();
function codecFor(type: number): RdataCodec {
  let c = codecs.get(type);
  if (!c) {
    c = dp.record(typeName(type));
    codecs.set(type, c);
  }
  return c;
}

// dns-packet's decoders return names without the trailing dot; add it at this boundary.
function absolute(name: unknown): string {
  const s = String(name);
  return s === '.' || s === '' ? '.' : s.endsWith('.') ? s : `${s}.`;
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** The 12-byte header without decoding the rest (RFC 1035 §4.1.1); null when too short. */
export function peekHeader(buf: Buffer): { id: number; qr: boolean; opcode: number; qdcount: number } | null {
  if (buf.length < 12) return null;
  return {
    id: (buf[0]! << 8) | buf[1]!,
    qr: (buf[2]! & 0x80) !== 0,
    opcode: (buf[2]! >> 3) & 0x0f,
    qdcount: (buf[4]! << 8) | buf[5]!,
  };
}

function formerr(why: string): WireError {
  return new WireError(RCODE.FORMERR, why);
}

// Set by readName: the offset just past the name where it was read (not where pointers led).
let nameEnd = 0;

/**
 * Reads the name at `start`; its uncompressed bytes must end before `limit`. Pointers must go
 * strictly backwards from where the current run of labels began, which bounds the walk and
 * rules out loops (RFC 1035 §4.1.4 says "prior occurrence").
 */
function readName(buf: Buffer, start: number, limit: number): string {
  let pos = start;
  let segStart = start;
  let end = -1;
  let wireLen = 1; // the root byte
  let out = '';
  for (;;) {
    if (pos >= limit) throw formerr('domain name runs past its end');
    const len = buf[pos]!;
    if (len === 0) {
      if (end < 0) end = pos + 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= limit) throw formerr('compression pointer runs past its end');
      const target = ((len & 0x3f) << 8) | buf[pos + 1]!;
      if (target >= segStart) throw formerr('compression pointer does not point backwards');
      if (end < 0) end = pos + 2;
      pos = segStart = target;
      continue;
    }
    // 0x40 and 0x80 were extended label types (RFC 6891 §5 retired them).
    if (kind !== 0) throw formerr('unsupported label type');
    const from = pos + 1;
    const to = from + len;
    if (to > limit) throw formerr('label runs past its end');
    wireLen += len + 1;
    if (wireLen > 255) throw formerr('domain name longer than 255 octets'); // RFC 1035 §3.1
    out += labelText(buf, from, to);
    out += '.';
    pos = to;
  }
  nameEnd = end;
  return out === '' ? '.' : out;
}

/**
 * The (possibly compressed) domain name at `buf[start]`, where `buf` is a whole message, in
 * the decoder's spelling (see the file header), and `end`, the offset just past the name where
 * it was read (past the pointer, not where it led). For readers that walk a message's sections
 * themselves (lib/dns/update-message.ts). Throws WireError(FORMERR) on a malformed name.
 */
export function readMessageName(buf: Buffer, start: number, limit: number = buf.length): { name: string; end: number } {
  const name = readName(buf, start, limit);
  return { name, end: nameEnd };
}

/**
 * dns-packet `data` of the rdata at `buf[rdStart, rdEnd)` of one record inside the whole
 * message `buf` (its RDLENGTH field just before `rdStart`), as decodeMessage gives it:
 * compressed names inside resolve against the message, which decodeRdata (a copy of the
 * rdata alone) cannot do. Throws WireError(FORMERR) when the bytes are not that type's rdata.
 */
export function decodeMessageRdata(buf: Buffer, type: number, rdStart: number, rdEnd: number): unknown {
  if (rdStart < 2 || rdEnd < rdStart || rdEnd > buf.length) throw formerr('rdata outside the message');
  try {
    return decodeRdataAt(buf, type, rdStart - 2, rdStart, rdEnd);
  } catch (err) {
    if (err instanceof WireError) throw err;
    throw formerr(`malformed ${typeName(type)} rdata: ${(err as Error)?.message ?? String(err)}`);
  }
}

// RFC 1035 §5.1 escapes for bytes that would be ambiguous or unprintable in presentation form.
function labelText(buf: Buffer, from: number, to: number): string {
  let plain = true;
  for (let i = from; i < to; i++) {
    const c = buf[i]!;
    if (c <= 0x20 || c >= 0x7f || c === 0x2e || c === 0x5c) {
      plain = false;
      break;
    }
  }
  if (plain) return buf.toString('latin1', from, to);
  let s = '';
  for (let i = from; i < to; i++) {
    const c = buf[i]!;
    if (c === 0x2e || c === 0x5c) s += `\\${String.fromCharCode(c)}`;
    else if (c <= 0x20 || c >= 0x7f) s += `\\${c < 10 ? '00' : c < 100 ? '0' : ''}${c}`;
    else s += String.fromCharCode(c);
  }
  return s;
}

/**
 * Decodes a whole message. Throws WireError(FORMERR) on anything malformed: shorter than the
 * header, a count promising more than is there, rdata that does not fill its RDLENGTH exactly,
 * an OPT record outside the additional section or not owned by the root, or trailing bytes.
 */
export function decodeMessage(buf: Buffer): Message {
  if (buf.length < 12) throw formerr(`message of ${buf.length} bytes is shorter than the 12-byte header`);
  try {
    return decodeChecked(buf);
  } catch (err) {
    if (err instanceof WireError) throw err;
    // dns-packet's codecs throw Error/RangeError on bad input; the client sent garbage.
    throw formerr(`malformed message: ${(err as Error)?.message ?? String(err)}`);
  }
}

function decodeChecked(buf: Buffer): Message {
  const len = buf.length;
  const flags = (buf[2]! << 8) | buf[3]!;
  const qdcount = (buf[4]! << 8) | buf[5]!;
  const counts = [(buf[6]! << 8) | buf[7]!, (buf[8]! << 8) | buf[9]!, (buf[10]! << 8) | buf[11]!];
  let pos = 12;

  // Reading exactly qdcount questions (or failing) is what enforces the question count.
  const questions: Question[] = [];
  for (let i = 0; i < qdcount; i++) {
    const name = readName(buf, pos, len);
    pos = nameEnd;
    if (pos + 4 > len) throw formerr('question runs past the end of the message');
    questions.push({
      name,
      type: typeName((buf[pos]! << 8) | buf[pos + 1]!),
      class: className((buf[pos + 2]! << 8) | buf[pos + 3]!),
    });
    pos += 4;
  }

  const sections: WireRecord[][] = [[], [], []];
  let edns: Edns | undefined;
  let ednsCount = 0;
  let extendedRcode = 0;
  for (let s = 0; s < 3; s++) {
    const list = sections[s]!;
    for (let i = 0, n = counts[s]!; i < n; i++) {
      const name = readName(buf, pos, len);
      pos = nameEnd;
      if (pos + 10 > len) throw formerr('record header runs past the end of the message');
      const type = (buf[pos]! << 8) | buf[pos + 1]!;
      const klass = (buf[pos + 2]! << 8) | buf[pos + 3]!;
      const ttl = buf.readUInt32BE(pos + 4);
      const rdlength = (buf[pos + 8]! << 8) | buf[pos + 9]!;
      const rdStart = pos + 10;
      const rdEnd = rdStart + rdlength;
      if (rdEnd > len) throw formerr('rdata runs past the end of the message');
      if (type === T_OPT) {
        // RFC 6891 §6.1.1: the OPT pseudo-RR lives only in the additional section, owned by the root.
        if (s !== 2) throw formerr('OPT record outside the additional section');
        if (name !== '.') throw formerr('OPT record not owned by the root');
        ednsCount++;
        if (ednsCount === 1) {
          const codec = dp.opt;
          const options = codec.decode(buf.subarray(0, rdEnd), pos + 8) as unknown[];
          if (codec.decode.bytes !== rdlength + 2) throw formerr('EDNS options do not fill the OPT rdata');
          extendedRcode = ttl >>> 24; // RFC 6891 §6.1.3 TTL layout: EXTENDED-RCODE, VERSION, DO, Z
          edns = {
            udpSize: klass,
            version: (ttl >>> 16) & 0xff,
            dnssecOk: (ttl & 0x8000) !== 0,
            options,
          };
        }
      } else {
        list.push({
          name,
          type: typeName(type),
          class: className(klass),
          // RFC 2181 §8: a TTL with the top bit set is treated as zero.
          ttl: ttl > MAX_TTL ? 0 : ttl,
          data: decodeRdataAt(buf, type, pos + 8, rdStart, rdEnd),
        });
      }
      pos = rdEnd;
    }
  }
  if (pos !== len) throw formerr(`${len - pos} trailing bytes after the last record`);

  const msg: Message = {
    id: (buf[0]! << 8) | buf[1]!,
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0x0f,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rd: (flags & 0x0100) !== 0,
    ra: (flags & 0x0080) !== 0,
    ad: (flags & 0x0020) !== 0,
    cd: (flags & 0x0010) !== 0,
    rcode: (extendedRcode << 4) | (flags & 0x0f),
    questions,
    answers: sections[0]!,
    authorities: sections[1]!,
    additionals: sections[2]!,
    ednsCount,
  };
  if (edns) msg.edns = edns;
  return msg;
}

function needExactly(at: number, rdEnd: number, type: number): void {
  if (at !== rdEnd) throw formerr(`${typeName(type)} rdata length does not match its contents`);
}

function readCharString(buf: Buffer, at: number, rdEnd: number): number {
  if (at >= rdEnd) throw formerr('character-string runs past its rdata');
  const end = at + 1 + buf[at]!;
  if (end > rdEnd) throw formerr('character-string runs past its rdata');
  return end;
}

// Types whose rdata holds domain names are decoded here, so compressed names inside them are
// followed safely and come out in our name form; the rest go to dns-packet's codecs, held to
// their RDLENGTH (dns-packet's own decoders mostly ignore it).
function decodeRdataAt(buf: Buffer, type: number, rdlenAt: number, rdStart: number, rdEnd: number): unknown {
  switch (type) {
    case T_A: {
      if (rdEnd - rdStart !== 4) throw formerr('A rdata must be 4 bytes');
      return `${buf[rdStart]}.${buf[rdStart + 1]}.${buf[rdStart + 2]}.${buf[rdStart + 3]}`;
    }
    case T_AAAA: {
      if (rdEnd - rdStart !== 16) throw formerr('AAAA rdata must be 16 bytes');
      return formatIPv6(buf, rdStart);
    }
    case T_NS:
    case T_CNAME:
    case T_PTR:
    case T_DNAME: {
      const target = readName(buf, rdStart, rdEnd);
      needExactly(nameEnd, rdEnd, type);
      return target;
    }
    case T_MX: {
      if (rdEnd - rdStart < 3) throw formerr('MX rdata too short');
      const exchange = readName(buf, rdStart + 2, rdEnd);
      needExactly(nameEnd, rdEnd, type);
      return { preference: buf.readUInt16BE(rdStart), exchange };
    }
    case T_SOA: {
      const mname = readName(buf, rdStart, rdEnd);
      const rname = readName(buf, nameEnd, rdEnd);
      const at = nameEnd;
      needExactly(at + 20, rdEnd, type);
      return {
        mname,
        rname,
        serial: buf.readUInt32BE(at),
        refresh: buf.readUInt32BE(at + 4),
        retry: buf.readUInt32BE(at + 8),
        expire: buf.readUInt32BE(at + 12),
        minimum: buf.readUInt32BE(at + 16),
      };
    }
    case T_SRV: {
      if (rdEnd - rdStart < 7) throw formerr('SRV rdata too short');
      const target = readName(buf, rdStart + 6, rdEnd);
      needExactly(nameEnd, rdEnd, type);
      return { priority: buf.readUInt16BE(rdStart), weight: buf.readUInt16BE(rdStart + 2), port: buf.readUInt16BE(rdStart + 4), target };
    }
    case T_NAPTR: {
      if (rdEnd - rdStart < 7) throw formerr('NAPTR rdata too short');
      const f = rdStart + 4;
      const s = readCharString(buf, f, rdEnd);
      const r = readCharString(buf, s, rdEnd);
      const repl = readCharString(buf, r, rdEnd);
      const replacement = readName(buf, repl, rdEnd);
      needExactly(nameEnd, rdEnd, type);
      return {
        order: buf.readUInt16BE(rdStart),
        preference: buf.readUInt16BE(rdStart + 2),
        flags: buf.toString('utf8', f + 1, s),
        services: buf.toString('utf8', s + 1, r),
        regexp: buf.toString('utf8', r + 1, repl),
        replacement,
      };
    }
    case T_TXT: {
      const strings: Buffer[] = [];
      let at = rdStart;
      while (at < rdEnd) {
        const end = readCharString(buf, at, rdEnd);
        strings.push(buf.subarray(at + 1, end));
        at = end;
      }
      return strings;
    }
    case T_HINFO: {
      const c = readCharString(buf, rdStart, rdEnd);
      const o = readCharString(buf, c, rdEnd);
      needExactly(o, rdEnd, type);
      return { cpu: buf.toString('utf8', rdStart + 1, c), os: buf.toString('utf8', c + 1, o) };
    }
  }
  const codec = codecFor(type);
  // The view ends at this record's rdata, so a decoder cannot read into the next record,
  // while compression pointers (always backwards) still resolve.
  const data = codec.decode(rdEnd === buf.length ? buf : buf.subarray(0, rdEnd), rdlenAt) as Record<string, unknown>;
  if (codec.decode.bytes !== rdEnd - rdlenAt) throw formerr(`${typeName(type)} rdata length does not match its contents`);
  if (type === T_RRSIG) data.signersName = absolute(data.signersName);
  else if (type === T_NSEC) data.nextDomain = absolute(data.nextDomain);
  else if (type === T_RP) {
    data.mbox = absolute(data.mbox);
    data.txt = absolute(data.txt);
  }
  return data;
}

// RFC 5952 §4: lowercase hex, no leading zeros, the longest run (first if tied) of two or more
// zero groups as "::". dns-packet's formatter picks the first run, not the longest.
function formatIPv6(buf: Buffer, at: number): string {
  let bestStart = -1;
  let bestLen = 1;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    const zero = buf[at + 2 * i] === 0 && buf[at + 2 * i + 1] === 0;
    if (zero) {
      if (runStart < 0) runStart = i;
      if (i - runStart + 1 > bestLen) {
        bestLen = i - runStart + 1;
        bestStart = runStart;
      }
    } else {
      runStart = -1;
    }
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (s !== '' && !s.endsWith(':')) s += ':';
    s += ((buf[at + 2 * i]! << 8) | buf[at + 2 * i + 1]!).toString(16);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Encoding. One preallocated scratch buffer (encoding is synchronous, so it is never shared):
// room for a full message plus one maximal record written past the limit before we notice.

const SCRATCH = Buffer.allocUnsafe(2 * MAX_MESSAGE + 4096);
// Where an IPv6 address's dotted-quad tail is parsed: past anything a message can use.
const ADDRESS_AT = SCRATCH.length - 64;
let off = 0;
// Lowercased name suffix (presentation form, trailing dot) → offset of its first occurrence.
const compression = new Map<string, number>();

function encodeError(why: string): WireError {
  return new WireError(RCODE.SERVFAIL, why);
}

function room(n: number): void {
  if (off + n > SCRATCH.length) throw encodeError('record too large to encode');
}

function u8(v: unknown, what: string): void {
  if (typeof v !== 'number' || (v & 0xff) !== v) throw encodeError(`${what} must be an integer 0..255, got ${String(v)}`);
  SCRATCH[off++] = v;
}

function u16(v: unknown, what: string): void {
  if (typeof v !== 'number' || (v & 0xffff) !== v) throw encodeError(`${what} must be an integer 0..65535, got ${String(v)}`);
  SCRATCH[off] = v >> 8;
  SCRATCH[off + 1] = v & 0xff;
  off += 2;
}

function u32(v: unknown, what: string): void {
  if (typeof v !== 'number' || v >>> 0 !== v) throw encodeError(`${what} must be an integer 0..4294967295, got ${String(v)}`);
  SCRATCH.writeUInt32BE(v, off);
  off += 4;
}

// The name being written, parsed once into uncompressed wire form.
const NAME = Buffer.allocUnsafe(1024);
const LABEL_CHAR = new Int32Array(128); // where label i starts in the presentation string
const LABEL_BYTE = new Int32Array(128); // where label i's length byte sits in NAME
let labelCount = 0;
let nameWireLength = 0;
let nameImplicitRoot = false;

// Presentation form (RFC 1035 §5.1 escapes) → wire form in NAME. A missing trailing dot is
// accepted: dns-packet's form, used by data built for it elsewhere in the code.
function parseName(s: string): void {
  if (typeof s !== 'string' || s === '') throw encodeError(`invalid domain name ${JSON.stringify(s)}`);
  const n = s.length;
  let i = 0;
  let b = 0;
  labelCount = 0;
  nameImplicitRoot = true;
  while (i < n) {
    if (labelCount === 127) throw encodeError(`domain name too long: ${s}`);
    LABEL_CHAR[labelCount] = i;
    LABEL_BYTE[labelCount] = b;
    labelCount++;
    const lenAt = b++;
    let closed = false;
    while (i < n) {
      let c = s.charCodeAt(i);
      if (c === 0x2e) {
        i++;
        closed = true;
        break;
      }
      if (c === 0x5c) {
        const d0 = s.charCodeAt(i + 1) - 48;
        if (d0 >= 0 && d0 <= 9) {
          const d1 = s.charCodeAt(i + 2) - 48;
          const d2 = s.charCodeAt(i + 3) - 48;
          if (!(d1 >= 0 && d1 <= 9 && d2 >= 0 && d2 <= 9)) throw encodeError(`bad \\DDD escape in ${s}`);
          const v = d0 * 100 + d1 * 10 + d2;
          if (v > 255) throw encodeError(`bad \\DDD escape in ${s}`);
          NAME[b++] = v;
          i += 4;
          continue;
        }
        if (i + 1 >= n) throw encodeError(`dangling backslash in ${s}`);
        i++;
        c = s.charCodeAt(i);
      }
      if (c < 0x80) {
        NAME[b++] = c;
        i++;
      } else {
        // Not something a decoded name contains; written as UTF-8 like dns-packet does.
        const cp = s.codePointAt(i)!;
        b += NAME.write(String.fromCodePoint(cp), b, 'utf8');
        i += cp > 0xffff ? 2 : 1;
      }
      if (b > 300) throw encodeError(`domain name too long: ${s}`);
    }
    const labelLength = b - lenAt - 1;
    if (labelLength === 0) throw encodeError(`empty label in ${JSON.stringify(s)}`);
    if (labelLength > 63) throw encodeError(`label longer than 63 octets in ${s}`); // RFC 1035 §2.3.4
    NAME[lenAt] = labelLength;
    if (closed && i === n) nameImplicitRoot = false;
  }
  NAME[b++] = 0;
  if (b > 255) throw encodeError(`domain name longer than 255 octets: ${s}`);
  nameWireLength = b;
}

/**
 * Writes a name at `off`. With `compress`, a suffix already in the message becomes a pointer
 * and new suffixes are remembered (case-insensitively, first spelling wins; RFC 1035 §4.1.4).
 * Without it the name is written whole: RFC 3597 §4 forbids compressing names in types newer
 * than RFC 1035, and RFC 6672 §2.5 DNAME targets.
 */
function writeName(name: string, compress: boolean): void {
  if (name === '.') {
    SCRATCH[off++] = 0;
    return;
  }
  parseName(name);
  if (!compress || standaloneRdata) {
    NAME.copy(SCRATCH, off, 0, nameWireLength);
    off += nameWireLength;
    return;
  }
  let lower = lowercased(name);
  if (nameImplicitRoot) lower += '.';
  for (let i = 0; i < labelCount; i++) {
    const key = i === 0 ? lower : lower.slice(LABEL_CHAR[i]);
    const ptr = compression.get(key);
    if (ptr !== undefined) {
      SCRATCH[off] = 0xc0 | (ptr >> 8);
      SCRATCH[off + 1] = ptr & 0xff;
      off += 2;
      return;
    }
    if (off <= MAX_POINTER) compression.set(key, off);
    const from = LABEL_BYTE[i]!;
    const to = i + 1 < labelCount ? LABEL_BYTE[i + 1]! : nameWireLength - 1;
    NAME.copy(SCRATCH, off, from, to);
    off += to - from;
  }
  SCRATCH[off++] = 0;
}

function writeCharString(v: unknown, what: string): void {
  room(256);
  let n: number;
  if (typeof v === 'string') {
    // RFC 1035 §3.3: one length octet; dns-packet silently wraps longer strings.
    // 85 UTF-16 units are at most 255 UTF-8 bytes, so only longer strings need measuring.
    if (v.length > 85 && Buffer.byteLength(v) > 255) throw encodeError(`${what} longer than 255 bytes`);
    n = SCRATCH.write(v, off + 1, 'utf8');
  } else if (v instanceof Uint8Array) {
    n = v.length;
    if (n > 255) throw encodeError(`${what} longer than 255 bytes`);
    SCRATCH.set(v, off + 1);
  } else throw encodeError(`${what} must be a string or Buffer`);
  SCRATCH[off] = n;
  off += 1 + n;
}

function fields(data: unknown, type: string): Record<string, unknown> {
  if (typeof data !== 'object' || data === null) throw encodeError(`${type} data must be an object`);
  return data as Record<string, unknown>;
}

function nameField(v: unknown, what: string): string {
  if (typeof v !== 'string') throw encodeError(`${what} must be a domain name`);
  return v;
}

/**
 * Writes the uncompressed name at `bytes[at]` (rdata held in wire form) exactly as writeName
 * writes the same name in presentation form, compression included; returns where it ended.
 */
function writeWireName(bytes: Buffer, at: number, end: number): number {
  writeName(wireNameText(bytes, at, end), true);
  return wireNameEnd;
}

// Where the name read by the last wireNameText ended.
let wireNameEnd = 0;

/**
 * The presentation form of the uncompressed name at `bytes[at]` (ending before `end`), as the
 * decoder spells a name: absolute, RFC 1035 §5.1 escapes for dots, backslashes and bytes that
 * are not printable ASCII, letters in the case they have. Throws WireError(SERVFAIL) when the
 * bytes are not a name.
 */
export function wireNameText(bytes: Buffer, at: number, end: number): string {
  let name = '';
  let p = at;
  for (;;) {
    if (p >= end) throw encodeError('domain name runs past its rdata');
    const len = bytes[p]!;
    if (len === 0) break;
    if (len > 63 || p + 1 + len > end) throw encodeError('malformed domain name in wire rdata');
    name += labelText(bytes, p + 1, p + 1 + len);
    name += '.';
    p += 1 + len;
  }
  wireNameEnd = p + 1;
  return name === '' ? '.' : name;
}

/**
 * Writes `name` (presentation form, RFC 1035 §5.1 escapes) at `out[at]` in uncompressed wire
 * form, the root label included, and returns where it ends; `out` needs 255 bytes of room.
 * Throws WireError(SERVFAIL) for a name that cannot be encoded.
 */
export function nameToWire(name: string, out: Buffer, at: number): number {
  if (name === '.') {
    out[at] = 0;
    return at + 1;
  }
  parseName(name);
  return at + NAME.copy(out, at, 0, nameWireLength);
}

// RDLENGTH and RDATA of rdata held in wire form: copied, with the names that RFC 1035 lets us
// compress (and that writeRdata compresses) written through writeName.
function writeWireRdata(type: number, d: WireRdata): void {
  const lenAt = off;
  off += 2;
  const b = d.bytes;
  let p = d.start;
  room(d.end - p + 2);
  switch (type) {
    case T_NS:
    case T_CNAME:
    case T_PTR:
      p = writeWireName(b, p, d.end);
      break;
    case T_MX:
      if (d.end - p < 3) throw encodeError('MX rdata too short');
      SCRATCH[off++] = b[p]!;
      SCRATCH[off++] = b[p + 1]!;
      p = writeWireName(b, p + 2, d.end);
      break;
    case T_SOA:
      p = writeWireName(b, p, d.end);
      p = writeWireName(b, p, d.end);
      if (d.end - p !== 20) throw encodeError('SOA rdata has the wrong length');
      break;
  }
  if (p > d.end) throw encodeError('wire rdata runs past its end');
  off += b.copy(SCRATCH, off, p, d.end);
  const rdlength = off - lenAt - 2;
  if (rdlength > MAX_MESSAGE) throw encodeError('rdata too large');
  SCRATCH[lenAt] = rdlength >> 8;
  SCRATCH[lenAt + 1] = rdlength & 0xff;
}

// Writes RDLENGTH and RDATA at `off`.
function writeRdata(type: number, data: unknown, typeLabel: string): void {
  if (data instanceof WireRdata) return writeWireRdata(type, data);
  const lenAt = off;
  off += 2;
  switch (type) {
    case T_A:
      if (typeof data !== 'string' || !writeIPv4(data, 0, data.length, off)) throw encodeError(`invalid IPv4 address ${String(data)}`);
      off += 4;
      break;
    case T_AAAA:
      if (typeof data !== 'string' || !writeIPv6(data, off)) throw encodeError(`invalid IPv6 address ${String(data)}`);
      off += 16;
      break;
    case T_NS:
    case T_CNAME:
    case T_PTR:
      writeName(nameField(data, `${typeLabel} target`), true);
      break;
    case T_DNAME:
      writeName(nameField(data, 'DNAME target'), false);
      break;
    case T_MX: {
      const f = fields(data, 'MX');
      u16(f.preference ?? 0, 'MX preference');
      writeName(nameField(f.exchange, 'MX exchange'), true);
      break;
    }
    case T_SOA: {
      const f = fields(data, 'SOA');
      writeName(nameField(f.mname, 'SOA mname'), true);
      writeName(nameField(f.rname, 'SOA rname'), true);
      u32(f.serial ?? 0, 'SOA serial');
      u32(f.refresh ?? 0, 'SOA refresh');
      u32(f.retry ?? 0, 'SOA retry');
      u32(f.expire ?? 0, 'SOA expire');
      u32(f.minimum ?? 0, 'SOA minimum');
      break;
    }
    case T_SRV: {
      const f = fields(data, 'SRV');
      u16(f.priority ?? 0, 'SRV priority');
      u16(f.weight ?? 0, 'SRV weight');
      u16(f.port ?? 0, 'SRV port');
      writeName(nameField(f.target, 'SRV target'), false); // RFC 2782: no compression
      break;
    }
    case T_NAPTR: {
      const f = fields(data, 'NAPTR');
      u16(f.order ?? 0, 'NAPTR order');
      u16(f.preference ?? 0, 'NAPTR preference');
      writeCharString(f.flags ?? '', 'NAPTR flags');
      writeCharString(f.services ?? '', 'NAPTR services');
      writeCharString(f.regexp ?? '', 'NAPTR regexp');
      writeName(nameField(f.replacement, 'NAPTR replacement'), false); // RFC 3403 §4.1
      break;
    }
    case T_TXT: {
      // dns-packet's TXT encoder rewrites the caller's array in place (fatal on frozen zone
      // snapshots) and wraps strings over 255 bytes; this one does neither.
      if (Array.isArray(data)) {
        // RFC 1035 §3.3.14: one or more strings, so an empty list becomes one empty string.
        if (data.length === 0) writeCharString('', 'TXT string');
        for (const s of data) writeCharString(s, 'TXT string');
      } else writeCharString(data, 'TXT string');
      break;
    }
    case T_HINFO: {
      const f = fields(data, 'HINFO');
      writeCharString(f.cpu ?? '', 'HINFO cpu');
      writeCharString(f.os ?? '', 'HINFO os');
      break;
    }
    default: {
      off = lenAt;
      const codec = codecFor(type);
      if (codec === dp.unknown && !Buffer.isBuffer(data)) {
        throw encodeError(`${typeLabel} data must be a Buffer of raw rdata (RFC 3597)`);
      }
      // dns-packet's CAA encoder writes `flags` back into the caller's object; give it a copy.
      const input = typeof data === 'object' && data !== null && !Buffer.isBuffer(data) ? { ...data } : data;
      const length = codec.encodingLength(input);
      if (length - 2 > MAX_MESSAGE) throw encodeError(`${typeLabel} rdata too large`);
      room(length);
      codec.encode(input, SCRATCH, off);
      if (codec.encode.bytes !== length) throw encodeError(`${typeLabel} rdata encoded to an unexpected length`);
      off += length;
      return;
    }
  }
  const rdlength = off - lenAt - 2;
  if (rdlength > MAX_MESSAGE) throw encodeError(`${typeLabel} rdata too large`);
  SCRATCH[lenAt] = rdlength >> 8;
  SCRATCH[lenAt + 1] = rdlength & 0xff;
}

// Dotted quad, four decimal octets; dns-packet's parser silently accepts "abc" or "1.2.3".
function writeIPv4(s: string, from: number, to: number, at: number, out: Buffer = SCRATCH): boolean {
  let parts = 0;
  let octet = 0;
  let digits = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return false;
    } else if (c === 46) {
      if (digits === 0 || parts === 3) return false;
      out[at + parts++] = octet;
      octet = 0;
      digits = 0;
    } else return false;
  }
  if (digits === 0 || parts !== 3) return false;
  out[at + 3] = octet;
  return true;
}

const V6 = new Uint16Array(8);

// RFC 4291 §2.2 text forms: hex groups, at most one "::", optionally a dotted-quad tail.
function writeIPv6(s: string, at: number, out: Buffer = SCRATCH): boolean {
  const n = s.length;
  let groups = 0;
  let gap = -1;
  let i = 0;
  if (n < 2) return false;
  if (s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
  }
  while (i < n) {
    let v = 0;
    let j = i;
    for (; j < n && j - i < 5; j++) {
      const c = s.charCodeAt(j);
      const h = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (h < 0) break;
      v = v * 16 + h;
    }
    if (j < n && s.charCodeAt(j) === 46) {
      // Embedded IPv4 takes the last two groups.
      if (groups > 6) return false;
      if (!writeIPv4(s, i, n, ADDRESS_AT)) return false;
      V6[groups++] = (SCRATCH[ADDRESS_AT]! << 8) | SCRATCH[ADDRESS_AT + 1]!;
      V6[groups++] = (SCRATCH[ADDRESS_AT + 2]! << 8) | SCRATCH[ADDRESS_AT + 3]!;
      i = n;
      break;
    }
    if (j === i || j - i > 4 || groups === 8) return false;
    V6[groups++] = v;
    if (j === n) {
      i = n;
      break;
    }
    if (s.charCodeAt(j) !== 58) return false;
    if (s.charCodeAt(j + 1) === 58) {
      if (gap >= 0) return false;
      gap = groups;
      i = j + 2;
    } else {
      i = j + 1;
      if (i === n) return false;
    }
  }
  if (gap < 0 ? groups !== 8 : groups > 7) return false;
  const tail = gap < 0 ? 0 : groups - gap;
  out.fill(0, at, at + 16);
  const head = gap < 0 ? groups : gap;
  for (let g = 0; g < head; g++) {
    out[at + 2 * g] = V6[g]! >> 8;
    out[at + 2 * g + 1] = V6[g]! & 0xff;
  }
  for (let g = 0; g < tail; g++) {
    const slot = 8 - tail + g;
    out[at + 2 * slot] = V6[gap + g]! >> 8;
    out[at + 2 * slot + 1] = V6[gap + g]! & 0xff;
  }
  return true;
}

function writeRecord(rr: WireRecord): void {
  if (typeof rr !== 'object' || rr === null) throw encodeError('record must be an object');
  writeName(nameField(rr.name, 'record owner'), true);
  const type = typeCode(rr.type);
  if (type === T_OPT) throw encodeError('put EDNS in message.edns, not an OPT record');
  u16(type, 'type');
  u16(rr.class === undefined ? 1 : classCode(rr.class), 'class');
  // RFC 2181 §8: TTLs are 0..2^31-1.
  if (typeof rr.ttl !== 'number' || rr.ttl >>> 0 !== rr.ttl || rr.ttl > MAX_TTL) {
    throw encodeError(`TTL of ${rr.name} ${rr.type} must be an integer 0..${MAX_TTL}, got ${String(rr.ttl)}`);
  }
  u32(rr.ttl, 'TTL');
  writeRdata(type, rr.data, rr.type);
}

function optLength(edns: Edns): number {
  if (!Array.isArray(edns.options)) throw encodeError('edns.options must be an array');
  // root owner (1) + type, class, TTL (8) + RDLENGTH and options
  return 9 + dp.opt.encodingLength(edns.options);
}

// RFC 6891 §6.1.2-3: payload size in CLASS; extended rcode, version and DO in TTL.
function writeOpt(edns: Edns, rcode: number): void {
  SCRATCH[off++] = 0;
  u16(T_OPT, 'type');
  u16(edns.udpSize, 'EDNS UDP payload size');
  u8(rcode >> 4, 'extended rcode');
  u8(edns.version, 'EDNS version');
  u16(edns.dnssecOk ? 0x8000 : 0, 'EDNS flags');
  const length = dp.opt.encodingLength(edns.options);
  room(length);
  dp.opt.encode(edns.options, SCRATCH, off);
  if (dp.opt.encode.bytes !== length) throw encodeError('EDNS options encoded to an unexpected length');
  off += length;
}

let stopped = false;

/**
 * Writes the whole message into SCRATCH and returns its length. Records whose end passes
 * `stopAfter` end the attempt early (`stopped`): the caller only needs to know where the
 * records that did fit end, which go into `ends`.
 */
function encodeAll(msg: Message, an: readonly WireRecord[], ns: readonly WireRecord[], ar: readonly WireRecord[], stopAfter: number, ends: number[] | null): number {
  if (typeof msg.opcode !== 'number' || (msg.opcode & 0x0f) !== msg.opcode) throw encodeError(`opcode must be 0..15, got ${msg.opcode}`);
  if (typeof msg.rcode !== 'number' || (msg.rcode & 0xfff) !== msg.rcode) throw encodeError(`rcode must be 0..4095, got ${msg.rcode}`);
  if (msg.rcode > 15 && !msg.edns) throw encodeError(`rcode ${msg.rcode} needs EDNS (RFC 6891 §6.1.3)`);
  compression.clear();
  stopped = false;
  off = 12;
  for (const q of msg.questions) {
    writeName(nameField(q.name, 'question name'), true);
    u16(typeCode(q.type), 'question type');
    u16(classCode(q.class), 'question class');
    if (off > MAX_MESSAGE) throw encodeError('question section too large');
  }
  outer: for (const list of [an, ns, ar]) {
    for (const rr of list) {
      writeRecord(rr);
      if (ends) ends.push(off);
      if (off > stopAfter) {
        stopped = true;
        break outer;
      }
    }
  }
  if (!stopped && msg.edns) writeOpt(msg.edns, msg.rcode);
  const end = off;

  off = 0;
  u16(msg.id, 'message id');
  SCRATCH[2] =
    (msg.qr ? 0x80 : 0) | (msg.opcode << 3) | (msg.aa ? 0x04 : 0) | (msg.tc ? 0x02 : 0) | (msg.rd ? 0x01 : 0);
  // The Z bit (0x40) must be zero (RFC 1035 §4.1.1).
  SCRATCH[3] = (msg.ra ? 0x80 : 0) | (msg.ad ? 0x20 : 0) | (msg.cd ? 0x10 : 0) | (msg.rcode & 0x0f);
  off = 4;
  u16(msg.questions.length, 'question count');
  u16(an.length, 'answer count');
  u16(ns.length, 'authority count');
  u16(ar.length + (msg.edns ? 1 : 0), 'additional count');
  off = end;
  return end;
}

function rrsetKey(rr: WireRecord): string {
  return `${lowercased(rr.name)}|${typeCode(rr.type)}|${rr.class === undefined ? 1 : classCode(rr.class)}`;
}

function dropRRsets(list: readonly WireRecord[], keep: number, doomed: Set<string>): WireRecord[] {
  const out: WireRecord[] = [];
  for (let i = 0; i < keep; i++) {
    const rr = list[i]!;
    if (!doomed.has(rrsetKey(rr))) out.push(rr);
  }
  return out;
}

const ends: number[] = [];

/**
 * Encodes with name compression. With `maxSize` (clamped to 65535), a message that does not
 * fit loses whole RRsets (same owner, type and class) from the end: additionals, then
 * authorities, then answers. Losing anything from answers or authorities sets TC
 * (RFC 2181 §9); losing only additional data does not. The OPT record is always kept
 * (RFC 6891 §7). `truncated` is the TC bit as sent. If even the header, question and OPT
 * exceed `maxSize`, that minimal message is returned anyway, with TC set. Throws
 * WireError(SERVFAIL) for data that cannot be encoded or a message over 65535 bytes.
 * The returned buffer is the caller's own.
 *
 * `essentialAdditionals: n` marks the first n additional records as required: losing any
 * of them sets TC as well. A referral's in-domain glue is such data (RFC 9471 §3.1); put it
 * first so that optional additional data is dropped before it.
 */
export function encodeMessage(msg: Message, opts?: { maxSize?: number; essentialAdditionals?: number }): { buf: Buffer; truncated: boolean } {
  try {
    return encodeChecked(msg, opts?.maxSize, opts?.essentialAdditionals ?? 0);
  } catch (err) {
    if (err instanceof WireError) throw err;
    throw encodeError(`cannot encode message: ${(err as Error)?.message ?? String(err)}`);
  }
}

function encodeChecked(msg: Message, maxSize: number | undefined, essential: number): { buf: Buffer; truncated: boolean } {
  if (maxSize !== undefined && !(typeof maxSize === 'number' && maxSize >= 12)) {
    throw encodeError(`maxSize must be a number of at least 12, got ${String(maxSize)}`);
  }
  const limit = maxSize === undefined ? MAX_MESSAGE : Math.min(Math.floor(maxSize), MAX_MESSAGE);
  const reserve = msg.edns ? optLength(msg.edns) : 0;
  ends.length = 0;
  let length = encodeAll(msg, msg.answers, msg.authorities, msg.additionals, limit - reserve, ends);
  if (!stopped && length <= limit) return finish(length, false);
  if (maxSize === undefined) throw encodeError(`message does not fit in ${MAX_MESSAGE} bytes`);

  // The records that fit are a prefix (pointers only point backwards, so later records never
  // change earlier bytes); any RRset with a member past the cut goes entirely.
  const all = [msg.answers, msg.authorities, msg.additionals];
  let fit = 0;
  while (fit < ends.length && ends[fit]! <= limit - reserve) fit++;
  const doomed = [new Set<string>(), new Set<string>(), new Set<string>()];
  const keep = [0, 0, 0];
  let index = 0;
  for (let s = 0; s < 3; s++) {
    const list = all[s]!;
    keep[s] = Math.max(0, Math.min(list.length, fit - index));
    for (let i = keep[s]!; i < list.length; i++) doomed[s]!.add(rrsetKey(list[i]!));
    index += list.length;
  }
  const kept = all.map((list, s) => dropRRsets(list, keep[s]!, doomed[s]!));

  // Dropping a record can take away a compression target and make later names longer, so
  // check, and keep dropping the last RRset until it fits or nothing is left to drop.
  for (;;) {
    length = encodeAll(msg, kept[0]!, kept[1]!, kept[2]!, limit - reserve, null);
    if (!stopped && length <= limit) break;
    const s = kept[2]!.length ? 2 : kept[1]!.length ? 1 : kept[0]!.length ? 0 : -1;
    if (s < 0) {
      // Only the header, question and OPT are left and they still do not fit.
      length = encodeAll(msg, [], [], [], Infinity, null);
      break;
    }
    const list = kept[s]!;
    const key = rrsetKey(list[list.length - 1]!);
    kept[s] = list.filter((rr) => rrsetKey(rr) !== key);
  }
  const lostData = kept[0]!.length < msg.answers.length || kept[1]!.length < msg.authorities.length;
  const overflow = length > limit;
  return finish(length, lostData || overflow || lostEssential(msg.additionals, kept[2]!, essential));
}

// Whether any of the first `n` records of `all` is missing from `kept` (an order-keeping subset).
function lostEssential(all: readonly WireRecord[], kept: readonly WireRecord[], n: number): boolean {
  const count = Math.min(n, all.length);
  let k = 0;
  for (let i = 0; i < count; i++) {
    if (kept[k] !== all[i]) return true;
    k++;
  }
  return false;
}

function finish(length: number, setTc: boolean): { buf: Buffer; truncated: boolean } {
  if (setTc) SCRATCH[2] = SCRATCH[2]! | 0x02;
  const buf = Buffer.allocUnsafe(length);
  SCRATCH.copy(buf, 0, 0, length);
  return { buf, truncated: (SCRATCH[2]! & 0x02) !== 0 };
}

// Set while encodeRdata runs: names are written whole, as rdata outside a message holds them.
let standaloneRdata = false;

/**
 * The rdata of one record in wire form, uncompressed (RFC 1035 §3.3), from dns-packet `data`
 * (or a WireRdata): the bytes the encoder writes for it in a message without compression.
 * Throws WireError(SERVFAIL) for data that cannot be encoded, as encodeMessage does.
 */
export function encodeRdata(type: string, data: unknown): Buffer {
  standaloneRdata = true;
  try {
    compression.clear();
    off = 0;
    writeRdata(typeCode(type), data, type);
    return Buffer.from(SCRATCH.subarray(2, off));
  } catch (err) {
    if (err instanceof WireError) throw err;
    throw encodeError(`cannot encode ${type} rdata: ${(err as Error)?.message ?? String(err)}`);
  } finally {
    standaloneRdata = false;
  }
}

/**
 * dns-packet `data` of rdata held in wire form (`bytes[start, end)`, uncompressed), as the
 * decoder gives it for the same record in a message. Throws WireError(FORMERR) when the bytes
 * are not that type's rdata.
 */
export function decodeRdata(type: string, bytes: Buffer, start: number, end: number): unknown {
  // The length prefix first: dns-packet's codecs read it.
  const rd = Buffer.allocUnsafe(end - start + 2);
  rd.writeUInt16BE(end - start, 0);
  bytes.copy(rd, 2, start, end);
  try {
    return decodeRdataAt(rd, typeCode(type), 0, 2, rd.length);
  } catch (err) {
    if (err instanceof WireError) throw err;
    throw formerr(`malformed ${type} rdata: ${(err as Error)?.message ?? String(err)}`);
  }
}

/** Writes the four bytes of a dotted-quad IPv4 address at `out[at]`; false when `text` is not one (some bytes may be written). */
export function ipv4ToWire(text: string, out: Buffer, at: number): boolean {
  return writeIPv4(text, 0, text.length, at, out);
}

/** Writes the sixteen bytes of an IPv6 address in RFC 4291 §2.2 text form at `out[at]`; false when it is not one (some bytes may be written). */
export function ipv6ToWire(text: string, out: Buffer, at: number): boolean {
  return writeIPv6(text, at, out);
}

/**
 * A new request with one question (class IN) and nothing else: the shape
 * every query, transfer request and NOTIFY we send starts from. `edns` adds
 * an OPT record advertising that payload size.
 */
export function newQuery(
  name: string,
  type: string,
  opts: { id?: number; opcode?: number; aa?: boolean; rd?: boolean; edns?: number } = {},
): Message {
  return {
    id: opts.id ?? Math.floor(Math.random() * 65536),
    qr: false,
    opcode: opts.opcode ?? OPCODE.QUERY,
    aa: opts.aa ?? false,
    tc: false,
    rd: opts.rd ?? false,
    ra: false,
    ad: false,
    cd: false,
    rcode: 0,
    questions: [{ name, type, class: 'IN' }],
    answers: [],
    authorities: [],
    additionals: [],
    edns: opts.edns === undefined ? undefined : { udpSize: opts.edns, version: 0, dnssecOk: false, options: [] },
    ednsCount: opts.edns === undefined ? 0 : 1,
  };
}

/**
 * The skeleton of a response to `query` (RFC 1035 §4.1.1): same id, opcode, RD and questions
 * (the client's spelling, copied), QR set, everything else empty or false. EDNS is not copied:
 * the handler decides what OPT, if any, to send back.
 */
export function newResponse(query: Message): Message {
  return {
    id: query.id,
    qr: true,
    opcode: query.opcode,
    aa: false,
    tc: false,
    rd: query.rd,
    ra: false,
    ad: false,
    cd: false,
    rcode: RCODE.NOERROR,
    questions: query.questions.map((q) => ({ name: q.name, type: q.type, class: q.class })),
    answers: [],
    authorities: [],
    additionals: [],
    ednsCount: 0,
  };
}
