// The catalog producer against a real database: what a consumer would see of
// the catalog (its records, serials and journal) as zones are created,
// re-grouped, moved and deleted, and what is refused.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { expectAppError } from '../testing/app-error';
import { readChangeRecords } from './journal';
import { applyChangeset } from './changes';
import { getZone } from './data';
import { getSetting } from '../settings/data';
import { setSetting } from '../settings/mutations';
import { endDueMoves } from './catalog';
import { createZone, deleteZone, setZoneOptions } from './zone-lifecycle';

const actor = { name: 'tester' };

/** The catalog's records as `owner TYPE content`, the SOA left out. */
async function catalogLines(name: string): Promise<string[]> {
  const z = await getZone(name);
  return (z?.records ?? []).filter((r) => r.type !== 'SOA').map((r) => `${r.name} ${r.type} ${r.content}`);
}

/** member zone → its label in catalog `name`. */
async function labels(name: string): Promise<Map<string, string>> {
  const lines = await catalogLines(name);
  const out = new Map<string, string>();
  for (const l of lines) {
    const m = /^([a-z2-7]+)\.zones\.\S+ PTR (\S+)$/.exec(l);
    if (m) out.set(m[2]!, m[1]!);
  }
  return out;
}

describe('catalog producer', () => {
  it('creates the catalog with its first member and lists each new member under a unique label', async () => {
    await createZone({ name: 'a.cat1.test', catalog: 'catalog1.test' }, actor);
    await createZone({ name: 'b.cat1.test', catalog: 'catalog1.test', catalogGroup: 'gold' }, actor);
    const lines = await catalogLines('catalog1.test');
    expect(lines).toContain('catalog1.test. NS invalid.');
    expect(lines).toContain('version.catalog1.test. TXT "2"');
    const l = await labels('catalog1.test');
    expect([...l.keys()].sort()).toEqual(['a.cat1.test.', 'b.cat1.test.']);
    expect(l.get('a.cat1.test.')).not.toBe(l.get('b.cat1.test.'));
    expect(lines).toContain(`group.${l.get('b.cat1.test.')}.zones.catalog1.test. TXT "gold"`);
    const cat = await db().zone.findUniqueOrThrow({ where: { name: 'catalog1.test.' } });
    expect(cat.catalogRole).toBe('producer');
    // Creation, then one version per member added after it: IXFR carries each.
    const changes = await db().change.findMany({ where: { zoneId: cat.id }, orderBy: { id: 'asc' } });
    expect(changes.map((c) => c.comment)).toEqual(['catalog created', 'catalog: a.cat1.test. added', 'catalog: b.cat1.test. added']);
    // Each member added is an event of the catalog, as `zone status` prints them.
    const events = await db().zoneEvent.findMany({ where: { zoneId: cat.id, kind: 'catalog' }, orderBy: { id: 'asc' } });
    expect(events.map((e) => `${e.outcome} ${e.detail} ${e.serial}`)).toEqual([
      `added a.cat1.test. added ${changes[1]!.newSerial}`,
      `added b.cat1.test. added ${changes[2]!.newSerial}`,
    ]);
    const last = (await readChangeRecords(db(), [changes[2]!])).get(changes[2]!.id)!;
    expect(last.added.filter((r) => r.type === 'PTR').map((r) => r.content)).toEqual(['b.cat1.test.']);
  });

  it('changes a group in place, moves a zone between catalogs with a new label, and removes it on deletion', async () => {
    await createZone({ name: 'm.cat2.test', catalog: 'catalog2.test' }, actor);
    const before = (await labels('catalog2.test')).get('m.cat2.test.');
    await setZoneOptions('m.cat2.test', { catalogGroup: 'silver' }, actor);
    expect((await labels('catalog2.test')).get('m.cat2.test.')).toBe(before);
    expect(await catalogLines('catalog2.test')).toContain(`group.${before}.zones.catalog2.test. TXT "silver"`);

    // A move is a change of ownership (RFC 9432 §5.6) in steps: the old entry names the new catalog first.
    await setZoneOptions('m.cat2.test', { catalog: 'catalog3.test' }, actor);
    expect((await labels('catalog2.test')).get('m.cat2.test.')).toBe(before);
    expect(await catalogLines('catalog2.test')).toContain(`coo.${before}.zones.catalog2.test. PTR catalog3.test.`);
    expect((await labels('catalog3.test')).size).toBe(0);
    const again = await expectAppError(setZoneOptions('m.cat2.test', { catalog: 'catalog2.test' }, actor), 'invalid');
    expect(again.message).toMatch(/still moving from the catalog catalog2\.test\. to catalog3\.test\./);
    const cat2 = await db().zone.findUniqueOrThrow({ where: { name: 'catalog2.test.' } });
    const move = await db().catalogMove.findUniqueOrThrow({ where: { zone: 'm.cat2.test.' } });
    expect(move.dueAt.getTime() - Date.now()).toBeGreaterThan((cat2.soaRefresh - 60) * 1000);
    expect((await endDueMoves(new Date(), 10)).catalogs).toEqual([]);

    // Its refresh later, the new catalog lists it (with its group); one more later, the old entry goes.
    const listed = await endDueMoves(new Date(move.dueAt.getTime() + 1000), 10);
    expect(listed.catalogs).toEqual(['catalog3.test.']);
    const moved = (await labels('catalog3.test')).get('m.cat2.test.');
    // The same label: consumers keep the zone as it is rather than start it afresh (RFC 9432 §5.6).
    expect(moved).toBe(before);
    expect(await catalogLines('catalog3.test')).toContain(`group.${moved}.zones.catalog3.test. TXT "silver"`);
    expect((await labels('catalog2.test')).get('m.cat2.test.')).toBe(before);
    const ended = await endDueMoves(new Date(listed.next!.getTime() + 1000), 10);
    expect(ended).toEqual({ catalogs: ['catalog2.test.'], next: null });
    expect(await catalogLines('catalog2.test')).toEqual(['catalog2.test. NS invalid.', 'version.catalog2.test. TXT "2"']);

    // Moved back, then out of every catalog before the move ends: both entries go at once.
    await setZoneOptions('m.cat2.test', { catalog: 'catalog2.test' }, actor);
    expect(await catalogLines('catalog3.test')).toContain(`coo.${moved}.zones.catalog3.test. PTR catalog2.test.`);
    await setZoneOptions('m.cat2.test', { catalog: 'none' }, actor);
    expect((await labels('catalog3.test')).size).toBe(0);
    expect((await labels('catalog2.test')).size).toBe(0);
    expect(await db().catalogMove.count({ where: { zone: 'm.cat2.test.' } })).toBe(0);
    await setZoneOptions('m.cat2.test', { catalog: 'catalog3.test' }, actor);
    // Deleting the zone takes it out of both catalogs at once.
    await deleteZone('m.cat2.test', actor);
    expect((await labels('catalog3.test')).size).toBe(0);
    expect((await labels('catalog2.test')).size).toBe(0);
    expect(await db().catalogMove.count({ where: { zone: 'm.cat2.test.' } })).toBe(0);
    // The catalog outlives its last member; it can then be deleted.
    await deleteZone('catalog3.test', actor);
  });

  it('lists a new primary zone in the template catalog, and takes no hand edits to a catalog', async () => {
    await setSetting('zoneDefaults', { ...(await getSetting('zoneDefaults')), catalog: 'catalog4.test.' });
    try {
      await createZone({ name: 'tpl.cat4.test' }, actor);
      await createZone({ name: 'none.cat4.test', catalog: 'none' }, actor);
      expect([...(await labels('catalog4.test')).keys()]).toEqual(['tpl.cat4.test.']);
    } finally {
      await setSetting('zoneDefaults', { ...(await getSetting('zoneDefaults')), catalog: '' });
    }
    const edit = await expectAppError(
      applyChangeset('catalog4.test', { add: [{ name: 'x.zones.catalog4.test.', type: 'PTR', ttl: 0, content: 'evil.test.' }] }, actor),
      'forbidden',
    );
    expect(edit.message).toMatch(/catalog zone/);
    // A catalog that lists zones is not deleted: its consumers would delete them all.
    const refused = await expectAppError(deleteZone('catalog4.test', actor), 'invalid');
    expect(refused.message).toMatch(/still lists 1 zone/);
  });

  it('refuses a catalog that is an ordinary zone, a bad group, and a group without a catalog; nothing is created', async () => {
    await createZone({ name: 'plain.test' }, actor);
    const notCat = await expectAppError(createZone({ name: 'x.plain.test', catalog: 'plain.test' }, actor), 'invalid');
    expect(notCat.message).toMatch(/not a catalog/);
    expect(await getZone('x.plain.test')).toBeNull();
    await expectAppError(createZone({ name: 'y.test', catalog: 'catalog5.test', catalogGroup: 'has space' }, actor), 'invalid');
    await expectAppError(createZone({ name: 'z.test', catalogGroup: 'gold' }, actor), 'invalid');
    expect(await getZone('y.test')).toBeNull();
    expect(await getZone('catalog5.test')).toBeNull();
  });

  it('lets an editor use the template catalog but not choose another', async () => {
    const user = await db().user.create({ data: { name: 'cat-editor', passwordHash: 'x', role: 'editor' } });
    const editor = { userId: user.id, name: 'cat-editor' };
    const refused = await expectAppError(createZone({ name: 'ed.cat6.test', catalog: 'catalog6.test' }, editor), 'forbidden');
    expect(refused.message).toMatch(/admin/);
    expect(await getZone('ed.cat6.test')).toBeNull();
    expect(await getZone('catalog6.test')).toBeNull();
  });
});
