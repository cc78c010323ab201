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
  /** The command-line client and mariadb-dump (Debian's mariadb-client, which mariadb-server depends on): a replica is made with them. */
  client: string;
  dump: string;
}

/** mariadbd, mariadb-install-db, mariadb and mariadb-dump (Debian's mariadb-server), or null. */
export function findMariadb(): MariadbPrograms | null {
  const server = findProgram('mariadbd');
  const installDb = findProgram('mariadb-install-db');
  const client = findProgram('mariadb');
  const dump = findProgram('mariadb-dump');
  return server && installDb && client && dump ? { server, installDb, client, dump } : null;
}

/** The programs, or null when the MariaDB suites should skip. Throws under CI (see requireProgram). */
export function requireMariadb(): MariadbPrograms | null {
  const found = findMariadb();
  if (found) return found;
  if (process.env.CI) throw new Error('MariaDB is missing under CI: add the Debian package mariadb-server to .ci/run');
  console.warn('skipping the MariaDB suites: MariaDB is not installed (apt-get install mariadb-server)');
  return null;
}

/** A user of a test server other than root. */
export interface Login {
  user: string;
  password: string;
}

const urlAt = (port: number) => (database: string, login?: Login) =>
  `mariadb://${login ? `${encodeURIComponent(login.user)}:${encodeURIComponent(login.password)}` : 'root'}@127.0.0.1:${port}/${database}`;

export interface MariadbServer {
  dir: string;
  port: number;
  /** mariadb://root@127.0.0.1:PORT/DB (root has no password on a test server), or as `login` (see grantDatabase). */
  url(database: string, login?: Login): string;
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
interface ServerLogin {
  host: string;
  port: number;
  user: string;
  password?: string;
}

async function connectTo(port: number, login: ServerLogin = { host: '127.0.0.1', port, user: 'root' }): Promise<Connection> {
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
  // A temporary folder of its own: two installs at once in /tmp clashed over a file name now and then.
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  try {
    await run(
      programs.installDb,
      ['--no-defaults', '--auth-root-authentication-method=normal', `--datadir=${data}`, `--tmpdir=${tmp}`, ...userArgs, '--skip-test-db', '--innodb-log-file-size=8M'],
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
      `--tmpdir=${tmp}`,
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
  return { dir, port, url: urlAt(port), connect: () => connectTo(port), stop };
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
  const login: ServerLogin = {
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

/** Runs `sql` as root on one connection to `server` and closes it; the rows. */
export async function mariadbQuery<T = Record<string, unknown>>(server: Pick<MariadbServer, 'connect'>, sql: string, values: unknown[] = []): Promise<T[]> {
  const conn = await server.connect();
  try {
    return (await conn.query(sql, values)) as T[];
  } finally {
    await conn.end().catch(() => conn.destroy());
  }
}

/**
 * A user `login` on `server` with `privileges` on `database` and nothing
 * else: what a product process connects as (every privilege for one that
 * writes, SELECT for a read-only worker). On a replica it matters: root
 * (SUPER, READ ONLY ADMIN) may write despite read_only=ON, and such a write
 * breaks replication as soon as the primary's next row collides with it.
 * Made on the primary once the replica follows, the user replicates like any
 * other statement (a dump leaves the `mysql` database, and so users, out).
 */
export async function grantDatabase(
  server: Pick<MariadbServer, 'connect'>,
  database: string,
  login: Login,
  privileges: 'ALL PRIVILEGES' | 'SELECT' = 'ALL PRIVILEGES',
): Promise<void> {
  await mariadbQuery(server, `CREATE USER IF NOT EXISTS ?@'127.0.0.1' IDENTIFIED BY ?`, [login.user, login.password]);
  await mariadbQuery(server, `GRANT ${privileges} ON \`${database}\`.* TO ?@'127.0.0.1'`, [login.user]);
}

export interface ReplicationStatus {
  io: string;
  sql: string;
  /** The last error of the IO thread (fetching the binlog) and of the SQL thread (applying it), '' when none. */
  ioError: string;
  sqlError: string;
}

/** SHOW SLAVE STATUS of `replica`, the fields a test asserts on; null when it replicates from nobody. */
export async function replicationStatus(replica: Pick<MariadbServer, 'connect'>): Promise<ReplicationStatus | null> {
  const [row] = await mariadbQuery<Record<string, string>>(replica, 'SHOW SLAVE STATUS');
  if (!row) return null;
  return { io: row.Slave_IO_Running!, sql: row.Slave_SQL_Running!, ioError: row.Last_IO_Error ?? '', sqlError: row.Last_SQL_Error ?? '' };
}

const REPL_LOGIN: Login = { user: 'repl', password: 'repl-test-password' };

/**
 * A binlog replica of `primary`, made the way an operator makes one with the
 * database's own tools (README, "MySQL / MariaDB"): a replication user on the
 * primary, a second server (its own server id), a consistent `mariadb-dump
 * --gtid` of the primary's databases loaded into it (the dump sets
 * gtid_slave_pos to the position it was taken at), CHANGE MASTER TO with
 * MASTER_USE_GTID, read_only=ON, START SLAVE; ready once both replication
 * threads run. The replica's own binlog is emptied after the load, so that
 * anything in it later was written on the replica itself (see localWrites).
 */
export async function startReplica(programs: MariadbPrograms, primary: MariadbServer, opts: { serverId?: number } = {}): Promise<MariadbServer> {
  await mariadbQuery(primary, `CREATE USER IF NOT EXISTS ?@'127.0.0.1' IDENTIFIED BY ?`, [REPL_LOGIN.user, REPL_LOGIN.password]);
  await mariadbQuery(primary, `GRANT REPLICATION SLAVE ON *.* TO ?@'127.0.0.1'`, [REPL_LOGIN.user]);
  const replica = await startMariadb(programs, { serverId: opts.serverId ?? 2 });
  try {
    const databases = (
      await mariadbQuery<{ name: string }>(
        primary,
        `SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')`,
      )
    ).map((r) => r.name);
    if (databases.length) {
      const dump = path.join(replica.dir, 'primary.sql');
      const at = (server: MariadbServer) => ['--no-defaults', '-h', '127.0.0.1', '-P', String(server.port), '-u', 'root'];
      await run(programs.dump, [...at(primary), '--single-transaction', '--gtid', '--master-data=1', `--result-file=${dump}`, '--databases', ...databases], 120_000);
      await run(programs.client, [...at(replica), '-e', `source ${dump}`], 120_000);
    } else {
      const [pos] = await mariadbQuery<{ pos: string }>(primary, 'SELECT @@GLOBAL.gtid_binlog_pos AS pos');
      await mariadbQuery(replica, 'SET GLOBAL gtid_slave_pos = ?', [pos!.pos]);
    }
    await mariadbQuery(replica, 'RESET MASTER');
    await mariadbQuery(
      replica,
      `CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = ${primary.port}, MASTER_USER = ?, MASTER_PASSWORD = ?, ` +
        'MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1',
      [REPL_LOGIN.user, REPL_LOGIN.password],
    );
    await mariadbQuery(replica, 'SET GLOBAL read_only = ON');
    await mariadbQuery(replica, 'START SLAVE');
    const deadline = Date.now() + 30_000;
    for (;;) {
      const status = await replicationStatus(replica);
      if (status?.io === 'Yes' && status.sql === 'Yes') break;
      if (Date.now() > deadline) {
        throw new Error(`the replica did not start replicating within 30 s: ${JSON.stringify(status)}\n${tail(path.join(replica.dir, 'error.log'))}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await replica.stop();
    throw err;
  }
  return replica;
}

/** Waits until `replica` has applied everything `primary` had committed when called; throws after `timeoutMs`. */
export async function syncReplica(primary: MariadbServer, replica: MariadbServer, timeoutMs = 10_000): Promise<void> {
  const [pos] = await mariadbQuery<{ pos: string }>(primary, 'SELECT @@GLOBAL.gtid_binlog_pos AS pos');
  const [waited] = await mariadbQuery<{ r: number | bigint | null }>(replica, 'SELECT MASTER_GTID_WAIT(?, ?) AS r', [pos!.pos, timeoutMs / 1000]);
  if (Number(waited?.r) !== 0) {
    throw new Error(`the replica did not reach ${pos!.pos} within ${timeoutMs} ms: ${JSON.stringify(await replicationStatus(replica))}\n${tail(path.join(replica.dir, 'error.log'))}`);
  }
}

/**
 * The transactions `server` wrote to its binlog itself (its gtid_binlog_pos;
 * '' when none). A replica logs only what is written on it directly
 * (log_slave_updates is off), so on a replica this is every local write.
 */
export async function localWrites(server: Pick<MariadbServer, 'connect'>): Promise<string> {
  const [row] = await mariadbQuery<{ pos: string }>(server, 'SELECT @@GLOBAL.gtid_binlog_pos AS pos');
  return row!.pos;
}
