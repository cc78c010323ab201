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
