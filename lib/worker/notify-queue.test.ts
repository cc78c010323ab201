// NOTIFY out through the job queue, against a scripted secondary on loopback:
// sent right after commit with the new SOA, retried until acknowledged, given
// up after a bounded time, sent after a restart, and every attempt recorded.
import { afterEach, describe, expect, it } from 'vitest';
import { db } from '../db';
import { OPCODE } from '../dns/wire';
import { eventually } from '../testing/dns-client';
import { startFakeSecondary, type FakeSecondary } from '../testing/fake-secondary';
import { applyChangeset } from '../zones/changes';
import { createZone, setZoneOptions } from '../zones/zone-lifecycle';
import { DEFAULT_RENOTIFY, renotifyDelayMs } from './notify-queue';
import { startWorker, type RunningWorker, type WorkerOptions } from './worker';

const actor = { name: 'test' };
const running: { worker?: RunningWorker; fake?: FakeSecondary }[] = [];
let zoneCount = 0;

async function setup(fake: FakeSecondary, notify: WorkerOptions['notify'] = {}) {
  const zone = `n${++zoneCount}.test`;
  await createZone({ name: zone }, actor);
  await setZoneOptions(zone, { alsoNotify: [fake.target] }, actor);
  const worker = await startWorker({
    listen: [{ address: '127.0.0.1', port: 0 }],
    controlPort: 0,
    pollIntervalMs: 200,
    notify: { firstBackoffMs: 100, timeoutsMs: [300], ...notify },
  });
  process.env.ZK_CONTROL_PORT = String(worker.controlPort);
  running.push({ worker, fake });
  return { zone: `${zone}.`, worker };
}

async function jobsOf(zone: string) {
  return db().notifyJob.findMany({ where: { zone: { name: zone } }, orderBy: { id: 'asc' } });
}

afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.worker?.stop();
    await r.fake?.close();
  }
});

describe('NOTIFY queue', () => {
  it('notifies right after a commit with the new SOA in the answer, and marks the job acknowledged', async () => {
    const fake = await startFakeSecondary('ack');
    const { zone } = await setup(fake);
    const before = fake.received.length;
    const t0 = Date.now();
    const r = await applyChangeset(zone, { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
    await eventually(async () => fake.received.length, (n) => n > before, 2000);
    const got = fake.received.at(-1)!;
    expect(got.at - t0).toBeLessThan(1000);
    expect(got.msg.opcode).toBe(OPCODE.NOTIFY);
    expect(got.msg.aa).toBe(true);
    expect(got.msg.questions).toEqual([{ name: zone, type: 'SOA', class: 'IN' }]);
    expect((got.msg.answers[0]!.data as { serial: number }).serial).toBe(r.newSerial);
    const jobs = await eventually(() => jobsOf(zone), (js) => js.at(-1)?.state === 'acked', 2000);
    expect(jobs.at(-1)).toMatchObject({ state: 'acked', attempts: 1, target: fake.target });
    const events = await db().zoneEvent.findMany({ where: { zoneName: zone, kind: 'notify-out' } });
    expect(events.some((e) => e.outcome === 'acknowledged' && Number(e.serial) === r.newSerial)).toBe(true);
  });

  it('sends a commit\'s NOTIFY at once while another zone\'s NOTIFY still waits for a secondary that does not answer', async () => {
    // Found by bench/scale.sh --big-zone: a commit 3 s after another reached both secondaries 2.9 s
    // late, its NOTIFY queued behind the previous run's wait for an address that never answered.
    const silent = await startFakeSecondary('silent');
    const fake = await startFakeSecondary('ack');
    const { zone: quiet, worker } = await setup(silent, { timeoutsMs: [1500, 1500] });
    const busy = `n${++zoneCount}.test.`;
    await createZone({ name: busy }, actor);
    await setZoneOptions(busy, { alsoNotify: [fake.target] }, actor);
    await eventually(async () => worker.store.get(busy)?.serial, (s) => s !== undefined, 2000);
    await eventually(() => jobsOf(busy), (js) => js.every((j) => j.state !== 'pending'), 3000);

    const asked = silent.received.length;
    await applyChangeset(quiet, { add: [{ name: 'www', type: 'A', content: '192.0.2.3' }] }, actor);
    await eventually(async () => silent.received.length, (n) => n > asked, 2000);
    const before = fake.received.length;
    const t0 = Date.now();
    const r = await applyChangeset(busy, { add: [{ name: 'www', type: 'A', content: '192.0.2.4' }] }, actor);
    await eventually(async () => fake.received.length, (n) => n > before, 3000);
    // Well before the silent secondary's 3 s of timeouts have run out.
    expect(fake.received.at(-1)!.at - t0).toBeLessThan(1000);
    expect((fake.received.at(-1)!.msg.answers[0]!.data as { serial: number }).serial).toBe(r.newSerial);
  });

  it('retries a silent or refusing secondary with backoff until it acknowledges', async () => {
    const fake = await startFakeSecondary('ack');
    const { zone } = await setup(fake);
    await eventually(() => jobsOf(zone), (js) => js.every((j) => j.state !== 'pending'), 3000);
    fake.script.push('silent', 'refuse');
    await applyChangeset(zone, { add: [{ name: 'www', type: 'A', content: '192.0.2.2' }] }, actor);
    const jobs = await eventually(() => jobsOf(zone), (js) => js.at(-1)?.state === 'acked', 5000);
    expect(jobs.at(-1)).toMatchObject({ state: 'acked', attempts: 3 });
    const outcomes = (await db().zoneEvent.findMany({ where: { zoneName: zone, kind: 'notify-out' }, orderBy: { id: 'asc' } })).map((e) => e.outcome);
    expect(outcomes.slice(-3)).toEqual(['timeout', 'refused', 'acknowledged']);
  });

  it('gives up on a secondary that never answers, and records why', async () => {
    const fake = await startFakeSecondary('silent');
    const { zone } = await setup(fake, { giveUpAfterMs: 800 });
    await applyChangeset(zone, { add: [{ name: 'www', type: 'A', content: '192.0.2.3' }] }, actor);
    const jobs = await eventually(() => jobsOf(zone), (js) => js.at(-1)?.state === 'failed', 6000);
    expect(jobs.at(-1)!.lastResult).toMatch(/gave up after \d+ attempts/);
    expect(fake.received.length).toBeGreaterThan(1);
  });

  it('sends a NOTIFY committed while the worker was stopped once it starts', async () => {
    const fake = await startFakeSecondary('ack');
    const { zone, worker } = await setup(fake);
    await eventually(() => jobsOf(zone), (js) => js.every((j) => j.state !== 'pending'), 3000);
    await worker.stop();
    running.pop();
    const r = await applyChangeset(zone, { add: [{ name: 'later', type: 'A', content: '192.0.2.4' }] }, actor);
    const seen = fake.received.length;
    await new Promise((res) => setTimeout(res, 300));
    expect(fake.received.length).toBe(seen);
    const again = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, notify: { timeoutsMs: [300] } });
    running.push({ worker: again, fake });
    await eventually(async () => fake.received.length, (n) => n > seen, 2000);
    expect((fake.received.at(-1)!.msg.answers[0]!.data as { serial: number }).serial).toBe(r.newSerial);
  });

  // Found by bench/propagation.sh: a job committed between a reload and the queue run went out with
  // the old SOA, BIND answered "zone is up to date", the job counted as acknowledged and the change
  // never reached BIND.
  it('holds a job back until the worker serves its serial, then sends the new SOA', async () => {
    const fake = await startFakeSecondary('ack');
    const zone = `n${++zoneCount}.test.`;
    await createZone({ name: zone }, actor);
    await setZoneOptions(zone, { alsoNotify: [fake.target] }, actor);
    // No poll, no nudge and no change feed (LISTEN, or the change sequence on MySQL): this worker reloads only when the test says so.
    const worker = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs: 600_000, changeFeed: false, notify: { timeoutsMs: [300] } });
    running.push({ worker, fake });
    const served = worker.store.get(zone)!.serial;
    const seen = fake.received.length;
    const r = await applyChangeset(zone, { add: [{ name: 'raced', type: 'A', content: '192.0.2.5' }] }, actor);
    await worker.notifyQueue.kick();
    expect(worker.store.get(zone)!.serial).toBe(served);
    expect(fake.received.length).toBe(seen);
    expect((await jobsOf(zone)).at(-1)).toMatchObject({ state: 'pending', attempts: 0 });

    await worker.loader.sync();
    await worker.notifyQueue.kick();
    await eventually(async () => fake.received.length, (n) => n > seen, 2000);
    expect(fake.received.slice(seen).map((x) => (x.msg.answers[0]!.data as { serial: number }).serial)).toEqual([r.newSerial]);
    const jobs = await eventually(() => jobsOf(zone), (js) => js.at(-1)?.state === 'acked', 2000);
    expect(jobs.at(-1)).toMatchObject({ state: 'acked', serial: BigInt(r.newSerial) });
  });
});

describe('re-notify backoff', () => {
  it('waits a minute after the last NOTIFY of a serial, doubling to an hour, eight times at most', () => {
    expect(Array.from({ length: DEFAULT_RENOTIFY.maxPerSerial }, (_, k) => renotifyDelayMs(k) / 60_000)).toEqual([1, 2, 4, 8, 16, 32, 60, 60]);
    expect(renotifyDelayMs(1000)).toBe(3_600_000);
  });
});
