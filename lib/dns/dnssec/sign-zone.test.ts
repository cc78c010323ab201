import { describe, expect, it } from 'vitest';
import type { RR } from '../types';
import { requireVerifiers, verifyZone } from '../../testing/zone-verify';
import { dsContent, firstSigningKeys, generateZoneKey } from './keys';
import { nsec3Hash } from './nsec3';
import { signZone } from './sign-zone';
import { DEFAULT_SIGNING_POLICY } from './types';

const tools = requireVerifiers();
const Z = 'z.test.';
const rr = (name: string, type: string, content: string, ttl = 300): RR => ({ name: name === '@' ? Z : `${name}.${Z}`, type, ttl, content });

/** A zone with every shape the signer must get right. */
export const SHAPES: RR[] = [
  rr('@', 'SOA', 'ns1.z.test. hostmaster.z.test. 1 3600 600 86400 300', 3600),
  rr('@', 'NS', 'ns1.z.test.'),
  rr('@', 'MX', '10 mail.z.test.'),
  rr('ns1', 'A', '192.0.2.1'),
  rr('ns1', 'AAAA', '2001:db8::1'),
  rr('mail', 'A', '192.0.2.9'),
  rr('*', 'TXT', '"wild"'),
  rr('*.w', 'A', '192.0.2.2'), // w is an empty non-terminal
  rr('a.b.c', 'A', '192.0.2.3'), // b.c and c are empty non-terminals
  rr('www', 'CNAME', 'ns1.z.test.'),
  rr('sec', 'NS', 'ns.sec.z.test.'), // a secure delegation …
  rr('sec', 'DS', `12345 13 2 ${'AB'.repeat(32)}`),
  rr('ns.sec', 'A', '192.0.2.4'), // … with glue
  rr('insec', 'NS', 'ns.x.insec.z.test.'), // an insecure one, glue two labels down
  rr('ns.x.insec', 'A', '192.0.2.5'),
  rr('txt', 'TXT', '"Mixed Case Text"'),
];

const keyPair = firstSigningKeys;

const now = () => Math.floor(Date.now() / 1000);
const at = (out: RR[], name: string, type: string) => out.filter((r) => r.name === name && r.type === type);
const covered = (out: RR[], name: string) => at(out, name, 'RRSIG').map((r) => r.content.split(' ')[0]).sort();

describe.skipIf(!tools)('signZone, checked by dnssec-verify and ldns-verify-zone', () => {
  for (const alg of ['ecdsap256sha256', 'ed25519'] as const) {
    for (const denial of ['nsec', 'nsec3'] as const) {
      it(`${alg} with ${denial.toUpperCase()}: the signed zone verifies, and a changed record does not`, () => {
        const out = signZone(Z, SHAPES, keyPair(alg), { ...DEFAULT_SIGNING_POLICY, denial }, now());
        const good = verifyZone(tools!, Z, [...SHAPES, ...out]);
        expect(good.bind.output).toContain('Zone fully signed');
        expect(good.bind.ok && good.ldns.ok, good.bind.output + good.ldns.output).toBe(true);

        const tampered = [...SHAPES, ...out].map((r) => (r.name === `mail.${Z}` && r.type === 'A' ? { ...r, content: '192.0.2.99' } : r));
        const bad = verifyZone(tools!, Z, tampered);
        expect(bad.bind.ok).toBe(false);
        expect(bad.ldns.ok).toBe(false);
      });
    }
  }

  it('a zone whose chain lost a record does not verify', () => {
    const out = signZone(Z, SHAPES, keyPair('ed25519'), DEFAULT_SIGNING_POLICY, now());
    const nsec3 = out.filter((r) => r.type === 'NSEC3');
    const cut = out.filter((r) => r !== nsec3[2]);
    const bad = verifyZone(tools!, Z, [...SHAPES, ...cut]);
    expect(bad.bind.ok || bad.ldns.ok).toBe(false);
  });
});

describe('signZone', () => {
  const policy = DEFAULT_SIGNING_POLICY;

  it('signs authoritative RRsets only: DS at a cut yes, NS at a cut and glue no', () => {
    const out = signZone(Z, SHAPES, keyPair('ed25519'), { ...policy, denial: 'nsec' }, now());
    expect(covered(out, Z)).toEqual(['CDNSKEY', 'CDS', 'DNSKEY', 'MX', 'NS', 'NSEC', 'SOA']);
    expect(covered(out, `sec.${Z}`)).toEqual(['DS', 'NSEC']);
    expect(covered(out, `insec.${Z}`)).toEqual(['NSEC']);
    expect(out.filter((r) => r.name === `ns.sec.${Z}` || r.name === `ns.x.insec.${Z}`)).toEqual([]);
    expect(at(out, `sec.${Z}`, 'NSEC')[0]!.content).toBe('txt.z.test. NS DS RRSIG NSEC');
    expect(at(out, `insec.${Z}`, 'NSEC')[0]!.content).toBe('mail.z.test. NS RRSIG NSEC');
    // The KSK signs the key RRsets, the ZSK the rest.
    const [ksk, zsk] = keyPair('ed25519');
    const again = signZone(Z, SHAPES, [ksk!, zsk!], policy, now());
    const tagOf = (type: string) => at(again, Z, 'RRSIG').filter((r) => r.content.startsWith(`${type} `)).map((r) => Number(r.content.split(' ')[6]));
    expect(tagOf('DNSKEY')).toEqual([ksk!.keyTag]);
    expect(tagOf('SOA')).toEqual([zsk!.keyTag]);
  });

  it('orders NSEC by canonical name order, wildcards included, and closes the ring at the apex', () => {
    const out = signZone(Z, SHAPES, keyPair('ed25519'), { ...policy, denial: 'nsec' }, now());
    const chain = new Map(out.filter((r) => r.type === 'NSEC').map((r) => [r.name, r.content.split(' ')[0]]));
    const order = [Z];
    for (let n = chain.get(Z)!; n !== Z; n = chain.get(n)!) order.push(n);
    expect(order).toEqual(['z.test.', '*.z.test.', 'a.b.c.z.test.', 'insec.z.test.', 'mail.z.test.', 'ns1.z.test.', 'sec.z.test.', 'txt.z.test.', '*.w.z.test.', 'www.z.test.']);
  });

  it('puts empty non-terminals and delegations in the NSEC3 chain with the RFC 5155 bitmaps', () => {
    const out = signZone(Z, SHAPES, keyPair('ecdsap256sha256'), policy, now());
    const types = (name: string) => at(out, `${nsec3Hash(name)}.${Z}`, 'NSEC3')[0]?.content.split(' ').slice(5).join(' ');
    expect(types(Z)).toBe('NS SOA MX RRSIG DNSKEY NSEC3PARAM CDS CDNSKEY');
    expect(types(`w.${Z}`)).toBe('');
    expect(types(`b.c.${Z}`)).toBe('');
    expect(types(`c.${Z}`)).toBe('');
    expect(types(`insec.${Z}`)).toBe('NS');
    expect(types(`sec.${Z}`)).toBe('NS DS RRSIG');
    expect(types(`x.insec.${Z}`)).toBeUndefined();
    expect(types(`ns.sec.${Z}`)).toBeUndefined();
    expect(at(out, Z, 'NSEC3PARAM')[0]).toEqual({ name: Z, type: 'NSEC3PARAM', ttl: 3600, content: '1 0 0 -' });
    // 10 authoritative names and 3 empty non-terminals.
    expect(out.filter((r) => r.type === 'NSEC3')).toHaveLength(13);
  });

  it('gives NSEC/NSEC3 the smaller of the SOA TTL and minimum (RFC 9077)', () => {
    const low = SHAPES.map((r) => (r.type === 'SOA' ? { ...r, ttl: 60 } : r));
    for (const denial of ['nsec', 'nsec3'] as const) {
      expect(new Set(signZone(Z, SHAPES, keyPair('ed25519'), { ...policy, denial }, now()).filter((r) => r.type.startsWith('NSEC') && r.type !== 'NSEC3PARAM').map((r) => r.ttl))).toEqual(new Set([300]));
      expect(new Set(signZone(Z, low, keyPair('ed25519'), { ...policy, denial }, now()).filter((r) => r.type.startsWith('NSEC') && r.type !== 'NSEC3PARAM').map((r) => r.ttl))).toEqual(new Set([60]));
    }
  });

  it('publishes only published keys, CDS/CDNSKEY only for KSKs at the parent (their delete forms when none is), and refuses a zone it cannot sign', () => {
    const [ksk, zsk] = keyPair('ed25519');
    const standby = { ...generateZoneKey('zsk', 'ed25519'), published: false };
    const out = signZone(Z, SHAPES, [{ ...ksk!, atParent: false }, zsk!, standby], policy, now());
    expect(at(out, Z, 'DNSKEY').map((r) => r.content).sort()).toEqual([ksk!.dnskey, zsk!.dnskey].sort());
    expect(at(out, Z, 'CDS').map((r) => r.content)).toEqual(['0 0 0 00']);
    expect(at(out, Z, 'CDNSKEY').map((r) => r.content)).toEqual(['0 3 0 AA==']);
    const withParent = signZone(Z, SHAPES, [ksk!, zsk!], policy, now());
    expect(at(withParent, Z, 'CDS').map((r) => r.content)).toEqual([dsContent(Z, ksk!.dnskey)]);
    expect(() => signZone(Z, SHAPES, [{ ...ksk!, active: false }, zsk!], policy, now())).toThrow(/no active KSK/);
    expect(() => signZone(Z, SHAPES.filter((r) => r.type !== 'SOA'), [ksk!, zsk!], policy, now())).toThrow(/no SOA/);
  });
});
