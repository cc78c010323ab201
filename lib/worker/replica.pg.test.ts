// A read-only worker on a real PostgreSQL streaming replica (issue 8): a
// second cluster made with pg_basebackup -R from this file's own primary,
// running in recovery as a hot standby. The worker (ZK_READ_ONLY=1) serves
// every zone from it, serves a change committed on the primary within 2 s,
// answers AXFR and IXFR from the replicated journal, and never writes: the
// standby refuses writes and logs each refusal, and its log stays clean.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { disconnectDb } from '../db';
import { RCODE } from '../dns/wire';
import { migratePostgres } from '../setup/migrate-pg';
import { freePort } from '../testing/bind';
import { ask, eventually } from '../testing/dns-client';
import { pgQuery, startCluster, startStandby, type PgCluster } from '../testing/postgres';
import { workerProcess, type WorkerProcess } from '../testing/worker-process';
import { transfer } from '../testing/xfr-client';
import { applyChangeset } from '../zones/changes';
import { createZone } from '../zones/zone-lifecycle';

const actor = { name: 'test' };
let primary: PgCluster | undefined;
let standby: PgCluster | undefined;
let replica: WorkerProcess | undefined;
const standbyLog = () => fs.readFileSync(path.join(standby!.dir, 'server.log'), 'utf8');
const WRITE_REFUSED = /read-only transaction|during recovery/;

beforeAll(async () => {
  const bin = inject('pg').bin;
  primary = await startCluster(bin);
  await pgQuery(primary.url(), 'CREATE DATABASE zk');
  await migratePostgres(primary.url('zk'));
  // This process is the web app / CLI writing to the primary.
  await disconnectDb();
  process.env.DATABASE_URL = primary.url('zk');
  await createZone({ name: 'replica.test', nameservers: ['ns1.replica.test.'] }, actor);
  await applyChangeset('replica.test', { add: [{ name: 'ns1', type: 'A', content: '192.0.2.53' }, { name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
  await createZone({ name: 'second.test' }, actor);
  standby = await startStandby(bin, primary);
  expect(await pgQuery(standby.url('zk'), 'SELECT pg_is_in_recovery() AS standby')).toEqual([{ standby: true }]);
  replica = workerProcess('replica', {
    dnsPort: await freePort('127.0.0.1'),
    controlPort: await freePort('127.0.0.1'),
    env: { DATABASE_URL: standby.url('zk'), ZK_READ_ONLY: '1', ZK_WORKER_ID: 'replica', ZK_PROBE_INTERVAL: '1' },
  });
  await replica.start();
}, 120_000);

afterAll(async () => {
  await replica?.remove();
  await disconnectDb();
  await standby?.stop();
  await primary?.stop();
});

describe('a read-only worker on a hot standby', () => {
  it('starts read-only and serves every zone from the replica', async () => {
    expect(replica!.output()).toMatch(/worker replica, read-only/);
    for (const zone of ['replica.test.', 'second.test.']) {
      const r = await ask(replica!.dnsPort, zone, 'SOA');
      expect(r.rcode).toBe(RCODE.NOERROR);
      expect(r.aa).toBe(true);
    }
    expect((await ask(replica!.dnsPort, 'www.replica.test.', 'A')).answers.map((a) => a.data)).toEqual(['192.0.2.1']);
  });

  it('serves a change committed on the primary within 2 s', async () => {
    const started = Date.now();
    await applyChangeset('replica.test', { add: [{ name: 'new', type: 'A', content: '192.0.2.77' }] }, actor);
    const r = await eventually(() => ask(replica!.dnsPort, 'new.replica.test.', 'A', { timeoutMs: 300 }), (m) => m.answers.length > 0, 2000, 20);
    expect(r.answers.map((a) => a.data)).toEqual(['192.0.2.77']);
    expect(Date.now() - started).toBeLessThan(2000);
    // A zone created on the primary appears too, and a deleted one goes.
    await createZone({ name: 'later.test' }, actor);
    await eventually(() => ask(replica!.dnsPort, 'later.test.', 'SOA', { timeoutMs: 300 }), (m) => m.rcode === RCODE.NOERROR, 2000, 20);
  });

  it('answers AXFR and IXFR from the replicated journal', async () => {
    const before = Number((await pgQuery<{ serial: string }>(standby!.url('zk'), `SELECT serial FROM "Zone" WHERE name = 'replica.test.'`))[0]!.serial);
    const c = await applyChangeset('replica.test', { add: [{ name: 'ixfr', type: 'A', content: '192.0.2.99' }] }, actor);
    await eventually(() => ask(replica!.dnsPort, 'ixfr.replica.test.', 'A', { timeoutMs: 300 }), (m) => m.answers.length > 0, 2000, 20);
    const ixfr = await transfer(replica!.dnsPort, 'replica.test.', 'IXFR', { serial: before });
    const soas = ixfr.records.filter((r) => r.type === 'SOA').map((r) => (r.data as { serial: number }).serial);
    expect(soas).toEqual([c.newSerial, before, c.newSerial, c.newSerial]);
    const axfr = await transfer(replica!.dnsPort, 'replica.test.', 'AXFR');
    expect(axfr.records.some((r) => r.name === 'ixfr.replica.test.' && r.type === 'A')).toBe(true);
  });

  it('never wrote: the standby logged no refused write, and the worker logged no error', async () => {
    // Long enough for a prober round (ZK_PROBE_INTERVAL=1, if it ran) and several polls.
    await new Promise((r) => setTimeout(r, 1500));
    expect(standbyLog()).not.toMatch(WRITE_REFUSED);
    expect(replica!.output()).not.toMatch(/"level":(50|60)/);
    // The check can see a write: one attempted now is refused and logged.
    await expect(pgQuery(standby!.url('zk'), `INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES ('x', '1', now())`)).rejects.toThrow(WRITE_REFUSED);
    await eventually(async () => standbyLog(), (log) => WRITE_REFUSED.test(log), 2000);
  });

  it('refuses to start on a database whose schema is not current, saying why', async () => {
    await pgQuery(primary!.url(), 'CREATE DATABASE unmigrated');
    await eventually(() => pgQuery(standby!.url(), `SELECT 1 AS ok FROM pg_database WHERE datname = 'unmigrated'`), (rows) => rows.length === 1, 5000, 100);
    const stale = workerProcess('stale', {
      dnsPort: await freePort('127.0.0.1'),
      controlPort: await freePort('127.0.0.1'),
      env: { DATABASE_URL: standby!.url('unmigrated'), ZK_READ_ONLY: '1' },
    });
    try {
      await expect(stale.start()).rejects.toThrow(/lacks \d+ migration\(s\) \(\d+_init[^)]*\) and ZK_READ_ONLY is set/);
    } finally {
      await stale.remove();
    }
  });
});
