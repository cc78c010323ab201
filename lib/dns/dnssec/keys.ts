// A zone's signing keys as DNS sees them: making a key pair, its DNSKEY rdata,
// its key tag and the DS / CDS / CDNSKEY records that point the parent at it.
// node:crypto only; the private half leaves here as PKCS#8 PEM for the caller
// to store encrypted.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { canonicalName } from '../names.ts';
import { nameToWire } from '../wire.ts';
import { DNSSEC_ALGORITHMS, type DnssecAlgorithm, type DnssecAlgorithmName, type ZoneKey } from './types.ts';

/** DNSKEY flags (RFC 4034 §2.1.1): Zone Key (bit 7) for both, plus Secure Entry Point (bit 15) for a KSK. */
export const ZSK_FLAGS = 256;
export const KSK_FLAGS = 257;
/** RFC 4034 §2.1.2: the protocol field is always 3. */
const PROTOCOL = 3;

/** The parent should remove the zone's DS RRset (RFC 8078 §4): the delete forms of CDS and CDNSKEY. */
export const CDS_DELETE = '0 0 0 00';
export const CDNSKEY_DELETE = '0 3 0 AA==';

/**
 * A new key pair for `role`, in the zone's DNSKEY form, not yet published nor active: the
 * caller decides when it enters the DNSKEY RRset and starts signing (RFC 6781 §4.1).
 */
export function generateZoneKey(role: ZoneKey['role'], algorithmName: DnssecAlgorithmName): ZoneKey {
  const algorithm = algorithmNumber(algorithmName);
  const { publicKey, privateKey } =
    algorithm === DNSSEC_ALGORITHMS.ed25519
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const dnskey = `${role === 'ksk' ? KSK_FLAGS : ZSK_FLAGS} ${PROTOCOL} ${algorithm} ${publicKeyField(publicKey, algorithm).toString('base64')}`;
  return {
    role,
    dnskey,
    keyTag: keyTag(dnskey),
    algorithm,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    published: false,
    active: false,
    atParent: false,
  };
}

/**
 * The keys of a zone signed for the first time: a KSK and a ZSK, both published and
 * signing at once (there is nothing to roll from), the KSK announced to the parent.
 */
export function firstSigningKeys(algorithmName: DnssecAlgorithmName): ZoneKey[] {
  return [
    { ...generateZoneKey('ksk', algorithmName), published: true, active: true, atParent: true },
    { ...generateZoneKey('zsk', algorithmName), published: true, active: true },
  ];
}

/** The number of an algorithm name from outside (a CLI flag, a form); throws for one we do not sign with. */
export function algorithmNumber(name: string): DnssecAlgorithm {
  if (!Object.hasOwn(DNSSEC_ALGORITHMS, name)) {
    throw new Error(`unsupported DNSSEC algorithm "${name}" (use ${Object.keys(DNSSEC_ALGORITHMS).join(' or ')})`);
  }
  return DNSSEC_ALGORITHMS[name as DnssecAlgorithmName];
}

/**
 * The ZoneKey of an existing private key (PKCS#8 PEM, as generateZoneKey writes it; an
 * imported key, say), not yet published nor active. Throws when the key is not of the
 * algorithm named.
 */
export function zoneKeyFromPrivateKey(role: ZoneKey['role'], algorithmName: DnssecAlgorithmName, privateKeyPem: string): ZoneKey {
  const algorithm = algorithmNumber(algorithmName);
  const priv = createPrivateKey(privateKeyPem);
  const ok =
    algorithm === DNSSEC_ALGORITHMS.ed25519
      ? priv.asymmetricKeyType === 'ed25519'
      : priv.asymmetricKeyType === 'ec' && priv.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  if (!ok) throw new Error(`the private key is not an ${algorithmName} key`);
  const dnskey = `${role === 'ksk' ? KSK_FLAGS : ZSK_FLAGS} ${PROTOCOL} ${algorithm} ${publicKeyField(createPublicKey(priv), algorithm).toString('base64')}`;
  return { role, dnskey, keyTag: keyTag(dnskey), algorithm, privateKeyPem, published: false, active: false, atParent: false };
}

/**
 * The public key field of DNSKEY rdata: for ECDSA P-256 the point's x and y, 32 bytes each,
 * without the uncompressed-point prefix (RFC 6605 §4); for Ed25519 the 32-byte key (RFC 8080 §3).
 */
function publicKeyField(key: KeyObject, algorithm: DnssecAlgorithm): Buffer {
  const jwk = key.export({ format: 'jwk' });
  const x = Buffer.from(jwk.x ?? '', 'base64url');
  if (algorithm === DNSSEC_ALGORITHMS.ed25519) return x;
  return Buffer.concat([x, Buffer.from(jwk.y ?? '', 'base64url')]);
}

/** The fields of DNSKEY / CDNSKEY content ("flags protocol algorithm base64"). */
export interface DnskeyFields {
  flags: number;
  protocol: number;
  algorithm: number;
  publicKey: Buffer;
}

/** Reads DNSKEY content; throws for anything that is not "flags protocol algorithm base64". */
export function parseDnskey(content: string): DnskeyFields {
  const [flags, protocol, algorithm, ...key] = content.trim().split(/\s+/);
  const num = (s: string | undefined, max: number) => (s !== undefined && /^\d+$/.test(s) && Number(s) <= max ? Number(s) : -1);
  const f = { flags: num(flags, 65535), protocol: num(protocol, 255), algorithm: num(algorithm, 255) };
  const b64 = key.join('');
  if (f.flags < 0 || f.protocol < 0 || f.algorithm < 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) {
    throw new Error(`DNSKEY content must be "flags protocol algorithm base64-key", got "${content}"`);
  }
  return { ...f, publicKey: Buffer.from(b64, 'base64') };
}

/** DNSKEY rdata in wire form (RFC 4034 §2.1). */
export function dnskeyRdata(content: string): Buffer {
  const f = parseDnskey(content);
  const out = Buffer.alloc(4 + f.publicKey.length);
  out.writeUInt16BE(f.flags, 0);
  out[2] = f.protocol;
  out[3] = f.algorithm;
  f.publicKey.copy(out, 4);
  return out;
}

/** The key tag of DNSKEY content: RFC 4034 Appendix B's checksum over the rdata (algorithm 1 is not ours). */
export function keyTag(dnskeyContent: string): number {
  const rdata = dnskeyRdata(dnskeyContent);
  let acc = 0;
  for (let i = 0; i < rdata.length; i++) acc += i & 1 ? rdata[i]! : rdata[i]! << 8;
  acc += (acc >> 16) & 0xffff;
  return acc & 0xffff;
}

/** Digest types we make (RFC 8624 §3.3: SHA-256 MUST; SHA-384 MAY). */
const DIGESTS: Readonly<Record<number, string>> = { 2: 'sha256', 4: 'sha384' };

/**
 * DS (or CDS) content for the DNSKEY `dnskeyContent` of zone `owner`: key tag, algorithm,
 * digest type and the digest over owner name (canonical wire form) and DNSKEY rdata
 * (RFC 4034 §5.1.4; SHA-256 per RFC 4509), hex in upper case as the DS presentation.
 */
export function dsContent(owner: string, dnskeyContent: string, digestType = 2): string {
  const algo = DIGESTS[digestType];
  if (!algo) throw new Error(`unsupported DS digest type ${digestType} (2 = SHA-256, 4 = SHA-384)`);
  const name = Buffer.alloc(255);
  const end = nameToWire(canonicalName(owner), name, 0);
  const rdata = dnskeyRdata(dnskeyContent);
  const digest = createHash(algo).update(name.subarray(0, end)).update(rdata).digest('hex').toUpperCase();
  return `${keyTag(dnskeyContent)} ${parseDnskey(dnskeyContent).algorithm} ${digestType} ${digest}`;
}

/** CDNSKEY content for a key (RFC 7344 §3.2): the DNSKEY rdata itself, written the same way. */
export function cdnskeyContent(dnskeyContent: string): string {
  const f = parseDnskey(dnskeyContent);
  return `${f.flags} ${f.protocol} ${f.algorithm} ${f.publicKey.toString('base64')}`;
}
