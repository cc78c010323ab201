// The worker as a secondary of a real PowerDNS 4.7 primary (gsqlite3) on
// loopback. PowerDNS answers IXFR with the whole zone and sends its first SOA
// in a message of its own; we took that message for "you are current",
// failed, and fetched the zone again by AXFR, so every change cost two full
// transfers. A change made with pdnsutil and announced by NOTIFY must arrive
// in one transfer and be served.
import path from 'node:path';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db';
import { RCODE } from '../../dns/wire';
import { freePort } from '../../testing/bind';
import { ask, eventually } from '../../testing/dns-client';
import { startPdns, type RunningPdns } from '../../testing/pdns';
import { runProgram } from '../../testing/run-program';
import { requirePrograms } from '../../testing/system-program';
import { createZone } from '../../zones/zone-lifecycle';
import { startWorker, type RunningWorker } from '../worker';

const programs = requirePrograms({ pdns_server: 'pdns-server pdns-backend-sqlite3', pdnsutil: 'pdns-server', pdns_control: 'pdns-server' });
const ZONE = 'pd.test';

describe.skipIf(!programs)('the worker as secondary of PowerDNS 4.7', { timeout: 60_000 }, () => {
  let pdns: RunningPdns;
  let worker: RunningWorker;
  let port: number;

  const pdnsutil = async (...args: string[]) => {
    const r = await runProgram(programs!.pdnsutil, [`--config-dir=${pdns.dir}`, ...args]);
    expect(r.status, r.stderr).toBe(0);
  };
  const serial = async () => {
    const r = await ask(port, `${ZONE}.`, 'SOA');
    return r.rcode === RCODE.NOERROR ? (r.answers[0]!.data as { serial: number }).serial : -1;
  };
  const transfers = async () =>
    (await db().zoneEvent.findMany({ where: { zoneName: `${ZONE}.`, kind: { in: ['ixfr-in', 'axfr-in'] } }, orderBy: { id: 'asc' } })).map((e) => ({
      kind: e.kind,
      outcome: e.outcome,
      serial: e.serial === null ? null : Number(e.serial),
      detail: e.detail,
    }));

  beforeAll(async () => {
    port = await freePort('127.0.0.1');
    // PowerDNS on 127.0.0.1 too: its NOTIFY then leaves from the address we know as the primary's.
    pdns = await startPdns({
      program: programs!.pdns_server,
      address: '127.0.0.1',
      port: await freePort('127.0.0.1'),
      // Its own serial checks a day apart: only pdns_control's NOTIFY announces the change. No zone
      // cache: it would hide the zone loaded after start for minutes.
      settings: ['primary=yes', 'zone-cache-refresh-interval=0', `also-notify=127.0.0.1:${port}`, 'xfr-cycle-interval=86400'],
    });
    const file = path.join(pdns.dir, `${ZONE}.zone`);
    fs.writeFileSync(file, ['$TTL 300', `@ IN SOA ns1.${ZONE}. hostmaster.${ZONE}. 10 3600 600 86400 300`, `@ IN NS ns1.${ZONE}.`, 'ns1 IN A 127.0.0.1', 'www IN A 192.0.2.1', ''].join('\n'));
    await pdnsutil('load-zone', ZONE, file);
    await pdnsutil('set-kind', ZONE, 'MASTER');
    await createZone({ name: ZONE, kind: 'secondary', primaries: [`127.0.0.1:${pdns.port}`] }, { name: 'test' });
    // Polling at its minimum: within the test only the start-up check and NOTIFY move the zone.
    worker = await startWorker({ listen: [{ address: '127.0.0.1', port }], controlPort: 0, pollIntervalMs: 1000 });
  });

  afterAll(async () => {
    await worker?.stop();
    await pdns?.stop();
  });

  it('transfers the zone at start', async () => {
    expect(await eventually(serial, (s) => s === 10, 15_000, 100)).toBe(10);
    expect((await ask(port, `www.${ZONE}.`, 'A')).answers.map((a) => a.data)).toEqual(['192.0.2.1']);
    expect(await transfers()).toMatchObject([{ kind: 'axfr-in', outcome: 'ok', serial: 10 }]);
  });

  it('takes a change announced by NOTIFY in one transfer, the whole zone PowerDNS sends for IXFR', async () => {
    await pdnsutil('add-record', ZONE, 'new', 'A', '300', '192.0.2.99');
    await pdnsutil('increase-serial', ZONE);
    const notify = await runProgram(programs!.pdns_control, [`--config-dir=${pdns.dir}`, 'notify', ZONE]);
    expect(notify.status, notify.stderr).toBe(0);

    const r = await eventually(() => ask(port, `new.${ZONE}.`, 'A'), (m) => m.answers.length > 0, 10_000, 50);
    expect(r.answers.map((a) => a.data)).toEqual(['192.0.2.99']);
    expect(await serial()).toBe(11);
    // Exactly one transfer for serial 11, and no IXFR that failed first.
    const after = (await eventually(transfers, (t) => t.length >= 2, 2000)).slice(1);
    expect(after).toMatchObject([{ kind: 'axfr-in', outcome: 'ok', serial: 11 }]);
    expect(after[0]!.detail).toMatch(/^the whole zone in answer to IXFR; 4 records/);
  });
});
