// A Zonekeeper secondary (a worker process with its own database) killed
// after it acknowledged a NOTIFY and before it stored the transfer (issue 14):
// restarted, it serves the new serial within a minute by asking its primary
// on start, though the SOA's refresh is three hours away and the primary,
// having had its acknowledgement, sends no NOTIFY again. The primary is the
// worker in this process; the secondary reaches it through a relay on
// loopback that can hold zone transfers, so the kill lands mid-transfer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db';
import { RCODE } from '../../dns/wire';
import { freePort } from '../../testing/bind';
import { ask, eventually, sendRaw } from '../../testing/dns-client';
import { startResponder, type Responder } from '../../testing/dns-responder';
import { workerProcess, type WorkerProcess } from '../../testing/worker-process';
import { applyChangeset, importZone } from '../../zones/changes';
import { setZoneOptions } from '../../zones/zone-lifecycle';
import { startWorker, type RunningWorker } from '../worker';

const Z = 'crash.test.';
const actor = { name: 'test' };
let primary: RunningWorker;
let relay: Responder;
let ns2: WorkerProcess;
let ports: { primary: number; ns2: number };
/** While set, zone transfers (TCP) reaching the relay wait here. */
let hold: { release: () => void; until: Promise<void> } | null = null;

const soaSerial = async (port: number) => {
  try {
    const r = await ask(port, Z, 'SOA', { timeoutMs: 500 });
    return r.rcode === RCODE.NOERROR ? (r.answers[0]!.data as { serial: number }).serial : -r.rcode;
  } catch {
    return -1;
  }
};

beforeAll(async () => {
  ports = { primary: await freePort('127.0.0.1'), ns2: await freePort('127.0.0.1') };
  // Refresh three hours, retry one hour: within the test only a check on start can move the secondary.
  await importZone(Z, [`$ORIGIN ${Z}`, '$TTL 60', '@ IN SOA ns1 hostmaster 1 10800 3600 1209600 60', '@ IN NS ns1', 'ns1 IN A 127.0.0.1', 'www IN A 192.0.2.1', ''].join('\n'), actor);
  await setZoneOptions(Z, { alsoNotify: [`127.0.0.1:${ports.ns2}`] }, actor);
  primary = await startWorker({
    listen: [{ address: '127.0.0.1', port: ports.primary }],
    controlPort: 0,
    // No re-notify: only the secondary's own check on start may move it.
    notify: { firstBackoffMs: 200, timeoutsMs: [500, 500], renotify: { maxPerSerial: 0 } },
    probe: { intervalMs: 0 },
  });
  // UDP (the SOA checks) is passed on at once; TCP (the transfers) waits while `hold` is set.
  relay = await startResponder(async (query, transport) => {
    if (transport === 'tcp' && hold) await hold.until;
    const reply = await sendRaw(ports.primary, query, transport, 2000);
    return reply ? [reply] : [];
  });
  ns2 = workerProcess('ns2', { dnsPort: ports.ns2, controlPort: await freePort('127.0.0.1'), env: { ZK_LOG_LEVEL: 'info', ZK_DNS_THREADS: '1' } });
  const create = await ns2.cli(['zone', 'create', 'crash.test', '--secondary', '--primary', `127.0.0.1:${relay.port}`]);
  expect(create.stderr).toBe('');
  await ns2.start();
}, 120_000);

afterAll(async () => {
  hold?.release();
  await ns2?.remove();
  await primary?.stop();
  await relay?.close();
});

describe('a Zonekeeper secondary killed after acknowledging a NOTIFY', () => {
  it('catches up within a minute of restarting', { timeout: 150_000 }, async () => {
    expect(await eventually(() => soaSerial(ports.ns2), (s) => s === 1, 20_000, 100)).toBe(1);

    let release!: () => void;
    hold = { release: () => release(), until: new Promise<void>((r) => (release = r)) };
    const tcpBefore = relay.queries.filter((q) => q.transport === 'tcp').length;
    const change = await applyChangeset(Z, { add: [{ name: 'new', type: 'A', content: '192.0.2.2' }] }, actor);
    expect(change.newSerial).toBe(2);
    // The secondary took the NOTIFY (the primary's job is acknowledged) and began the transfer…
    await eventually(async () => relay.queries.filter((q) => q.transport === 'tcp').length, (n) => n > tcpBefore, 10_000, 20);
    const job = await db().notifyJob.findFirstOrThrow({ where: { zone: { name: Z }, serial: 2n, target: `127.0.0.1:${ports.ns2}` } });
    expect(job.state).toBe('acked');
    // …and dies before it is stored.
    await ns2.kill();
    hold.release();
    hold = null;
    const status = await ns2.cli(['zone', 'status', 'crash.test']);
    expect(status.stdout).toMatch(/^serial:\s+1$/m);
    expect(status.stdout).toMatch(/^next refresh:\s+\S+ \(in [23] h\)$/m);

    const logBefore = ns2.output().length;
    await ns2.start();
    const restarted = Date.now();
    const serial = await eventually(() => soaSerial(ports.ns2), (s) => s === 2, 60_000, 200);
    expect(serial).toBe(2);
    expect(Date.now() - restarted).toBeLessThan(60_000);
    expect((await ask(ports.ns2, `new.${Z}`, 'A')).answers.map((a) => a.data)).toEqual(['192.0.2.2']);
    // Its own check on start did it: no NOTIFY reached it after the restart.
    const after = ns2.output().slice(logBefore);
    expect(after).not.toMatch(/NOTIFY accepted/);
    expect(after).toMatch(/checking every secondary zone with its primaries/);
  });
});
