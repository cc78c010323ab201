// TSIG (RFC 8945): signs and verifies DNS messages at the byte level, because the MAC covers
// the exact bytes sent. Works on encoded messages (Buffers), never on decoded ones; the codec
// (wire.ts) knows nothing about TSIG.
//
// Contract:
// - Key names are canonical presentation strings: lowercase, trailing dot, RFC 1035 §5.1
//   escapes (`canonicalKeyName`). The `keys` lookup passed to `verifyMessage` is called with a
//   name in that form.
// - `signMessage` appends one TSIG RR at the end of the additional section and increments
//   ARCOUNT; the input must not already carry one. It returns a new buffer and the MAC, which
//   the caller keeps to sign or verify what follows (a response, the next message of a stream).
// - `verifyMessage` never throws on anything a peer sent: every problem is a result. It checks,
//   in the order of RFC 8945 §5.2: placement (FORMERR), key (BADKEY), MAC (BADSIG), time
//   (BADTIME), truncation (BADTRUNC). Our truncation policy: the full MAC is required.
// - Multi-message streams (AXFR/IXFR over TCP) must have every message signed: we sign every
//   one, and verification of a stream with unsigned messages in between is not supported.
// - `appendTsigError` builds the error reply of RFC 8945 §5.3.2 from a failed verification.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type TsigAlgorithm = 'hmac-sha256' | 'hmac-sha1' | 'hmac-sha512' | 'hmac-sha224' | 'hmac-sha384' | 'hmac-md5';

/** Every algorithm we sign and verify with, strongest first (the order forms and usage list them in). */
export const TSIG_ALGORITHMS: readonly TsigAlgorithm[] = ['hmac-sha256', 'hmac-sha512', 'hmac-sha384', 'hmac-sha224', 'hmac-sha1', 'hmac-md5'];

export interface TsigKey {
  /** Canonical: lowercase, trailing dot (see `canonicalKeyName`). */
  name: string;
  algorithm: TsigAlgorithm;
  secret: Buffer;
}

/** TSIG error codes carried in the TSIG RR's Error field (RFC 8945 §3, IANA DNS RCODEs). */
export const TSIG_RCODE = { NOERROR: 0, BADSIG: 16, BADKEY: 17, BADTIME: 18, BADTRUNC: 22 } as const;

/** RR type of TSIG (RFC 8945 §4.2). */
export const TSIG_TYPE = 250;

/** Fudge we sign with unless told otherwise: the RFC 8945 §10 recommendation. */
export const DEFAULT_FUDGE = 300;

export type TsigErrorName = 'BADKEY' | 'BADSIG' | 'BADTIME' | 'BADTRUNC' | 'FORMERR';

// Header rcodes we set on error replies (RFC 1035 §4.1.1, RFC 2136 §2.2 for NOTAUTH).
const RCODE_FORMERR = 1;
const RCODE_NOTAUTH = 9;
const CLASS_ANY = 255;
const MAX_TIME = 2 ** 48 - 1;

interface AlgorithmInfo {
  hash: string;
  size: number;
  /** Canonical wire form of the algorithm name (RFC 8945 §6). */
  wire: Buffer;
  text: string;
}

function algorithmInfo(hash: string, size: number, text: string): AlgorithmInfo {
  return { hash, size, wire: nameToWire(text), text };
}

// RFC 8945 §6 names them; HMAC-MD5 keeps the name it had before there was a registry.
const ALGORITHMS: Record<TsigAlgorithm, AlgorithmInfo> = {
  'hmac-md5': algorithmInfo('md5', 16, 'hmac-md5.sig-alg.reg.int.'),
  'hmac-sha1': algorithmInfo('sha1', 20, 'hmac-sha1.'),
  'hmac-sha224': algorithmInfo('sha224', 28, 'hmac-sha224.'),
  'hmac-sha256': algorithmInfo('sha256', 32, 'hmac-sha256.'),
  'hmac-sha384': algorithmInfo('sha384', 48, 'hmac-sha384.'),
  'hmac-sha512': algorithmInfo('sha512', 64, 'hmac-sha512.'),
};

/**
 * `hmac-sha256`, `HMAC-SHA256.` and the like → the algorithm; HMAC-MD5 also under its wire
 * name `hmac-md5.sig-alg.reg.int`. Null when it is not one we support (the truncated
 * variants, hmac-sha256-128 and so on, are not).
 */
export function parseAlgorithm(text: string): TsigAlgorithm | null {
  let t = text.trim().toLowerCase();
  if (t.endsWith('.')) t = t.slice(0, -1);
  if (t === 'hmac-md5.sig-alg.reg.int') return 'hmac-md5';
  return (TSIG_ALGORITHMS as readonly string[]).includes(t) ? (t as TsigAlgorithm) : null;
}

/**
 * True for an algorithm RFC 8945 §6 keeps only for interoperability: HMAC-MD5 ("MAY" be
 * used, and it is the default of certbot's rfc2136 plugin and of Ansible's nsupdate module).
 * We still sign and verify with it; the worker logs a warning whenever a key of such an
 * algorithm is used, so that its owner learns to move the key to hmac-sha256.
 */
export function isWeakAlgorithm(algorithm: TsigAlgorithm): boolean {
  return algorithm === 'hmac-md5';
}

/** The algorithm's name as it appears in the TSIG RR, e.g. `hmac-sha256.`. */
export function algorithmName(algorithm: TsigAlgorithm): string {
  return ALGORITHMS[algorithm].text;
}

/** Length of the algorithm's full MAC in bytes (its hash output). */
export function macLength(algorithm: TsigAlgorithm): number {
  return ALGORITHMS[algorithm].size;
}

/** A fresh random secret as long as the hash output (RFC 8945 §6: no shorter than that). */
export function generateSecret(algorithm: TsigAlgorithm): Buffer {
  return randomBytes(ALGORITHMS[algorithm].size);
}

export function secretToBase64(secret: Buffer): string {
  return secret.toString('base64');
}

/** Strict base64 (padding optional, whitespace ignored); throws on anything else or an empty secret. */
export function secretFromBase64(text: string): Buffer {
  const t = text.replace(/\s+/g, '');
  if (t === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(t) || t.replace(/=+$/, '').length % 4 === 1) {
    throw new Error('TSIG secret must be non-empty base64');
  }
  const buf = Buffer.from(t, 'base64');
  // Node ignores stray bits; a secret that does not round-trip was mistyped.
  if (buf.toString('base64').replace(/=+$/, '') !== t.replace(/=+$/, '')) throw new Error('TSIG secret is not canonical base64');
  return buf;
}

/**
 * A key name in canonical form: lowercase, trailing dot, escapes normalized. Throws on an
 * empty label, a label over 63 bytes or a name over 255 bytes.
 */
export function canonicalKeyName(text: string): string {
  const wire = nameToWire(text);
  return wireToText(wire, 0, wire.length).text;
}

// ---------------------------------------------------------------------------------------------
// Names. Canonical form for TSIG is lowercase and uncompressed (RFC 8945 §4.3.3).

// Presentation text → canonical wire form. Accepts a missing trailing dot.
function nameToWire(text: string): Buffer {
  if (text === '.' || text === '') return Buffer.from([0]);
  const out: number[] = [];
  let label: number[] = [];
  const close = (): void => {
    if (label.length === 0) throw new Error(`empty label in name ${JSON.stringify(text)}`);
    if (label.length > 63) throw new Error(`label longer than 63 bytes in name ${JSON.stringify(text)}`);
    out.push(label.length, ...label);
    label = [];
  };
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c === 0x2e) {
      close();
      continue;
    }
    if (c === 0x5c) {
      const d = text.slice(i + 1, i + 4);
      if (/^[0-9]{3}$/.test(d)) {
        c = Number(d);
        if (c > 255) throw new Error(`bad escape in name ${JSON.stringify(text)}`);
        i += 3;
      } else if (i + 1 < text.length) {
        c = text.charCodeAt(++i);
      } else {
        throw new Error(`dangling escape in name ${JSON.stringify(text)}`);
      }
    }
    if (c > 255) throw new Error(`non-ASCII character in name ${JSON.stringify(text)}`);
    label.push(c >= 65 && c <= 90 ? c + 32 : c);
  }
  if (label.length) close();
  out.push(0);
  if (out.length > 255) throw new Error(`name longer than 255 bytes: ${JSON.stringify(text)}`);
  return Buffer.from(out);
}

interface ReadName {
  /** Canonical text (lowercase, trailing dot, escaped). */
  text: string;
  /** Canonical wire form (lowercase, uncompressed). */
  wire: Buffer;
  /** Offset just past the name where it was read. */
  end: number;
}

// Reads the (possibly compressed) name at `start`; pointers must go strictly backwards
// (RFC 1035 §4.1.4), which rules out loops. Throws on malformed names.
function wireToText(buf: Buffer, start: number, limit: number): ReadName {
  const bytes: number[] = [];
  let text = '';
  let pos = start;
  let segStart = start;
  let end = -1;
  for (;;) {
    if (pos >= limit) throw new Error('name runs past its end');
    const len = buf[pos]!;
    if (len === 0) {
      if (end < 0) end = pos + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= limit) throw new Error('compression pointer runs past its end');
      const target = ((len & 0x3f) << 8) | buf[pos + 1]!;
      if (target >= segStart) throw new Error('compression pointer does not point backwards');
      if (end < 0) end = pos + 2;
      pos = segStart = target;
      continue;
    }
    if (len & 0xc0) throw new Error('unsupported label type');
    if (pos + 1 + len > limit) throw new Error('label runs past its end');
    bytes.push(len);
    for (let i = pos + 1; i <= pos + len; i++) {
      let c = buf[i]!;
      if (c >= 65 && c <= 90) c += 32;
      bytes.push(c);
      if (c === 0x2e || c === 0x5c) text += `\\${String.fromCharCode(c)}`;
      else if (c <= 0x20 || c >= 0x7f) text += `\\${String(c).padStart(3, '0')}`;
      else text += String.fromCharCode(c);
    }
    text += '.';
    if (bytes.length + 1 > 255) throw new Error('name longer than 255 bytes');
    pos += 1 + len;
  }
  bytes.push(0);
  return { text: text === '' ? '.' : text, wire: Buffer.from(bytes), end };
}

// Skips the name at `pos` without following pointers; returns the offset after it, or -1.
function skipName(buf: Buffer, pos: number, limit: number): number {
  for (;;) {
    if (pos >= limit) return -1;
    const len = buf[pos]!;
    if (len === 0) return pos + 1;
    if ((len & 0xc0) === 0xc0) return pos + 2 <= limit ? pos + 2 : -1;
    if (len & 0xc0) return -1;
    pos += 1 + len;
  }
}

const keyWireCache = new WeakMap<TsigKey, Buffer>();
function keyWire(key: TsigKey): Buffer {
  let w = keyWireCache.get(key);
  if (!w) {
    w = nameToWire(key.name);
    keyWireCache.set(key, w);
  }
  return w;
}

// ---------------------------------------------------------------------------------------------
// The digest (RFC 8945 §4.3). Components are fed to the HMAC in place; the variable part is
// assembled in a scratch buffer (updates copy synchronously, so one buffer serves every call).

const SCRATCH = Buffer.allocUnsafe(2 * 256 + 24 + 65535);
const LEN2 = Buffer.allocUnsafe(2);

interface Variables {
  keyName: Buffer;
  algorithm: Buffer;
  timeSigned: number;
  fudge: number;
  error: number;
  otherData: Buffer;
  timersOnly: boolean;
}

// RFC 8945 §4.3.3 (all variables) or §5.3.1 (timers only) → SCRATCH; returns the length.
function writeVariables(v: Variables): number {
  let o = 0;
  if (!v.timersOnly) {
    o += v.keyName.copy(SCRATCH, o);
    SCRATCH.writeUInt16BE(CLASS_ANY, o);
    SCRATCH.writeUInt32BE(0, o + 2); // TTL
    o += 6;
    o += v.algorithm.copy(SCRATCH, o);
  }
  o = writeTime(SCRATCH, o, v.timeSigned);
  SCRATCH.writeUInt16BE(v.fudge, o);
  o += 2;
  if (!v.timersOnly) {
    SCRATCH.writeUInt16BE(v.error, o);
    SCRATCH.writeUInt16BE(v.otherData.length, o + 2);
    o += 4;
    o += v.otherData.copy(SCRATCH, o);
  }
  return o;
}

function writeTime(buf: Buffer, o: number, t: number): number {
  buf.writeUInt16BE(Math.floor(t / 0x100000000), o);
  buf.writeUInt32BE(t % 0x100000000, o + 2);
  return o + 6;
}

function readTime(buf: Buffer, o: number): number {
  return buf.readUInt16BE(o) * 0x100000000 + buf.readUInt32BE(o + 2);
}

/**
 * HMAC over: [prior MAC (2-byte size + MAC)] + header + rest of message + variables.
 * The prior MAC is the request's MAC for a response (§4.3.1) or the previous message's MAC
 * in a stream (§5.3.1); `header` is the message's first 12 bytes as they must be digested.
 */
function digest(key: TsigKey, prior: Buffer | undefined, header: Buffer, body: Buffer, v: Variables): Buffer {
  const h = createHmac(ALGORITHMS[key.algorithm].hash, key.secret);
  if (prior) {
    LEN2.writeUInt16BE(prior.length, 0);
    h.update(LEN2);
    h.update(prior);
  }
  h.update(header);
  h.update(body);
  h.update(SCRATCH.subarray(0, writeVariables(v)));
  return h.digest();
}

// ---------------------------------------------------------------------------------------------
// Signing

export interface SignOptions {
  /** Signing a response: the MAC of the request it answers (RFC 8945 §4.3.1). */
  requestMac?: Buffer;
  /** 2nd and later messages of a multi-message response: the MAC of the message before (§5.3.1). Takes precedence over requestMac. */
  previousMac?: Buffer;
  /** Digest the timers only instead of all TSIG variables (§5.3.1). Defaults to true exactly when previousMac is given. */
  timersOnly?: boolean;
  /** Seconds since the epoch; defaults to now. */
  timeSigned?: number;
  /** Seconds of permitted clock skew; default 300. */
  fudge?: number;
  /** TSIG error field (TSIG_RCODE); default 0. */
  error?: number;
  otherData?: Buffer;
  /** Original ID field; defaults to the message's ID. The digest covers the message with this ID (§4.3.2). */
  originalId?: number;
}

export interface Signed {
  /** The message with the TSIG RR appended; a new buffer. */
  message: Buffer;
  /** The full MAC, for signing or verifying what comes next. */
  mac: Buffer;
}

/**
 * Appends a TSIG RR signed with `key` to `msg` (an encoded message without TSIG). Throws
 * RangeError on a message shorter than a header, a full additional section, or out-of-range
 * options; the result may exceed 65535 bytes only if `msg` left no room, which the caller
 * must account for (the TSIG RR is about 60 + key name + algorithm name bytes for sha256).
 */
export function signMessage(msg: Buffer, key: TsigKey, opts: SignOptions = {}): Signed {
  if (msg.length < 12) throw new RangeError(`message of ${msg.length} bytes is shorter than a header`);
  const info = ALGORITHMS[key.algorithm];
  if (!info) throw new RangeError(`unsupported TSIG algorithm ${String(key.algorithm)}`);
  const timeSigned = opts.timeSigned ?? Math.floor(Date.now() / 1000);
  if (!Number.isInteger(timeSigned) || timeSigned < 0 || timeSigned > MAX_TIME) throw new RangeError(`timeSigned out of range: ${timeSigned}`);
  const fudge = opts.fudge ?? DEFAULT_FUDGE;
  const error = opts.error ?? 0;
  const otherData = opts.otherData ?? EMPTY;
  const id = msg.readUInt16BE(0);
  const originalId = opts.originalId ?? id;
  for (const [what, v] of [['fudge', fudge], ['error', error], ['originalId', originalId]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`${what} must be 0..65535, got ${v}`);
  }
  if (otherData.length > 0xffff) throw new RangeError('otherData longer than 65535 bytes');
  const keyName = keyWire(key);
  const prior = opts.previousMac ?? opts.requestMac;
  const timersOnly = opts.timersOnly ?? opts.previousMac !== undefined;

  let header = msg.subarray(0, 12);
  if (originalId !== id) {
    header = Buffer.from(header);
    header.writeUInt16BE(originalId, 0);
  }
  const mac = digest(key, prior, header, msg.subarray(12), {
    keyName,
    algorithm: info.wire,
    timeSigned,
    fudge,
    error,
    otherData,
    timersOnly,
  });

  const message = appendTsig(msg, keyName, { algorithm: info.wire, timeSigned, fudge, mac, originalId, error, otherData });
  return { message, mac };
}

interface TsigFields {
  algorithm: Buffer;
  timeSigned: number;
  fudge: number;
  mac: Buffer;
  originalId: number;
  error: number;
  otherData: Buffer;
}

/** `msg` with a TSIG record added at the end of its additional section (RFC 8945 §4.2; names uncompressed). */
function appendTsig(msg: Buffer, keyName: Buffer, f: TsigFields): Buffer {
  const arcount = msg.readUInt16BE(10);
  if (arcount === 0xffff) throw new RangeError('additional section is full');
  // NAME TYPE CLASS TTL RDLENGTH, then Algorithm Name, Time Signed, Fudge, MAC Size, MAC, Original ID, Error,
  // Other Len, Other Data.
  const rdLength = f.algorithm.length + 6 + 2 + 2 + f.mac.length + 2 + 2 + 2 + f.otherData.length;
  const out = Buffer.allocUnsafe(msg.length + keyName.length + 10 + rdLength);
  msg.copy(out, 0);
  out.writeUInt16BE(arcount + 1, 10);
  let o = msg.length;
  o += keyName.copy(out, o);
  out.writeUInt16BE(TSIG_TYPE, o);
  out.writeUInt16BE(CLASS_ANY, o + 2);
  out.writeUInt32BE(0, o + 4);
  out.writeUInt16BE(rdLength, o + 8);
  o += 10;
  o += f.algorithm.copy(out, o);
  o = writeTime(out, o, f.timeSigned);
  out.writeUInt16BE(f.fudge, o);
  out.writeUInt16BE(f.mac.length, o + 2);
  o += 4;
  o += f.mac.copy(out, o);
  out.writeUInt16BE(f.originalId, o);
  out.writeUInt16BE(f.error, o + 2);
  out.writeUInt16BE(f.otherData.length, o + 4);
  o += 6;
  f.otherData.copy(out, o);
  return out;
}

const EMPTY = Buffer.alloc(0);

// ---------------------------------------------------------------------------------------------
// Verifying

export interface VerifyOptions {
  /** Verifying a response: the MAC of our request (RFC 8945 §4.3.1, §5.3). */
  requestMac?: Buffer;
  /** 2nd and later messages of a stream: the MAC of the message before (§5.3.1). */
  previousMac?: Buffer;
  /** Defaults to true exactly when previousMac is given, as in signMessage. */
  timersOnly?: boolean;
  /** Our clock, seconds since the epoch; defaults to now. */
  now?: number;
}

export interface TsigVerified {
  status: 'ok';
  key: TsigKey;
  /** The MAC as received (full length), to sign the response or verify the next message. */
  mac: Buffer;
  /** The message without its TSIG RR: ARCOUNT decremented, the original ID restored. A new buffer. */
  unsigned: Buffer;
  timeSigned: number;
}

export interface TsigFailure {
  status: 'error';
  tsigError: TsigErrorName;
  /** What went wrong, for logs. */
  message: string;
  /** The key name from the TSIG RR (canonical), once the RR could be read. */
  keyName?: string;
  /** The algorithm name from the TSIG RR (canonical, trailing dot), once the RR could be read. */
  algorithm?: string;
  /** The key, when it was found and matched (BADSIG, BADTIME, BADTRUNC): BADTIME/BADTRUNC replies are signed with it. */
  key?: TsigKey;
  /** The MAC as received (unverified for BADSIG). */
  mac?: Buffer;
  timeSigned?: number;
  fudge?: number;
  /** Set when the message is a response whose TSIG reports that the peer rejected our request. */
  peerError?: number;
  /** With a BADTIME peerError: the peer's clock from Other Data (RFC 8945 §5.2.3). */
  peerTime?: number;
}

export type TsigVerifyResult = { status: 'unsigned' } | TsigVerified | TsigFailure;

// Where the TSIG RR sits, found by walking every record (RFC 1035 §4.1).
interface Located {
  start: number;
  rdStart: number;
  rdEnd: number;
  arcount: number;
}

function locate(msg: Buffer): Located | null | string {
  const len = msg.length;
  if (len < 12) return 'message shorter than a header';
  const qd = msg.readUInt16BE(4);
  const an = msg.readUInt16BE(6);
  const ns = msg.readUInt16BE(8);
  const ar = msg.readUInt16BE(10);
  let pos = 12;
  for (let i = 0; i < qd; i++) {
    pos = skipName(msg, pos, len);
    if (pos < 0 || pos + 4 > len) return 'question runs past the end of the message';
    pos += 4;
  }
  const total = an + ns + ar;
  let found: Located | null = null;
  let count = 0;
  for (let i = 0; i < total; i++) {
    const start = pos;
    pos = skipName(msg, pos, len);
    if (pos < 0 || pos + 10 > len) return 'record runs past the end of the message';
    const type = msg.readUInt16BE(pos);
    const rdStart = pos + 10;
    const rdEnd = rdStart + msg.readUInt16BE(pos + 8);
    if (rdEnd > len) return 'rdata runs past the end of the message';
    if (type === TSIG_TYPE) {
      count++;
      found = { start, rdStart, rdEnd, arcount: ar };
      if (i !== total - 1 || i < an + ns) {
        // Keep walking only to tell "two TSIGs" from "one misplaced".
        found = null;
      }
    }
    pos = rdEnd;
  }
  if (count > 1) return `${count} TSIG records; there may be only one (RFC 8945 §5.1)`;
  if (count === 1 && !found) return 'TSIG record is not the last record of the additional section (RFC 8945 §5.1)';
  if (found && pos !== len) return 'trailing bytes after the TSIG record';
  return found;
}

function tsigErrorName(code: number): TsigErrorName {
  switch (code) {
    case TSIG_RCODE.BADSIG:
      return 'BADSIG';
    case TSIG_RCODE.BADKEY:
      return 'BADKEY';
    case TSIG_RCODE.BADTIME:
      return 'BADTIME';
    case TSIG_RCODE.BADTRUNC:
      return 'BADTRUNC';
    default:
      return 'FORMERR';
  }
}

function rcodeText(code: number): string {
  const n = tsigErrorName(code);
  return n === 'FORMERR' ? `error ${code}` : n;
}

/**
 * Checks the TSIG of an encoded message. `keys` maps a canonical key name to our key.
 * Never throws for anything in `msg`. A message without TSIG is `unsigned` (whether that is
 * acceptable is the caller's policy). A response whose TSIG reports an error (unsigned BADKEY/
 * BADSIG, or signed BADTIME) comes back as a failure with `peerError` set; an unsigned one is
 * unauthenticated and must only ever be treated as a failure.
 */
export function verifyMessage(msg: Buffer, keys: (name: string) => TsigKey | undefined, opts: VerifyOptions = {}): TsigVerifyResult {
  const where = locate(msg);
  if (where === null) return { status: 'unsigned' };
  if (typeof where === 'string') return { status: 'error', tsigError: 'FORMERR', message: where };

  // Parse the RR (RFC 8945 §4.2).
  let keyName: ReadName;
  let algorithm: ReadName;
  try {
    keyName = wireToText(msg, where.start, where.rdStart);
    algorithm = wireToText(msg, where.rdStart, where.rdEnd);
  } catch (err) {
    return { status: 'error', tsigError: 'FORMERR', message: `TSIG record: ${(err as Error).message}` };
  }
  const base = { keyName: keyName.text, algorithm: algorithm.text };
  const typeAt = keyName.end;
  // RFC 8945 §4.2: class ANY, TTL 0. Neither is digested as sent, so anything else is refused
  // rather than silently accepted.
  if (msg.readUInt16BE(typeAt + 2) !== CLASS_ANY || msg.readUInt32BE(typeAt + 4) !== 0) {
    return { status: 'error', tsigError: 'FORMERR', ...base, message: 'TSIG record must have class ANY and TTL 0 (RFC 8945 §4.2)' };
  }
  let o = algorithm.end;
  if (o + 10 > where.rdEnd) return { status: 'error', tsigError: 'FORMERR', ...base, message: 'TSIG rdata too short' };
  const timeSigned = readTime(msg, o);
  const fudge = msg.readUInt16BE(o + 6);
  const macSize = msg.readUInt16BE(o + 8);
  o += 10;
  if (o + macSize + 6 > where.rdEnd) return { status: 'error', tsigError: 'FORMERR', ...base, message: 'TSIG MAC runs past its rdata' };
  const mac = msg.subarray(o, o + macSize);
  o += macSize;
  const originalId = msg.readUInt16BE(o);
  const error = msg.readUInt16BE(o + 2);
  const otherLen = msg.readUInt16BE(o + 4);
  o += 6;
  if (o + otherLen !== where.rdEnd) return { status: 'error', tsigError: 'FORMERR', ...base, message: 'TSIG other data does not match its rdata length' };
  const otherData = msg.subarray(o, o + otherLen);
  const seen = { ...base, mac, timeSigned, fudge };

  // RFC 8945 §5.3.2: a server that could not use our key or MAC answers with an unsigned TSIG.
  if (opts.requestMac !== undefined && macSize === 0 && error !== 0) {
    return { status: 'error', tsigError: tsigErrorName(error), ...seen, peerError: error, message: `peer rejected our TSIG: ${rcodeText(error)} (unsigned reply)` };
  }

  // §5.2.1: the key must be known, with the same algorithm.
  const key = keys(keyName.text);
  if (!key) return { status: 'error', tsigError: 'BADKEY', ...seen, message: `unknown TSIG key ${keyName.text}` };
  const info = ALGORITHMS[key.algorithm];
  if (!info || !info.wire.equals(algorithm.wire)) {
    return { status: 'error', tsigError: 'BADKEY', ...seen, message: `TSIG key ${keyName.text} is ${info?.text ?? String(key.algorithm)}, not ${algorithm.text}` };
  }

  // §5.2.2.1: a MAC longer than the hash, or shorter than 10 bytes or half the hash, is malformed.
  if (macSize > info.size || macSize < Math.max(10, Math.ceil(info.size / 2))) {
    return { status: 'error', tsigError: 'FORMERR', ...seen, key, message: `TSIG MAC of ${macSize} bytes is not allowed for ${algorithm.text} (RFC 8945 §5.2.2.1)` };
  }

  // §5.2.2: the digest covers the message as it was before the TSIG was added: ARCOUNT one
  // less and the original ID (§4.3.2).
  const unsigned = Buffer.allocUnsafe(where.start);
  msg.copy(unsigned, 0, 0, where.start);
  unsigned.writeUInt16BE(originalId, 0);
  unsigned.writeUInt16BE(where.arcount - 1, 10);
  const expected = digest(key, opts.previousMac ?? opts.requestMac, unsigned.subarray(0, 12), unsigned.subarray(12), {
    keyName: keyName.wire,
    algorithm: info.wire,
    timeSigned,
    fudge,
    error,
    otherData,
    timersOnly: opts.timersOnly ?? opts.previousMac !== undefined,
  });
  if (!timingSafeEqual(expected.subarray(0, macSize), mac)) {
    return { status: 'error', tsigError: 'BADSIG', ...seen, key, message: `TSIG MAC does not verify with key ${keyName.text}` };
  }

  // §5.2.3: only an authenticated message can be refused for its time.
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timeSigned) > fudge) {
    return { status: 'error', tsigError: 'BADTIME', ...seen, key, message: `TSIG time ${timeSigned} is ${now - timeSigned}s from ours, fudge ${fudge}` };
  }

  // §5.2.4: our policy is the full MAC.
  if (macSize < info.size) {
    return { status: 'error', tsigError: 'BADTRUNC', ...seen, key, message: `TSIG MAC truncated to ${macSize} of ${info.size} bytes` };
  }

  // A signed error reply (§5.3.2), e.g. BADTIME with the peer's clock in Other Data.
  if (error !== 0) {
    const failure: TsigFailure = { status: 'error', tsigError: tsigErrorName(error), ...seen, key, peerError: error, message: `peer reported TSIG ${rcodeText(error)}` };
    if (error === TSIG_RCODE.BADTIME && otherLen === 6) failure.peerTime = readTime(otherData, 0);
    return failure;
  }

  return { status: 'ok', key, mac: Buffer.from(mac), unsigned, timeSigned };
}

// ---------------------------------------------------------------------------------------------
// Error replies

/**
 * What a server sends back for a request that failed verification (RFC 8945 §5.3.2), built
 * from `response` (the encoded reply without TSIG: same ID and question, built with an rcode
 * below 16) and the failure from verifyMessage:
 *
 * - FORMERR: rcode FORMERR, no TSIG.
 * - BADKEY, BADSIG: rcode NOTAUTH and an unsigned TSIG RR (MAC size 0) with the error, the
 *   request's key and algorithm names and its time signed. Never signed: we cannot, or must not.
 * - BADTIME: rcode NOTAUTH and a TSIG signed with the key over the request MAC, with the
 *   request's time signed (so the client's own time check passes) and our clock in Other Data
 *   as a 48-bit number (§5.2.3).
 * - BADTRUNC: rcode NOTAUTH and a TSIG signed with the key over the request MAC.
 *
 * `peerError` failures are a client's business and must not reach this function. Returns a
 * new buffer. Throws RangeError when the failure lacks what the reply needs.
 */
export function appendTsigError(response: Buffer, failure: TsigFailure, opts: { now?: number; fudge?: number } = {}): Buffer {
  if (response.length < 12) throw new RangeError('response shorter than a header');
  const out = Buffer.from(response);
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const fudge = opts.fudge ?? failure.fudge ?? DEFAULT_FUDGE;
  if (failure.tsigError === 'FORMERR') {
    out[3] = (out[3]! & 0xf0) | RCODE_FORMERR;
    return out;
  }
  out[3] = (out[3]! & 0xf0) | RCODE_NOTAUTH;
  const code = TSIG_RCODE[failure.tsigError];
  if (failure.tsigError === 'BADKEY' || failure.tsigError === 'BADSIG') {
    if (failure.keyName === undefined || failure.algorithm === undefined) throw new RangeError(`${failure.tsigError} failure without key and algorithm names`);
    return appendUnsigned(out, nameToWire(failure.keyName), nameToWire(failure.algorithm), failure.timeSigned ?? now, fudge, code);
  }
  if (!failure.key || !failure.mac) throw new RangeError(`${failure.tsigError} failure without the key and request MAC`);
  if (failure.tsigError === 'BADTIME') {
    const other = Buffer.allocUnsafe(6);
    writeTime(other, 0, now);
    return signMessage(out, failure.key, { requestMac: failure.mac, timeSigned: failure.timeSigned ?? now, fudge, error: code, otherData: other }).message;
  }
  return signMessage(out, failure.key, { requestMac: failure.mac, timeSigned: now, fudge, error: code }).message;
}

function appendUnsigned(msg: Buffer, keyName: Buffer, algorithm: Buffer, timeSigned: number, fudge: number, error: number): Buffer {
  const time = Math.min(Math.max(0, Math.floor(timeSigned)), MAX_TIME);
  return appendTsig(msg, keyName, { algorithm, timeSigned: time, fudge, mac: EMPTY, originalId: msg.readUInt16BE(0), error, otherData: EMPTY });
}
