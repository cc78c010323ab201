// The shared contract of DNSSEC in Zonekeeper: which types the signer owns, the
// keys it signs with, and the policy it signs by. Pure data; no I/O.
//
// Presentation forms (what Record.content holds for these types, canonical, as
// normalizeContent writes them; the same as BIND's `dig +nosplit` output):
//   DNSKEY / CDNSKEY  "257 3 13 <base64, no spaces>"
//   DS / CDS          "12345 13 2 <HEX, upper case>"            (RFC 4034 §5.3)
//   RRSIG             "A 13 2 300 20261220000000 20261206000000 12345 zone.test. <base64>"
//                     (covered type, algorithm, labels, original TTL, expiration,
//                     inception as YYYYMMDDHHmmSS UTC, key tag, signer, signature; RFC 4034 §3.2)
//   NSEC              "next.zone.test. A NS SOA RRSIG NSEC DNSKEY" (types in numeric order; RFC 4034 §4.2)
//   NSEC3             "1 0 0 - <NEXT HASH, base32hex upper case> A RRSIG" (RFC 5155 §3.3; "-" = no salt)
//   NSEC3PARAM        "1 0 0 -"                                  (RFC 5155 §4.3)
// NSEC3 owner names are "<hash in base32hex lower case>.zone.test." like every stored name (lower case).

/** DNSSEC algorithm numbers we sign with (RFC 8624 §3.1: both MUST/RECOMMENDED for signing). */
export const DNSSEC_ALGORITHMS = { ecdsap256sha256: 13, ed25519: 15 } as const;
export type DnssecAlgorithmName = keyof typeof DNSSEC_ALGORITHMS;
export type DnssecAlgorithm = (typeof DNSSEC_ALGORITHMS)[DnssecAlgorithmName];

/** "ECDSAP256SHA256 (13)" for a page or the terminal. */
export function algorithmLabel(n: number): string {
  const name = Object.entries(DNSSEC_ALGORITHMS).find(([, v]) => v === n)?.[0];
  return name ? `${name.toUpperCase()} (${n})` : `algorithm ${n}`;
}

/** Authenticated denial of existence: NSEC (RFC 4034) or NSEC3 (RFC 5155, with RFC 9276's parameters). */
export type Denial = 'nsec' | 'nsec3';

/**
 * Types the signer writes and nobody else may in a zone we sign: a person, the API or an
 * UPDATE that tries gets an error naming the signer. A secondary zone stores them as its
 * primary sent them. DS is not here: it is delegation data the zone's owner writes.
 */
export const SIGNER_TYPES = ['DNSKEY', 'RRSIG', 'NSEC', 'NSEC3', 'NSEC3PARAM', 'CDS', 'CDNSKEY'] as const;
export type SignerType = (typeof SIGNER_TYPES)[number];

export function isSignerType(type: string): type is SignerType {
  return (SIGNER_TYPES as readonly string[]).includes(type);
}

/**
 * One key of a zone as the signer uses it. Zones get a KSK/ZSK pair: the ZSK rolls by
 * itself (pre-publication, RFC 6781 §4.1.1.1) with no step at the parent, and the KSK,
 * whose DS the parent holds, rolls only when an operator starts it.
 */
export interface ZoneKey {
  role: 'ksk' | 'zsk';
  /** DNSKEY rdata in presentation form ("257 3 13 …" for a KSK, "256 3 13 …" for a ZSK). */
  dnskey: string;
  keyTag: number;
  algorithm: DnssecAlgorithm;
  /** PKCS#8 private key, PEM; only ever in memory, decrypted for the signing at hand. */
  privateKeyPem: string;
  /** In the DNSKEY RRset. */
  published: boolean;
  /** Makes signatures: a ZSK signs every authoritative RRset but DNSKEY, CDS and CDNSKEY; a KSK signs those three. */
  active: boolean;
  /** A KSK whose DS the parent should hold: published as CDS and CDNSKEY (RFC 7344). */
  atParent: boolean;
}

export interface SigningPolicy {
  denial: Denial;
  /** Signatures are valid from `now - inceptionOffsetSeconds` (clock skew at validators). */
  inceptionOffsetSeconds: number;
  /** … until `now + validitySeconds`. */
  validitySeconds: number;
  /** Signatures expiring within this many seconds of now are made again. */
  refreshSeconds: number;
  /** TTL of DNSKEY, CDS, CDNSKEY and NSEC3PARAM; NSEC/NSEC3 take the SOA's negative TTL (RFC 4034 §4, RFC 9077). */
  keyTtl: number;
}

export const DEFAULT_SIGNING_POLICY: SigningPolicy = {
  denial: 'nsec3',
  inceptionOffsetSeconds: 3600,
  validitySeconds: 14 * 86_400,
  refreshSeconds: 7 * 86_400,
  keyTtl: 3600,
};
