// Deleting and restoring zones against a real database: what an admin sees
// after a restore (records, settings, grants, history, a greater serial), and
// who is refused.
import { describe, expect, it } from 'vitest';
import { createUser } from '../auth/users';
import { db } from '../db';
import { setSetting } from '../settings/mutations';
import { expectAppError } from '../testing/app-error';
import { applyChangeset } from './changes';
import { getZone, listChanges, listZones } from './data';
import { listDeletedZones, purgeExpired, restoreZone } from './deleted-zones';
import { cancelDeletion, confirmDeletion, deleteOrRequest, getDeletionRequest } from './zone-deletion';
import { createZone, deleteZone, setZoneOptions } from './zone-lifecycle';

const operator = { name: 'cli' };

async function user(name: string, role: string) {
  const u = await createUser(name, 'a long enough password 1', role);
  return { userId: u.id, name: u.name };
}

describe('deleting and restoring a zone', () => {
  it('brings back records, settings, grants and history, under a greater serial, with a restored change', async () => {
    const editor = await user('dz-editor', 'editor');
    const admin = await user('dz-admin', 'admin');
    const z = 'restore.example.';
    await createZone({ name: z, nameservers: ['ns1.restore.example.'] }, operator);
    await setZoneOptions(z, { alsoNotify: ['192.0.2.53:5300'], serialPolicy: 'increment' }, operator);
    const zone = (await getZone(z))!;
    await db().zoneGrant.create({ data: { userId: editor.userId, zoneId: zone.id, level: 'request' } });
    await applyChangeset(z, { add: [{ name: 'www', type: 'A', ttl: 300, content: '192.0.2.10' }, { name: 'ns1', type: 'A', ttl: 300, content: '192.0.2.1' }], comment: 'web server' }, admin);
    const before = (await getZone(z))!;
    const history = (await listChanges(before.id)).items.map((c) => c.comment);

    await deleteZone(z, admin);
    expect(await getZone(z)).toBeNull();
    expect((await listZones()).map((x) => x.name)).not.toContain(z);
    const [listed] = await listDeletedZones();
    expect(listed).toMatchObject({ name: z, deletedBy: 'dz-admin', recordCount: before.records.length - 1 });
    expect(listed!.keptUntil.getTime() - listed!.deletedAt.getTime()).toBe(30 * 86_400_000);

    const restored = await restoreZone(z, admin);
    const after = (await getZone(z))!;
    expect(after.id).toBe(before.id);
    expect(after.serial).toBeGreaterThan(before.serial);
    expect(restored.serial).toBe(after.serial);
    expect(after.records.filter((r) => r.type !== 'SOA')).toEqual(before.records.filter((r) => r.type !== 'SOA'));
    expect(after.alsoNotify).toEqual(['192.0.2.53:5300']);
    expect(await db().zoneGrant.findMany({ where: { zoneId: after.id }, select: { userId: true, level: true } })).toEqual([{ userId: editor.userId, level: 'request' }]);
    const changes = (await listChanges(after.id)).items;
    expect(changes[0]!.comment).toMatch(/^restored by dz-admin \(deleted by dz-admin at /);
    expect(changes[0]!.oldSerial).toBe(before.serial);
    expect(changes.slice(1).map((c) => c.comment)).toEqual(history);
    // Secondaries still holding the deleted copy hear of the new serial.
    expect(await db().notifyJob.findMany({ where: { zoneId: after.id, state: 'pending' }, select: { target: true, serial: true } })).toEqual([{ target: '192.0.2.53:5300', serial: BigInt(after.serial) }]);
    expect(await listDeletedZones()).toEqual([]);
  });

  it('keeps a big change whole across delete and restore (its parts)', async () => {
    const z = 'big.restore.example.';
    await createZone({ name: z }, operator);
    const add = Array.from({ length: 4500 }, (_, i) => ({ name: `h${i}`, type: 'A', ttl: 60, content: `10.0.${i >> 8}.${i & 255}` }));
    await applyChangeset(z, { add, comment: 'many' }, operator);
    const id = (await getZone(z))!.id;
    const parts = await db().changePart.count({ where: { change: { zoneId: id } } });
    const records = await db().record.count({ where: { zoneId: id } });
    expect(parts).toBeGreaterThan(0);
    await deleteZone(z, operator);
    expect(await db().record.count({ where: { zoneId: id } })).toBe(0);
    await restoreZone(z, operator);
    expect(await db().record.count({ where: { zoneId: id } })).toBe(records);
    expect(await db().changePart.count({ where: { change: { zoneId: id } } })).toBe(parts);
  });

  it('refuses a restore while a zone of that name exists again, and after the snapshot expired', async () => {
    const z = 'again.example.';
    await createZone({ name: z }, operator);
    await deleteZone(z, operator);
    await createZone({ name: z }, operator);
    expect((await expectAppError(restoreZone(z, operator), 'exists')).message).toMatch(/again\.example\. exists again/);
    await deleteZone(z, operator);
    // Two snapshots of the name: the newest is restored by name, the other stays listed.
    expect((await listDeletedZones()).filter((d) => d.name === z)).toHaveLength(2);
    await restoreZone(z, operator);
    expect((await listDeletedZones()).filter((d) => d.name === z)).toHaveLength(1);

    const old = await db().deletedZone.findFirstOrThrow({ where: { name: z } });
    await db().deletedZone.update({ where: { id: old.id }, data: { deletedAt: new Date(Date.now() - 31 * 86_400_000) } });
    expect((await listDeletedZones()).filter((d) => d.name === z)).toHaveLength(0);
    await expectAppError(restoreZone(`#${old.id}`, operator), 'not-found');
    expect(await purgeExpired(db())).toBe(1);
    expect(await db().deletedRecord.count({ where: { deletedZoneId: old.id } })).toBe(0);
  });

  it('lets only admins delete and restore', async () => {
    const editor = await user('dz-editor2', 'editor');
    const viewer = await user('dz-viewer', 'viewer');
    const z = 'guarded.example.';
    await createZone({ name: z }, editor);
    await expectAppError(deleteZone(z, editor), 'forbidden');
    await expectAppError(deleteOrRequest(z, viewer), 'forbidden');
    await deleteZone(z, operator);
    await expectAppError(restoreZone(z, editor), 'forbidden');
    expect(await getZone(z)).toBeNull();
  });

  it('with a second admin required, one admin requests, the same admin cannot confirm, another does', async () => {
    const a = await user('dz-first', 'admin');
    const b = await user('dz-second', 'admin');
    const z = 'twoadmins.example.';
    await createZone({ name: z }, operator);
    await setSetting('zoneDeletion', { requireSecondAdmin: true });
    try {
      await expectAppError(deleteZone(z, a), 'conflict');
      expect(await deleteOrRequest(z, a)).toBe('requested');
      const zone = (await getZone(z))!;
      expect(await getDeletionRequest(zone.id)).toMatchObject({ actor: 'dz-first', userId: a.userId });
      await expectAppError(confirmDeletion(z, a), 'forbidden');
      expect(await getZone(z)).not.toBeNull();
      await cancelDeletion(z, b);
      await expectAppError(confirmDeletion(z, b), 'conflict');
      await deleteOrRequest(z, a);
      await confirmDeletion(z, b);
      expect(await getZone(z)).toBeNull();
      expect((await listDeletedZones()).find((d) => d.name === z)?.deletedBy).toBe('dz-second (requested by dz-first)');
    } finally {
      await setSetting('zoneDeletion', { requireSecondAdmin: false });
    }
  });
});
