// Private MariaDB servers for tests, the twin of lib/testing/postgres.ts:
// mariadb-install-db into a temporary folder, mariadbd on 127.0.0.1 and a free
// port with its socket in that folder, stopped with SIGTERM at the end. No
// system service and no /etc/mysql settings (--no-defaults): the character
// set and collation are given here, or the server would default to latin1.
// As root, mariadbd refuses to start unless told which user to run as; unlike
// PostgreSQL it accepts root itself, so the files need no change of owner.
// Every step is bounded in time.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mariadb';
import { freePort } from './postgres';
import { findProgram } from './system-program';

export interface MariadbPrograms {
  server: string;
  installDb: string;
}

/** mariadbd and mariadb-install-db (Debian's mariadb-server), or null. */
export function findMariadb(): MariadbPrograms | null {
  const server = findProgram('mariadbd');
  const installDb = findProgram('mariadb-install-db');
  return server && installDb ? { server, installDb } : null;
}

/** The programs, or null when the MariaDB suites should skip. Throws under CI (see requireProgram). */
export function requireMariadb(): MariadbPrograms | null {
  const found = findMariadb();
  if (found) return found;
  if (process.env.CI) throw new Error('MariaDB is missing under CI: add the Debian package mariadb-server to .ci/run');
  console.warn('skipping the MariaDB suites: MariaDB is not installed (apt-get install mariadb-server)');
  return null;
}

export interface MariadbServer {
  dir: string;
  port: number;
  /** mariadb://root@127.0.0.1:PORT/DB (root has no password on a test server). */
  url(database: string): string;
  /** An administrative connection (no database chosen); the caller ends it. */
  connect(): Promise<Connection>;
  stop(): Promise<void>;
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const userArgs = asRoot ? ['--user=root'] : [];

function run(file: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, killSignal: 'SIGKILL', cwd: os.tmpdir() }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(file)} failed: ${err.message}\n${stderr}${stdout}`.trim()));
      else resolve(stdout + stderr);
    });
  });
}

function tail(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').slice(-2000) : '';
}

/** Where to reach a server and as whom: root without a password on our own test servers. */
interface Login {
  host: string;
  port: number;
  user: string;
  password?: string;
}

async function connectTo(port: number, login: Login = { host: '127.0.0.1', port, user: 'root' }): Promise<Connection> {
  const { default: driver } = await import('mariadb');
  return driver.createConnection({ ...login, connectTimeout: 5000 });
}

/** Whether the server at `port` answers, polled until `timeoutMs` has passed. */
async function waitForServer(port: number, exited: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !exited()) {
    try {
      const conn = await connectTo(port);
      await conn.end();
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return false;
}

/** A new server with an empty data directory, ready for connections. `serverId` matters for replication. */
export async function startMariadb(programs: MariadbPrograms, opts: { serverId?: number } = {}): Promise<MariadbServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-my-'));
  const data = path.join(dir, 'data');
  const errorLog = path.join(dir, 'error.log');
  try {
    await run(
      programs.installDb,
      ['--no-defaults', '--auth-root-authentication-method=normal', `--datadir=${data}`, ...userArgs, '--skip-test-db', '--innodb-log-file-size=8M'],
      120_000,
    );
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const port = await freePort();
  const child = spawn(
    programs.server,
    [
      '--no-defaults',
      `--datadir=${data}`,
      ...userArgs,
      '--bind-address=127.0.0.1',
      `--port=${port}`,
      `--socket=${path.join(dir, 'mysqld.sock')}`,
      `--pid-file=${path.join(dir, 'mysqld.pid')}`,
      `--log-error=${errorLog}`,
      '--skip-name-resolve',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_bin',
      // Small and fast: a throwaway server on a shared machine.
      '--innodb-buffer-pool-size=32M',
      '--innodb-log-file-size=8M',
      '--innodb-flush-log-at-trx-commit=0',
      '--sync-binlog=0',
      `--server-id=${opts.serverId ?? 1}`,
      `--log-bin=${path.join(data, 'binlog')}`,
      '--binlog-format=ROW',
      '--max-connections=300',
    ],
    { stdio: 'ignore', detached: true },
  );
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  child.unref();
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    }
    if (!process.env.ZK_KEEP_PEERS) fs.rmSync(dir, { recursive: true, force: true });
  };
  if (!(await waitForServer(port, () => exited, 30_000))) {
    const log = tail(errorLog);
    await stop();
    throw new Error(`mariadbd did not accept connections on port ${port} within 30 s\n${log}`);
  }
  return { dir, port, url: (database) => `mariadb://root@127.0.0.1:${port}/${database}`, connect: () => connectTo(port), stop };
}

/** A new empty database on `server` (binary collation, as the migrations expect); its name. */
export async function createDatabase(server: Pick<MariadbServer, 'connect'>, prefix = 'zk'): Promise<string> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const conn = await server.connect();
  try {
    await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await conn.end();
  }
  return name;
}

/**
 * The server behind an admin URL (mariadb://root@127.0.0.1:PORT/, or an
 * operator's mysql://USER:PASSWORD@HOST:PORT/), for naming and making its
 * databases: the URLs it gives keep that login.
 */
export function serverAt(admin: string): Pick<MariadbServer, 'url' | 'connect'> {
  const u = new URL(admin.replace(/^mysql:/, 'mariadb:'));
  const login: Login = {
    host: u.hostname || 'localhost',
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username) || 'root',
    password: u.password ? decodeURIComponent(u.password) : undefined,
  };
  const url = (database: string) => {
    const named = new URL(u);
    named.pathname = `/${database}`;
    return named.toString();
  };
  return { url, connect: () => connectTo(login.port, login) };
}

/**
 * A new database holding what `template` holds: its tables, foreign keys
 * included, and their rows (the migrations' records). MySQL has no CREATE
 * DATABASE … TEMPLATE, and CREATE TABLE … LIKE drops foreign keys, so each
 * table is made again from SHOW CREATE TABLE.
 */
export async function createDatabaseFrom(server: Pick<MariadbServer, 'connect'>, template: string, prefix = 'zk'): Promise<string> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const conn = await server.connect();
  try {
    await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    const tables = (await conn.query(
      `SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'`,
      [template],
    )) as { t: string }[];
    await conn.query(`USE \`${name}\``);
    await conn.query('SET FOREIGN_KEY_CHECKS = 0');
    for (const { t } of tables) {
      const [shown] = (await conn.query(`SHOW CREATE TABLE \`${template}\`.\`${t}\``)) as Record<string, string>[];
      await conn.query(shown!['Create Table']!);
      await conn.query(`INSERT INTO \`${t}\` SELECT * FROM \`${template}\`.\`${t}\``);
    }
  } finally {
    await conn.end();
  }
  return name;
}

export async function dropDatabase(server: Pick<MariadbServer, 'connect'>, name: string): Promise<void> {
  const conn = await server.connect();
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await conn.end();
  }
}
