import { describe, expect, it } from 'vitest';
import { compareCanonical, canonicalRdataSet } from './canonical';
import { generateZoneKey } from './keys';
import { base32hex, nsec3Hash } from './nsec3';
import { formatSigTime, parseRrsig, parseSigTime, signRRset } from './sign';
import { DEFAULT_SIGNING_POLICY } from './types';

describe('canonical form', () => {
  it('orders names as RFC 4034 §6.1 does', () => {
    // The example list of RFC 4034 §6.1, minus the escaped labels our names cannot hold.
    const sorted = ['example.', 'a.example.', 'yljkjljk.a.example.', 'z.a.example.', 'zabc.a.example.', 'z.example.', '*.z.example.'];
    expect([...sorted].reverse().sort(compareCanonical)).toEqual(sorted);
    expect(compareCanonical('A.example.', 'a.example.')).toBe(0);
  });

  it('orders an RRset by rdata octets and drops duplicates (RFC 4034 §6.3)', () => {
    const set = canonicalRdataSet('A', ['192.0.2.10', '192.0.2.9', '192.0.2.10']);
    expect(set.map((b) => b.toString('hex'))).toEqual(['c0000209', 'c000020a']);
  });
});

describe('NSEC3 hash', () => {
  it('matches RFC 5155 Appendix A (salt aabbccdd, 12 iterations)', () => {
    expect(nsec3Hash('example.', 'aabbccdd', 12)).toBe('0p9mhaveqvm6t7vbl5lop2u3t2rp3tom');
    expect(nsec3Hash('a.example.', 'aabbccdd', 12)).toBe('35mthgpgcu1qg68fab165klnsnk3dpvl');
    expect(nsec3Hash('*.w.example.', 'aabbccdd', 12)).toBe('r53bq7cc2uvmubfu5ocmm6pers9tk9en');
    // Case does not matter (RFC 4034 §6.2); checked with BIND's nsec3hash.
    expect(nsec3Hash('X.W.EXAMPLE.', 'aabbccdd', 12)).toBe('b4um86eghhds6nea196smvmlo4ors995');
    expect(nsec3Hash('*.w.example.', 'aabbccdd', 12)).toBe('r53bq7cc2uvmubfu5ocmm6pers9tk9en');
  });

  it('writes base32hex without padding (RFC 4648 §10 test vectors)', () => {
    expect(base32hex(Buffer.from('fooba'))).toBe('cpnmuoj1');
    expect(base32hex(Buffer.from('foobar'))).toBe('cpnmuoj1e8');
    expect(base32hex(Buffer.from('f'))).toBe('co');
  });
});

describe('signRRset', () => {
  const policy = DEFAULT_SIGNING_POLICY;
  const key = { ...generateZoneKey('zsk', 'ed25519'), published: true, active: true };
  const now = 1_800_000_000;

  it('fills the RRSIG fields from the RRset, the key and the policy', () => {
    const sig = signRRset('z.test.', [{ name: 'www.z.test.', type: 'A', ttl: 600, content: '192.0.2.1' }], key, policy, now);
    expect(sig).toMatchObject({ name: 'www.z.test.', type: 'RRSIG', ttl: 600 });
    expect(parseRrsig(sig.content)).toEqual({
      typeCovered: 'A',
      algorithm: 15,
      labels: 3,
      originalTtl: 600,
      expiration: now + policy.validitySeconds,
      inception: now - policy.inceptionOffsetSeconds,
      keyTag: key.keyTag,
      signer: 'z.test.',
    });
  });

  it('leaves a wildcard label out of the labels count (RFC 4034 §3.1.3)', () => {
    const sig = signRRset('z.test.', [{ name: '*.w.z.test.', type: 'TXT', ttl: 60, content: '"x"' }], key, policy, now);
    expect(parseRrsig(sig.content).labels).toBe(3);
  });

  it('refuses a mixed or empty RRset', () => {
    expect(() => signRRset('z.test.', [], key, policy, now)).toThrow(/empty/);
    expect(() =>
      signRRset('z.test.', [{ name: 'a.z.test.', type: 'A', ttl: 60, content: '192.0.2.1' }, { name: 'b.z.test.', type: 'A', ttl: 60, content: '192.0.2.2' }], key, policy, now),
    ).toThrow(/one owner and type/);
  });

  it('writes times as YYYYMMDDHHmmSS UTC and reads them back', () => {
    expect(formatSigTime(1_800_000_000)).toBe('20270115080000');
    expect(parseSigTime('20270115080000')).toBe(1_800_000_000);
  });
});
