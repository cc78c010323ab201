// One RRSIG over one RRset (RFC 4034 §3, RFC 4035 §5.3.1 for the fields'
// rules): the signed data is the RRSIG rdata without its signature, then the
// RRset's records in canonical form and order (RFC 4034 §3.1.8.1).
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { labelCount } from '../names.ts';
import { formatSigTime, sigTimeField } from '../rdata-dnssec.ts';
import type { RR } from '../types.ts';
import { typeCodeOf } from '../wire.ts';
import { canonicalRdataSet, nameWire } from './canonical.ts';
import { DNSSEC_ALGORITHMS, type SigningPolicy, type ZoneKey } from './types.ts';

const CLASS_IN = 1;

/** RRSIG times as YYYYMMDDHHmmSS in UTC (RFC 4034 §3.2): the record types' own writer. */
export { formatSigTime };

/** Unix seconds of an RRSIG time field (YYYYMMDDHHmmSS UTC, or plain seconds as RFC 4034 §3.2 also allows). */
export function parseSigTime(text: string): number {
  return sigTimeField(text, 'RRSIG time');
}

/** The fields of RRSIG content this library reads back (RFC 4034 §3.2). */
export interface RrsigFields {
  typeCovered: string;
  algorithm: number;
  labels: number;
  originalTtl: number;
  expiration: number;
  inception: number;
  keyTag: number;
  signer: string;
}

export function parseRrsig(content: string): RrsigFields {
  const f = content.trim().split(/\s+/);
  if (f.length < 9) throw new Error(`RRSIG content has too few fields: "${content}"`);
  return {
    typeCovered: f[0]!.toUpperCase(),
    algorithm: Number(f[1]),
    labels: Number(f[2]),
    originalTtl: Number(f[3]),
    expiration: parseSigTime(f[4]!),
    inception: parseSigTime(f[5]!),
    keyTag: Number(f[6]),
    signer: f[7]!.toLowerCase(),
  };
}

// A key's PEM is parsed once per ZoneKey object, not once per signature (a zone signing
// makes thousands with two keys). Held weakly: the parsed private key lives only as long as
// the caller keeps the ZoneKey for the signing at hand.
const parsedKeys = new WeakMap<ZoneKey, KeyObject>();
function privateKey(key: ZoneKey): KeyObject {
  let k = parsedKeys.get(key);
  if (!k) {
    k = createPrivateKey(key.privateKeyPem);
    parsedKeys.set(key, k);
  }
  return k;
}

/**
 * The RRSIG of `rrset` (records of one owner and type; the first one's TTL is the RRset's)
 * made with `key` for zone `zone` at `now` (unix seconds), valid from
 * now − policy.inceptionOffsetSeconds until now + policy.validitySeconds.
 * The labels field leaves out a leading wildcard label (RFC 4034 §3.1.3); the original
 * TTL and the RRSIG's own TTL are the RRset's (RFC 4034 §3, §3.1.4).
 */
export function signRRset(zone: string, rrset: readonly RR[], key: ZoneKey, policy: SigningPolicy, now: number): RR {
  if (rrset.length === 0) throw new Error('cannot sign an empty RRset');
  const owner = rrset[0]!.name.toLowerCase();
  const type = rrset[0]!.type.toUpperCase();
  const ttl = rrset[0]!.ttl;
  for (const r of rrset) {
    if (r.name.toLowerCase() !== owner || r.type.toUpperCase() !== type) {
      throw new Error(`an RRset holds one owner and type: ${r.name} ${r.type} is not ${owner} ${type}`);
    }
  }
  const labels = labelCount(owner) - (owner.startsWith('*.') ? 1 : 0);
  const inception = Math.floor(now) - policy.inceptionOffsetSeconds;
  const expiration = Math.floor(now) + policy.validitySeconds;
  const signer = zone.toLowerCase();

  const head = Buffer.alloc(18);
  head.writeUInt16BE(typeCodeOf(type), 0);
  head[2] = key.algorithm;
  head[3] = labels;
  head.writeUInt32BE(ttl, 4);
  head.writeUInt32BE(expiration >>> 0, 8);
  head.writeUInt32BE(inception >>> 0, 12);
  head.writeUInt16BE(key.keyTag, 16);
  const parts: Buffer[] = [head, nameWire(signer)];

  const ownerWire = nameWire(owner);
  const fixed = Buffer.alloc(8);
  fixed.writeUInt16BE(typeCodeOf(type), 0);
  fixed.writeUInt16BE(CLASS_IN, 2);
  fixed.writeUInt32BE(ttl, 4);
  for (const rdata of canonicalRdataSet(type, rrset.map((r) => r.content))) {
    const len = Buffer.alloc(2);
    len.writeUInt16BE(rdata.length, 0);
    parts.push(ownerWire, fixed, len, rdata);
  }
  const data = Buffer.concat(parts);
  const signature =
    key.algorithm === DNSSEC_ALGORITHMS.ed25519
      ? sign(null, data, privateKey(key)) // RFC 8080 §4: PureEdDSA over the data
      : sign('sha256', data, { key: privateKey(key), dsaEncoding: 'ieee-p1363' }); // RFC 6605 §4: r || s

  const content = [
    type,
    key.algorithm,
    labels,
    ttl,
    formatSigTime(expiration),
    formatSigTime(inception),
    key.keyTag,
    signer,
    signature.toString('base64'),
  ].join(' ');
  return { name: owner, type: 'RRSIG', ttl, content };
}
