// Three Zonekeepers with separate databases (issue 5, the PowerDNS
// replication article's ns1/ns2/ns3): ns1 is the primary (this process, this
// file's database); ns2 is a secondary of ns1, ns3 a secondary of ns2, each
// a worker process with its own SQLite file. A record added on ns1 is served
// by both within 2 s (NOTIFY ns1 → ns2, IXFR, NOTIFY ns2 → ns3, IXFR from
// ns2's journal); with ns1 stopped both keep serving; past the SOA expire
// (5 s here, with ZK_REFRESH_MIN=1) they answer SERVFAIL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RCODE } from '../../dns/wire';
import { freePort } from '../../testing/bind';
import { ask, eventually } from '../../testing/dns-client';
import { workerProcess, type WorkerProcess } from '../../testing/worker-process';
import { applyChangeset, importZone } from '../../zones/changes';
import { setZoneOptions } from '../../zones/zone-lifecycle';
import { startWorker, type RunningWorker } from '../worker';

const Z = 'trio.test.';
const actor = { name: 'test' };
let ns1: RunningWorker | null = null;
let ns2: WorkerProcess;
let ns3: WorkerProcess;
let ports: { ns1: number; ns2: number; ns3: number };

const soaSerial = async (port: number) => {
  const r = await ask(port, Z, 'SOA', { timeoutMs: 1000 });
  return r.rcode === RCODE.NOERROR ? (r.answers[0]!.data as { serial: number }).serial : -r.rcode;
};

beforeAll(async () => {
  ports = { ns1: await freePort('127.0.0.1'), ns2: await freePort('127.0.0.1'), ns3: await freePort('127.0.0.1') };
  // Refresh and retry every second, expire after 5 s: only the test's ZK_REFRESH_MIN=1 lets them through.
  await importZone(
    Z,
    [`$ORIGIN ${Z}`, '$TTL 60', '@ IN SOA ns1 hostmaster 1 1 1 5 60', '@ IN NS ns1', '@ IN NS ns2', '@ IN NS ns3', 'ns1 IN A 127.0.0.1', 'www IN A 192.0.2.1', ''].join('\n'),
    actor,
  );
  await setZoneOptions(Z, { alsoNotify: [`127.0.0.1:${ports.ns2}`] }, actor);
  ns1 = await startWorker({ listen: [{ address: '127.0.0.1', port: ports.ns1 }], controlPort: 0, notify: { firstBackoffMs: 200, timeoutsMs: [500, 500] } });

  const env = { ZK_REFRESH_MIN: '1', ZK_LOG_LEVEL: 'info' };
  ns2 = workerProcess('ns2', { dnsPort: ports.ns2, controlPort: await freePort('127.0.0.1'), env });
  ns3 = workerProcess('ns3', { dnsPort: ports.ns3, controlPort: await freePort('127.0.0.1'), env });
  const setup = await Promise.all([
    ns2.cli(['zone', 'create', 'trio.test', '--secondary', '--primary', `127.0.0.1:${ports.ns1}`]),
    ns3.cli(['zone', 'create', 'trio.test', '--secondary', '--primary', `127.0.0.1:${ports.ns2}`]),
  ]);
  for (const r of setup) expect(r.stderr).toBe('');
  // ns2 passes changes on to ns3, as ns1 does to ns2.
  expect((await ns2.cli(['zone', 'set', 'trio.test', '--also-notify', `127.0.0.1:${ports.ns3}`])).status).toBe(0);
  await Promise.all([ns2.start(), ns3.start()]);
}, 120_000);

afterAll(async () => {
  await ns1?.stop();
  await Promise.all([ns2?.remove(), ns3?.remove()]);
});

describe('ns1 (primary) → ns2 → ns3, three databases', () => {
  it('both secondaries transfer the zone', async () => {
    expect(await eventually(() => soaSerial(ports.ns2), (s) => s === 1, 15_000, 100)).toBe(1);
    expect(await eventually(() => soaSerial(ports.ns3), (s) => s === 1, 15_000, 100)).toBe(1);
    for (const port of [ports.ns2, ports.ns3]) {
      const r = await ask(port, `www.${Z}`, 'A');
      expect(r.aa).toBe(true);
      expect(r.answers.map((a) => a.data)).toEqual(['192.0.2.1']);
    }
  });

  it('a record added on the primary is served by both secondaries within 2 s', async () => {
    await applyChangeset(Z, { add: [{ name: 'new', type: 'A', content: '192.0.2.77' }] }, actor);
    const started = Date.now();
    const seen = (port: number) => eventually(() => ask(port, `new.${Z}`, 'A'), (m) => m.answers.length > 0, 2000, 20).then((m) => [m.answers.map((a) => a.data), Date.now() - started] as const);
    const [two, three] = await Promise.all([seen(ports.ns2), seen(ports.ns3)]);
    expect(two[0]).toEqual(['192.0.2.77']);
    expect(three[0]).toEqual(['192.0.2.77']);
    expect(two[1]).toBeLessThan(2000);
    expect(three[1]).toBeLessThan(2000);
    // Its answer threads swap within one message of each other (answer-threads.ts): the next question may reach the other.
    expect(await eventually(() => soaSerial(ports.ns3), (s) => s === 2, 1000, 20)).toBe(2);
  });

  it('each secondary took the change incrementally, ns3 from ns2’s journal (zone status)', { timeout: 90_000 }, async () => {
    const [s2, s3] = await Promise.all([ns2.cli(['zone', 'status', 'trio.test']), ns3.cli(['zone', 'status', 'trio.test'])]);
    expect(s2.stdout).toMatch(/^serial:\s+2$/m);
    expect(s2.stdout).toMatch(new RegExp(`ixfr-in\\s+127\\.0\\.0\\.1:${ports.ns1}\\s+2\\s+ok`));
    expect(s3.stdout).toMatch(new RegExp(`^primaries:\\s+127\\.0\\.0\\.1:${ports.ns2}$`, 'm'));
    expect(s3.stdout).toMatch(new RegExp(`ixfr-in\\s+127\\.0\\.0\\.1:${ports.ns2}\\s+2\\s+ok`));
  });

  it('with the primary stopped the secondaries keep serving; past expire they answer SERVFAIL', { timeout: 60_000 }, async () => {
    await ns1!.stop();
    ns1 = null;
    const stopped = Date.now();
    for (const port of [ports.ns2, ports.ns3]) {
      const r = await ask(port, `new.${Z}`, 'A');
      expect(r.rcode).toBe(RCODE.NOERROR);
      expect(r.answers.map((a) => a.data)).toEqual(['192.0.2.77']);
    }
    // ns2 has nowhere to refresh from; 5 s after its last success it expires.
    const two = await eventually(() => ask(ports.ns2, `new.${Z}`, 'A'), (m) => m.rcode === RCODE.SERVFAIL, 15_000, 100);
    expect(two.rcode).toBe(RCODE.SERVFAIL);
    const ns2Expired = Date.now() - stopped;
    expect(ns2Expired).toBeGreaterThan(2000);
    // ns3 refreshed from ns2 until ns2 expired (an expired server is no primary), then expires in turn.
    const three = await eventually(() => ask(ports.ns3, `new.${Z}`, 'A'), (m) => m.rcode === RCODE.SERVFAIL, 20_000, 100);
    expect(three.rcode).toBe(RCODE.SERVFAIL);
    expect((await ask(ports.ns3, Z, 'SOA')).rcode).toBe(RCODE.SERVFAIL);
    const status = await ns2.cli(['zone', 'status', 'trio.test']);
    expect(status.stdout).toMatch(/^expires:.*EXPIRED, answering SERVFAIL/m);
    expect(status.stdout).toMatch(/expire\s+-\s+2\s+expired/);
  });
});
