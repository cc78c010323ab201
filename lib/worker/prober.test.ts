// The replication prober against scripted secondaries on loopback: what each
// kind of answer is recorded as, and the chase after a NOTIFY that sees the
// secondary pick up the new serial.
import { afterEach, describe, expect, it } from 'vitest';
import { db } from '../db';
import { contentToWire } from '../dns/rdata';
import { decodeMessage, encodeMessage, newResponse, OPCODE, RCODE, type Message } from '../dns/wire';
import { eventually } from '../testing/dns-client';
import { startResponder, type Responder } from '../testing/dns-responder';
import { applyChangeset, createZone, setZoneOptions } from '../zones/mutations';
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
