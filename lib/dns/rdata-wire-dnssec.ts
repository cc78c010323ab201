// The direct writer of DNSSEC record data for rdata-wire.ts: canonical content of the signer's
// types (and DS) straight to rdata. A signed zone holds mostly RRSIG and NSEC/NSEC3, so loading
// one must not go through an object per record. Each writer returns -1 when `s` is not in the
// exact canonical shape (the general path then decides and says what is wrong).
import {
  base32HexField,
  base64Field,
  checkDigestSize,
  checkKeySize,
  checkSignatureSize,
  MAX_U32,
  sigTimeField,
  typeBitmap,
  typeField,
} from './rdata-dnssec.ts';
import { nameToWire } from './wire.ts';

/** Writes the rdata of `s` (canonical content of `type`) at `out[at]`; returns where it ends, or -1. */
export function writeDnssecRdata(type: string, s: string, out: Buffer, at: number): number {
  try {
    const f = s.split(' ');
    switch (type) {
      case 'DNSKEY':
      case 'CDNSKEY':
        return dnskey(f, out, at);
      case 'DS':
      case 'CDS':
        return ds(f, out, at);
      case 'RRSIG':
        return rrsig(f, out, at);
      case 'NSEC':
        return nsec(f, out, at);
      case 'NSEC3':
        return nsec3(f, out, at);
      case 'NSEC3PARAM':
        return nsec3param(f, out, at);
      default:
        return -1;
    }
  } catch {
    // A field the general path would refuse: let it say why.
    return -1;
  }
}

const DIGITS = /^(0|[1-9]\d{0,9})$/;
function num(s: string | undefined, max: number): number {
  if (s === undefined || !DIGITS.test(s) || Number(s) > max) throw new Error('not canonical');
  return Number(s);
}

function bytesAt(out: Buffer, at: number, b: Uint8Array): number {
  out.set(b, at);
  return at + b.length;
}

function dnskey(f: string[], out: Buffer, at: number): number {
  if (f.length !== 4 || f[1] !== '3') return -1;
  out.writeUInt16BE(num(f[0], 0xffff), at);
  out[at + 2] = 3;
  out[at + 3] = num(f[2], 255);
  const key = base64Field([f[3]!], 'key');
  checkKeySize(out[at + 3]!, key, 'key');
  return bytesAt(out, at + 4, key);
}

function ds(f: string[], out: Buffer, at: number): number {
  if (f.length !== 4 || !/^(?:[0-9A-F]{2})+$/.test(f[3]!)) return -1;
  out.writeUInt16BE(num(f[0], 0xffff), at);
  out[at + 2] = num(f[1], 255);
  out[at + 3] = num(f[2], 255);
  const end = at + 4 + out.write(f[3]!, at + 4, 'hex');
  checkDigestSize(out[at + 3]!, out.subarray(at + 4, end), 'digest');
  return end;
}

function rrsig(f: string[], out: Buffer, at: number): number {
  // Names lowercase, times as dates: normalizeContent's shape.
  if (f.length !== 9 || !/^\d{14}$/.test(f[4]!) || !/^\d{14}$/.test(f[5]!) || /[A-Z]/.test(f[7]!)) return -1;
  out.writeUInt16BE(typeField(f[0]!, 'type'), at);
  out[at + 2] = num(f[1], 255);
  out[at + 3] = num(f[2], 255);
  out.writeUInt32BE(num(f[3], MAX_U32), at + 4);
  out.writeUInt32BE(sigTimeField(f[4]!, 'expiration'), at + 8);
  out.writeUInt32BE(sigTimeField(f[5]!, 'inception'), at + 12);
  out.writeUInt16BE(num(f[6], 0xffff), at + 16);
  const p = nameToWire(f[7]!, out, at + 18);
  const sig = base64Field([f[8]!], 'signature');
  checkSignatureSize(out[at + 2]!, sig, 'signature');
  return bytesAt(out, p, sig);
}

function bitmapAt(types: readonly string[], out: Buffer, at: number): number {
  const codes = types.map((t) => typeField(t, 'type'));
  for (let i = 1; i < codes.length; i++) if (codes[i]! <= codes[i - 1]!) throw new Error('not canonical');
  return bytesAt(out, at, typeBitmap(codes));
}

function nsec(f: string[], out: Buffer, at: number): number {
  if (f.length < 1 || !f[0]!.endsWith('.') || /[A-Z]/.test(f[0]!)) return -1;
  const p = nameToWire(f[0]!, out, at);
  return bitmapAt(f.slice(1), out, p);
}

function saltAt(salt: string | undefined, out: Buffer, at: number): number {
  if (salt === '-') {
    out[at] = 0;
    return at + 1;
  }
  if (salt === undefined || !/^(?:[0-9A-F]{2}){1,255}$/.test(salt)) throw new Error('not canonical');
  out[at] = salt.length / 2;
  return at + 1 + out.write(salt, at + 1, 'hex');
}

function nsec3(f: string[], out: Buffer, at: number): number {
  if (f.length < 5 || f[4] !== f[4]!.toUpperCase()) return -1;
  out[at] = num(f[0], 255);
  out[at + 1] = num(f[1], 255);
  out.writeUInt16BE(num(f[2], 0xffff), at + 2);
  let p = saltAt(f[3], out, at + 4);
  const hash = base32HexField(f[4]!, 'hash');
  if (hash.length === 0 || hash.length > 255) return -1;
  out[p] = hash.length;
  p = bytesAt(out, p + 1, hash);
  return bitmapAt(f.slice(5), out, p);
}

function nsec3param(f: string[], out: Buffer, at: number): number {
  if (f.length !== 4) return -1;
  out[at] = num(f[0], 255);
  out[at + 1] = num(f[1], 255);
  out.writeUInt16BE(num(f[2], 0xffff), at + 2);
  return saltAt(f[3], out, at + 4);
}
