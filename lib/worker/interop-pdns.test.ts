// PowerDNS 4.7 as an autosecondary ("supermaster" setup) trusting the real
// worker, on loopback: a zone whose NS set names the PowerDNS server is
// created there by our NOTIFY alone, transferred and served, and later
// changes follow within seconds although PowerDNS checks serials on its own
// only once a day here.
//
// PowerDNS transfers from the NOTIFY's source address on port 53, so the
// worker listens on port 53 (root, or CAP_NET_BIND_SERVICE). Each run takes a
// random 127.X.Y.0/24 so that two runs on one machine never collide: the
// worker on .2, PowerDNS on .3.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../db';
import { RCODE } from '../dns/wire';
import { startPdns, type RunningPdns } from '../testing/pdns';
import { ask, eventually } from '../testing/dns-client';
import { requireProgram } from '../testing/system-program';
import { startWorker, type RunningWorker } from './worker';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../bin/zonekeeper.mjs');
const pdnsServer = requireProgram('pdns_server', 'pdns-server pdns-backend-sqlite3');
const dig = requireProgram('dig', 'bind9-dnsutils');

const NET = `127.${100 + Math.floor(Math.random() * 100)}.${1 + Math.floor(Math.random() * 254)}`;
const WORKER = `${NET}.2`;
const PDNS = `${NET}.3`;
const ZONE = 'auto.test';

/** Whether TCP port 53 can be bound on `address` here; why not otherwise. */
async function port53(address: string): Promise<string | null> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => resolve(`${err.code ?? err.message}`));
    srv.listen(53, address, () => srv.close(() => resolve(null)));
  });
}

const cannotBind = pdnsServer && dig ? await port53(WORKER) : null;
if (cannotBind) {
  const why = `the worker cannot listen on ${WORKER}:53 (${cannotBind}); PowerDNS transfers only from port 53 of the NOTIFY's source, so this test needs root or CAP_NET_BIND_SERVICE`;
  // Under CI this is an environment fault to fix, never a skip.
  if (process.env.CI) throw new Error(why);
  console.warn(`skipping: ${why}`);
}

async function zk(...args: string[]): Promise<string> {
  const r = await run(process.execPath, [BIN, ...args], { env: process.env, timeout: 30_000 });
  return r.stdout;
}

async function soaSerial(zone: string): Promise<number | null> {
  try {
    const r = await ask(53, `${zone}.`, 'SOA', { timeoutMs: 300 }, PDNS);
    return r.rcode === RCODE.NOERROR && r.answers[0]?.type === 'SOA' ? (r.answers[0].data as { serial: number }).serial : null;
  } catch {
    return null;
  }
}

/** `dig AXFR` as presentation lines, sorted, duplicates (the closing SOA) dropped. */
async function digAxfr(address: string, zone: string): Promise<string[]> {
  const r = await run(dig!, ['+tcp', '+nocookie', '+time=3', '+tries=1', '-p', '53', `@${address}`, zone, 'AXFR'], { timeout: 15_000 });
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith(';'))
    .map((l) => l.trim().split(/\s+/).join(' ').toLowerCase());
  return [...new Set(lines)].sort();
}

describe.skipIf(!pdnsServer || !dig || cannotBind !== null)('PowerDNS 4.7 as an autosecondary of the worker', { timeout: 60_000 }, () => {
  let worker: RunningWorker;
  let pdns: RunningPdns;
  let dir: string;

  beforeAll(async () => {
    // Set before any commit: NOTIFY targets never include our own address, and NOTIFY leaves from it.
    process.env.ZK_DNS_LISTEN = `${WORKER}:53`;
    delete process.env.ZK_NOTIFY_SOURCE;
    pdns = await startPdns({
      program: pdnsServer!,
      address: PDNS,
      port: 53,
      autosecondary: [{ ip: WORKER, nameserver: `ns2.${ZONE}` }],
      // A day between its own serial checks: only our NOTIFY can move it.
      settings: ['xfr-cycle-interval=86400'],
    });
    worker = await startWorker({
      listen: [{ address: WORKER, port: 53 }],
      controlPort: 0,
      pollIntervalMs: 1000,
      notify: { firstBackoffMs: 200, timeoutsMs: [500, 1000] },
    });
    process.env.ZK_CONTROL_PORT = String(worker.controlPort);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-interop-pdns-'));
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await pdns?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates the zone on our NOTIFY, transfers it from us and serves it', async () => {
    fs.writeFileSync(
      path.join(dir, 'auto.zone'),
      [
        `$ORIGIN ${ZONE}.`,
        '$TTL 300',
        '@ IN SOA ns1 hostmaster 100 86400 86400 1209600 300',
        // ns1 is us (the SOA MNAME), ns2 the PowerDNS server: its glue is where the NOTIFY goes.
        '@ IN NS ns1',
        '@ IN NS ns2',
        `ns1 IN A ${WORKER}`,
        `ns2 IN A ${PDNS}`,
        'www IN A 192.0.2.80',
        '@ IN MX 10 mail',
        'mail IN A 192.0.2.25',
        '@ IN TXT "v=spf1 mx -all"',
        '',
      ].join('\n'),
    );
    const out = await zk('zone', 'import', ZONE, path.join(dir, 'auto.zone'));
    expect(out).toMatch(/serial 0 → 100/);

    // PowerDNS handles an autoprimary NOTIFY in its once-a-second communicator loop, then asks us
    // for the NS set and transfers: seconds on a CI machine running two test projects at once.
    await pdns.waitForLog(new RegExp(`Created new slave zone '${ZONE}' from supermaster ${WORKER.replace(/\./g, '\\.')}`), 20_000);
    const serial = await eventually(() => soaSerial(ZONE), (s) => s === 100, 20_000, 20);
    expect(serial).toBe(100);
    const www = await ask(53, `www.${ZONE}.`, 'A', {}, PDNS);
    expect(www.aa).toBe(true);
    expect(www.answers.map((r) => r.data)).toEqual(['192.0.2.80']);

    const [domain] = pdns.query<{ type: string; master: string; account: string }>('select type, master, account from domains where name = ?', ZONE);
    expect(domain).toMatchObject({ type: 'SLAVE', master: WORKER, account: 'admin' });
    const job = await db().notifyJob.findFirst({ where: { zone: { name: `${ZONE}.` } }, orderBy: { id: 'desc' } });
    expect(job).toMatchObject({ target: `${PDNS}:53`, state: 'acked' });
    const transfer = await db().zoneEvent.findFirst({ where: { zoneName: `${ZONE}.`, kind: 'axfr-out', outcome: 'ok' } });
    expect(transfer).not.toBeNull();
  });

  it('follows a later change within a few seconds and holds the same records as the worker', async () => {
    const out = await zk('record', 'add', ZONE, 'new', 'A', '300', '192.0.2.99');
    const serial = Number(/serial \d+ → (\d+)/.exec(out)![1]);
    expect(out).toContain(`NOTIFY queued for ${PDNS}:53`);
    const t0 = Date.now();
    const got = await eventually(() => soaSerial(ZONE), (s) => s === serial, 5000, 10);
    expect(got).toBe(serial);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect((await ask(53, `new.${ZONE}.`, 'A', {}, PDNS)).answers.map((r) => r.data)).toEqual(['192.0.2.99']);
    expect(await digAxfr(PDNS, ZONE)).toEqual(await digAxfr(WORKER, ZONE));
  });
});
