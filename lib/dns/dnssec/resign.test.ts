import { describe, expect, it } from 'vitest';
import { MemoryZoneView } from '../../testing/memory-zone-view';
import { requireVerifiers, verifyZone } from '../../testing/zone-verify';
import { random, RandomZone } from '../../testing/random-zone-changes';
import type { RR } from '../types';
import { firstSigningKeys, generateZoneKey } from './keys';
import { planResign, refreshDueAt, refreshSignatures, type ResignPlan } from './resign';
import { signZone } from './sign-zone';
import { DEFAULT_SIGNING_POLICY, isSignerType, type SigningPolicy, type ZoneKey } from './types';

const tools = requireVerifiers();
const Z = 'z.test.';
const NOW = Math.floor(Date.now() / 1000);
const rr = (name: string, type: string, content: string, ttl = 300): RR => ({ name, type, ttl, content });
const soaWith = (serial: number) => rr(Z, 'SOA', `ns1.z.test. hostmaster.z.test. ${serial} 3600 600 86400 300`, 3600);
const BASE: RR[] = [soaWith(1), rr(Z, 'NS', 'ns1.z.test.'), rr(Z, 'MX', '10 ns1.z.test.'), rr(`ns1.${Z}`, 'A', '192.0.2.1')];

const keyPair = firstSigningKeys;

const key = (r: RR) => `${r.name} ${r.type} ${r.ttl} ${r.content}`;
const coverage = (records: RR[]) =>
  records
    .filter((r) => r.type === 'RRSIG')
    .map((r) => {
      const f = r.content.split(' ');
      return `${r.name} ${f[0]} ${f[6]} ${f[3]} ${r.ttl}`;
    })
    .sort();
const signerRecords = (records: RR[]) => records.filter((r) => isSignerType(r.type) && r.type !== 'RRSIG').map(key).sort();

/** The zone's signer records and signature coverage equal a full signing's (signatures themselves differ: ECDSA is randomised). */
function expectLikeFullSigning(view: MemoryZoneView, keys: ZoneKey[], policy: SigningPolicy, step: number) {
  const all = view.all();
  const data = all.filter((r) => !isSignerType(r.type));
  const full = signZone(Z, data, keys, policy, NOW);
  expect(signerRecords(all), `chain after step ${step}`).toEqual(signerRecords(full));
  expect(coverage(all), `signatures after step ${step}`).toEqual(coverage(full));
}

/** Applies a committed change and its plan to the view, as commitRecords writes both. */
async function commit(view: MemoryZoneView, serial: number, change: { removed: RR[]; added: RR[] }, keys: ZoneKey[], policy: SigningPolicy): Promise<ResignPlan> {
  const soa = soaWith(serial);
  const plan = await planResign(view, { ...change, soa }, keys, policy, NOW);
  view.apply([...change.removed, soaWith(serial - 1)], [...change.added, soa]);
  view.apply(plan.removed, plan.added);
  return plan;
}

describe('planResign keeps a zone fully signed over random changes', () => {
  const runs = [
    ['ecdsap256sha256', 'nsec3', 19],
    ['ed25519', 'nsec', 20],
    ['ed25519', 'nsec3', 21],
    ['ecdsap256sha256', 'nsec', 22],
  ] as const;
  for (const [alg, denial, seed] of runs) {
    it(`${alg} with ${denial.toUpperCase()}, seed ${seed}`, { timeout: 120_000 }, async () => {
      const policy = { ...DEFAULT_SIGNING_POLICY, denial };
      const keys = keyPair(alg);
      const view = new MemoryZoneView(Z, [...BASE, ...signZone(Z, BASE, keys, policy, NOW)]);
      const zone = new RandomZone(Z, random(seed), BASE);
      const steps = 250;
      for (let step = 1; step <= steps; step++) {
        await commit(view, step + 1, zone.change(), keys, policy);
        if (step % 10 === 0) expectLikeFullSigning(view, keys, policy, step);
        if (tools && step % 50 === 0) {
          const v = verifyZone(tools, Z, view.all());
          expect(v.bind.ok, `dnssec-verify after step ${step}: ${v.bind.output}`).toBe(true);
          expect(v.ldns.ok, `ldns-verify-zone after step ${step}: ${v.ldns.output}`).toBe(true);
        }
      }
      // The zone grew names, delegations and empty non-terminals on the way.
      const names = new Set(view.all().map((r) => r.name));
      expect(names.size).toBeGreaterThan(20);
    });
  }
});

describe('planResign', () => {
  const policy = DEFAULT_SIGNING_POLICY;

  it('touches only the changed name, its chain neighbours and the SOA', async () => {
    const keys = keyPair('ed25519');
    const data = [...BASE, ...['a', 'b', 'c', 'd', 'e', 'f'].map((l) => rr(`${l}.${Z}`, 'A', '192.0.2.7'))];
    const view = new MemoryZoneView(Z, [...data, ...signZone(Z, data, keys, policy, NOW)]);
    const plan = await commit(view, 2, { removed: [], added: [rr(`new.${Z}`, 'A', '192.0.2.8')] }, keys, policy);
    // The new name's A RRSIG, its NSEC3 and RRSIG, the predecessor's NSEC3 and RRSIG, the SOA's RRSIG.
    expect(plan.added.map((r) => r.type).sort()).toEqual(['NSEC3', 'NSEC3', 'RRSIG', 'RRSIG', 'RRSIG', 'RRSIG']);
    expect(plan.removed.map((r) => r.type).sort()).toEqual(['NSEC3', 'RRSIG', 'RRSIG']);
    expectLikeFullSigning(view, keys, policy, 1);
  });

  it('reads a few names of a big zone, not the zone', async () => {
    for (const denial of ['nsec3', 'nsec'] as const) {
      const p = { ...policy, denial };
      const keys = keyPair('ed25519');
      const data = [...BASE, ...Array.from({ length: 3000 }, (_, i) => rr(`h${i}.${Z}`, 'A', '192.0.2.7'))];
      const reads = { names: 0, before: 0, below: 0 };
      class Counting extends MemoryZoneView {
        override async recordsAt(names: readonly string[]) {
          reads.names += names.length;
          return super.recordsAt(names);
        }
        override async nsecBefore(name: string) {
          reads.before++;
          return super.nsecBefore(name);
        }
        override async nsec3Before(hash: string) {
          reads.before++;
          return super.nsec3Before(hash);
        }
        override async namesBelow(name: string, limit: number) {
          reads.below++;
          return super.namesBelow(name, limit);
        }
      }
      const view = new Counting(Z, [...data, ...signZone(Z, data, keys, p, NOW)]);
      // A new name three labels deep: itself, two new empty non-terminals, the apex.
      await commit(view, 2, { removed: [], added: [rr(`a.b.c.${Z}`, 'A', '192.0.2.8')] }, keys, p);
      expect(reads.before).toBeLessThanOrEqual(denial === 'nsec3' ? 3 : 1);
      expect(reads.below).toBe(0);
      expect(reads.names).toBeLessThan(20);
      // Emptying a name asks once whether names remain below it (NSEC3: is it an empty non-terminal now?).
      Object.assign(reads, { names: 0, before: 0, below: 0 });
      await commit(view, 3, { removed: [rr(`h7.${Z}`, 'A', '192.0.2.7')], added: [] }, keys, p);
      expect(reads.below).toBe(denial === 'nsec3' ? 1 : 0);
      expect(reads.names).toBeLessThan(10);
      expectLikeFullSigning(view, keys, p, 2);
    }
  });

  it('follows key changes: a pre-published ZSK enters the DNSKEY RRset, a KSK no longer at the parent turns CDS/CDNSKEY into their delete forms', async () => {
    const keys = keyPair('ecdsap256sha256');
    const view = new MemoryZoneView(Z, [...BASE, ...signZone(Z, BASE, keys, policy, NOW)]);
    const next = [{ ...keys[0]!, atParent: false }, keys[1]!, { ...generateZoneKey('zsk', 'ecdsap256sha256'), published: true }];
    await commit(view, 2, { removed: [], added: [] }, next, policy);
    expectLikeFullSigning(view, next, policy, 1);
    expect(view.all().filter((r) => r.type === 'DNSKEY')).toHaveLength(3);
    expect(view.all().filter((r) => r.type === 'CDS' || r.type === 'CDNSKEY').map((r) => r.content).sort()).toEqual(['0 0 0 00', '0 3 0 AA==']);
  });

  it('refuses DNSSEC records in a change and a chain of the other kind', async () => {
    const keys = keyPair('ed25519');
    const view = new MemoryZoneView(Z, [...BASE, ...signZone(Z, BASE, keys, policy, NOW)]);
    await expect(planResign(view, { removed: [], added: [rr(`a.${Z}`, 'NSEC', 'z.test. A')], soa: soaWith(2) }, keys, policy, NOW)).rejects.toThrow(/signer/);
    await expect(planResign(view, { removed: [], added: [], soa: soaWith(2) }, keys, { ...policy, denial: 'nsec' }, NOW)).rejects.toThrow(/signed with NSEC3/);
  });
});

describe('refreshSignatures', () => {
  const policy = DEFAULT_SIGNING_POLICY;

  it('remakes signatures that expire within refreshSeconds, and only those', () => {
    const keys = keyPair('ed25519');
    const signed = [...BASE, ...signZone(Z, BASE, keys, policy, NOW)];
    expect(refreshSignatures(Z, signed, keys, policy, NOW + 86_400)).toEqual({ removed: [], added: [] });
    const later = NOW + policy.validitySeconds - policy.refreshSeconds + 60;
    const plan = refreshSignatures(Z, signed, keys, policy, later);
    const sigs = signed.filter((r) => r.type === 'RRSIG');
    expect(plan.removed.map(key).sort()).toEqual(sigs.map(key).sort());
    expect(coverage(plan.added)).toEqual(coverage(sigs));
    expect(plan.added.every((r) => r.content.split(' ')[5] !== sigs[0]!.content.split(' ')[5])).toBe(true);
  });

  it('says when the earliest signature falls due', () => {
    const keys = keyPair('ed25519');
    const signed = signZone(Z, BASE, keys, policy, NOW);
    expect(refreshDueAt(signed, policy)).toBe(NOW + policy.validitySeconds - policy.refreshSeconds);
    expect(refreshDueAt([...signed, ...signZone(Z, BASE, keys, policy, NOW - 100)], policy)).toBe(NOW - 100 + policy.validitySeconds - policy.refreshSeconds);
    expect(refreshDueAt(BASE, policy)).toBeNull();
  });

  it('gives the chain a new SOA minimum: planResign where it writes, refreshSignatures everywhere else', async () => {
    const keys = keyPair('ed25519');
    const data = [...BASE, ...['a', 'b.c', 'd'].map((l) => rr(`${l}.${Z}`, 'A', '192.0.2.7'))];
    const view = new MemoryZoneView(Z, [...data, ...signZone(Z, data, keys, policy, NOW)]);
    const soa = rr(Z, 'SOA', 'ns1.z.test. hostmaster.z.test. 2 3600 600 86400 120', 3600);
    const plan = await planResign(view, { removed: [], added: [rr(`e.${Z}`, 'A', '192.0.2.8')], soa }, keys, policy, NOW);
    view.apply([soaWith(1)], [soa, rr(`e.${Z}`, 'A', '192.0.2.8')]);
    view.apply(plan.removed, plan.added);
    expect(plan.added.filter((r) => r.type === 'NSEC3').every((r) => r.ttl === 120)).toBe(true);
    const refresh = refreshSignatures(Z, view.all(), keys, policy, NOW, soa);
    view.apply(refresh.removed, refresh.added);
    expectLikeFullSigning(view, keys, policy, 1);
    expect(refreshSignatures(Z, view.all(), keys, policy, NOW, soa)).toEqual({ removed: [], added: [] });
  });

  it('moves signatures to a newly active ZSK, batch by batch, and the zone still verifies', async () => {
    const keys = keyPair('ecdsap256sha256');
    const data = [...BASE, rr(`a.${Z}`, 'A', '192.0.2.7'), rr(`b.c.${Z}`, 'TXT', '"x"')];
    const view = new MemoryZoneView(Z, [...data, ...signZone(Z, data, keys, policy, NOW)]);
    const newZsk = { ...generateZoneKey('zsk', 'ecdsap256sha256'), published: true, active: true };
    const rolled = [keys[0]!, { ...keys[1]!, active: false }, newZsk];
    await commit(view, 2, { removed: [], added: [] }, rolled, policy);
    const names = [...new Set(view.all().map((r) => r.name))];
    for (let i = 0; i < names.length; i += 3) {
      const plan = refreshSignatures(Z, await view.recordsAt(names.slice(i, i + 3)), rolled, policy, NOW);
      view.apply(plan.removed, plan.added);
    }
    expectLikeFullSigning(view, rolled, policy, 1);
    if (tools) expect(verifyZone(tools, Z, view.all()).bind.ok).toBe(true);
  });
});
