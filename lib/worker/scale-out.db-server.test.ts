// Several workers serving from one database server (issue 8 on PostgreSQL,
// issue 22 on MariaDB): two worker processes on the same database, changes
// committed by the CLI (another process) and by the change service (as the web
// app commits) are answered by both within 1 s although their poll timers are
// a minute long and no control-channel nudge reaches them: the database's
// change feed carries it (LISTEN/NOTIFY, or the change sequence where there is
// none). The secondary behind them gets one NOTIFY per change, not one per
// worker (jobs claimed with SKIP LOCKED), and the events and probes name the
// worker that made them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, dbCapabilities, dbProvider } from '../db';
import { listReplication } from '../replication/data';
import { recentZoneEvents } from '../replication/events';
import { freePort } from '../testing/bind';
import { ask, eventually } from '../testing/dns-client';
import { startFakeSecondary, type FakeSecondary } from '../testing/fake-secondary';
import { runZonekeeper, type ProgramResult } from '../testing/run-program';
import { startWebServer, type WebServerProcess } from '../testing/web-server';
import { workerProcess, type WorkerProcess } from '../testing/worker-process';
import { applyChangeset } from '../zones/changes';
import { createZone, setZoneOptions } from '../zones/zone-lifecycle';
import { createSession } from '../auth/session-store';
import { createUser } from '../auth/users';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SERVER = dbProvider() === 'mysql' ? 'MariaDB' : 'PostgreSQL';
const Z = 'scale.test.';
const actor = { name: 'test' };
let fake: FakeSecondary;
let workers: WorkerProcess[] = [];

/** `zonekeeper ARGS` against this file's database, with no worker on its control port. */
function cli(args: string[]): Promise<ProgramResult> {
  return runZonekeeper(args, { cwd: ROOT, env: { ...process.env, ZK_CONTROL_PORT: '1' }, timeoutMs: 60_000 });
}

const notifiesOf = (serial: number) =>
  fake.received.filter((r) => (r.msg.answers[0]?.data as { serial?: number } | undefined)?.serial === serial).length;

beforeAll(async () => {
  fake = await startFakeSecondary('ack');
  await createZone({ name: Z, nameservers: ['ns1.scale.test.'] }, actor);
  await applyChangeset(Z, { add: [{ name: 'ns1', type: 'A', content: '127.0.0.1' }] }, actor);
  await setZoneOptions(Z, { alsoNotify: [fake.target] }, actor);
  const env = { DATABASE_URL: process.env.DATABASE_URL!, ZK_POLL_INTERVAL: '60', ZK_PROBE_INTERVAL: '0' };
  workers = [];
  for (const id of ['w1', 'w2']) {
    workers.push(workerProcess(id, { dnsPort: await freePort('127.0.0.1'), controlPort: await freePort('127.0.0.1'), env: { ...env, ZK_WORKER_ID: id } }));
  }
  await Promise.all(workers.map((w) => w.start()));
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.remove()));
  await fake?.close();
});

describe(`two workers on one ${SERVER} database`, () => {
  it('both follow the change feed and say who they are', () => {
    // What the rest of this file relies on: without a feed, a minute-long poll would serve nothing within 1 s.
    expect(dbCapabilities()).toMatchObject({ changeFeed: true, skipLocked: true });
    for (const w of workers) expect(w.output()).toMatch(new RegExp(`worker ${w.name}, following database changes`));
  });

  it('answer a record committed with the CLI within 1 s, and the secondary gets one NOTIFY for it', async () => {
    const r = await cli(['record', 'add', 'scale.test', 'cli', 'A', '300', '192.0.2.10']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const committed = Date.now();
    const serial = Number((await db().zone.findUniqueOrThrow({ where: { name: Z } })).serial);
    for (const w of workers) {
      const a = await eventually(() => ask(w.dnsPort, 'cli.scale.test.', 'A', { timeoutMs: 300 }), (m) => m.answers.length > 0, 1000, 20);
      expect(a.answers.map((x) => x.data)).toEqual(['192.0.2.10']);
    }
    expect(Date.now() - committed).toBeLessThan(1000);
    await eventually(async () => notifiesOf(serial), (n) => n >= 1, 2000);
    // Give a second worker every chance to send it again.
    await new Promise((r) => setTimeout(r, 1500));
    expect(notifiesOf(serial)).toBe(1);
  });

  it('answer a change committed through the change service (as the web app commits) within 1 s, one NOTIFY per change', async () => {
    const serials: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      const r = await applyChangeset(Z, { add: [{ name: `web${i}`, type: 'A', content: `192.0.2.${20 + i}` }] }, actor);
      serials.push(r.newSerial);
      for (const w of workers) {
        await eventually(() => ask(w.dnsPort, `web${i}.scale.test.`, 'A', { timeoutMs: 300 }), (m) => m.answers.length > 0, 1000, 20);
      }
      expect(Date.now() - started).toBeLessThan(1000);
      // A change committed while the previous NOTIFY still waits supersedes it (one NOTIFY for
      // both); here every change gets its own, so that a second one from the other worker shows.
      await eventually(async () => notifiesOf(r.newSerial), (n) => n >= 1, 3000);
    }
    await new Promise((r) => setTimeout(r, 1500));
    expect(serials.map(notifiesOf)).toEqual(serials.map(() => 1));
    const jobs = await db().notifyJob.findMany({ where: { zone: { name: Z } } });
    expect(jobs.every((j) => j.state === 'acked' || j.state === 'superseded')).toBe(true);
  });

  it('records each NOTIFY sent, and the probes after it, with the name of the worker that did it', async () => {
    const events = await db().zoneEvent.findMany({ where: { zoneName: Z, kind: 'notify-out' } });
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(['w1', 'w2']).toContain(e.workerId);
    const replicas = await eventually(() => db().replicaStatus.findMany({ where: { zone: { name: Z } } }), (rs) => rs.length > 0, 5000, 100);
    for (const r of replicas) expect(['w1', 'w2']).toContain(r.workerId);
    // What the dashboard reads: the events and the secondaries table name the worker.
    const zone = await db().zone.findUniqueOrThrow({ where: { name: Z } });
    const shown = await recentZoneEvents(zone.id);
    expect(shown.filter((e) => e.label === 'NOTIFY sent').every((e) => /by w[12]$/.test(e.details))).toBe(true);
    const [replication] = await listReplication({ zoneIds: [zone.id] });
    expect(replication!.secondaries.map((x) => x.workerId).every((w) => w === 'w1' || w === 'w2')).toBe(true);
  });
});

// The web app on the same database: what the workers serve is what it shows.
describe(`the web app on the same ${SERVER} database`, () => {
  let web: WebServerProcess | undefined;
  let cookie = '';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-scale-web-'));

  beforeAll(async () => {
    const user = await createUser('scale-admin', 'scale-admin-password', 'admin');
    web = await startWebServer({ DATABASE_URL: process.env.DATABASE_URL!, ZK_DATA_DIR: dataDir });
    // A session in the shared database, as a sign-in on any web process would leave.
    cookie = `zk_session=${(await createSession(user.id, { address: '127.0.0.1', userAgent: 'scale-out test' })).token}`;
  }, 600_000);

  afterAll(async () => {
    await web?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the zone and shows the records the CLI and the change service committed, and the workers who probed', async () => {
    const get = async (url: string) => {
      const r = await fetch(web!.base + url, { headers: { cookie }, redirect: 'manual' });
      return { status: r.status, text: await r.text() };
    };
    const list = await get('/zones?q=scale');
    expect(list.status, web!.output().slice(-2000)).toBe(200);
    expect(list.text).toContain('scale.test');
    const zone = await get('/zones/scale.test');
    expect(zone.status).toBe(200);
    expect(zone.text).toContain('192.0.2.10');
    expect(zone.text).toContain('192.0.2.24');
    const history = await get('/zones/scale.test/history?q=nothing-matches-this');
    expect(history.status).toBe(200);
    const replication = await get('/zones/scale.test/replication');
    expect(replication.status).toBe(200);
    expect(replication.text).toMatch(/by w[12]/);
  });

  it('opens every other page an operator reads, with what this database holds', async () => {
    // Each of these runs SQL of its own (ranking, search, counts, activity), written once for three databases.
    const pages: [string, string | RegExp][] = [
      ['/replication', 'scale.test'],
      ['/activity', 'scale.test'],
      ['/search?q=192.0.2.10', 'scale.test'],
      ['/search?q=SCALE', 'scale.test'],
      ['/requests', /request/i],
      ['/settings/users', 'scale-admin'],
      ['/settings/deleted-zones', /deleted/i],
    ];
    for (const [url, shows] of pages) {
      const r = await fetch(web!.base + url, { headers: { cookie }, redirect: 'manual' });
      const text = await r.text();
      expect(r.status, `${url}\n${web!.output().slice(-2000)}`).toBe(200);
      expect(text, url).toMatch(shows);
    }
  });
});
