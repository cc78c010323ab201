// The CLI handing a command to the running DNS worker (via-worker.ts,
// lib/worker/control-cli.ts), as an operator sees it: the real `zonekeeper`
// process against a worker in this test's process, on this file's database.
// What it prints, what is served, and when the CLI runs the command itself.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../db';
import { ask } from '../testing/dns-client';
import { runZonekeeper, type ProgramResult } from '../testing/run-program';
import { readOrCreateSecret } from '../config/secrets';
import type { Logger } from '../worker/logger';
import { startWorker, type RunningWorker } from '../worker/worker';
import { getZone } from '../zones/data';
import { databaseIdentity } from '../config/database-url';
import { workerMayRun, WORKER_MAX_EVENTS, WORKER_MAX_LISTED_ZONES } from './via-worker';

let worker: RunningWorker;
/** The commands the worker logged as run for the CLI. */
const ranInWorker: string[] = [];

beforeAll(async () => {
  const log = pino({ level: 'info' }, { write: (line: string) => void (JSON.parse(line).msg === 'ran a CLI command' && ranInWorker.push(JSON.parse(line).command)) });
  // A long poll: what is served at once was reloaded on the commit's own nudge.
  worker = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs: 60_000, log: log as unknown as Logger });
  // The worker's commits nudge it through the control port, as in production.
  process.env.ZK_CONTROL_PORT = String(worker.controlPort);
});

afterAll(async () => {
  await worker?.stop();
});

/** The CLI against this file's database and the running worker (its control port and secret). */
function zk(args: string[], env: Record<string, string> = {}): Promise<ProgramResult> {
  return runZonekeeper(args, { env: { ...process.env, ZK_CONTROL_PORT: String(worker.controlPort), ...env } });
}

/** The CLI with a data folder of its own, so another control secret: the worker refuses it (401) and it runs every command itself. */
function zkInProcess(args: string[]): Promise<ProgramResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-cli-own-'));
  fs.writeFileSync(path.join(dir, 'control-secret'), `${'another-secret-'.repeat(4)}\n`, { mode: 0o600 });
  return zk(args, { ZK_DATA_DIR: dir }).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
}

async function serial(zone: string): Promise<number | undefined> {
  return (await getZone(zone))?.serial;
}

/** A POST /cli to the worker with `authorization` (none when undefined): its status and answer. */
function postCli(body: unknown, authorization?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: worker.controlPort, method: 'POST', path: '/cli', headers: authorization ? { authorization } : {} },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('a command the worker runs for the CLI', () => {
  it('prints what the same command prints in the CLI’s own process, and the change is served when it returns', { timeout: 120_000 }, async () => {
    const script = (zone: string) => [
      ['zone', 'create', zone, '--ns', `ns1.${zone}.`],
      ['record', 'add', zone, 'www', 'A', '5m', '192.0.2.10'],
      // Nothing to change; then a refusal of the change service; then a usage error.
      ['record', 'add', zone, 'www', 'A', '300', '192.0.2.10'],
      ['record', 'add', zone, 'www', 'CNAME', '300', `other.${zone}.`],
      ['record', 'add', zone, 'www'],
      ['record', 'add', '--comment', 'second address', zone, 'www', 'A', '300', '192.0.2.11'],
      ['record', 'delete', zone, 'www', 'A', '192.0.2.10'],
      ['zone', 'set', zone, '--also-notify', '192.0.2.99'],
      ['zone', 'status', zone],
      ['record', 'add', 'nosuch.via.test', 'www', 'A', '300', '192.0.2.1'],
    ];
    const viaWorker: ProgramResult[] = [];
    for (const argv of script('w.via.test')) viaWorker.push(await zk(argv));
    const inProcess: ProgramResult[] = [];
    for (const argv of script('p.via.test')) inProcess.push(await zkInProcess(argv));

    expect(ranInWorker).toHaveLength(script('').length);
    // The two runs differ only in the zone's name and when each change was made (zone status shows the last one's time).
    const timeless = (text: string) => text.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z \([^)]*\)/g, 'TIME');
    const same = (r: ProgramResult) => ({ ...r, stdout: timeless(r.stdout.replaceAll('w.via.test', 'p.via.test')), stderr: r.stderr.replaceAll('w.via.test', 'p.via.test') });
    expect(viaWorker.map(same)).toEqual(inProcess.map((r) => ({ ...r, stdout: timeless(r.stdout) })));
    expect(viaWorker.map((r) => r.status)).toEqual([0, 0, 0, 1, 1, 0, 0, 0, 0, 1]);
    expect(viaWorker[1]!.stdout).toMatch(/serial 1 → 2/);
    expect(viaWorker[3]!.stderr).toMatch(/CNAME/);
    expect(viaWorker[4]!.stderr).toMatch(/record add needs ZONE NAME TYPE TTL CONTENT/);

    // Served as the command returned: the worker polls once a minute.
    const a = await ask(worker.dns[0]!.port, 'www.w.via.test.', 'A');
    expect(a.answers.map((x) => x.data)).toEqual(['192.0.2.11']);
    expect(await serial('w.via.test')).toBe(await serial('p.via.test'));

    // The same operator either way: the changelog says "cli", no user.
    const lastChange = (zone: string) => db().change.findFirst({ where: { zone: { name: `${zone}.` } }, orderBy: { id: 'desc' }, select: { actor: true, userId: true, comment: true } });
    expect(await lastChange('w.via.test')).toEqual({ actor: 'cli', userId: null, comment: '' });
    expect(await lastChange('w.via.test')).toEqual(await lastChange('p.via.test'));

    // Both zones exist now: one list, whoever reads it.
    ranInWorker.length = 0;
    const list = await zk(['zone', 'list']);
    expect(ranInWorker).toEqual(['zone list']);
    expect(list).toEqual(await zkInProcess(['zone', 'list']));
    expect(list.stdout).toMatch(/^p\.via\.test\.\s+primary/m);
    expect(list.stdout).toMatch(/^w\.via\.test\.\s+primary/m);
  });

  it('is refused without the control secret or with another, and a request cannot name who makes the change', async () => {
    await zk(['zone', 'create', 'secret.via.test']);
    const before = await serial('secret.via.test');
    ranInWorker.length = 0;
    const argv = ['record', 'add', 'secret.via.test', 'www', 'A', '300', '192.0.2.1'];
    const database = databaseIdentity();

    expect((await postCli({ argv, database })).status).toBe(401);
    expect((await postCli({ argv, database }, 'Bearer not-the-secret-not-the-secret-not-the-secret')).status).toBe(401);
    // With the secret, but an actor of its own choosing: the route runs the CLI's operator or nothing.
    const named = await postCli({ argv, database, actor: { userId: 1, name: 'someone' } }, `Bearer ${readOrCreateSecret('control-secret')}`);
    expect(named.status).toBe(200);
    expect(JSON.parse(named.text)).toMatchObject({ ran: false });
    expect(ranInWorker).toEqual([]);
    expect(await serial('secret.via.test')).toBe(before);
  });

  it('on another database is refused by the worker, and the CLI runs it itself on its own database', { timeout: 60_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-cli-otherdb-'));
    try {
      // The same data folder and secret as the worker: only the database differs.
      const env = { DATABASE_URL: `file:${path.join(dir, 'other.db')}` };
      ranInWorker.length = 0;
      const created = await zk(['zone', 'create', 'other.via.test'], env);
      expect(created.status).toBe(0);
      expect(created.stdout).toMatch(/Created zone other\.via\.test\. with serial 1\./);
      expect((await zk(['zone', 'list'], env)).stdout).toMatch(/^other\.via\.test\.\s+primary\s+1\s+2$/m);
      expect(ranInWorker).toEqual([]);
      expect(await getZone('other.via.test')).toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('when no worker answers usefully', () => {
  /** A fake worker on a free loopback port, with every connection it accepted, for `ZK_CONTROL_PORT`. */
  async function fakeWorker(server: net.Server): Promise<{ port: number; close(): Promise<void> }> {
    const sockets = new Set<net.Socket>();
    server.on('connection', (s: net.Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return {
      port: (server.address() as net.AddressInfo).port,
      close: () => {
        for (const s of sockets) s.destroy();
        return new Promise<void>((r) => server.close(() => r()));
      },
    };
  }

  it('runs the command itself, once, when the worker does not take the request in time', { timeout: 60_000 }, async () => {
    await zkInProcess(['zone', 'create', 'hung.via.test']);
    const before = (await serial('hung.via.test'))!;
    // Takes connections and never reads them: a worker whose event loop is stuck.
    const hung = await fakeWorker(net.createServer());
    try {
      const r = await zk(['record', 'add', 'hung.via.test', 'www', 'A', '300', '192.0.2.1'], { ZK_CONTROL_PORT: String(hung.port) });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`serial ${before} → ${before + 1}`));
      expect(await serial('hung.via.test')).toBe(before + 1);
    } finally {
      await hung.close();
    }
  });

  it('does not run a change again when the worker took it and broke off, and says what to check; a read runs again', { timeout: 60_000 }, async () => {
    await zkInProcess(['zone', 'create', 'broken.via.test']);
    const before = await serial('broken.via.test');
    // Reads the whole command, then drops the connection without an answer.
    const server = http.createServer((req) => {
      req.resume();
      req.on('end', () => req.socket.destroy());
    });
    const broken = await fakeWorker(server);
    try {
      const env = { ZK_CONTROL_PORT: String(broken.port) };
      const r = await zk(['record', 'add', 'broken.via.test', 'www', 'A', '300', '192.0.2.1'], env);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/may or may not have been applied\. It is not run again here: check with zonekeeper zone status ZONE/);
      expect(r.stdout).toBe('');
      expect(await serial('broken.via.test')).toBe(before);

      const list = await zk(['zone', 'list'], env);
      expect(list.status).toBe(0);
      expect(list.stdout).toMatch(/^broken\.via\.test\.\s+primary/m);
    } finally {
      await broken.close();
    }
  });
});

describe('workerMayRun', () => {
  it.each([
    [['record', 'add', 'z', 'www', 'A', '300', '192.0.2.1'], undefined, 'change'],
    [['record', 'delete', 'z', 'www', 'A'], undefined, 'change'],
    [['zone', 'create', 'z'], undefined, 'change'],
    [['zone', 'set', 'z', '--serial-policy', 'date'], undefined, 'change'],
    [['zone', 'status', 'z'], undefined, 'read'],
    [['zone', 'status', 'z', `--events=${WORKER_MAX_EVENTS}`], undefined, 'read'],
    [['zone', 'status', 'z', '--events', String(WORKER_MAX_EVENTS + 1)], undefined, null],
    [['zone', 'list'], { zones: WORKER_MAX_LISTED_ZONES, readOnly: false }, 'read'],
    [['zone', 'list'], { zones: WORKER_MAX_LISTED_ZONES + 1, readOnly: false }, null],
    // A read-only worker (a hot standby) writes nothing, but reads.
    [['record', 'add', 'z', 'www', 'A', '300', '192.0.2.1'], { zones: 1, readOnly: true }, null],
    [['zone', 'status', 'z'], { zones: 1, readOnly: true }, 'read'],
    // Local files, stdin, unbounded output, the worker itself.
    [['zone', 'import', 'z', 'z.zone'], undefined, null],
    [['zone', 'export', 'z'], undefined, null],
    [['zone', 'delete', 'z'], undefined, null],
    [['user', 'add', 'u', '--role', 'editor'], undefined, null],
    [['notify', 'z'], undefined, null],
    [['zone', 'retrieve', 'z'], undefined, null],
    [['constructor'], undefined, null],
  ] as const)('%j on %j → %s', (argv, worker, expected) => {
    expect(workerMayRun(argv, worker)).toBe(expected);
  });
});
