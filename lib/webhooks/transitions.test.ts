// Which replication moves are alerts, and that each is written once: the
// remembered state is replaced conditionally, so two workers recording the
// same batch at once write one delivery per webhook, not two.
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '../db';
import { createZone } from '../zones/zone-lifecycle';
import { recordTransitions } from './transitions';

const actor = { name: 'test' };
const T = '192.0.2.53:53';

beforeEach(async () => {
  await db().webhook.deleteMany({});
  await db().webhook.createMany({ data: [{ url: 'http://127.0.0.1:9/a' }, { url: 'http://127.0.0.1:9/b', enabled: false }] });
});

/** The zone's one secondary as a probe found it: serving our serial, an older one, or not answering. */
async function secondaryIs(zoneId: number, found: 'ok' | 'timeout' | 'refused', serial?: bigint) {
  const data = { state: found, serial: serial ?? null, checkedAt: new Date(), error: found === 'ok' ? null : found };
  await db().replicaStatus.upsert({ where: { zoneId_target: { zoneId, target: T } }, create: { zoneId, target: T, ...data }, update: data });
}

const deliveries = (zoneId: number) => db().webhookDelivery.findMany({ where: { zoneId }, orderBy: { id: 'asc' } });

describe('recordTransitions', () => {
  it('alerts on healthy → problem and back, once per enabled webhook, not on moves within either', async () => {
    const z = await createZone({ name: 'moves.test' }, actor);
    const id = (await db().zone.findUniqueOrThrow({ where: { name: 'moves.test.' } })).id;
    await secondaryIs(id, 'ok', BigInt(z.serial));
    expect(await recordTransitions([id])).toBe(0);
    expect((await db().zoneHealth.findUnique({ where: { zoneId: id } }))?.state).toBe('in sync');

    await secondaryIs(id, 'timeout');
    // Two workers recording the same batch at once: one alert.
    const written = await Promise.all([recordTransitions([id]), recordTransitions([id])]);
    expect(written.reduce((a, b) => a + b, 0)).toBe(1);
    await secondaryIs(id, 'refused'); // unreachable → missing: still a problem, no news
    expect(await recordTransitions([id])).toBe(0);
    await secondaryIs(id, 'ok', BigInt(z.serial));
    expect(await recordTransitions([id])).toBe(1);

    const log = await deliveries(id);
    expect(log.map((d) => [d.event, d.state, d.status])).toEqual([
      ['problem', 'unreachable', 'pending'],
      ['recovered', 'in sync', 'pending'],
    ]);
    expect(JSON.parse(log[1]!.body)).toMatchObject({ event: 'recovered', zone: 'moves.test.', previousState: 'unreachable', secondaries: [expect.objectContaining({ target: T, healthy: true })] });
  });

  it('alerts on a zone first seen with a problem', async () => {
    await createZone({ name: 'born-broken.test' }, actor);
    const id = (await db().zone.findUniqueOrThrow({ where: { name: 'born-broken.test.' } })).id;
    await secondaryIs(id, 'refused');
    expect(await recordTransitions([id])).toBe(1);
    expect(JSON.parse((await deliveries(id))[0]!.body)).toMatchObject({ event: 'problem', state: 'missing', previousState: null });
    expect(await recordTransitions([id])).toBe(0);
  });
});

describe('recordTransitions with no webhook enabled', () => {
  it('remembers every move without a delivery, so a webhook added later is told of the next one from the right state', async () => {
    await db().webhook.updateMany({ data: { enabled: false } });
    const made = await Promise.all(['quiet-a.test', 'quiet-b.test', 'quiet-c.test'].map((name) => createZone({ name }, actor)));
    const ids = await Promise.all(made.map(async (_, i) => (await db().zone.findUniqueOrThrow({ where: { name: `quiet-${'abc'[i]}.test.` } })).id));
    const [a, b, c] = ids as [number, number, number];
    // First seen: a in sync, b and c with problems (which would have been alerted on).
    await secondaryIs(a, 'ok', BigInt(made[0]!.serial));
    await secondaryIs(b, 'timeout');
    await secondaryIs(c, 'refused');
    expect(await recordTransitions(ids)).toBe(0);
    const states = async () => Object.fromEntries((await db().zoneHealth.findMany({ where: { zoneId: { in: ids } } })).map((h) => [h.zoneId, h.state]));
    expect(await states()).toEqual({ [a]: 'in sync', [b]: 'unreachable', [c]: 'missing' });
    // Moves both ways in one batch.
    await secondaryIs(a, 'timeout');
    await secondaryIs(b, 'ok', BigInt(made[1]!.serial));
    expect(await recordTransitions(ids)).toBe(0);
    expect(await states()).toEqual({ [a]: 'unreachable', [b]: 'in sync', [c]: 'missing' });
    expect(await db().webhookDelivery.count({ where: { zoneId: { in: ids } } })).toBe(0);

    await db().webhook.updateMany({ where: { url: 'http://127.0.0.1:9/a' }, data: { enabled: true } });
    await secondaryIs(a, 'ok', BigInt(made[0]!.serial));
    expect(await recordTransitions(ids)).toBe(1);
    expect(JSON.parse((await deliveries(a))[0]!.body)).toMatchObject({ event: 'recovered', previousState: 'unreachable' });
  });
});
