// NSEC3 names (RFC 5155 §5): the iterated SHA-1 hash of an owner name in
// base32hex. Zonekeeper signs with RFC 9276's parameters: no salt, no extra
// iterations, no opt-out.
import { createHash } from 'node:crypto';
import { toBase32Hex } from '../rdata-dnssec.ts';
import { nameToWire } from '../wire.ts';

/** RFC 5155 §11: hash algorithm 1 is SHA-1, the only one defined. */
export const NSEC3_HASH_SHA1 = 1;

/** The chain's parameters: RFC 9276 §3.1 (iterations 0, no salt) and flags 0 (no opt-out, §3.2). */
export const NSEC3_ITERATIONS = 0;
export const NSEC3_SALT = '';

/** NSEC3PARAM content at the apex (RFC 5155 §4.3: its flags field is 0). */
export const NSEC3PARAM_CONTENT = `${NSEC3_HASH_SHA1} 0 ${NSEC3_ITERATIONS} -`;

/** Base32 with the extended hex alphabet (RFC 4648 §7), lower case, no padding (RFC 5155 §1.3). */
export function base32hex(bytes: Uint8Array): string {
  return toBase32Hex(bytes).toLowerCase();
}

const WIRE = Buffer.allocUnsafe(256);

/**
 * IH(salt, name, iterations) of RFC 5155 §5 as bytes: SHA-1 over the name in canonical
 * wire form (lower case, uncompressed, RFC 4034 §6.2) and the salt, then `iterations` more
 * times over the digest and the salt. The worker hashes once per denial proof, so the
 * name is written into one scratch buffer rather than a new one each time.
 */
export function nsec3Digest(name: string, salt: Buffer, iterations: number): Buffer {
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

/** The NSEC3 hash of `name` in base32hex, lower case as owner names are stored (salt in hex). */
export function nsec3Hash(name: string, saltHex: string = NSEC3_SALT, iterations: number = NSEC3_ITERATIONS): string {
  return base32hex(nsec3Digest(name, Buffer.from(saltHex, 'hex'), iterations));
}

/** The owner of the NSEC3 record for `name` in `zone`: the hash as the leftmost label (RFC 5155 §3). */
export function nsec3Owner(name: string, zone: string): string {
  return `${nsec3Hash(name)}.${zone}`;
}

/** The hash label of an NSEC3 owner name. */
export function hashOf(nsec3OwnerName: string): string {
  return nsec3OwnerName.slice(0, nsec3OwnerName.indexOf('.'));
}

/** NSEC3 content with our parameters: "1 0 0 - NEXTHASH types" (next hash in upper case, RFC 5155 §3.3). */
export function nsec3Content(nextHash: string, types: readonly string[]): string {
  return [`${NSEC3_HASH_SHA1} 0 ${NSEC3_ITERATIONS} -`, nextHash.toUpperCase(), ...types].join(' ');
}

/** The next hash and types of NSEC3 content. */
export function parseNsec3(content: string): { nextHash: string; types: string[] } {
  const f = content.trim().split(/\s+/);
  if (f.length < 5) throw new Error(`NSEC3 content has too few fields: "${content}"`);
  return { nextHash: f[4]!.toLowerCase(), types: f.slice(5) };
}
