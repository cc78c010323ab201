// The catalog consumer against a real database: each catalog version stored
// (as a transfer would store it) creates, deletes, resets or leaves alone the
// member zones as RFC 9432 says, and a broken catalog changes nothing.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { catalogBaseRecords, memberRecords, type CatalogMember } from '../dns/catalog';
import type { RR } from '../dns/types';
import { expectAppError } from '../testing/app-error';
import { replaceSecondaryContent, applySecondaryDiffs } from './secondary-store';
import { createTsigKey } from './tsig-keys';
import { createZone, deleteZone, setZoneOptions } from './zone-lifecycle';

const actor = { name: 'tester' };
const soaOf = (catalog: string, serial: number) => ({ soa: { mname: 'invalid.', rname: 'invalid.', serial, refresh: 3600, retry: 600, expire: 86400, minimum: 0 }, ttl: 0 });

/** Creates consumer catalog `name` and returns a function that stores a version of it listing `members`. */
async function consumer(name: string, opts: { memberPrimaries?: string[] } = {}) {
  await createZone({ name, kind: 'secondary', primaries: ['192.0.2.1:5300'], catalogConsumer: true, memberPrimaries: opts.memberPrimaries }, actor);
  const { id } = await db().zone.findUniqueOrThrow({ where: { name } });
  let serial = 0;
  return {
    id,
    store: async (members: CatalogMember[], extra: RR[] = [], base = catalogBaseRecords(name)) =>
      replaceSecondaryContent(id, soaOf(name, ++serial), [...base, ...members.flatMap((m) => memberRecords(name, m)), ...extra], { peer: '192.0.2.1:5300' }),
  };
}

async function membersOf(catalogId: number) {
  const rows = await db().zone.findMany({ where: { catalogId }, orderBy: { name: 'asc' }, select: { name: true, kind: true, primaries: true, catalogLabel: true, catalogGroup: true, serial: true } });
  return rows.map((r) => ({ ...r, serial: Number(r.serial) }));
}

describe('catalog consumer', () => {
  it('creates the listed zones as secondaries of the catalog primaries, deletes those dropped, and keeps labels and groups', async () => {
    const cat = await consumer('cons1.test.');
    const first = await cat.store([{ zone: 'a.m1.test.', label: 'la' }, { zone: 'b.m1.test.', label: 'lb', group: 'gold' }]);
    expect(first.catalog?.events.map((e) => `${e.outcome} ${e.member}`)).toEqual(['added a.m1.test.', 'added b.m1.test.']);
    expect(await membersOf(cat.id)).toEqual([
      { name: 'a.m1.test.', kind: 'secondary', primaries: '["192.0.2.1:5300"]', catalogLabel: 'la', catalogGroup: null, serial: 0 },
      { name: 'b.m1.test.', kind: 'secondary', primaries: '["192.0.2.1:5300"]', catalogLabel: 'lb', catalogGroup: 'gold', serial: 0 },
    ]);
    // The change feed names them, so every worker picks them up.
    const feed = await db().zoneChange.findMany({ where: { zone: { in: ['a.m1.test.', 'b.m1.test.'] } } });
    expect(feed).toHaveLength(2);

    const second = await cat.store([{ zone: 'b.m1.test.', label: 'lb', group: 'silver' }, { zone: 'c.m1.test.', label: 'lc' }]);
    expect(second.catalog?.events.map((e) => `${e.outcome} ${e.member}`)).toEqual(['removed a.m1.test.', 'added c.m1.test.']);
    expect((await membersOf(cat.id)).map((m) => `${m.name} ${m.catalogGroup}`)).toEqual(['b.m1.test. silver', 'c.m1.test. null']);
    expect(await db().zone.findUnique({ where: { name: 'a.m1.test.' } })).toBeNull();
  });

  it('moves its members to new primaries and a new key when an admin changes the catalog’s', async () => {
    const cat = await consumer('cons9.test.');
    await cat.store([{ zone: 'a.m9.test.', label: 'x' }, { zone: 'b.m9.test.', label: 'y' }]);
    await setZoneOptions('cons9.test.', { primaries: ['192.0.2.2:5300'] }, actor);
    expect((await membersOf(cat.id)).map((m) => m.primaries)).toEqual(['["192.0.2.2:5300"]', '["192.0.2.2:5300"]']);
    await setZoneOptions('cons9.test.', { memberPrimaries: ['192.0.2.7'] }, actor);
    expect((await membersOf(cat.id)).map((m) => m.primaries)).toEqual(['["192.0.2.7:53"]', '["192.0.2.7:53"]']);
    await setZoneOptions('cons9.test.', { memberPrimaries: ['none'] }, actor);
    expect((await membersOf(cat.id)).map((m) => m.primaries)).toEqual(['["192.0.2.2:5300"]', '["192.0.2.2:5300"]']);
    await createTsigKey('cat-key', 'hmac-sha256');
    const key = await db().tsigKey.findUniqueOrThrow({ where: { name: 'cat-key.' } });
    await setZoneOptions('cons9.test.', { tsig: 'cat-key.' }, actor);
    const members = await db().zone.findMany({ where: { catalogId: cat.id }, select: { tsigKeyId: true, nextRefreshAt: true } });
    expect(members.map((m) => m.tsigKeyId)).toEqual([key.id, key.id]);
    // Refreshed at once, from where the catalog now says.
    expect(members.map((m) => m.nextRefreshAt)).toEqual([null, null]);
    // Member primaries belong to a catalog we consume.
    const refused = await expectAppError(setZoneOptions('a.m9.test.', { memberPrimaries: ['192.0.2.8'] }, actor), 'invalid');
    expect(refused.message).toMatch(/not a catalog we consume/);
  });

  it('transfers members from the member primaries when given', async () => {
    const cat = await consumer('cons2.test.', { memberPrimaries: ['192.0.2.9'] });
    await cat.store([{ zone: 'a.m2.test.', label: 'x' }]);
    expect((await membersOf(cat.id))[0]!.primaries).toBe('["192.0.2.9:53"]');
  });

  it('resets a member listed under a new label: its records and journal go, serial 0 (RFC 9432 §5.4)', async () => {
    const cat = await consumer('cons3.test.');
    await cat.store([{ zone: 'a.m3.test.', label: 'one' }]);
    const member = await db().zone.findUniqueOrThrow({ where: { name: 'a.m3.test.' } });
    const soa = { soa: { mname: 'ns.a.m3.test.', rname: 'h.a.m3.test.', serial: 7, refresh: 3600, retry: 600, expire: 86400, minimum: 60 }, ttl: 60 };
    await replaceSecondaryContent(member.id, soa, [{ name: 'a.m3.test.', type: 'NS', ttl: 60, content: 'ns.a.m3.test.' }], { peer: 'x' });
    expect(await db().record.count({ where: { zoneId: member.id } })).toBe(1);
    const r = await cat.store([{ zone: 'a.m3.test.', label: 'two' }]);
    expect(r.catalog?.events.map((e) => e.outcome)).toEqual(['reset']);
    expect(r.catalog?.reset).toEqual(['a.m3.test.']);
    const after = await db().zone.findUniqueOrThrow({ where: { name: 'a.m3.test.' } });
    expect({ id: after.id, serial: Number(after.serial), label: after.catalogLabel }).toEqual({ id: member.id, serial: 0, label: 'two' });
    expect(await db().record.count({ where: { zoneId: member.id } })).toBe(0);
    expect(await db().change.count({ where: { zoneId: member.id } })).toBe(0);
  });

  it('leaves alone a zone it did not create, records the conflict, and never plants a zone inside one of ours', async () => {
    await createZone({ name: 'mine.m4.test' }, actor);
    const cat = await consumer('cons4.test.');
    const r = await cat.store([{ zone: 'mine.m4.test.', label: 'a' }, { zone: 'www.mine.m4.test.', label: 'b' }, { zone: 'ok.m4.test.', label: 'c' }]);
    const events = r.catalog!.events;
    expect(events.map((e) => `${e.outcome} ${e.member}`)).toEqual(['conflict mine.m4.test.', 'added ok.m4.test.', 'conflict www.mine.m4.test.']);
    expect(events[0]!.detail).toMatch(/exists here \(a primary zone\) and was not created by this catalog/);
    expect(events[2]!.detail).toMatch(/lies inside our zone mine\.m4\.test\./);
    const mine = await db().zone.findUniqueOrThrow({ where: { name: 'mine.m4.test.' } });
    expect({ kind: mine.kind, catalogId: mine.catalogId }).toEqual({ kind: 'primary', catalogId: null });
    expect(await db().zone.findUnique({ where: { name: 'www.mine.m4.test.' } })).toBeNull();
    // Below its own members a catalog may create zones (a parent and a child listed together, or later).
    const nested = await cat.store([{ zone: 'mine.m4.test.', label: 'a' }, { zone: 'ok.m4.test.', label: 'c' }, { zone: 'sub.ok.m4.test.', label: 'd' }, { zone: 'p.m4.test.', label: 'e' }, { zone: 'q.p.m4.test.', label: 'f' }]);
    expect(nested.catalog!.events.map((e) => `${e.outcome} ${e.member}`)).toEqual(['conflict mine.m4.test.', 'added p.m4.test.', 'added q.p.m4.test.', 'added sub.ok.m4.test.']);
    // Dropped from the catalog later, the zone it never created stays.
    await cat.store([]);
    expect(await db().zone.findUnique({ where: { name: 'mine.m4.test.' } })).not.toBeNull();
  });

  it.each<[string, (name: string) => { members: CatalogMember[]; extra?: RR[]; base?: RR[] }, RegExp]>([
    ['a wrong version', (n) => ({ members: [{ zone: 'x.m5.test.', label: 'x' }], base: [{ name: n, type: 'NS', ttl: 0, content: 'invalid.' }, { name: `version.${n}`, type: 'TXT', ttl: 0, content: '"1"' }] }), /version "1"/],
    ['two PTRs under one label', (n) => ({ members: [{ zone: 'x.m5.test.', label: 'x' }], extra: [{ name: `x.zones.${n}`, type: 'PTR', ttl: 0, content: 'y.m5.test.' }] }), /has 2 PTR records/],
    ['a member inside the catalog', (n) => ({ members: [{ zone: 'x.m5.test.', label: 'x' }, { zone: `evil.${n}`, label: 'e' }] }), /the catalog itself or a name inside it/],
  ])('changes nothing for a catalog with %s, and says why', async (_what, version, reason) => {
    const name = `c${Math.random().toString(36).slice(2, 8)}.m5.test.`;
    const cat = await consumer(name);
    await cat.store([{ zone: `kept.${name.split('.')[0]}.m5.test.`, label: 'k' }]);
    const before = await membersOf(cat.id);
    const v = version(name);
    const r = await cat.store(v.members, v.extra, v.base);
    expect(r.catalog?.events).toHaveLength(1);
    expect(r.catalog?.events[0]).toMatchObject({ outcome: 'refused', member: null, detail: expect.stringMatching(reason) });
    expect(await membersOf(cat.id)).toEqual(before);
    expect(await db().zone.findUnique({ where: { name: 'x.m5.test.' } })).toBeNull();
  });

  it('moves a member to the catalog its coo names once that catalog lists it (RFC 9432 §4.4.1)', async () => {
    const oldCat = await consumer('old6.test.');
    const newCat = await consumer('new6.test.');
    await oldCat.store([{ zone: 'a.m6.test.', label: 'l1' }]);
    // Listed by the new catalog without a coo in the old one: a clash, left to the old catalog.
    const clash = await newCat.store([{ zone: 'a.m6.test.', label: 'l2' }]);
    expect(clash.catalog?.events.map((e) => e.outcome)).toEqual(['conflict']);
    await oldCat.store([{ zone: 'a.m6.test.', label: 'l1', coo: 'new6.test.' }]);
    // The new catalog's next version takes it over; its label differs, so it is reset.
    const moved = await applySecondaryDiffs(newCat.id, [{ from: soaOf('new6.test.', 1), to: soaOf('new6.test.', 2), removed: [], added: [] }], { peer: 'x' });
    expect(moved.catalog?.events.map((e) => `${e.outcome} ${e.member}`)).toEqual(['added a.m6.test.']);
    expect(moved.catalog?.reset).toEqual(['a.m6.test.']);
    const z = await db().zone.findUniqueOrThrow({ where: { name: 'a.m6.test.' } });
    expect({ catalogId: z.catalogId, label: z.catalogLabel }).toEqual({ catalogId: newCat.id, label: 'l2' });
    // The old catalog dropping it now deletes nothing: it is no longer the old catalog's.
    const dropped = await oldCat.store([]);
    expect(dropped.catalog?.events).toEqual([]);
    expect(await db().zone.findUnique({ where: { name: 'a.m6.test.' } })).not.toBeNull();
  });

  it('refuses deleting a member by hand; deleting the catalog leaves its members as ordinary secondaries', async () => {
    const cat = await consumer('cons7.test.');
    await cat.store([{ zone: 'a.m7.test.', label: 'a' }]);
    expect((await expectAppError(deleteZone('a.m7.test.', actor), 'invalid')).message).toMatch(/belongs to the catalog cons7\.test\.,.*delete the catalog zone cons7\.test\. first/);
    await deleteZone('cons7.test.', actor);
    const z = await db().zone.findUniqueOrThrow({ where: { name: 'a.m7.test.' } });
    expect({ kind: z.kind, catalogId: z.catalogId, label: z.catalogLabel }).toEqual({ kind: 'secondary', catalogId: null, label: null });
    await deleteZone('a.m7.test.', actor);
  });

  it('takes --catalog-consumer only on a secondary, from an admin, and member primaries only with it', async () => {
    expect((await expectAppError(createZone({ name: 'cons8.test', catalogConsumer: true }, actor), 'invalid')).message).toMatch(/Only a secondary zone can be a catalog we consume/);
    expect((await expectAppError(createZone({ name: 'cons8.test', kind: 'secondary', primaries: ['192.0.2.1'], memberPrimaries: ['192.0.2.2'] }, actor), 'invalid')).message).toMatch(/give --catalog-consumer too/);
    const editor = await db().user.create({ data: { name: 'ed8', role: 'editor', passwordHash: 'x' } });
    expect((await expectAppError(createZone({ name: 'cons8.test', kind: 'secondary', primaries: ['192.0.2.1'], catalogConsumer: true }, { userId: editor.id, name: 'ed' }), 'forbidden')).message).toMatch(/Only an admin/);
  });
});
