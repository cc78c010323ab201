// Replication alerts end to end: a worker probing a scripted secondary sends
// one signed webhook when the secondary becomes unreachable and one when it
// comes back, and a delivery the receiver refused, or one written while no
// worker ran, goes out after a restart.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { db, writeTransaction } from '../db';
import { contentToWire } from '../dns/rdata';
import { decodeMessage, encodeMessage, newResponse, OPCODE, type Message } from '../dns/wire';
import { eventually } from '../testing/dns-client';
import { startResponder } from '../testing/dns-responder';
import { startWebhookReceiver, type ReceivedHook, type WebhookReceiver } from '../testing/webhook-receiver';
import { enqueueDeliveries } from '../webhooks/transitions';
import { createZone, setZoneOptions } from '../zones/zone-lifecycle';
import { startWorker, type RunningWorker } from './worker';

const actor = { name: 'test' };
const SECRET = 'correct horse battery staple';
const cleanup: (() => Promise<void>)[] = [];
beforeEach(async () => {
  await db().webhook.deleteMany({});
});
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A receiver answering `status`, closed after the test. */
async function receiver(status: number): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver(status);
  cleanup.push(() => r.close());
  return r;
}

/** A secondary that serves `serial()` as the zone's SOA serial, or stays silent (unreachable) while `up` is false. */
async function secondary(serial: () => number | undefined) {
  const state = { up: true, port: 0 };
  const r = await startResponder((raw) => {
    const q = decodeMessage(raw);
    const reply: Message = newResponse(q);
    reply.aa = true;
    if (q.opcode === OPCODE.NOTIFY) return [encodeMessage(reply).buf];
    if (!state.up) return [];
    const name = q.questions[0]!.name;
    reply.answers = [{ name, type: 'SOA', class: 'IN', ttl: 300, data: contentToWire('SOA', `ns1.${name} hostmaster.${name} ${serial() ?? 1} 3600 600 86400 300`) }];
    return [encodeMessage(reply).buf];
  });
  cleanup.push(() => r.close());
  state.port = r.port;
  return state;
}

const verify = (d: ReceivedHook) => d.headers['x-zonekeeper-signature'] === `sha256=${createHmac('sha256', SECRET).update(d.body).digest('hex')}`;

async function zoneWithSecondary(name: string) {
  let worker: RunningWorker | undefined;
  const sec = await secondary(() => worker?.store.get(`${name}.`)?.serial);
  await createZone({ name }, actor);
  await setZoneOptions(name, { alsoNotify: [`127.0.0.1:${sec.port}`] }, actor);
  const start = async (retryMs: number) => {
    worker = await startWorker({
      listen: [{ address: '127.0.0.1', port: 0 }],
      controlPort: 0,
      probe: { intervalMs: 0, timeoutsMs: [100, 100], chaseDelaysMs: [] },
      webhooks: { firstBackoffMs: retryMs },
    });
    // Stopped once, by the test or after it.
    const w = worker;
    let stopping: Promise<void> | undefined;
    const stop = () => (stopping ??= w.stop());
    cleanup.push(stop);
    return { ...w, stop };
  };
  return { sec, start };
}

describe('replication webhooks', () => {
  it('sends one signed alert when a secondary becomes unreachable and one when it recovers, none in between', async () => {
    const hook = await receiver(200);
    await db().webhook.create({ data: { url: hook.url, secret: SECRET } });
    const { sec, start } = await zoneWithSecondary('alert.test');
    const worker = await start(200);
    const probe = async (times: number) => {
      for (let i = 0; i < times; i++) await worker.prober.probeZone('alert.test.');
    };

    await probe(3);
    expect((await db().zoneHealth.findFirst({ where: { zone: { name: 'alert.test.' } } }))?.state).toBe('in sync');
    expect(hook.got).toHaveLength(0);

    // Probes on both sides of the first alert's arrival, then time for a second one to show up if it were sent.
    const probeUntil = async (deliveries: number) => {
      await probe(3);
      await eventually(async () => hook.got.length, (n) => n >= deliveries, 5000);
      await probe(2);
      await new Promise((r) => setTimeout(r, 300));
      expect(hook.got).toHaveLength(deliveries);
    };
    sec.up = false;
    await probeUntil(1);
    const problem = hook.got[0]!;
    expect(verify(problem)).toBe(true);
    expect(problem.headers['x-zonekeeper-delivery']).toMatch(/^\d+$/);
    const body = JSON.parse(problem.body);
    expect(body).toMatchObject({ event: 'problem', zone: 'alert.test.', state: 'unreachable', previousState: 'in sync' });
    // The doctor's diagnosis of the secondary that went away.
    expect(body.secondaries).toEqual([expect.objectContaining({ target: `127.0.0.1:${sec.port}`, healthy: false })]);
    expect(body.secondaries[0].summary).toEqual(expect.any(String));

    sec.up = true;
    await probeUntil(2);
    expect(verify(hook.got[1]!)).toBe(true);
    expect(JSON.parse(hook.got[1]!.body)).toMatchObject({ event: 'recovered', zone: 'alert.test.', state: 'in sync', previousState: 'unreachable' });
    const log = await db().webhookDelivery.findMany({ where: { zoneName: 'alert.test.' }, orderBy: { id: 'asc' } });
    expect(log.map((d) => [d.event, d.status, d.attempts, d.lastStatus])).toEqual([
      ['problem', 'delivered', 1, 200],
      ['recovered', 'delivered', 1, 200],
    ]);
  });

  it('delivers after a restart what the receiver refused and what was written while no worker ran', async () => {
    const hook = await receiver(500);
    const webhook = await db().webhook.create({ data: { url: hook.url, secret: SECRET } });
    const { sec, start } = await zoneWithSecondary('retry.test');
    const first = await start(1000);
    await first.prober.probeZone('retry.test.');
    sec.up = false;
    await first.prober.probeZone('retry.test.');
    const refused = await eventually(
      () => db().webhookDelivery.findFirst({ where: { zoneName: 'retry.test.' } }),
      (d) => (d?.attempts ?? 0) >= 1,
      5000,
    );
    expect(refused).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 500, lastError: expect.stringContaining('receiver broken') });
    await first.stop();

    hook.status = 200;
    // Written while no worker runs: the outbox keeps it.
    await writeTransaction((tx) =>
      enqueueDeliveries(tx, { id: null, name: 'offline.test.' }, { event: 'test', zone: 'offline.test.', state: 'in sync', previousState: null, at: new Date().toISOString(), secondaries: [] }),
    );
    // A log row past the 30 days kept goes when the next round sends something.
    const longAgo = new Date(Date.now() - 31 * 86_400_000);
    const old = await db().webhookDelivery.create({ data: { webhookId: webhook.id, zoneName: 'old.test.', event: 'problem', state: 'behind', body: '{}', status: 'delivered', createdAt: longAgo, nextAttemptAt: longAgo } });
    // The refused one's retry is due 1 s after its attempt.
    await new Promise((r) => setTimeout(r, Math.max(0, refused!.nextAttemptAt.getTime() - Date.now()) + 50));
    await start(1000);
    const log = await eventually(
      () => db().webhookDelivery.findMany({ where: { webhookId: webhook.id }, orderBy: { id: 'asc' } }),
      (ds) => ds.length === 2 && ds.every((d) => d.status === 'delivered' && d.id !== old.id),
      5000,
    );
    expect(log.map((d) => [d.zoneName, d.status, d.attempts, d.lastStatus])).toEqual([
      ['retry.test.', 'delivered', 2, 200],
      ['offline.test.', 'delivered', 1, 200],
    ]);
    // The refused attempt, its retry with the same delivery id and body, and the other one (sent alongside).
    const [refusedId, offlineId] = log.map((d) => String(d.id));
    expect(hook.got.map((g) => g.headers['x-zonekeeper-delivery']).sort()).toEqual([refusedId, refusedId, offlineId].sort());
    const retries = hook.got.filter((g) => g.headers['x-zonekeeper-delivery'] === refusedId);
    expect(retries[1]!.body).toBe(retries[0]!.body);
    expect(hook.got.every(verify)).toBe(true);
  });
});
