// The dashboard's secondary zones against a real database: each zone in the
// state its refresh record says, worst first, counted, and only those a user
// may see.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { listIncomingZones } from './incoming';
import { createZone } from '../zones/zone-lifecycle';

const actor = { name: 'test' };
const now = new Date('2026-12-06T12:00:00Z');
const hour = 3_600_000;

async function secondary(name: string, data: { serial?: bigint; expiresAt?: Date | null; refreshFailures?: number; lastError?: string | null }) {
  await createZone({ name, kind: 'secondary', primaries: ['192.0.2.1'] }, actor);
  await db().zone.update({ where: { name }, data: { lastRefreshAt: data.serial ? new Date(now.getTime() - hour) : null, ...data } });
}

describe('listIncomingZones', () => {
  it('puts each secondary zone in one state, worst first, with counts, and leaves primaries out', async () => {
    await createZone({ name: 'primary.in.test' }, actor);
    await secondary('ok.in.test.', { serial: 5n, expiresAt: new Date(now.getTime() + hour) });
    await secondary('new.in.test.', {});
    await secondary('flaky.in.test.', { serial: 3n, expiresAt: new Date(now.getTime() + hour), refreshFailures: 2, lastError: '192.0.2.1:53: timed out' });
    await secondary('dead.in.test.', { serial: 2n, expiresAt: new Date(now.getTime() - hour), refreshFailures: 9, lastError: '192.0.2.1:53: refused' });
    const r = await listIncomingZones({ now });
    expect(r.counts).toEqual({ expired: 1, 'not transferred': 1, failing: 1, current: 1 });
    expect(r.zones.map((z) => `${z.name} ${z.state} ${z.serial}`)).toEqual([
      'dead.in.test. expired 2',
      'new.in.test. not transferred 0',
      'flaky.in.test. failing 3',
      'ok.in.test. current 5',
    ]);
    expect(r.zones[2]!.lastError).toBe('192.0.2.1:53: timed out');
    expect(r.zones[0]!.primaries).toEqual(['192.0.2.1:53']);
    expect((await listIncomingZones({ now, limit: 2 })).zones.map((z) => z.name)).toEqual(['dead.in.test.', 'new.in.test.']);
  });

  it('shows an editor only the secondary zones granted to them', async () => {
    await secondary('granted.in2.test.', { serial: 1n });
    await secondary('other.in2.test.', { serial: 1n });
    const user = await db().user.create({ data: { name: 'incoming-editor', passwordHash: 'x', role: 'editor' } });
    const granted = await db().zone.findUniqueOrThrow({ where: { name: 'granted.in2.test.' } });
    await db().zoneGrant.create({ data: { userId: user.id, zoneId: granted.id } });
    const r = await listIncomingZones({ now, visibleTo: { id: user.id, role: 'editor' } });
    expect(r.zones.map((z) => z.name)).toEqual(['granted.in2.test.']);
    expect(r.total).toBe(1);
  });
});
