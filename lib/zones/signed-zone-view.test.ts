// The Prisma view answers what the in-memory reference answers, and the
// planner makes the same plan through either, on SQLite and PostgreSQL.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { generateZoneKey } from '../dns/dnssec/keys';
import { nsec3Hash } from '../dns/dnssec/nsec3';
import { planResign } from '../dns/dnssec/resign';
import { signZone } from '../dns/dnssec/sign-zone';
import { DEFAULT_SIGNING_POLICY, type ZoneKey } from '../dns/dnssec/types';
import type { RR } from '../dns/types';
import { MemoryZoneView } from '../testing/memory-zone-view';
import { random, RandomZone } from '../testing/random-zone-changes';
import { signedZoneView } from './signed-zone-view';
import { createZone } from './zone-lifecycle';

const actor = { name: 'test' };
const NOW = Math.floor(Date.now() / 1000);
const key = (r: RR) => `${r.name} ${r.type} ${r.ttl} ${r.content}`;
const keys = (list: readonly RR[]) => list.map(key).sort();

async function storedZone(name: string) {
  await createZone({ name }, actor);
  const zone = await db().zone.findUniqueOrThrow({ where: { name } });
  // The test writes the zone's records itself: not the default apex NS.
  await db().record.deleteMany({ where: { zoneId: zone.id } });
  return zone;
}

async function write(zoneId: number, removed: readonly RR[], added: readonly RR[]) {
  await db().$transaction(async (tx) => {
    for (const r of removed) await tx.record.deleteMany({ where: { zoneId, name: r.name, type: r.type, content: r.content } });
    await tx.record.createMany({ data: added.map((r) => ({ zoneId, name: r.name, type: r.type, ttl: r.ttl, content: r.content })) });
  });
}

for (const denial of ['nsec3', 'nsec'] as const) {
  describe(`signedZoneView (${denial.toUpperCase()})`, () => {
    const policy = { ...DEFAULT_SIGNING_POLICY, denial };
    // Ed25519 signatures are deterministic: plans made through both views must be equal to the byte.
    const zoneKeys: ZoneKey[] = [
      { ...generateZoneKey('ksk', 'ed25519'), published: true, active: true, atParent: true },
      { ...generateZoneKey('zsk', 'ed25519'), published: true, active: true },
    ];

    it('answers as the in-memory zone does, and the planner plans the same through it', { timeout: 120_000 }, async () => {
      const name = `view-${denial}.test.`;
      const zone = await storedZone(name);
      const soaAt = (serial: number): RR => ({ name, type: 'SOA', ttl: 3600, content: `ns1.${name} hostmaster.${name} ${serial} 3600 600 86400 300` });
      const base: RR[] = [
        { name, type: 'NS', ttl: 300, content: `ns1.${name}` },
        { name: `ns1.${name}`, type: 'A', ttl: 300, content: '192.0.2.1' },
        { name: `_sip._tcp.${name}`, type: 'SRV', ttl: 300, content: `0 5 5060 ns1.${name}` },
        ...Array.from({ length: 200 }, (_, i) => ({ name: `h${i}.${name}`, type: 'A', ttl: 300, content: '192.0.2.2' })),
      ];
      const gen = new RandomZone(name, random(7), base);
      for (let i = 0; i < 80; i++) gen.change();
      const data = [...gen.data.values()];
      const signed = [...data, ...signZone(name, [soaAt(1), ...data], zoneKeys, policy, NOW)];
      await write(zone.id, [], signed);
      const memory = new MemoryZoneView(name, signed);

      await db().$transaction(async (tx) => {
        const view = signedZoneView(tx, zone);
        const owners = [...new Set(signed.map((r) => r.name))];
        expect(keys(await view.recordsAt(owners.slice(0, 40)))).toEqual(keys(await memory.recordsAt(owners.slice(0, 40))));
        const probes = [name, `zzz.${name}`, `0.${name}`, `*.${name}`, `a.b.c.${name}`, `_x.${name}`, ...owners.slice(0, 60)];
        for (const p of probes) {
          const hash = nsec3Hash(p);
          expect(await view.nsec3Before(hash), `NSEC3 before ${hash}`).toEqual(await memory.nsec3Before(hash));
          expect(await view.nsecBefore(p), `NSEC before ${p}`).toEqual(await memory.nsecBefore(p));
          const below = await view.namesBelow(p, 1000);
          expect(below.sort(), `names below ${p}`).toEqual((await memory.namesBelow(p, 1000)).sort());
          for (const limit of [1, 2, 3]) {
            const some = await view.namesBelow(p, limit);
            expect(new Set(some).size, `${limit} names below ${p}`).toBe(Math.min(limit, below.length));
            expect(some.every((n) => below.includes(n))).toBe(true);
          }
        }
        expect(await view.nsec3Before('00000000000000000000000000000000')).toEqual(await memory.nsec3Before('00000000000000000000000000000000'));
      });

      for (let step = 2; step < 40; step++) {
        const change = gen.change();
        const soa = soaAt(step);
        const viaDb = await db().$transaction((tx) => planResign(signedZoneView(tx, zone), { ...change, soa }, zoneKeys, policy, NOW));
        const viaMemory = await planResign(memory, { ...change, soa }, zoneKeys, policy, NOW);
        expect(keys(viaDb.removed), `removed at step ${step}`).toEqual(keys(viaMemory.removed));
        expect(keys(viaDb.added), `added at step ${step}`).toEqual(keys(viaMemory.added));
        await write(zone.id, [...change.removed, ...viaDb.removed], [...change.added, ...viaDb.added]);
        memory.apply([...change.removed, ...viaMemory.removed], [...change.added, ...viaMemory.added]);
      }
      const rows = await db().record.findMany({ where: { zoneId: zone.id }, select: { name: true, type: true, ttl: true, content: true } });
      expect(keys(rows)).toEqual(keys(memory.all()));
      // The zone is what a full signing of its data makes.
      const now = memory.all().filter((r) => !['RRSIG', 'NSEC', 'NSEC3', 'NSEC3PARAM', 'DNSKEY', 'CDS', 'CDNSKEY'].includes(r.type));
      const full = signZone(name, [soaAt(39), ...now], zoneKeys, policy, NOW).filter((r) => r.type !== 'RRSIG');
      expect(keys(memory.all().filter((r) => ['NSEC', 'NSEC3'].includes(r.type)))).toEqual(keys(full.filter((r) => ['NSEC', 'NSEC3'].includes(r.type))));
    });
  });
}
