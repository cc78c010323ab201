// The replication prober against scripted secondaries on loopback: what each
// kind of answer is recorded as, the chase after a NOTIFY that sees the
// secondary pick up the new serial, and the NOTIFY sent again to a secondary
// that stays behind (with backoff, a cap, and never to one that is away).
import { afterEach, describe, expect, it } from 'vitest';
import { db } from '../db';
import { contentToWire } from '../dns/rdata';
import { decodeMessage, encodeMessage, newResponse, OPCODE, RCODE, type Message } from '../dns/wire';
import { getZoneReplication } from '../replication/data';
import { eventually } from '../testing/dns-client';
import { startResponder, type Responder } from '../testing/dns-responder';
import { applyChangeset } from '../zones/changes';
import { createZone, deleteZone, setZoneOptions } from '../zones/zone-lifecycle';
import { probeSoa } from './prober';
import { startWorker, type RunningWorker } from './worker';

const actor = { name: 'test' };
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

type Behaviour = { serial: number } | 'refused' | 'nxdomain' | 'not-authoritative' | 'silent' | 'truncated';

/** A secondary whose SOA answers follow `behaviour()`; NOTIFYs are acknowledged and passed to `onNotify`. */
async function secondary(behaviour: () => Behaviour, onNotify?: (serial: number) => void): Promise<Responder> {
  const r = await startResponder((raw, transport) => {
    const q = decodeMessage(raw);
    const reply: Message = newResponse(q);
    if (q.opcode === OPCODE.NOTIFY) {
      reply.aa = true;
      onNotify?.((q.answers[0]!.data as { serial: number }).serial);
      return [encodeMessage(reply).buf];
    }
    const b = behaviour();
    if (b === 'silent') return [];
    if (b === 'refused') reply.rcode = RCODE.REFUSED;
    else if (b === 'nxdomain') reply.rcode = RCODE.NXDOMAIN;
    else if (b === 'truncated' && transport === 'udp') reply.tc = true;
    else {
      const serial = typeof b === 'object' ? b.serial : 77;
      reply.aa = b !== 'not-authoritative';
      const name = q.questions[0]!.name;
      reply.answers = [{ name, type: 'SOA', class: 'IN', ttl: 300, data: contentToWire('SOA', `ns1.${name} hostmaster.${name} ${serial} 3600 600 86400 300`) }];
    }
    return [encodeMessage(reply).buf];
  });
  cleanup.push(() => r.close());
  return r;
}

describe('probeSoa', () => {
  const at = (r: Responder) => ({ address: '127.0.0.1', port: r.port });

  it('reads the serial from an authoritative answer, over TCP when UDP is truncated', async () => {
    expect(await probeSoa('p.test.', at(await secondary(() => ({ serial: 2026112501 }))))).toMatchObject({ state: 'ok', serial: 2026112501 });
    const tcp = await secondary(() => 'truncated');
    expect(await probeSoa('p.test.', at(tcp))).toMatchObject({ state: 'ok', serial: 77 });
    expect(tcp.queries.map((q) => q.transport)).toEqual(['udp', 'tcp']);
  });

  it.each([
    ['refused', 'refused', /does not serve this zone/],
    ['nxdomain', 'missing', /NXDOMAIN/],
    ['not-authoritative', 'missing', /not authoritative/],
  ] as const)('records %s as %s, with the reason', async (behaviour, state, reason) => {
    const r = await probeSoa('p.test.', at(await secondary(() => behaviour)));
    expect(r.state).toBe(state);
    expect(r.error).toMatch(reason);
    expect(r.serial).toBeUndefined();
  });

  it('records silence as a timeout', async () => {
    expect(await probeSoa('p.test.', at(await secondary(() => 'silent')), [100, 100])).toMatchObject({ state: 'timeout' });
  });
});

describe('Prober in the worker', () => {
  it('after a NOTIFY, sees the secondary move to the new serial and keeps when it did', async () => {
    // The secondary "transfers" 300 ms after each NOTIFY, as a real one would.
    let served = 0;
    const sec = await secondary(
      () => ({ serial: served }),
      (serial) => void setTimeout(() => (served = serial), 300),
    );
    const created = await createZone({ name: 'chase.test' }, actor);
    served = created.serial;
    await setZoneOptions('chase.test', { alsoNotify: [`127.0.0.1:${sec.port}`] }, actor);
    const worker: RunningWorker = await startWorker({
      listen: [{ address: '127.0.0.1', port: 0 }],
      controlPort: 0,
      pollIntervalMs: 100,
      probe: { intervalMs: 0, chaseDelaysMs: [0, 100, 200, 400, 800, 1600] },
    });
    cleanup.push(() => worker.stop());
    process.env.ZK_CONTROL_PORT = String(worker.controlPort);

    const commit = await applyChangeset('chase.test', { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
    const target = `127.0.0.1:${sec.port}`;
    const status = await eventually(
      () => db().replicaStatus.findFirst({ where: { zone: { name: 'chase.test.' }, target } }),
      (s) => Number(s?.serial) === commit.newSerial,
      5000,
    );
    expect(status).toMatchObject({ state: 'ok', error: null });
    // The probe that first saw the new serial is kept, after the commit and after the secondary's 300 ms.
    const seen = await db().zoneEvent.findFirst({ where: { zoneName: 'chase.test.', kind: 'probe', peer: target, serial: BigInt(commit.newSerial) } });
    const change = await db().change.findUniqueOrThrow({ where: { id: commit.changeId! } });
    expect(seen).not.toBeNull();
    expect(seen!.createdAt.getTime() - change.createdAt.getTime()).toBeGreaterThanOrEqual(300);
    // Probes that saw nothing new add no event.
    const probes = await db().zoneEvent.count({ where: { zoneName: 'chase.test.', kind: 'probe' } });
    await worker.prober.probeZone('chase.test.');
    expect(await db().zoneEvent.count({ where: { zoneName: 'chase.test.', kind: 'probe' } })).toBe(probes);
  });

  it('records the probes of the other zones of a sweep\'s batch when one was deleted while its secondaries were probed', async () => {
    // Bug: every probe result writes a lag sample, so a zone deleted mid-sweep failed its whole batch on the foreign key.
    let deleting: Promise<void> | null = null;
    // The first zone swept is deleted as its secondary is asked; the second is probed 200 ms later.
    const sec = await secondary(() => {
      deleting ??= deleteZone('doomed.test', actor);
      return { serial: 1 };
    });
    for (const name of ['doomed.test', 'kept.test']) {
      await createZone({ name }, actor);
      await setZoneOptions(name, { alsoNotify: [`127.0.0.1:${sec.port}`] }, actor);
    }
    const worker = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, probe: { intervalMs: 60_000, zonesPerSecond: 5, chaseDelaysMs: [] } });
    cleanup.push(() => worker.stop());
    const kept = await db().zone.findUniqueOrThrow({ where: { name: 'kept.test.' } });
    const status = await eventually(() => db().replicaStatus.findFirst({ where: { zoneId: kept.id } }), (s) => s !== null, 5000);
    expect(status).toMatchObject({ state: 'ok', serial: 1n });
    expect(await db().lagSample.count({ where: { zoneId: kept.id } })).toBe(1);
    await deleting;
    expect(await db().zone.count({ where: { name: 'doomed.test.' } })).toBe(0);
  });

  it('marks a secondary that stops answering as timed out, keeping the serial it last served', async () => {
    let mode: Behaviour = { serial: 0 };
    const sec = await secondary(() => mode);
    const created = await createZone({ name: 'gone.test' }, actor);
    mode = { serial: created.serial };
    await setZoneOptions('gone.test', { alsoNotify: [`127.0.0.1:${sec.port}`] }, actor);
    const worker = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, probe: { intervalMs: 0, timeoutsMs: [100, 100] } });
    cleanup.push(() => worker.stop());
    await worker.prober.probeZone('gone.test.');
    mode = 'silent';
    const [r] = await worker.prober.probeZone('gone.test.');
    expect(r).toMatchObject({ state: 'timeout' });
    const status = await db().replicaStatus.findFirstOrThrow({ where: { zone: { name: 'gone.test.' } } });
    expect(status).toMatchObject({ state: 'timeout', serial: BigInt(created.serial) });
    expect(status.lastOkAt).not.toBeNull();
  });
});

describe('re-notifying secondaries that stay behind', () => {
  it('a secondary the dashboard shows behind after acknowledging a NOTIFY gets another one, and catches up', async () => {
    // Bug: a secondary that acknowledged a NOTIFY and died before the transfer stayed behind for hours; the dashboard showed it behind and nothing was done.
    const notifies: number[] = [];
    let served = 0;
    const sec = await secondary(
      () => ({ serial: served }),
      (serial) => {
        notifies.push(serial);
        // It drops the first NOTIFY of a serial on the floor after acknowledging it; it takes the next.
        if (notifies.filter((n) => n === serial).length >= 2) setTimeout(() => (served = serial), 100);
      },
    );
    const target = `127.0.0.1:${sec.port}`;
    const created = await createZone({ name: 'behind.test' }, actor);
    served = created.serial;
    await setZoneOptions('behind.test', { alsoNotify: [target] }, actor);
    const worker = await startWorker({
      listen: [{ address: '127.0.0.1', port: 0 }],
      controlPort: 0,
      pollIntervalMs: 100,
      notify: { firstBackoffMs: 100, timeoutsMs: [500], renotify: { firstDelayMs: 3000, maxDelayMs: 10_000, maxPerSerial: 3 } },
      probe: { intervalMs: 0, chaseDelaysMs: [0, 200, 400, 800, 1600, 3200] },
    });
    cleanup.push(() => worker.stop());
    process.env.ZK_CONTROL_PORT = String(worker.controlPort);

    const commit = await applyChangeset('behind.test', { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
    const zoneId = (await db().zone.findUniqueOrThrow({ where: { name: 'behind.test.' } })).id;
    // The chase after the first NOTIFY sees it stay on the old serial: the dashboard says behind.
    await eventually(() => db().replicaStatus.findFirst({ where: { zoneId, target } }), (r) => r?.state === 'ok' && Number(r.serial) === created.serial, 3000);
    await new Promise((r) => setTimeout(r, 300));
    const rep = (await getZoneReplication(zoneId, { behindMs: 200 }))!;
    expect(rep.secondaries.find((x) => x.target === target)).toMatchObject({ state: 'behind', serial: created.serial });
    expect(notifies).toEqual([commit.newSerial]);

    // Nothing else happens, and a NOTIFY comes again; the secondary takes it this time.
    await eventually(async () => notifies.length, (n) => n >= 2, 15_000);
    expect(notifies).toEqual([commit.newSerial, commit.newSerial]);
    const status = await eventually(() => db().replicaStatus.findFirst({ where: { zoneId, target } }), (r) => Number(r?.serial) === commit.newSerial, 5000);
    expect(status).toMatchObject({ state: 'ok' });
    expect((await getZoneReplication(zoneId, { behindMs: 200 }))!.state).toBe('in sync');
    const sent = await db().zoneEvent.findMany({ where: { zoneId, kind: 'notify-out', peer: target }, orderBy: { id: 'asc' } });
    expect(sent.map((e) => [e.outcome, Number(e.serial), e.detail])).toEqual([
      ['acknowledged', commit.newSerial, null],
      ['acknowledged', commit.newSerial, `re-notify: it served serial ${created.serial} when probed`],
    ]);
    // The second one came after the policy's first delay, not at once.
    expect(sent[1]!.createdAt.getTime() - sent[0]!.createdAt.getTime()).toBeGreaterThanOrEqual(2900);
    expect(await db().notifyJob.findMany({ where: { zoneId, reason: 'behind' }, select: { target: true, state: true, attempts: true } })).toEqual([{ target, state: 'acked', attempts: 1 }]);
    // In sync now: no more NOTIFYs.
    await new Promise((r) => setTimeout(r, 1500));
    expect(notifies).toHaveLength(2);
  });

  it('re-notifies with a doubling delay up to a cap, and never a secondary that does not answer probes', async () => {
    const stuck: number[] = [];
    const away: number[] = [];
    const created = await createZone({ name: 'stuck.test' }, actor);
    // Acknowledges every NOTIFY and never transfers.
    const s1 = await secondary(() => ({ serial: created.serial }), () => stuck.push(Date.now()));
    // Acknowledges NOTIFY but never answers a probe: unreachable on the dashboard, not behind.
    const s2 = await secondary(() => 'silent', () => away.push(Date.now()));
    await setZoneOptions('stuck.test', { alsoNotify: [`127.0.0.1:${s1.port}`, `127.0.0.1:${s2.port}`] }, actor);
    const worker = await startWorker({
      listen: [{ address: '127.0.0.1', port: 0 }],
      controlPort: 0,
      pollIntervalMs: 100,
      notify: { firstBackoffMs: 100, timeoutsMs: [500], renotify: { firstDelayMs: 400, maxDelayMs: 800, maxPerSerial: 3 } },
      probe: { intervalMs: 150, zonesPerSecond: 100, timeoutsMs: [100], chaseDelaysMs: [0] },
    });
    cleanup.push(() => worker.stop());
    process.env.ZK_CONTROL_PORT = String(worker.controlPort);

    const commit = await applyChangeset('stuck.test', { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
    await eventually(async () => stuck.length, (n) => n >= 4, 15_000);
    // Then nothing more for this serial, however often it is probed.
    await new Promise((r) => setTimeout(r, 2500));
    expect(stuck).toHaveLength(4);
    // The delays count from the last NOTIFY job of the serial to that secondary (its creation),
    // not from when its datagram arrived, which a busy machine may send some tens of ms later.
    const zone = await db().zone.findUniqueOrThrow({ where: { name: 'stuck.test.' } });
    const jobs = await db().notifyJob.findMany({ where: { zoneId: zone.id, target: `127.0.0.1:${s1.port}`, serial: BigInt(commit.newSerial) }, orderBy: { createdAt: 'asc' } });
    expect(jobs.map((j) => j.reason)).toEqual(['change', 'behind', 'behind', 'behind']);
    const gaps = jobs.slice(1).map((j, i) => j.createdAt.getTime() - jobs[i]!.createdAt.getTime());
    expect(gaps[0]).toBeGreaterThanOrEqual(400);
    expect(gaps[1]).toBeGreaterThanOrEqual(800);
    expect(gaps[2]).toBeGreaterThanOrEqual(800);
    expect(away).toHaveLength(1);
    const events = await db().zoneEvent.findMany({ where: { zoneName: 'stuck.test.', serial: BigInt(commit.newSerial), kind: 'notify-out', detail: { startsWith: 're-notify' } } });
    expect(events.map((e) => e.peer)).toEqual(Array(3).fill(`127.0.0.1:${s1.port}`));
  });
});
