// A real PowerDNS Authoritative 4.7 (Debian's pdns-server with the gsqlite3
// backend) on a loopback address, for interop tests and benchmarks. Set up
// to need nothing of the machine's: its own SQLite database made from the
// packaged schema, its own config folder, foreground, log on stderr (kept in
// memory and in `pdns.log`). Optionally an autosecondary ("supermaster"
// setup): it creates a zone when a trusted primary NOTIFYs it and transfers
// it from that primary's address on port 53. Every wait is bounded; stop()
// ends the process this helper started, by PID, and removes the folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { spawnPeer, tail } from './bind';
import { ask } from './dns-client';
import { runProgram } from './run-program';

/** The schema Debian's pdns-backend-sqlite3 ships. */
export const PDNS_SQLITE_SCHEMA = '/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql';

export interface PdnsOptions {
  /** Path of pdns_server (from requireProgram). */
  program: string;
  /** Address to listen on, e.g. 127.0.0.3 (any 127/8 address binds directly). */
  address: string;
  port: number;
  /** Trusted primaries: PowerDNS creates a zone NOTIFYed by `ip` whose NS set names `nameserver`. */
  autosecondary?: { ip: string; nameserver: string }[];
  /**
   * Secondary zones configured up front (absolute or not), each with its primary as
   * `address:port`: PowerDNS transfers them from there and accepts NOTIFY from 127.0.0.0/8.
   */
  secondaryZones?: { zone: string; primary: string }[];
  /** Extra `key=value` lines for pdns.conf. */
  settings?: string[];
  /** Path of pdnsutil, for util(). */
  pdnsutil?: string;
  startTimeoutMs?: number;
}

export interface RunningPdns {
  address: string;
  port: number;
  dir: string;
  /** Everything pdns_server has logged so far. */
  log(): string;
  /** Resolves with the first match of `re` in the log, or rejects after `withinMs`. */
  waitForLog(re: RegExp, withinMs: number): Promise<RegExpMatchArray>;
  /** Reads PowerDNS's own database (zones it created, their records). */
  query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[];
  /** Runs `pdnsutil ARGS…` on this server's configuration (needs the pdnsutil option); throws when it fails. */
  util(args: string[]): Promise<string>;
  /** Stops pdns_server (SIGTERM, then SIGKILL after a bounded wait) and removes its folder. */
  stop(): Promise<void>;
}

/** Starts pdns_server and resolves once it answers a query (REFUSED for a zone it lacks counts). */
export async function startPdns(opts: PdnsOptions): Promise<RunningPdns> {
  if (!fs.existsSync(PDNS_SQLITE_SCHEMA)) throw new Error(`${PDNS_SQLITE_SCHEMA} is missing: apt-get install pdns-backend-sqlite3`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-pdns-'));
  const dbFile = path.join(dir, 'pdns.sqlite3');
  const db = new Database(dbFile);
  db.exec(fs.readFileSync(PDNS_SQLITE_SCHEMA, 'utf8'));
  const insert = db.prepare("insert into supermasters (ip, nameserver, account) values (?, ?, 'admin')");
  for (const s of opts.autosecondary ?? []) insert.run(s.ip, s.nameserver.replace(/\.$/, ''));
  const secondary = db.prepare("insert into domains (name, master, type) values (?, ?, 'SLAVE')");
  for (const s of opts.secondaryZones ?? []) secondary.run(s.zone.replace(/\.$/, ''), s.primary);
  db.close();

  const auto = (opts.autosecondary ?? []).length > 0;
  const secondaries = auto || (opts.secondaryZones ?? []).length > 0;
  fs.writeFileSync(
    path.join(dir, 'pdns.conf'),
    [
      'launch=gsqlite3',
      `gsqlite3-database=${dbFile}`,
      `local-address=${opts.address}`,
      `local-port=${opts.port}`,
      `socket-dir=${dir}`,
      'daemon=no',
      'guardian=no',
      'disable-syslog=yes',
      'log-timestamp=yes',
      'loglevel=6',
      // No caches: a query shows what the database holds right now.
      'cache-ttl=0',
      'query-cache-ttl=0',
      'negquery-cache-ttl=0',
      ...(secondaries ? ['secondary=yes', 'allow-notify-from=127.0.0.0/8'] : []),
      ...(auto ? ['autosecondary=yes'] : []),
      ...(opts.settings ?? []),
      '',
    ].join('\n'),
  );

  const peer = spawnPeer('pdns_server', opts.program, [`--config-dir=${dir}`], dir, path.join(dir, 'pdns.log'));
  const { waitForLog, stop } = peer;
  const query = <T>(sql: string, ...params: unknown[]): T[] => {
    const ro = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      return ro.prepare(sql).all(...params) as T[];
    } finally {
      ro.close();
    }
  };

  const util = async (args: string[]) => {
    if (!opts.pdnsutil) throw new Error('startPdns was given no pdnsutil path');
    const r = await runProgram(opts.pdnsutil, [`--config-dir=${dir}`, ...args], { timeoutMs: 10_000 });
    if (r.status !== 0) throw new Error(`pdnsutil ${args.join(' ')} failed (${r.status}): ${r.stdout}${r.stderr}`);
    return r.stdout;
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 15_000);
  for (;;) {
    if (peer.exited()) {
      await stop();
      throw new Error(`pdns_server exited before answering on ${opts.address}:${opts.port}:\n${tail(peer.output())}`);
    }
    try {
      await ask(opts.port, 'zk-ready.invalid.', 'SOA', { timeoutMs: 300 }, opts.address);
      return { address: opts.address, port: opts.port, dir, log: peer.output, waitForLog, query, util, stop };
    } catch {
      // not answering yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`pdns_server did not answer on ${opts.address}:${opts.port} in time:\n${tail(peer.output())}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
