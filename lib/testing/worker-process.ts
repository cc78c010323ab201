// Another Zonekeeper on loopback, for replication tests: the DNS worker
// (`npm run worker`, lib/worker/command.ts) as a child process with its own
// database (a SQLite file, or under the postgres and mariadb test projects a
// database on the run's server), data folder, DNS port and control port, and the CLI run
// against the same environment. The Prisma client is one per process, so a
// second database needs a second process. Every wait is bounded; stop() ends
// the process this helper started, by PID, and removes its folder.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stopProcess, tail } from './bind';
import { copyTestDatabase, type TestDatabase } from './test-databases';
import { runZonekeeper } from './run-program';
import { WORKER_NODE_ARGS } from '../worker/command';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface WorkerProcess {
  name: string;
  dnsPort: number;
  controlPort: number;
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Everything the worker printed so far (its JSON log lines included). */
  output(): string;
  /** The PID of the process this helper started, while it runs. */
  pid(): number | null;
  /** Runs `zonekeeper ARGS…` against this worker's database and control channel. */
  cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }>;
  /** Starts the worker process and waits until it answers; at most once at a time. */
  start(): Promise<void>;
  /** Stops the process (SIGTERM, then SIGKILL after a bounded wait). */
  stop(): Promise<void>;
  /** Ends the process at once with SIGKILL, as a crash would (nothing is finished or flushed), and waits for it to exit. */
  kill(): Promise<void>;
  /** Stops it and removes its folder. */
  remove(): Promise<void>;
}

export function workerProcess(name: string, opts: { dnsPort: number; controlPort: number; env?: Record<string, string> }): WorkerProcess {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `zk-${name}-`));
  // Under the postgres and mariadb projects, a database of its own copied from the migrated base, made on first use.
  const ownDatabase = !opts.env?.DATABASE_URL && !!process.env.ZK_TEST_DB_ADMIN;
  let serverDatabase: Promise<TestDatabase | null> | null = null;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: `file:${path.join(dir, 'zonekeeper.db')}`,
    ZK_DATA_DIR: dir,
    ZK_DNS_LISTEN: `127.0.0.1:${opts.dnsPort}`,
    ZK_CONTROL_PORT: String(opts.controlPort),
    ZK_LOG_LEVEL: 'info',
    ...opts.env,
  };
  const ready = async () => {
    if (!ownDatabase) return;
    serverDatabase ??= copyTestDatabase(`zk_${name.replace(/\W/g, '_')}`);
    const made = await serverDatabase;
    if (made) env.DATABASE_URL = made.url;
  };
  let child: ChildProcess | null = null;
  let exit: Promise<void> = Promise.resolve();
  let exited = true;
  let output = '';

  const cli: WorkerProcess['cli'] = async (args) => {
    await ready();
    return runZonekeeper(args, { env, cwd: ROOT, timeoutMs: 60_000 });
  };

  const stop = async () => {
    if (child) await stopProcess(child, exit, () => exited);
    child = null;
  };

  return {
    name,
    dnsPort: opts.dnsPort,
    controlPort: opts.controlPort,
    dir,
    env,
    output: () => output,
    pid: () => (child && !exited ? (child.pid ?? null) : null),
    cli,
    async start() {
      if (child) throw new Error(`${name} is already running`);
      await ready();
      exited = false;
      const c = spawn(process.execPath, [...WORKER_NODE_ARGS], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      exit = new Promise<void>((resolve) => c.once('exit', () => ((exited = true), resolve())));
      c.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      c.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      const deadline = Date.now() + 30_000;
      while (!output.includes('Zonekeeper DNS worker answering')) {
        if (exited) throw new Error(`${name} exited before it was ready:\n${tail(output)}`);
        if (Date.now() > deadline) {
          await stop();
          throw new Error(`${name} was not ready within 30 s:\n${tail(output)}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop,
    async kill() {
      if (!child || exited) return;
      child.kill('SIGKILL');
      await stop();
    },
    async remove() {
      await stop();
      if (serverDatabase) await (await serverDatabase)?.drop();
      if (!process.env.ZK_KEEP_PEERS) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
