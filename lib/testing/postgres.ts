// Real PostgreSQL clusters for tests: initdb in a temporary folder, listening
// on 127.0.0.1 and a free port with its socket in that folder, started with
// pg_ctl, and stopped by pg_ctl (then by the PID in postmaster.pid) at the
// end. initdb and postgres refuse to run as root, so as root (CI, containers)
// they run as the `postgres` system user that Debian's package creates.
// Debian installs the server programs in /usr/lib/postgresql/VERSION/bin, off
// the PATH. Every step is bounded in time.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { findProgram } from './system-program';

/** The folder with initdb, pg_ctl, postgres and pg_basebackup, or null. */
export function findPostgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs.readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))
    : [];
  for (const v of versions) {
    const bin = path.join(root, v, 'bin');
    if (['initdb', 'pg_ctl', 'postgres', 'pg_basebackup'].every((p) => fs.existsSync(path.join(bin, p)))) return bin;
  }
  const initdb = findProgram('initdb');
  if (!initdb) return null;
  // A symlink such as /usr/local/bin/pg_ctl → the real folder, where the other programs are.
  return path.dirname(fs.realpathSync(initdb));
}

/** The bin folder, or null when PostgreSQL tests should skip. Throws under CI (see requireProgram). */
export function requirePostgres(): string | null {
  const bin = findPostgresBin();
  if (bin) return bin;
  if (process.env.CI) throw new Error('PostgreSQL is missing under CI: add the Debian package postgresql to .ci/run');
  console.warn('skipping the PostgreSQL suites: PostgreSQL is not installed (apt-get install postgresql)');
  return null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function run(bin: string, program: string, args: string[], timeoutMs: number): Promise<string> {
  const file = path.join(bin, program);
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
  return new Promise((resolve, reject) => {
    execFile(cmd, argv, { timeout: timeoutMs, killSignal: 'SIGKILL', cwd: os.tmpdir() }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${program} ${args.join(' ')} failed: ${err.message}\n${stderr}${stdout}`.trim()));
      else resolve(stdout + stderr);
    });
  });
}

export interface PgCluster {
  dir: string;
  port: number;
  /** postgresql://postgres@127.0.0.1:PORT/DB */
  url(database?: string): string;
  stop(): Promise<void>;
}

const SETTINGS = (port: number, socketDir: string) => `
# Written by lib/testing/postgres.ts: a throwaway test cluster.
listen_addresses = '127.0.0.1'
port = ${port}
unix_socket_directories = '${socketDir}'
max_connections = 300
shared_buffers = 32MB
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = replica
max_wal_senders = 5
hot_standby = on
wal_receiver_status_interval = 1s
log_min_messages = warning
`;

function makeDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  if (asRoot) chownTree(dir);
  return dir;
}

function chownTree(p: string): void {
  const { uid, gid } = postgresUser();
  fs.chownSync(p, uid, gid);
}

function postgresUser(): { uid: number; gid: number } {
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('there is no postgres system user to run PostgreSQL as (the postgresql package creates it)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function startServer(bin: string, dir: string, port: number): Promise<PgCluster> {
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  try {
    await run(bin, 'pg_ctl', ['start', '-D', data, '-l', logFile, '-w', '-t', '30', '-o', `-p ${port}`], 40_000);
  } catch (err) {
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : '';
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}\n${log}`);
  }
  const stop = async () => {
    const pidFile = path.join(data, 'postmaster.pid');
    const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]) : 0;
    try {
      await run(bin, 'pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '15'], 20_000);
    } catch {
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    if (!process.env.ZK_KEEP_PEERS) fs.rmSync(dir, { recursive: true, force: true });
  };
  return { dir, port, url: (database = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${database}`, stop };
}

/** A new primary cluster (initdb + start), ready for connections and for pg_basebackup. */
export async function startCluster(bin: string): Promise<PgCluster> {
  const dir = makeDir('zk-pg-');
  const data = path.join(dir, 'data');
  await run(bin, 'initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'], 120_000);
  const port = await freePort();
  fs.appendFileSync(path.join(data, 'postgresql.conf'), SETTINGS(port, dir));
  fs.appendFileSync(path.join(data, 'pg_hba.conf'), '\nhost replication all 127.0.0.1/32 trust\n');
  return startServer(bin, dir, port);
}

/**
 * A hot standby of `primary`: pg_basebackup -R (standby.signal and
 * primary_conninfo written for us), then started in recovery, streaming WAL.
 */
export async function startStandby(bin: string, primary: PgCluster): Promise<PgCluster> {
  const dir = makeDir('zk-pg-standby-');
  const data = path.join(dir, 'data');
  await run(bin, 'pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', data, '-R', '-X', 'stream', '-c', 'fast'], 120_000);
  const port = await freePort();
  // The copied settings name the primary's port and socket folder: the later lines win.
  fs.appendFileSync(path.join(data, 'postgresql.conf'), SETTINGS(port, dir));
  fs.rmSync(path.join(data, 'postmaster.pid'), { force: true });
  return startServer(bin, dir, port);
}

/** Runs `sql` on one connection to `url` and closes it. */
export async function pgQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A new database copied from `template` (which must have no open connections). */
export async function createDatabaseFrom(cluster: { url(db?: string): string }, template: string, prefix = 'zk'): Promise<string> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  // Concurrent copies of one template collide now and then ("source database is being accessed"): retry.
  for (let attempt = 0; ; attempt++) {
    try {
      await pgQuery(cluster.url(), `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      return name;
    } catch (err) {
      if (attempt >= 20 || !/being accessed by other users/.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
}

export async function dropDatabase(cluster: { url(db?: string): string }, name: string): Promise<void> {
  await pgQuery(cluster.url(), `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/** The cluster behind an admin URL (postgresql://…/postgres), for naming its other databases. */
export function clusterAt(admin: string): { url(database?: string): string } {
  const base = admin.replace(/\/[^/]*$/, '');
  return { url: (database = 'postgres') => `${base}/${database}` };
}
