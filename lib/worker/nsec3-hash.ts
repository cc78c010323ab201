// The NSEC3 hash of a name (RFC 5155 §5), for the answer path's denial proofs.
// A small copy for the worker until the signer's lib/dns/dnssec/nsec3.ts is
// merged; the two are to be folded into one.
import { createHash } from 'node:crypto';
import { nameToWire } from '../dns/wire';

/** RFC 5155 §11: hash algorithm 1, SHA-1. */
export const NSEC3_SHA1 = 1;

const WIRE = Buffer.allocUnsafe(256);

/**
 * IH(salt, name, iterations) of RFC 5155 §5: SHA-1 over the name in canonical wire form
 * (lowercase, uncompressed, RFC 4034 §6.2) and the salt, then `iterations` more times over the
 * digest and the salt. `name` is absolute, in presentation form.
 */
export function nsec3Hash(name: string, salt: Buffer, iterations: number): Buffer {
  const end = nameToWire(name, WIRE, 0);
  // RFC 4343: only ASCII letters fold.
  for (let i = 0; i < end; i++) {
    const c = WIRE[i]!;
    if (c >= 65 && c <= 90) WIRE[i] = c + 32;
  }
  let digest = createHash('sha1').update(WIRE.subarray(0, end)).update(salt).digest();
  for (let i = 0; i < iterations; i++) digest = createHash('sha1').update(digest).update(salt).digest();
  return digest;
}

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/**
 * `bytes` in base32hex without padding (RFC 4648 §7), lower case as our owner names are. Its
 * order is the order of the bytes, which is why NSEC3 uses it (RFC 5155 §3.3).
 */
export function base32hex(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32HEX[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32HEX[(value << (5 - bits)) & 31];
  return out;
}
