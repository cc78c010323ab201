// The worker as a secondary of a real BIND 9 primary on loopback (issue 5):
// BIND's zone has also-notify to the worker; a change made with nsupdate on
// BIND is served by the worker within 2 s, incrementally (IXFR) after the
// first transfer. And the worker as an autosecondary: BIND sends NOTIFY for
// zones the worker does not have, from an address registered with
// `zonekeeper autoprimary add`; the zone whose NS set names the worker's
// nameserver is created and served, the other is not.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db';
import { RCODE } from '../../dns/wire';
import { freePort, startBind, type RunningBind } from '../../testing/bind';
import { ask, eventually } from '../../testing/dns-client';
import { runProgram, runZonekeeper } from '../../testing/run-program';
import { requireProgram } from '../../testing/system-program';
import { getZone } from '../../zones/data';
import { createZone } from '../../zones/zone-lifecycle';
import { startWorker, type RunningWorker } from '../worker';

const named = requireProgram('named', 'bind9');
const nsupdate = requireProgram('nsupdate', 'bind9-dnsutils');
const OUR_NS = 'ns2.zonekeeper.test.';

const zk = (args: string[]) => runZonekeeper(args, { input: '' });

const zoneFile = (zone: string, ns: string[], extra = '') =>
  [`$TTL 300`, `@ IN SOA ns1.${zone}. hostmaster.${zone}. 1 3600 600 86400 300`, ...ns.map((n) => `@ IN NS ${n}`), `ns1 IN A 127.0.0.1`, `www IN A 192.0.2.1`, extra, ''].join('\n');

describe.skipIf(!named || !nsupdate)('the worker as secondary of BIND 9', () => {
  let bind: RunningBind;
  let worker: RunningWorker;
  let port: number;
  let bindPort: number;

  const serial = async (zone: string) => {
    const r = await ask(port, zone, 'SOA');
    return r.rcode === RCODE.NOERROR ? (r.answers[0]!.data as { serial: number }).serial : -1;
  };
  const update = async (lines: string[]) => {
    const r = await runProgram(nsupdate!, [], { input: [`server 127.0.0.1 ${bindPort}`, 'zone sec.test', ...lines, 'send', ''].join('\n') });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  };
  const events = async (zone: string) => (await db().zoneEvent.findMany({ where: { zoneName: zone }, orderBy: { id: 'asc' } })).map((e) => ({ ...e, serial: e.serial === null ? null : Number(e.serial) }));

  beforeAll(async () => {
    bindPort = await freePort('127.0.0.1');
    await createZone({ name: 'sec.test', kind: 'secondary', primaries: [`127.0.0.1:${bindPort}`] }, { name: 'test' });
    // Polling is left at its 60-second minimum: within the test, only NOTIFY can move a change.
    worker = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs: 1000 });
    port = worker.dns[0]!.port;
    process.env.ZK_CONTROL_PORT = String(worker.controlPort);
    // Registered before BIND starts: its start-up NOTIFYs are the ones that create the zone.
    const add = await zk(['autoprimary', 'add', `127.0.0.1:${bindPort}`, OUR_NS, '--account', 'bind-test']);
    expect(add.stderr).toBe('');
    expect(add.status).toBe(0);

    const zone = (name: string, dir: string) =>
      `zone "${name}" { type primary; file "${path.join(dir, `${name}.zone`)}"; notify explicit; also-notify { 127.0.0.1 port ${port}; }; notify-delay 0; ixfr-from-differences yes; max-ixfr-ratio unlimited; allow-update { 127.0.0.1; }; allow-transfer { 127.0.0.1; }; };`;
    bind = await startBind({
      program: named!,
      port: bindPort,
      options: ['notify-source 127.0.0.1;'],
      files: {
        'sec.test.zone': zoneFile('sec.test', ['ns1.sec.test.']),
        'auto.test.zone': zoneFile('auto.test', ['ns1.auto.test.', OUR_NS], 'mail IN MX 10 mx.elsewhere.example.'),
        'notmine.test.zone': zoneFile('notmine.test', ['ns1.notmine.test.', 'ns9.elsewhere.example.']),
      },
      config: (dir) => ['sec.test', 'auto.test', 'notmine.test'].map((n) => zone(n, dir)).join('\n'),
    });
  });

  afterAll(async () => {
    await worker?.stop();
    await bind?.stop();
  });

  it('transfers the zone when BIND starts and notifies', async () => {
    expect(await eventually(() => serial('sec.test.'), (s) => s === 1, 15_000, 100)).toBe(1);
    const r = await ask(port, 'www.sec.test.', 'A');
    expect(r.aa).toBe(true);
    expect(r.answers.map((a) => a.data)).toEqual(['192.0.2.1']);
    expect((await events('sec.test.')).some((e) => e.kind === 'axfr-in' && e.outcome === 'ok' && e.serial === 1)).toBe(true);
  });

  it('serves a change made with nsupdate on BIND within 2 s, by IXFR', async () => {
    await update(['update add www2.sec.test. 300 A 192.0.2.22']);
    const started = Date.now();
    const r = await eventually(() => ask(port, 'www2.sec.test.', 'A'), (m) => m.answers.length > 0, 2000, 20);
    expect(r.answers.map((a) => a.data)).toEqual(['192.0.2.22']);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await serial('sec.test.')).toBe(2);
    const ixfr = (await eventually(() => events('sec.test.'), (ev) => ev.some((e) => e.kind === 'ixfr-in'), 1000)).filter((e) => e.kind === 'ixfr-in' && e.outcome === 'ok');
    expect(ixfr.map((e) => e.serial)).toEqual([2]);
    expect(ixfr[0]!.detail).toMatch(/^incremental: 1 change, \+1 −0 records/);
    expect((await events('sec.test.')).some((e) => e.kind === 'notify-in' && e.outcome === 'ok' && e.peer === '127.0.0.1' && e.serial === 2)).toBe(true);
  });

  it('serves a deletion the same way, and keeps the journal BIND sent', async () => {
    await update(['update delete www.sec.test. A']);
    const started = Date.now();
    const r = await eventually(() => ask(port, 'www.sec.test.', 'A'), (m) => m.rcode === RCODE.NXDOMAIN, 2000, 20);
    expect(r.rcode).toBe(RCODE.NXDOMAIN);
    expect(Date.now() - started).toBeLessThan(2000);
    // The loader's poll may serve the new copy a moment before the event row is written.
    const ixfrSerials = async () => (await events('sec.test.')).filter((e) => e.kind === 'ixfr-in' && e.outcome === 'ok').map((e) => e.serial);
    expect(await eventually(ixfrSerials, (s) => s.length === 2, 1000)).toEqual([2, 3]);
    const changes = await db().change.findMany({ where: { zone: { name: 'sec.test.' } }, orderBy: { id: 'asc' } });
    expect(changes.map((c) => `${c.oldSerial}→${c.newSerial}`)).toEqual(['0→1', '1→2', '2→3']);
  });

  it('creates and serves a zone BIND notifies from a registered autoprimary, when its NS set names us', async () => {
    const r = await eventually(() => ask(port, 'www.auto.test.', 'A'), (m) => m.rcode === RCODE.NOERROR && m.answers.length > 0, 15_000, 100);
    expect(r.aa).toBe(true);
    expect(r.answers.map((a) => a.data)).toEqual(['192.0.2.1']);
    const z = await getZone('auto.test');
    expect(z).toMatchObject({ kind: 'secondary', serial: 1, primaries: [`127.0.0.1:${bindPort}`] });
    expect(z!.records.some((x) => x.type === 'MX' && x.content === '10 mx.elsewhere.example.')).toBe(true);
    const ev = await events('auto.test.');
    expect(ev.find((e) => e.kind === 'notify-in' && e.outcome === 'ok')?.detail).toMatch(new RegExp(`created from autoprimary 127\\.0\\.0\\.1:${bindPort}: its NS set names ns2\\.zonekeeper\\.test\\.; account bind-test`));
    expect(ev.some((e) => e.kind === 'axfr-in' && e.outcome === 'ok')).toBe(true);
  });

  it('does not create a zone whose NS set does not name us, and says why', async () => {
    const ev = await eventually(() => events('notmine.test.'), (e) => e.length > 0, 10_000, 100);
    expect(ev[0]).toMatchObject({ kind: 'notify-in', outcome: 'refused', zoneId: null });
    expect(ev[0]!.detail).toMatch(/does not name ns2\.zonekeeper\.test\./);
    expect(await getZone('notmine.test')).toBeNull();
    expect((await ask(port, 'www.notmine.test.', 'A')).rcode).toBe(RCODE.REFUSED);
  });

  it('lists and deletes autoprimaries from the CLI', { timeout: 90_000 }, async () => {
    const list = await zk(['autoprimary', 'list']);
    expect(list.stdout).toMatch(new RegExp(`^127\\.0\\.0\\.1:${bindPort}\\s+ns2\\.zonekeeper\\.test\\.\\s+bind-test$`, 'm'));
    const del = await zk(['autoprimary', 'delete', '127.0.0.1', OUR_NS]);
    expect(del.status).toBe(0);
    expect((await zk(['autoprimary', 'list'])).stdout).toMatch(/No autoprimaries/);
    // Zones it created stay.
    expect(await getZone('auto.test')).not.toBeNull();
  });
});
