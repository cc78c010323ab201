// BIND 9 as a secondary of the real worker, on loopback: every change made
// with the CLI reaches it by NOTIFY (its refresh timer is a day, so nothing
// else could move it), later transfers are incremental, both servers list the
// same records, a zone with a TSIG key transfers to BIND holding the key and
// to nobody without it, and a NOTIFY committed while the worker was down goes
// out when it starts.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../db';
import { signMessage, verifyMessage, type TsigKey } from '../dns/tsig';
import { decodeMessage, encodeMessage, RCODE } from '../dns/wire';
import { startBind, type RunningBind } from '../testing/bind';
import { ask, eventually, queryMessage, sendRaw } from '../testing/dns-client';
import { requireProgram } from '../testing/system-program';
import { importZone } from '../zones/changes';
import { createZone, setZoneOptions } from '../zones/zone-lifecycle';
import { createTsigKey, signingKey } from '../zones/tsig-keys';
import { startWorker, type RunningWorker } from './worker';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../bin/zonekeeper.mjs');
const named = requireProgram('named', 'bind9');
const dig = requireProgram('dig', 'bind9-dnsutils');

const actor = { name: 'test' };
const ZONE = 'interop.test';
const SIGNED = 'signed.test';
const KEY = 'interop-key';

/** The CLI as an operator runs it, with this file's database and worker. Async: the worker runs in this process. */
async function zk(...args: string[]): Promise<string> {
  const r = await run(process.execPath, [BIN, ...args], { env: process.env, timeout: 30_000 });
  return r.stdout;
}

/** The new serial from the CLI's "zone.: serial A → B" line. */
function committedSerial(out: string): number {
  const m = /serial \d+ → (\d+)/.exec(out);
  if (!m) throw new Error(`no commit in CLI output:\n${out}`);
  return Number(m[1]);
}

function zoneFile(zone: string, extra: string[]): string {
  return [
    `$ORIGIN ${zone}.`,
    '$TTL 300',
    // Refresh and retry of a day: only a NOTIFY makes BIND look for changes.
    '@ IN SOA ns1 hostmaster 100 86400 86400 1209600 300',
    '@ IN NS ns1',
    'ns1 IN A 127.0.0.1',
    ...extra,
    '',
  ].join('\n');
}

async function soaSerial(port: number, zone: string): Promise<number | null> {
  try {
    const r = await ask(port, `${zone}.`, 'SOA', { timeoutMs: 300 });
    return r.rcode === RCODE.NOERROR && r.answers[0]?.type === 'SOA' ? (r.answers[0].data as { serial: number }).serial : null;
  } catch {
    return null;
  }
}

/** Milliseconds until the server on `port` serves `serial` for `zone`, polling fast; null if not within `withinMs`. */
async function msUntilServed(port: number, zone: string, serial: number, withinMs: number): Promise<number | null> {
  const t0 = Date.now();
  const last = await eventually(() => soaSerial(port, zone), (s) => s === serial, withinMs, 10);
  return last === serial ? Date.now() - t0 : null;
}

/** `dig AXFR` as presentation lines, sorted, duplicates (the closing SOA) dropped. */
async function digAxfr(port: number, zone: string, key?: string): Promise<{ records: string[]; output: string }> {
  const args = ['+tcp', '+nocookie', '+time=3', '+tries=1', '-p', String(port), '@127.0.0.1', zone, 'AXFR'];
  if (key) args.unshift('-y', key);
  const r = await run(dig!, args, { timeout: 15_000 }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith(';'))
    .map((l) => l.trim().split(/\s+/).join(' ').toLowerCase())
    .filter((l) => l.split(' ')[3] !== 'tsig'); // dig prints each message's TSIG record too
  return { records: [...new Set(lines)].sort(), output: r.stdout };
}

// Found by this file: a TSIG-signed SOA query (the refresh query of a
// secondary configured with the zone's key) was answered unsigned, so BIND
// dropped it ("expected a TSIG or SIG(0)") and never transferred the zone.
describe('TSIG-signed queries to the worker', () => {
  let worker: RunningWorker;
  let key: TsigKey;

  beforeAll(async () => {
    const k = await createTsigKey('query-key', 'hmac-sha256');
    key = signingKey(k);
    await createZone({ name: 'tsig-query.test' }, { name: 'test' });
    await setZoneOptions('tsig-query.test', { tsig: 'query-key' }, { name: 'test' });
    worker = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs: 100 });
  });
  afterAll(async () => {
    await worker?.stop();
  });

  it('answers a signed SOA query signed with the same key, over UDP and TCP', async () => {
    for (const transport of ['udp', 'tcp'] as const) {
      const q = signMessage(encodeMessage(queryMessage('tsig-query.test.', 'SOA', { edns: 1232 })).buf, key);
      const reply = await sendRaw(worker.dns[0]!.port, q.message, transport);
      expect(reply).not.toBeNull();
      const v = verifyMessage(reply!, (n) => (n === key.name ? key : undefined), { requestMac: q.mac });
      expect(v.status).toBe('ok');
      const m = decodeMessage(v.status === 'ok' ? v.unsigned : reply!);
      expect(m.rcode).toBe(RCODE.NOERROR);
      expect(m.answers.map((a) => a.type)).toEqual(['SOA']);
    }
  });

  it('answers a query signed with a wrong secret NOTAUTH (BADSIG), with no data', async () => {
    const q = signMessage(encodeMessage(queryMessage('tsig-query.test.', 'SOA')).buf, { ...key, secret: Buffer.alloc(32, 7) });
    const reply = decodeMessage((await sendRaw(worker.dns[0]!.port, q.message, 'udp'))!);
    expect(reply.rcode).toBe(RCODE.NOTAUTH);
    expect(reply.answers).toEqual([]);
  });
});

// Each test runs the CLI (a Node process start, seconds on a busy machine): generous timeouts.
describe.skipIf(!named || !dig)('BIND 9 as a secondary of the worker', { timeout: 60_000 }, () => {
  let worker: RunningWorker;
  let bind: RunningBind;
  let workerPort: number;
  let secret: string;
  let dir: string;
  const zoneSerial = new Map<string, number>();

  const startOurWorker = async (port: number) => {
    const w = await startWorker({
      listen: [{ address: '127.0.0.1', port }],
      controlPort: 0,
      pollIntervalMs: 1000,
      notify: { firstBackoffMs: 200, timeoutsMs: [500, 1000] },
    });
    // The CLI nudges this worker after each commit; NOTIFY goes from (and never to) this address.
    process.env.ZK_CONTROL_PORT = String(w.controlPort);
    process.env.ZK_DNS_LISTEN = `127.0.0.1:${w.dns[0]!.port}`;
    return w;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-interop-bind-'));
    fs.writeFileSync(
      path.join(dir, 'interop.zone'),
      zoneFile(ZONE, [
        'www IN A 192.0.2.80',
        'www IN AAAA 2001:db8::80',
        '@ IN MX 10 mail',
        'mail IN A 192.0.2.25',
        '@ IN TXT "v=spf1 mx -all" "second string"',
        'ftp IN CNAME www',
        '_sip._tcp IN SRV 10 60 5060 sip',
        'sip IN A 192.0.2.50',
        '@ IN CAA 0 issue "ca.example.net"',
        'sub IN NS ns.sub',
        'ns.sub IN A 192.0.2.53',
      ]),
    );
    fs.writeFileSync(path.join(dir, 'signed.zone'), zoneFile(SIGNED, ['www IN A 192.0.2.81']));
    // The CLI where an operator's command is the point (key, --tsig, record changes); the change service directly otherwise.
    await importZone(ZONE, fs.readFileSync(path.join(dir, 'interop.zone'), 'utf8'), actor);
    await importZone(SIGNED, fs.readFileSync(path.join(dir, 'signed.zone'), 'utf8'), actor);
    const added = await zk('tsig', 'add', KEY, 'hmac-sha256');
    secret = /^secret: (\S+)$/m.exec(added)![1]!;
    await zk('zone', 'set', SIGNED, '--tsig', KEY);

    worker = await startOurWorker(0);
    workerPort = worker.dns[0]!.port;
    bind = await startBind({
      program: named!,
      debugLevel: 3,
      options: [
        'allow-notify { 127.0.0.0/8; };',
        'allow-transfer { 127.0.0.0/8; };',
        // BIND must not NOTIFY anyone itself, and must not poll often.
        'notify no;',
        'min-refresh-time 86400;',
        'min-retry-time 86400;',
      ],
      config: (d) =>
        [
          `key "${KEY}" { algorithm hmac-sha256; secret "${secret}"; };`,
          `zone "${ZONE}" { type secondary; primaries { 127.0.0.1 port ${workerPort}; }; file "${d}/${ZONE}.db"; };`,
          `zone "${SIGNED}" { type secondary; primaries { 127.0.0.1 port ${workerPort} key "${KEY}"; }; file "${d}/${SIGNED}.db"; };`,
        ].join('\n'),
    });
    // BIND loads each secondary zone by a full transfer as it starts.
    await bind.waitForLog(new RegExp(`zone ${ZONE}/IN: transferred serial 100`), 10_000);
    await bind.waitForLog(new RegExp(`zone ${SIGNED}/IN: transferred serial 100: TSIG '${KEY}'`), 10_000);
    zoneSerial.set(ZONE, 100).set(SIGNED, 100);
    await setZoneOptions(ZONE, { alsoNotify: [`127.0.0.1:${bind.port}`] }, actor);
    await zk('zone', 'set', SIGNED, '--also-notify', `127.0.0.1:${bind.port}`);
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await bind?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** One CLI change; returns its serial and how long BIND took to serve it after the CLI returned. */
  async function change(zone: string, ...args: string[]): Promise<{ serial: number; ms: number | null }> {
    const serial = committedSerial(await zk('record', ...args));
    zoneSerial.set(zone, serial);
    return { serial, ms: await msUntilServed(bind.port, zone, serial, 5000) };
  }

  it('serves a record added with the CLI within 2 seconds, moved there by our NOTIFY', async () => {
    const { serial, ms } = await change(ZONE, 'add', ZONE, 'new', 'A', '300', '192.0.2.99');
    expect(ms, 'BIND never served the new serial').not.toBeNull();
    expect(ms!).toBeLessThan(2000);
    const a = await ask(bind.port, `new.${ZONE}.`, 'A');
    expect(a.answers.map((r) => r.data)).toEqual(['192.0.2.99']);
    expect(bind.log()).toMatch(new RegExp(`zone ${ZONE}/IN: notify from 127\\.0\\.0\\.1#\\d+: serial ${serial}`));
    const ev = await db().zoneEvent.findFirst({ where: { zoneName: `${ZONE}.`, kind: 'notify-out', serial: BigInt(serial) } });
    expect(ev).toMatchObject({ outcome: 'acknowledged', peer: `127.0.0.1:${bind.port}` });
  });

  it('transfers incrementally after the first full transfer, removals included', async () => {
    const del = await change(ZONE, 'delete', ZONE, 'www', 'AAAA');
    expect(del.ms).not.toBeNull();
    expect((await ask(bind.port, `www.${ZONE}.`, 'AAAA')).answers).toEqual([]);
    const add = await change(ZONE, 'add', ZONE, 'more', 'TXT', '300', '"one more"');
    expect(add.ms).not.toBeNull();
    const log = bind.log();
    const full = [...log.matchAll(new RegExp(`transfer of '${ZONE}/IN' from 127\\.0\\.0\\.1#${workerPort}: got nonincremental response`, 'g'))];
    const incremental = [...log.matchAll(new RegExp(`transfer of '${ZONE}/IN' from 127\\.0\\.0\\.1#${workerPort}: got incremental response`, 'g'))];
    expect(full.length).toBe(1);
    expect(incremental.length).toBeGreaterThanOrEqual(3);
    // Every incremental transfer comes after the one full transfer.
    expect(Math.min(...incremental.map((m) => m.index!))).toBeGreaterThan(full[0]!.index!);
  });

  it('lists the same records in an AXFR from BIND as from the worker', async () => {
    const ours = await digAxfr(workerPort, ZONE);
    const theirs = await digAxfr(bind.port, ZONE);
    expect(ours.records.length).toBeGreaterThan(12);
    expect(ours.records.some((r) => r.includes(` soa `) && r.includes(` ${zoneSerial.get(ZONE)} `))).toBe(true);
    expect(theirs.records).toEqual(ours.records);
  });

  it('transfers a zone with a TSIG key to BIND holding the key, and refuses a client without it', async () => {
    const { serial, ms } = await change(SIGNED, 'add', SIGNED, 'new', 'A', '300', '192.0.2.98');
    expect(ms).not.toBeNull();
    expect(ms!).toBeLessThan(2000);
    expect(bind.log()).toMatch(new RegExp(`zone ${SIGNED}/IN: transferred serial ${serial}: TSIG '${KEY}'`));
    expect(bind.log()).toMatch(new RegExp(`transfer of '${SIGNED}/IN' from 127\\.0\\.0\\.1#${workerPort}: got incremental response`));

    const without = await digAxfr(workerPort, SIGNED);
    expect(without.records).toEqual([]);
    expect(without.output).toMatch(/Transfer failed|NOTAUTH/);
    const refused = await db().zoneEvent.findFirst({ where: { zoneName: `${SIGNED}.`, kind: 'axfr-out', outcome: 'refused' }, orderBy: { id: 'desc' } });
    expect(refused!.detail).toMatch(/requires TSIG key interop-key/);

    const withKey = await digAxfr(workerPort, SIGNED, `hmac-sha256:${KEY}:${secret}`);
    expect(withKey.records).toEqual((await digAxfr(bind.port, SIGNED)).records);
    expect(withKey.records.some((r) => r.startsWith(`new.${SIGNED}. `))).toBe(true);
  });

  it('sends a NOTIFY committed while the worker was stopped once it starts again', async () => {
    await worker.stop();
    const before = zoneSerial.get(ZONE)!;
    const serial = committedSerial(await zk('record', 'add', ZONE, 'while-down', 'A', '300', '192.0.2.97'));
    expect(serial).toBeGreaterThan(before);
    const job = await db().notifyJob.findFirst({ where: { zone: { name: `${ZONE}.` }, serial: BigInt(serial) } });
    expect(job).toMatchObject({ state: 'pending', target: `127.0.0.1:${bind.port}` });
    await new Promise((r) => setTimeout(r, 1000));
    expect(await soaSerial(bind.port, ZONE)).toBe(before);

    worker = await startOurWorker(workerPort);
    const ms = await msUntilServed(bind.port, ZONE, serial, 5000);
    expect(ms, 'BIND never got the change committed while the worker was down').not.toBeNull();
    expect(bind.log()).toMatch(new RegExp(`zone ${ZONE}/IN: notify from 127\\.0\\.0\\.1#\\d+: serial ${serial}`));
    const acked = await eventually(() => db().notifyJob.findUnique({ where: { id: job!.id } }), (j) => j?.state === 'acked', 2000);
    expect(acked!.state).toBe('acked');
  });
});
