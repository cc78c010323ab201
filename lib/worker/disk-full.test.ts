// Found on a secondary whose disk filled up: the worker accepted NOTIFYs and
// never acted on them, even after space came back; `zone status` kept showing
// the old "ok"; SIGTERM did not stop it (a COMMIT that failed with SQLITE_FULL
// left the transaction lock held). Here the worker's database lives on a small
// tmpfs that the test fills and frees under the running worker process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RR } from '../dns/types';
import { RCODE } from '../dns/wire';
import { freePort } from '../testing/bind';
import { ask, eventually } from '../testing/dns-client';
import { startFakePrimary, type FakePrimary } from '../testing/fake-primary';
import { mountSmallDisk } from '../testing/small-disk';
import { workerProcess, type WorkerProcess } from '../testing/worker-process';
import { sendNotify } from './notify-out';

const Z = 'full.test.';
const rr = (name: string, type: string, content: string): RR => ({ name: name === '@' ? Z : `${name}.${Z}`, type, ttl: 300, content });
const base: RR[] = [rr('@', 'NS', `ns1.${Z}`), rr('ns1', 'A', '192.0.2.53'), rr('www', 'A', '192.0.2.1')];
/** A version far bigger than what is left on the full disk. */
const big = (n: number, tag: string): RR[] => [...base, ...Array.from({ length: n }, (_, i) => rr(`${tag}${i}`, 'TXT', `"${'x'.repeat(120)} ${i}"`))];

const disk = mountSmallDisk(8);
const file = path.join(disk?.dir ?? '', 'zonekeeper.db');
const fullMessage = `The database disk is full (${file}): nothing was changed. Free space on that disk and try again.`;

let primary: FakePrimary;
let worker: WorkerProcess;

/** The SOA serial served; 0 when the question went unanswered (the worker may be busy storing a big zone). */
const servedSerial = async () => {
  const r = await ask(worker.dnsPort, Z, 'SOA', { timeoutMs: 1000 }).catch(() => null);
  if (!r) return 0;
  return r.rcode === RCODE.NOERROR ? (r.answers[0]!.data as { serial: number }).serial : -r.rcode;
};
const notify = (serial: number) =>
  sendNotify({ name: Z, type: 'SOA', ttl: 3600, content: `ns1.${Z} hostmaster.${Z} ${serial} 3600 600 86400 300` }, { address: '127.0.0.1', port: worker.dnsPort }, { source: '127.0.0.1' });
/** How often the worker has logged `pattern` so far. */
const count = (pattern: RegExp) => (worker.output().match(pattern) ?? []).length;
/** Resolves when the process has gone, or false after `ms`. */
const exitWithin = async (pid: number, ms: number) => {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe.skipIf(!disk)('a secondary worker whose disk fills up', () => {
  beforeAll(async () => {
    fs.copyFileSync(inject('baseDb'), file);
    fs.chmodSync(file, 0o600);
    primary = await startFakePrimary(Z);
    primary.publish(1, base);
    worker = workerProcess('disk-full', {
      dnsPort: await freePort('127.0.0.1'),
      controlPort: await freePort('127.0.0.1'),
      // One process, so that SIGTERM reaches the one holding the database.
      env: { DATABASE_URL: `file:${file}`, ZK_DNS_THREADS: '1', ZK_PROBE_INTERVAL: '0' },
    });
    await worker.start();
    const created = await worker.cli(['zone', 'create', Z, '--secondary', '--primary', primary.target]);
    expect(created.stderr).toBe('');
    expect(await eventually(servedSerial, (s) => s === 1, 10_000)).toBe(1);
  }, 90_000);

  afterAll(async () => {
    await worker?.remove();
    await primary?.close();
    disk?.remove();
  });

  it('refuses a transfer it cannot store, logs why, and keeps answering the copy it has', async () => {
    disk!.fill();
    primary.publish(2, big(4000, 'v2-'));
    expect((await notify(2)).outcome).toBe('acknowledged');
    await eventually(async () => worker.output(), (o) => o.includes('transfer received but not stored'), 15_000, 100);
    expect(worker.output()).toContain(fullMessage);
    // Still serving serial 1 from memory, for every name it had.
    expect(await servedSerial()).toBe(1);
    expect((await ask(worker.dnsPort, `www.${Z}`, 'A')).answers.map((a) => a.data)).toEqual(['192.0.2.1']);
    // A NOTIFY is still answered at once, and acted on (and refused) again.
    expect((await notify(2)).outcome).toBe('acknowledged');
    await eventually(async () => count(/transfer received but not stored/g), (n) => n === 2, 15_000, 100);
    // With no room even for the events that say so, each is logged as lost, once: nothing loops.
    await new Promise((r) => setTimeout(r, 1000));
    const lost = count(/could not record an event/g);
    expect(lost).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 2000));
    expect(count(/could not record an event/g)).toBe(lost);
  });

  it('the CLI refuses a change it cannot store in one line, and reads still work', async () => {
    const zoneFile = path.join(os.tmpdir(), `zk-disk-full-${process.pid}.zone`);
    fs.writeFileSync(zoneFile, [`$ORIGIN big.test.`, `@ 300 IN SOA ns1.big.test. hostmaster.big.test. 1 3600 600 86400 300`, `@ 300 IN NS ns1.big.test.`]
      .concat(Array.from({ length: 4000 }, (_, i) => `h${i} 300 IN TXT "${'y'.repeat(120)}"`)).join('\n') + '\n');
    try {
      const r = await worker.cli(['zone', 'import', 'big.test', zoneFile]);
      expect(r.stderr).toBe(`zonekeeper: ${fullMessage}\n`);
      expect(r.status).toBe(1);
      const list = await worker.cli(['zone', 'list']);
      expect(list.status).toBe(0);
      expect(list.stdout).not.toContain('big.test.');
      expect(list.stdout).toContain(Z);
    } finally {
      fs.rmSync(zoneFile, { force: true });
    }
  });

  it('with a little room left, records the transfer it could not store, and zone status shows it', async () => {
    disk!.free();
    // Room for an event and the refresh state, not for the new version of the zone.
    disk!.fill(256 * 1024);
    const failures = count(/transfer received but not stored/g);
    expect((await notify(2)).outcome).toBe('acknowledged');
    await eventually(async () => count(/transfer received but not stored/g), (n) => n > failures, 15_000, 100);
    const status = await eventually(
      () => worker.cli(['zone', 'status', Z, '--events', '5']),
      (r) => r.stdout.includes(`not stored: ${fullMessage}`),
      10_000,
      500,
    );
    expect(status.stdout, worker.output().slice(-3000)).toContain(`not stored: ${fullMessage}`);
    expect(status.stdout).toMatch(/last check: .*failed: .*not stored: The database disk is full/);
    expect(await servedSerial()).toBe(1);
  });

  it('once space is back, the next NOTIFY transfers the new serial', async () => {
    disk!.free();
    expect((await notify(2)).outcome).toBe('acknowledged');
    expect(await eventually(servedSerial, (s) => s === 2, 15_000, 100)).toBe(2);
    expect((await ask(worker.dnsPort, `v2-3999.${Z}`, 'TXT')).answers).toHaveLength(1);
    const status = await worker.cli(['zone', 'status', Z, '--events', '1']);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(/serial: +2\n/);
    expect(status.stdout).toMatch(/last check: .*, ok\n/);
  });

  it('stops within a few seconds on SIGTERM, even with the disk full again and a transfer failing', async () => {
    disk!.fill();
    const failures = count(/transfer received but not stored/g);
    primary.publish(3, big(6000, 'v3-'));
    expect((await notify(3)).outcome).toBe('acknowledged');
    await eventually(async () => count(/transfer received but not stored/g), (n) => n > failures, 15_000, 100);
    const pid = worker.pid()!;
    const sent = Date.now();
    process.kill(pid, 'SIGTERM');
    expect(await exitWithin(pid, 8000)).toBe(true);
    expect(Date.now() - sent).toBeLessThan(5500);
    expect(worker.output()).toContain('stopping DNS worker');
    disk!.free();
  });
});
