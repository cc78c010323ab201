// Hosting-provider scale (issue 15): Zonekeeper and BIND 9 on the same data in
// one run, each figure printed for both with their ratio. Three modes:
//
//   zones     (default) ZONES zones of RECORDS records each, seeded in bulk
//             into a fresh database (SQLite, PostgreSQL or MySQL/MariaDB) and written as
//             BIND zone files. For each server: time from process start until
//             every zone answers its SOA (STARTS starts of each, taken in
//             turns, and their median), memory of all its DNS processes,
//             CPU while idle; then Zonekeeper's change latency through the
//             CLI, the change service (in-process call) and the web app's
//             zone editor (Chromium clicking Commit), against BIND's nsupdate;
//             then the web pages operators load all day.
//   big-zone  one zone of RECORDS (1,000,000) records: `zonekeeper zone
//             import` of its file, load time and memory against BIND's, first
//             and later AXFR, one-record commits and their serving latency,
//             and whether a BIND and a Zonekeeper secondary get the change
//             by IXFR.
//   cli       the CLI's own cost: `zone list` and `record add` on a small
//             database (target under 300 ms).
//
// Everything runs on loopback; every process it starts is stopped by PID and
// every folder removed at the end. A benchmark, not a test: it never fails on
// time, it prints. The machine's load is printed with the figures, since other
// work on the same cores moves them.
//
// Usage (through bench/scale.sh):
//   tsx bench/scale.ts [--zones N] [--records N] [--starts N] [--changes N] [--runs N]
//                      [--idle-seconds S] [--max-rss-gb G] [--start-timeout S]
//                      [--no-bind] [--no-web] [--postgres | --mariadb]
//   tsx bench/scale.ts --big-zone [--records N] [--import-timeout S] [--postgres | --mariadb]
//   tsx bench/scale.ts --cli
// DATABASE_URL=postgresql://USER@HOST:PORT/DB names a PostgreSQL server, and
// DATABASE_URL=mysql://USER:PASSWORD@HOST:PORT/DB (or mariadb://…) a MySQL 8
// or MariaDB server: the benchmark creates a database of its own there (the
// user needs CREATE and DROP) and drops it at the end; the DB in the URL is
// not touched. --postgres without such a URL starts a throwaway cluster
// (lib/testing/postgres.ts), --mariadb a throwaway mariadbd
// (lib/testing/mariadb.ts, Debian's mariadb-server).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parseZoneFile } from '../lib/dns/zone-file.ts';
import { freePort, startBind, type RunningBind } from '../lib/testing/bind.ts';
import { isMysql, isPostgres } from '../lib/config/database-url.ts';
import * as mariadb from '../lib/testing/mariadb.ts';
import { clusterAt, dropDatabase, findPostgresBin, pgQuery, startCluster } from '../lib/testing/postgres.ts';
import { runProgram, runZonekeeper } from '../lib/testing/run-program.ts';
import { findProgram } from '../lib/testing/system-program.ts';
import { timeAxfr, type AxfrTiming } from './shared/axfr-timer.ts';
import { bigZoneText } from './shared/big-zone.ts';
import { serialOf, sweepSoa, untilSerial, type SweepResult } from './shared/dns-watch.ts';
import { pageLines, quantile, timePages, type PageTime } from './shared/page-times.ts';
import { descendantsNamed, idleCpuMs, machineLoad, mb, seconds, startLogged, treeCpu, treeRss, treeRssText, type LoggedProcess } from './shared/processes.ts';
import { flag, numberOption } from './shared/options.ts';
import { manyZoneNames, seedDatabase, seedReplicaStatus, smallZoneRecords, writeBindZones, type SeedZone } from './shared/seed.ts';
import { WORKER_NODE_ARGS } from '../lib/worker/command.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const MODE = flag('big-zone') ? 'big-zone' : flag('cli') ? 'cli' : 'zones';
const ZONES = numberOption('zones', 50_000);
const RECORDS = numberOption('records', MODE === 'big-zone' ? 1_000_000 : 20);
const CHANGES = numberOption('changes', 3);
// Starts of each server, in turns: on 2026-12-07 four single runs of the same code put the
// 50,000-zone start on PostgreSQL at 0.95× to 1.17× BIND's.
const STARTS = numberOption('starts', 3);
const RUNS = numberOption('runs', 10);
const IDLE_MS = numberOption('idle-seconds', 60) * 1000;
const MAX_RSS = numberOption('max-rss-gb', 16) * 1e9;
const START_TIMEOUT_MS = numberOption('start-timeout', 1800) * 1000;
const IMPORT_TIMEOUT_MS = numberOption('import-timeout', 900) * 1000;
const WITH_BIND = !flag('no-bind');
const WITH_WEB = !flag('no-web');
const GIVEN_URL = process.env.DATABASE_URL ?? '';
const DATABASE = flag('postgres') || isPostgres(GIVEN_URL) ? 'postgresql' : flag('mariadb') || isMysql(GIVEN_URL) ? 'mysql' : 'sqlite';
const HOST = '127.0.0.1';
const BIG_ZONE = 'big-zone.test.';
const CHROMIUM = '/usr/bin/chromium';
// As the e2e tests launch it: without the networking flags Chromium keeps trying to reach the internet.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-bench-scale-'));
const cleanups: (() => Promise<unknown>)[] = [];
async function cleanup(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c().catch((err: Error) => console.error(`cleanup: ${err.message}`));
  fs.rmSync(work, { recursive: true, force: true });
}
const now = () => performance.now();
const log = (line: string) => console.log(`[${seconds(now())}] ${line}`);

/** What could not be measured, printed under the tables: one part failing must not cost the run its other figures. */
const failures: string[] = [];
async function attempt<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    const message = `${what} failed: ${(err as Error).message}`;
    failures.push(message.split('\n')[0]!);
    log(message);
    return undefined;
  }
}

// ---------------------------------------------------------------- databases and processes

let pgAdmin: string | undefined;
let myAdmin: Pick<mariadb.MariadbServer, 'url' | 'connect'> | undefined;
/** Which database and server the figures are of, for the titles: filled in by newDatabase. */
let databaseName = 'SQLite';

/** A new, empty database for Zonekeeper: a SQLite file in the work folder, or a database of its own on PostgreSQL or MySQL/MariaDB. */
async function newDatabase(name: string): Promise<string> {
  if (DATABASE === 'mysql') return newMysqlDatabase(name);
  if (DATABASE === 'sqlite') return `file:${path.join(work, `${name}.db`)}`;
  databaseName = 'PostgreSQL';
  if (!pgAdmin) {
    const given = process.env.DATABASE_URL;
    if (given && isPostgres(given)) pgAdmin = given;
    else {
      const bin = findPostgresBin();
      if (!bin) throw new Error('PostgreSQL is not installed: apt-get install postgresql (or give DATABASE_URL=postgresql://…)');
      const cluster = await startCluster(bin);
      cleanups.push(() => cluster.stop());
      pgAdmin = cluster.url();
      log(`started a throwaway PostgreSQL cluster on port ${cluster.port} (lib/testing/postgres.ts: fsync off)`);
    }
  }
  const server = clusterAt(pgAdmin);
  const db = `zk_scale_${process.pid}_${name}`;
  await pgQuery(server.url(), `CREATE DATABASE "${db}"`);
  cleanups.push(() => dropDatabase(server, db));
  return server.url(db);
}

/** A database of its own on the server DATABASE_URL names, or on a throwaway mariadbd; named with its server's version. */
async function newMysqlDatabase(name: string): Promise<string> {
  if (!myAdmin) {
    if (isMysql(GIVEN_URL)) myAdmin = mariadb.serverAt(GIVEN_URL);
    else {
      const programs = mariadb.findMariadb();
      if (!programs) throw new Error('MariaDB is not installed: apt-get install mariadb-server (or give DATABASE_URL=mysql://…)');
      const server = await mariadb.startMariadb(programs);
      cleanups.push(() => server.stop());
      myAdmin = server;
      log(`started a throwaway mariadbd on port ${server.port} (lib/testing/mariadb.ts: flushes the log once a second, binlog on)`);
    }
    const conn = await myAdmin.connect();
    try {
      const [row] = (await conn.query('SELECT VERSION() AS v, @@max_allowed_packet AS p')) as { v: string; p: bigint | number }[];
      const version = row!.v.split('-')[0];
      databaseName = `${/mariadb/i.test(row!.v) ? 'MariaDB' : 'MySQL'} ${version} (max_allowed_packet ${Number(row!.p) / 1048576} MiB)`;
    } finally {
      await conn.end();
    }
  }
  const server = myAdmin;
  const db = await mariadb.createDatabase(server, `zk_scale_${name}`);
  cleanups.push(() => mariadb.dropDatabase(server, db));
  return server.url(db);
}

/**
 * Points this process's own use of lib/ (migrations, the change service,
 * sessions) at `url`, and at a running worker's control channel: its port and
 * its data folder, which holds the secret the nudge after a commit needs.
 */
function useDatabase(url: string, worker?: Zonekeeper): void {
  process.env.DATABASE_URL = url;
  process.env.ZK_DATA_DIR = worker?.env.ZK_DATA_DIR ?? path.join(work, 'bench-data');
  fs.mkdirSync(process.env.ZK_DATA_DIR, { recursive: true });
  process.env.ZK_CONTROL_PORT = String(worker?.controlPort ?? 1);
}

interface Zonekeeper {
  proc: LoggedProcess;
  port: number;
  controlPort: number;
  env: NodeJS.ProcessEnv;
  /** performance.now() just before the process was spawned. */
  startedAt: number;
}

/** The worker as `npm run worker` starts it, on a fresh data folder, with RRL raised out of reach (the sweeps ask thousands of questions a second from one address). */
async function startZonekeeper(url: string, env: Record<string, string> = {}): Promise<Zonekeeper> {
  const port = await freePort(HOST);
  const controlPort = await freePort(HOST);
  const fullEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: url,
    ZK_DATA_DIR: fs.mkdtempSync(path.join(work, 'zk-data-')),
    ZK_DNS_LISTEN: `${HOST}:${port}`,
    ZK_CONTROL_PORT: String(controlPort),
    ZK_LOG_LEVEL: 'warn',
    ZK_RRL_RESPONSES_PER_SECOND: '1000000000',
    ...env,
  };
  // Its bundles built first (after an edit the worker builds them when it starts, inside the timed start).
  const { bundledEntry } = await import('../lib/bundle-entry.mjs');
  for (const entry of ['lib/worker/main.ts', 'lib/worker/answer-thread.ts', 'lib/worker/load-thread.ts']) await bundledEntry(entry);
  const startedAt = now();
  const proc = startLogged(process.execPath, [...WORKER_NODE_ARGS], { cwd: ROOT, env: fullEnv });
  cleanups.push(() => proc.stop());
  return { proc, port, controlPort, env: fullEnv, startedAt };
}

function namedProgram(): string {
  const named = findProgram('named');
  if (!named) throw new Error('named is missing: apt-get install bind9');
  return named;
}

/** named's PID: the one named process this benchmark runs at a time. */
function namedPid(): number | null {
  return descendantsNamed('named')[0] ?? null;
}

interface StartFigures {
  sweep: SweepResult;
  /** Highest RSS of the process tree seen while starting. */
  peakRss: number;
  /** CPU time (user + system) the tree had used when the last zone answered: what starting cost, whatever else ran on the machine. */
  cpuMs: number;
}

/**
 * Asks every zone's SOA from the moment the server was spawned until all have
 * answered, sampling the tree's memory meanwhile; gives up when the server
 * exits or its memory passes --max-rss-gb (the caller then stops it).
 */
async function watchStart(label: string, port: number, zones: readonly string[], startedAt: number, pid: () => number | null, exited: () => boolean): Promise<StartFigures> {
  let peakRss = 0;
  let lastReport = now();
  const sweep = await sweepSoa(
    {
      port,
      zones,
      withinMs: START_TIMEOUT_MS,
      abort: (answered) => {
        const p = pid();
        const total = p ? treeRss(p).total : 0;
        peakRss = Math.max(peakRss, total);
        if (now() - lastReport > 30_000) {
          lastReport = now();
          log(`${label}: ${seconds(now() - startedAt)} since start, RSS ${mb(total)}, ${answered} of ${zones.length} zones answer`);
        }
        if (exited()) return 'the process exited';
        if (total > MAX_RSS) return `RSS ${mb(total)} passed the cap of ${mb(MAX_RSS)}`;
        return null;
      },
    },
    startedAt,
  );
  const p = pid();
  const cpuMs = p ? [...treeCpu(p).values()].reduce((a, b) => a + b, 0) : NaN;
  return { sweep, peakRss, cpuMs };
}

/** `zonekeeper ARGS…` against a worker's database and control port; throws with its output when it fails. */
async function zk(z: { env: NodeJS.ProcessEnv }, args: string[], timeoutMs = 120_000): Promise<string> {
  const r = await runZonekeeper(args, { env: z.env, cwd: ROOT, timeoutMs });
  if (r.status !== 0) throw new Error(`zonekeeper ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

// ---------------------------------------------------------------- changes

interface ChangeTiming {
  /** The command, call or click until it returned. */
  actionMs: number;
  /** From starting it until the server answered the new serial. */
  toServeMs: number;
  /** From the commit (the Change row's time) until served; null for BIND. */
  commitToServeMs: number | null;
  serial: number;
}

/** The time of the commit that wrote `serial`: its Change row, read through the product's own client. */
async function commitTime(zone: string, serial: number): Promise<number | null> {
  const { db } = await import('../lib/db.ts');
  const c = await db().change.findFirst({ where: { zone: { name: zone }, newSerial: BigInt(serial) }, select: { createdAt: true } });
  return c ? c.createdAt.getTime() : null;
}

/** Runs `act` (one change to `zone`) while asking the server for the zone's serial every few ms, until it moves. */
async function timeChange(port: number, zone: string, act: () => Promise<unknown>, journal: boolean): Promise<ChangeTiming> {
  // A busy server (a reload, a start-up beside it) may take seconds to answer: wait for it, bounded.
  const old = (await untilSerial(HOST, port, zone, () => true, 30_000))?.serial;
  if (old === undefined) throw new Error(`${zone} did not answer on port ${port} within 30 s before the change`);
  const wall = Date.now();
  const t = now();
  const seen = untilSerial(HOST, port, zone, (s) => s !== old, 120_000);
  await act();
  const actionMs = now() - t;
  const got = await seen;
  if (!got) throw new Error(`${zone}: no new serial served on port ${port} within 120 s`);
  const commitAt = journal ? await commitTime(zone, got.serial) : null;
  return { actionMs, toServeMs: got.at - wall, commitToServeMs: commitAt === null ? null : got.at - commitAt, serial: got.serial };
}

async function nsupdate(port: number, zone: string, owner: string, address: string): Promise<void> {
  const r = await runProgram('nsupdate', [], { input: `server ${HOST} ${port}\nzone ${zone}\nupdate add ${owner}.${zone} 300 A ${address}\nsend\n`, timeoutMs: 60_000 });
  if (r.status !== 0) throw new Error(`nsupdate failed (${r.status}): ${r.stderr}${r.stdout}`);
}

/** Median of each timing over several changes. */
function medianChange(xs: ChangeTiming[]): ChangeTiming & { n: number } {
  const m = (f: (x: ChangeTiming) => number) => quantile(xs.map(f), 0.5);
  const commits = xs.filter((x) => x.commitToServeMs !== null);
  return {
    n: xs.length,
    actionMs: m((x) => x.actionMs),
    toServeMs: m((x) => x.toServeMs),
    commitToServeMs: commits.length ? quantile(commits.map((x) => x.commitToServeMs!), 0.5) : null,
    serial: xs.at(-1)?.serial ?? 0,
  };
}

/** One record added through the zone editor in Chromium, timed from the Commit click. */
async function webChanges(base: string, cookie: string, port: number, zones: readonly string[]): Promise<ChangeTiming[]> {
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  cleanups.push(() => browser.close());
  try {
    const context = await browser.newContext({ baseURL: base });
    await context.addCookies([{ name: 'zk_session', value: cookie, url: base }]);
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    const out: ChangeTiming[] = [];
    for (const [k, zone] of zones.entries()) {
      await page.goto(`/zones/${zone.replace(/\.$/, '')}`);
      await page.getByRole('button', { name: 'Add record' }).click();
      const form = page.getByRole('form', { name: 'Add record' });
      await form.getByLabel('Name', { exact: true }).fill(`bench-web-${k}`);
      await form.getByLabel('Type', { exact: true }).selectOption('A');
      await form.getByLabel('IPv4 address', { exact: true }).fill(`192.0.2.${k + 1}`);
      await form.getByRole('button', { name: 'Queue record' }).click();
      // The editor checks the queued edits against the zone (a dry run of the change service) before it enables Commit.
      const commit = page.getByRole('button', { name: 'Commit', exact: true });
      const until = Date.now() + 120_000;
      while (!(await commit.isEnabled())) {
        if (Date.now() > until) throw new Error(`the zone editor of ${zone} never enabled Commit`);
        await new Promise((r) => setTimeout(r, 20));
      }
      out.push(await timeChange(port, zone, async () => {
        await commit.click();
        await page.getByText(/Committed: serial/).waitFor();
      }, true));
    }
    return out;
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------- the report

type Row = readonly [figure: string, zonekeeper: string, bind: string, ratio: string];

function ratio(zk: number | null | undefined, bind: number | null | undefined): string {
  if (zk === null || zk === undefined || bind === null || bind === undefined || !Number.isFinite(zk) || !Number.isFinite(bind) || bind <= 0) return '–';
  return `${(zk / bind).toFixed(2)}×`;
}

function printTable(title: string, rows: readonly Row[], notes: readonly string[] = []): void {
  const head: Row = ['figure', 'Zonekeeper', 'BIND 9', 'ratio ZK/BIND'];
  const all = [head, ...rows];
  const width = [0, 1, 2, 3].map((i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: Row) => `| ${r.map((c, i) => c.padEnd(width[i]!)).join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log(line(head));
  console.log(`| ${width.map((w) => '-'.repeat(w)).join(' | ')} |`);
  for (const r of rows) console.log(line(r));
  for (const n of notes) console.log(n);
}

const cpuShare = (ms: number) => `${seconds(ms)} CPU (${((ms / IDLE_MS) * 100).toFixed(1)} % of a core)`;
const ms = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${x.toFixed(0)} ms`);

function changeCell(c: (ChangeTiming & { n: number }) | undefined): string {
  if (!c) return 'not measured';
  return `${ms(c.toServeMs)} (returned ${ms(c.actionMs)}${c.commitToServeMs !== null ? `, commit→served ${ms(c.commitToServeMs)}` : ''})`;
}

function startCell(s: StartFigures | undefined, total: number): string {
  if (!s) return 'not measured';
  const w = s.sweep;
  if (w.answered === total) return seconds(w.lastMs);
  return `stopped (${w.stopped}) after ${seconds(Math.max(w.lastMs || 0, 0))}: ${w.answered} of ${total} answered`;
}

/** A figure of several starts: their median, or undefined when one did not answer every zone. */
function medianStart(xs: readonly StartFigures[], total: number, figure: (s: StartFigures) => number): number | undefined {
  if (xs.length === 0 || xs.some((s) => s.sweep.answered < total)) return undefined;
  return quantile(xs.map(figure), 0.5);
}

/** The median start and the range of all, or the first that fell short. */
function startsCell(xs: readonly StartFigures[], total: number): string {
  const short = xs.find((s) => s.sweep.answered < total);
  if (xs.length === 0 || short) return startCell(short, total);
  const times = xs.map((s) => s.sweep.lastMs);
  const median = seconds(medianStart(xs, total, (s) => s.sweep.lastMs)!);
  return xs.length === 1 ? median : `${median} (${times.map((x) => seconds(x)).join(', ')})`;
}

function cpuCell(xs: readonly StartFigures[], total: number): string {
  const median = medianStart(xs, total, (s) => s.cpuMs);
  return median === undefined ? '–' : seconds(median);
}

// Read once at start: the code measured is the code of this moment, whatever is committed while the run goes on.
const COMMIT = (() => {
  const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT }).toString().trim();
  return dirty ? `${head} with uncommitted changes` : head;
})();

function header(what: string): string {
  const commit = COMMIT;
  return `${what} — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${commit}, ${machineLoad()}`;
}

// ---------------------------------------------------------------- mode: many zones

interface ServerFigures {
  start?: StartFigures;
  rss?: ReturnType<typeof treeRss>;
  rssAfterIdle?: number;
  idleCpuMs?: number;
  changes: Record<string, ChangeTiming[] | undefined>;
  pages?: PageTime[];
}

/** BIND started on `conf`, every zone asked from its spawn until all answer. */
async function startBindWatched(conf: string, names: readonly string[]): Promise<{ bind: RunningBind; port: number; start: StartFigures }> {
  const port = await freePort(HOST);
  const startedAt = now();
  let gone = false;
  const watching = watchStart('BIND', port, names, startedAt, namedPid, () => gone);
  let bind: RunningBind;
  try {
    bind = await startBind({ program: namedProgram(), port, options: ['notify no;'], config: () => conf, startTimeoutMs: START_TIMEOUT_MS });
  } catch (err) {
    gone = true;
    await watching;
    throw err;
  }
  cleanups.push(() => bind.stop());
  const start = await watching;
  log(`BIND: ${startCell(start, names.length)} until every zone answered`);
  return { bind, port, start };
}

/** The worker started on `url`, every zone asked from its spawn until all answer. */
async function startZonekeeperWatched(url: string, names: readonly string[]): Promise<{ z: Zonekeeper; start: StartFigures }> {
  const z = await startZonekeeper(url);
  const start = await watchStart('Zonekeeper', z.port, names, z.startedAt, () => (z.proc.exited() ? null : z.proc.pid), z.proc.exited);
  log(`Zonekeeper: ${startCell(start, names.length)} until every zone answered; peak RSS ${mb(start.peakRss)}`);
  return { z, start };
}

async function measureBindZones(conf: string, names: readonly string[], updatable: readonly string[]): Promise<ServerFigures> {
  const out: ServerFigures = { changes: {} };
  const { bind, port, start } = await startBindWatched(conf, names);
  out.start = start;
  const pid = namedPid();
  if (pid && out.start.sweep.answered === names.length) {
    out.rss = treeRss(pid);
    await new Promise((r) => setTimeout(r, 2000));
    out.idleCpuMs = await idleCpuMs(pid, IDLE_MS);
    out.rssAfterIdle = treeRss(pid).total;
    log(`BIND: RSS ${treeRssText(out.rss)}, idle ${cpuShare(out.idleCpuMs)}`);
    out.changes.nsupdate = await attempt('BIND: nsupdate', async () => {
      const xs: ChangeTiming[] = [];
      for (const [k, zone] of updatable.entries()) xs.push(await timeChange(port, zone, () => nsupdate(port, zone, `bench-nsupdate-${k}`, `192.0.2.${k + 1}`), false));
      return xs;
    });
  }
  await bind.stop();
  return out;
}

async function measureZonekeeperZones(url: string, names: readonly string[], adminId: number, zonesFor: Record<'cli' | 'service' | 'web', readonly string[]>): Promise<ServerFigures> {
  const out: ServerFigures = { changes: {} };
  const { z, start } = await startZonekeeperWatched(url, names);
  out.start = start;
  if (out.start.sweep.answered < names.length) {
    out.rss = treeRss(z.proc.pid);
    if (z.proc.exited()) log(`the worker exited:\n${z.proc.output().slice(-3000)}`);
    await z.proc.stop();
    return out;
  }
  out.rss = treeRss(z.proc.pid);
  await new Promise((r) => setTimeout(r, 2000));
  out.idleCpuMs = await idleCpuMs(z.proc.pid, IDLE_MS);
  out.rssAfterIdle = treeRss(z.proc.pid).total;
  log(`Zonekeeper: RSS ${treeRssText(out.rss)}, idle ${cpuShare(out.idleCpuMs)}`);

  useDatabase(url, z);
  out.changes.cli = await attempt('Zonekeeper: CLI record add', async () => {
    const xs: ChangeTiming[] = [];
    for (const [k, zone] of zonesFor.cli.entries()) xs.push(await timeChange(z.port, zone, () => zk(z, ['record', 'add', zone, `bench-cli-${k}`, 'A', '300', `192.0.2.${k + 1}`]), true));
    return xs;
  });
  const { applyChangeset } = await import('../lib/zones/changes.ts');
  out.changes.service = await attempt('Zonekeeper: change service call', async () => {
    const xs: ChangeTiming[] = [];
    for (const [k, zone] of zonesFor.service.entries()) {
      const add = [{ name: `bench-service-${k}`, type: 'A', ttl: 300, content: `192.0.2.${k + 1}` }];
      xs.push(await timeChange(z.port, zone, () => applyChangeset(zone, { add, comment: 'bench/scale.ts' }, { name: 'bench' }), true));
    }
    return xs;
  });

  if (WITH_WEB) {
    const { startWebServer } = await import('../lib/testing/web-server.ts');
    const { createSession } = await import('../lib/auth/session-store.ts');
    log('starting the web app (builds it first if its sources changed)…');
    const web = await startWebServer({ DATABASE_URL: url, ZK_DATA_DIR: z.env.ZK_DATA_DIR!, ZK_CONTROL_PORT: String(z.controlPort) });
    cleanups.push(() => web.stop());
    const { token } = await createSession(adminId, { address: HOST, userAgent: 'bench/scale.ts' });
    if (fs.existsSync(CHROMIUM)) out.changes.web = await attempt('Zonekeeper: the zone editor in Chromium', () => webChanges(web.base, token, z.port, zonesFor.web));
    else failures.push(`${CHROMIUM} is missing (apt-get install chromium): no change through the web app`);
    const mid = names[Math.floor(names.length / 2)]!.replace(/\.$/, '');
    out.pages = await attempt('the web pages', () => timePages(web.base, `zk_session=${token}`, [
      [`zone list (${names.length} zones)`, '/zones'],
      ['zone list, page 100', '/zones?page=100'],
      ['zone search', `/zones?q=${mid}`],
      [`a zone's page (${RECORDS} records)`, `/zones/${names[1]!.replace(/\.$/, '')}`],
      ['replication dashboard', '/replication'],
      ['replication dashboard, page 250', '/replication?page=250'],
    ], RUNS));
    await web.stop();
  }
  await z.proc.stop();
  return out;
}

async function zonesMode(): Promise<void> {
  const url = await newDatabase('zones');
  const title = `${ZONES.toLocaleString('en')} zones × ${RECORDS} records on ${databaseName}`;
  log(`${title}: seeding (setup, not measured)…`);
  useDatabase(url);
  const { migrateDatabase } = await import('../lib/setup/database.ts');
  const { createUser } = await import('../lib/auth/users.ts');
  await migrateDatabase();
  const admin = await createUser('admin', 'bench-admin-password-1', 'admin');
  const names = manyZoneNames(ZONES);
  function* zones(): Generator<SeedZone> {
    for (let i = 0; i < names.length; i++) yield { name: names[i]!, serial: 2026120501, records: smallZoneRecords(names[i]!, RECORDS, i) };
  }
  let t = now();
  const seeded = await seedDatabase(url, zones());
  // What the prober would have found of two secondaries per zone: the replication dashboard reads these.
  await seedReplicaStatus(url);
  log(`seeded ${seeded.zones} zones, ${seeded.records} records (plus SOAs) and their secondaries' status in ${seconds(now() - t)}`);
  const pick = (from: number) => names.slice(1 + from * CHANGES, 1 + (from + 1) * CHANGES);
  const zonesFor = { cli: pick(0), service: pick(1), web: pick(2) };

  let bind: ServerFigures | undefined;
  let conf: string | undefined;
  if (WITH_BIND) {
    t = now();
    const updatable = new Set(zonesFor.cli);
    conf = writeBindZones(path.join(work, 'bind-zones'), zones(), (zone) => (updatable.has(zone) ? ' allow-update { 127.0.0.1; };' : ''));
    log(`wrote ${ZONES} BIND zone files in ${seconds(now() - t)}`);
  }
  // The starts before the last, in turns, so that the machine's drift moves both servers alike.
  const starts: Record<'bind' | 'zk', StartFigures[]> = { bind: [], zk: [] };
  for (let i = 1; i < STARTS; i++) {
    log(`start ${i} of ${STARTS}`);
    if (conf) {
      const b = await startBindWatched(conf, names);
      await b.bind.stop();
      starts.bind.push(b.start);
    }
    const k = await startZonekeeperWatched(url, names);
    await k.z.proc.stop();
    starts.zk.push(k.start);
  }
  log(`start ${STARTS} of ${STARTS}, and the other figures`);
  if (conf) {
    bind = await measureBindZones(conf, names, zonesFor.cli);
    fs.rmSync(path.join(work, 'bind-zones'), { recursive: true, force: true });
    if (bind.start) starts.bind.push(bind.start);
  }
  const zkf = await measureZonekeeperZones(url, names, admin.id, zonesFor);
  if (zkf.start) starts.zk.push(zkf.start);

  const nsu = bind?.changes.nsupdate?.length ? medianChange(bind.changes.nsupdate) : undefined;
  const change = (key: string) => (zkf.changes[key]?.length ? medianChange(zkf.changes[key]!) : undefined);
  const rows: Row[] = [
    [`time until every zone answers (from process start; median of ${STARTS})`, startsCell(starts.zk, ZONES), startsCell(starts.bind, ZONES), ratio(medianStart(starts.zk, ZONES, (s) => s.sweep.lastMs), medianStart(starts.bind, ZONES, (s) => s.sweep.lastMs))],
    ['CPU time used until then (user + system, all processes; median)', cpuCell(starts.zk, ZONES), cpuCell(starts.bind, ZONES), ratio(medianStart(starts.zk, ZONES, (s) => s.cpuMs), medianStart(starts.bind, ZONES, (s) => s.cpuMs))],
    ['memory of all DNS processes, after start', zkf.rss ? treeRssText(zkf.rss) : '–', bind?.rss ? mb(bind.rss.total) : '–', ratio(zkf.rss?.total, bind?.rss?.total)],
    [`memory after ${IDLE_MS / 1000} s idle`, zkf.rssAfterIdle ? mb(zkf.rssAfterIdle) : '–', bind?.rssAfterIdle ? mb(bind.rssAfterIdle) : '–', ratio(zkf.rssAfterIdle, bind?.rssAfterIdle)],
    ['peak memory while starting', zkf.start ? mb(zkf.start.peakRss) : '–', bind?.start ? mb(bind.start.peakRss) : '–', ratio(zkf.start?.peakRss, bind?.start?.peakRss)],
    [`CPU while idle, ${IDLE_MS / 1000} s, all processes`, zkf.idleCpuMs !== undefined ? cpuShare(zkf.idleCpuMs) : '–', bind?.idleCpuMs !== undefined ? cpuShare(bind.idleCpuMs) : '–', ratio(zkf.idleCpuMs, bind?.idleCpuMs)],
    [`change → served: CLI record add (median of ${CHANGES})`, changeCell(change('cli')), nsu ? `nsupdate ${ms(nsu.toServeMs)}` : '–', ratio(change('cli')?.toServeMs, nsu?.toServeMs)],
    ['change → served: web zone editor, Commit click', changeCell(change('web')), nsu ? `nsupdate ${ms(nsu.toServeMs)}` : '–', ratio(change('web')?.toServeMs, nsu?.toServeMs)],
    ['change → served: change service, in-process call', changeCell(change('service')), nsu ? `nsupdate ${ms(nsu.toServeMs)}` : '–', ratio(change('service')?.toServeMs, nsu?.toServeMs)],
  ];
  printTable(header(title), rows, [
    'Zonekeeper: `npm run worker` (lib/worker/command.ts, default ZK_DNS_THREADS: one process, one thread answering UDP per core), RRL raised out of reach;',
    'BIND: `named -g` with one zone file per zone. "returned": the command, call or click until it came back.',
  ]);
  if (zkf.pages) {
    console.log('');
    for (const line of pageLines(zkf.pages)) console.log(line);
  }
}

// ---------------------------------------------------------------- mode: one big zone

async function secondaryTransferKind(bind: RunningBind, fromLogAt: number): Promise<string> {
  const since = bind.log().slice(fromLogAt);
  if (/got incremental response/.test(since)) return 'IXFR';
  if (/got nonincremental response/.test(since)) return 'AXFR';
  return 'unknown (no transfer logged)';
}

/** The latest transfer in, as the Zonekeeper secondary recorded it (ixfr-in or axfr-in). */
function zkTransferKind(dbFile: string): string {
  const conn = new Database(dbFile, { readonly: true });
  try {
    const row = conn.prepare("select kind, records, durationMs from \"ZoneEvent\" where kind in ('ixfr-in', 'axfr-in') order by id desc limit 1").get() as { kind: string; records: number | null; durationMs: number | null } | undefined;
    return row ? `${row.kind === 'ixfr-in' ? 'IXFR' : 'AXFR'} (${row.records ?? '?'} records, ${row.durationMs ?? '?'} ms)` : 'none recorded';
  } finally {
    conn.close();
  }
}

async function bigZoneMode(): Promise<void> {
  const zoneFile = path.join(work, 'big-zone.db');
  const text = bigZoneText(BIG_ZONE, RECORDS);
  fs.writeFileSync(zoneFile, text);
  const url = await newDatabase('big');
  const title = `one zone of ${RECORDS.toLocaleString('en')} records on ${databaseName}`;
  useDatabase(url);
  log(`${title}: zone file of ${mb(text.length)} written`);

  // The import, through the CLI, as an operator moving a zone in would run it.
  const importEnv = { ...process.env, DATABASE_URL: url, ZK_DATA_DIR: path.join(work, 'bench-data'), ZK_CONTROL_PORT: '1' };
  let t = now();
  const imp = startLogged(process.execPath, [path.join(ROOT, 'bin/zonekeeper.mjs'), 'zone', 'import', BIG_ZONE, zoneFile], { cwd: ROOT, env: importEnv });
  cleanups.push(() => imp.stop());
  let importPeak = 0;
  while (!imp.exited() && now() - t < IMPORT_TIMEOUT_MS) {
    importPeak = Math.max(importPeak, treeRss(imp.pid).total);
    await new Promise((r) => setTimeout(r, 250));
  }
  const importMs = now() - t;
  const importOk = imp.exited() && imp.child.exitCode === 0;
  if (!imp.exited()) await imp.stop();
  const { db } = await import('../lib/db.ts');
  let importCell: string;
  if (importOk) {
    const changes = await db().change.count({ where: { zone: { name: BIG_ZONE } } });
    importCell = `${seconds(importMs)} in ${changes} change${changes === 1 ? '' : 's'}, CLI peak RSS ${mb(importPeak)}`;
  } else {
    importCell = `failed after ${seconds(importMs)} (${imp.exited() ? `exit ${imp.child.exitCode}` : 'timed out'}), peak RSS ${mb(importPeak)}`;
    log(`the import did not finish:\n${imp.output().slice(-2000)}\nloading the zone in bulk instead, to measure the rest`);
    const { migrateDatabase } = await import('../lib/setup/database.ts');
    await migrateDatabase();
    const parsed = parseZoneFile(text, { origin: BIG_ZONE });
    await db().zone.deleteMany({ where: { name: BIG_ZONE } });
    await seedDatabase(url, [{ name: BIG_ZONE, serial: 1, records: parsed.records.filter((r) => r.type !== 'SOA') }]);
  }
  log(`zonekeeper zone import: ${importCell}`);

  // Load: each server from process start until the zone answers.
  const z = await startZonekeeper(url);
  const zkStart = await watchStart('Zonekeeper', z.port, [BIG_ZONE], z.startedAt, () => (z.proc.exited() ? null : z.proc.pid), z.proc.exited);
  if (zkStart.sweep.answered !== 1) throw new Error(`the worker did not serve ${BIG_ZONE} (${zkStart.sweep.stopped}):\n${z.proc.output().slice(-3000)}`);
  const zkRss = treeRss(z.proc.pid);
  log(`Zonekeeper: serving after ${seconds(zkStart.sweep.lastMs)}, RSS ${treeRssText(zkRss)}`);
  // UDP answers come as soon as the main thread has loaded; TCP transfers once it says it answers (its answer threads started).
  await z.proc.waitForOutput(/answering on/, START_TIMEOUT_MS);
  const zkFirst = await timeAxfr(HOST, z.port, BIG_ZONE, 600_000);

  const bindPort = await freePort(HOST);
  const bindStartedAt = now();
  const bindWatch = watchStart('BIND', bindPort, [BIG_ZONE], bindStartedAt, namedPid, () => false);
  const bind = await startBind({
    program: namedProgram(),
    port: bindPort,
    options: ['notify no;'],
    files: { 'big.zone': text },
    config: () => `zone "${BIG_ZONE}" { type primary; file "big.zone"; allow-transfer { 127.0.0.0/8; }; allow-update { 127.0.0.1; }; };`,
    startTimeoutMs: START_TIMEOUT_MS,
  });
  cleanups.push(() => bind.stop());
  const bindStart = await bindWatch;
  const bindPid = namedPid()!;
  const bindRss = treeRss(bindPid).total;
  log(`BIND: serving after ${seconds(bindStart.sweep.lastMs)}, RSS ${mb(bindRss)}`);
  const bindFirst = await timeAxfr(HOST, bindPort, BIG_ZONE, 600_000);
  // Later transfers: alternated, as bench/axfr.ts does, since the machine's speed drifts.
  const later: Record<'zk' | 'bind', AxfrTiming[]> = { zk: [], bind: [] };
  for (let r = 0; r < 3; r++) {
    later.zk.push(await timeAxfr(HOST, z.port, BIG_ZONE, 600_000));
    later.bind.push(await timeAxfr(HOST, bindPort, BIG_ZONE, 600_000));
  }
  const laterMs = (xs: AxfrTiming[]) => quantile(xs.map((x) => x.ms), 0.5);
  log(`AXFR first: Zonekeeper ${ms(zkFirst.ms)}, BIND ${ms(bindFirst.ms)}; later: ${ms(laterMs(later.zk))} / ${ms(laterMs(later.bind))}`);
  const nsu = await attempt('BIND: nsupdate', () => timeChange(bindPort, BIG_ZONE, () => nsupdate(bindPort, BIG_ZONE, 'bench-nsupdate', '192.0.2.1'), false));
  await bind.stop();

  // Secondaries of the Zonekeeper primary: BIND (debug level 3 logs the kind of each transfer) and another Zonekeeper.
  const replication = await attempt('the secondaries and the commits', async () => {
    const bindT0 = now();
    const bindSec = await startBind({
      program: namedProgram(),
      debugLevel: 3,
      options: ['notify no;', 'allow-notify { 127.0.0.0/8; };', 'min-refresh-time 86400;', 'min-retry-time 86400;'],
      config: (d) => `zone "${BIG_ZONE}" { type secondary; primaries { ${HOST} port ${z.port}; }; file "${d}/big.secondary"; };`,
      startTimeoutMs: 60_000,
    });
    cleanups.push(() => bindSec.stop());
    const bindInitial = bindSec.waitForLog(/transferred serial \d+/, 900_000).then(() => now() - bindT0, () => NaN);
    const secDb = path.join(work, 'secondary.db');
    const z2 = await startZonekeeper(`file:${secDb}`, { ZK_DNS_THREADS: '1' });
    await z2.proc.waitForOutput(/answering on/, 120_000);
    await zk(z2, ['zone', 'create', BIG_ZONE, '--secondary', '--primary', `${HOST}:${z.port}`]);
    const zkT0 = now();
    const initial = { bind: await bindInitial, zk: await untilSerial(HOST, z2.port, BIG_ZONE, () => true, 900_000).then((r) => (r ? now() - zkT0 : NaN)) };
    log(`secondaries have the zone: BIND ${seconds(initial.bind)} after its start, Zonekeeper ${seconds(initial.zk)} after the zone was created (first transfer, AXFR)`);
    await zk(z, ['zone', 'set', BIG_ZONE, '--also-notify', `${HOST}:${bindSec.port},${HOST}:${z2.port}`]);

    // One-record commits: through the CLI, then the change service; each watched on the primary and both secondaries.
    useDatabase(url, z);
    const { applyChangeset } = await import('../lib/zones/changes.ts');
    const commits: { label: string; primary: ChangeTiming; bind: number | null; zk: number | null; bindKind: string; zkKind: string }[] = [];
    const ways: [string, () => Promise<unknown>][] = [
      ['CLI record add', () => zk(z, ['record', 'add', BIG_ZONE, 'bench-cli', 'A', '300', '192.0.2.10'])],
      ['change service call', () => applyChangeset(BIG_ZONE, { add: [{ name: 'bench-service', type: 'A', ttl: 300, content: '192.0.2.11' }], comment: 'bench/scale.ts' }, { name: 'bench' })],
    ];
    for (const [label, act] of ways) {
      const logAt = bindSec.log().length;
      const old = await serialOf(HOST, z.port, BIG_ZONE, 2000);
      const wall = Date.now();
      const moved = (serial: number) => serial !== old;
      const secondaries = Promise.all([untilSerial(HOST, bindSec.port, BIG_ZONE, moved, 300_000), untilSerial(HOST, z2.port, BIG_ZONE, moved, 300_000)]);
      const primary = await timeChange(z.port, BIG_ZONE, act, true);
      const [b, s2] = await secondaries;
      commits.push({ label, primary, bind: b ? b.at - wall : null, zk: s2 ? s2.at - wall : null, bindKind: await secondaryTransferKind(bindSec, logAt), zkKind: zkTransferKind(secDb) });
      log(`${label}: primary ${changeCell({ ...primary, n: 1 })}; BIND secondary ${ms(b ? b.at - wall : null)}, Zonekeeper secondary ${ms(s2 ? s2.at - wall : null)}`);
    }
    return { initial, commits, secRss: treeRss(z2.proc.pid).total, bindSecRss: treeRss(namedPid() ?? 0).total };
  });
  const zkRssAfter = treeRss(z.proc.pid);

  const rows: Row[] = [
    ['`zonekeeper zone import` of the zone file (target 30 s)', importCell, '– (named loads the file)', '–'],
    ['load time (process start until the zone answers)', seconds(zkStart.sweep.lastMs), seconds(bindStart.sweep.lastMs), ratio(zkStart.sweep.lastMs, bindStart.sweep.lastMs)],
    ['CPU time used until then (user + system, all processes)', seconds(zkStart.cpuMs), seconds(bindStart.cpuMs), ratio(zkStart.cpuMs, bindStart.cpuMs)],
    ['memory after load, all DNS processes', treeRssText(zkRss), mb(bindRss), ratio(zkRss.total, bindRss)],
    ['peak memory while loading', mb(zkStart.peakRss), mb(bindStart.peakRss), ratio(zkStart.peakRss, bindStart.peakRss)],
    ['first AXFR after start (raw TCP reader)', ms(zkFirst.ms), ms(bindFirst.ms), ratio(zkFirst.ms, bindFirst.ms)],
    ['later AXFR, median of 3', ms(laterMs(later.zk)), ms(laterMs(later.bind)), ratio(laterMs(later.zk), laterMs(later.bind))],
    ...(replication?.commits ?? []).map((c): Row => [`one-record commit → served: ${c.label}`, changeCell({ ...c.primary, n: 1 }), nsu ? `nsupdate ${ms(nsu.toServeMs)}` : '–', ratio(c.primary.toServeMs, nsu?.toServeMs)]),
    ...(replication?.commits ?? []).map((c): Row => [`  …served by the secondaries (from the start of the ${c.label})`, `Zonekeeper secondary ${ms(c.zk)} by ${c.zkKind}`, `BIND secondary ${ms(c.bind)} by ${c.bindKind}`, '–']),
    ['memory after the commits: primary / Zonekeeper secondary (1 process) / BIND secondary', `${mb(zkRssAfter.total)} / ${replication ? mb(replication.secRss) : '–'}`, replication ? mb(replication.bindSecRss) : '–', '–'],
  ];
  printTable(header(title), rows, [
    `AXFR: ${zkFirst.records} records, ${mb(zkFirst.bytes)} in ${zkFirst.messages} messages from Zonekeeper; ${mb(bindFirst.bytes)} in ${bindFirst.messages} from BIND.`,
    ...(replication ? [`Initial transfer (AXFR) to the secondaries: BIND ${seconds(replication.initial.bind)} from its start, Zonekeeper ${seconds(replication.initial.zk)} from the zone's creation.`] : []),
  ]);
}

// ---------------------------------------------------------------- mode: the CLI's own cost

async function cliMode(): Promise<void> {
  const url = await newDatabase('cli');
  useDatabase(url);
  const { migrateDatabase } = await import('../lib/setup/database.ts');
  await migrateDatabase();
  const names = manyZoneNames(10);
  await seedDatabase(url, names.map((name, i) => ({ name, serial: 1, records: smallZoneRecords(name, 20, i) })));
  const z = await startZonekeeper(url);
  await z.proc.waitForOutput(/answering on/, 120_000);
  // Through bash's `times`, which prints the CPU its children used: a figure the machine's load moves far less than wall time.
  const timed = async (args: string[]): Promise<{ wallMs: number; cpuMs: number }> => {
    const t = now();
    const r = await runProgram('bash', ['-c', '"$@" >/dev/null || exit 1; times', 'timed', ...args], { env: z.env, cwd: ROOT, timeoutMs: 120_000 });
    const wallMs = now() - t;
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    const m = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/m.exec(r.stdout.trim().split('\n')[1] ?? '');
    const cpuMs = m ? (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000 : NaN;
    return { wallMs, cpuMs };
  };
  const times = async (label: string, n: number, args: (i: number) => string[]) => {
    const xs: { wallMs: number; cpuMs: number }[] = [];
    for (let i = 0; i < n; i++) xs.push(await timed(args(i)));
    const wall = xs.map((x) => x.wallMs);
    return [label, `${ms(quantile(wall, 0.5))} (min ${ms(Math.min(...wall))}, max ${ms(Math.max(...wall))}), CPU ${ms(quantile(xs.map((x) => x.cpuMs), 0.5))}`] as const;
  };
  const cli = [process.execPath, path.join(ROOT, 'bin/zonekeeper.mjs')];
  const results = [
    await times('node -e 0 (Node itself starting)', 5, () => [process.execPath, '-e', '0']),
    await times('zonekeeper zone list (10 zones)', 5, () => [...cli, 'zone', 'list']),
    await times('zonekeeper record add, worker running', 5, (i) => [...cli, 'record', 'add', names[1]!, `cli-${i}`, 'A', '300', `192.0.2.${i + 1}`]),
  ];
  console.log(`\n${header(`the CLI on a small ${databaseName} database, median of 5 (target under 300 ms)`)}\n`);
  for (const [label, value] of results) console.log(`  ${label.padEnd(42)} ${value}`);
  await z.proc.stop();
}

// ---------------------------------------------------------------- main

process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
process.on('SIGTERM', () => void cleanup().then(() => process.exit(143)));
const began = now();
try {
  console.log(header(`bench/scale.ts ${argv.join(' ')}`.trim()));
  if (MODE === 'big-zone') await bigZoneMode();
  else if (MODE === 'cli') await cliMode();
  else await zonesMode();
  for (const f of failures) console.log(`not measured: ${f}`);
  console.log(`\nran ${seconds(now() - began)}; ${machineLoad()} at the end. Other work on these cores makes the figures noisy: compare the two servers within one run.`);
} catch (err) {
  console.error(`bench/scale failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
} finally {
  const { disconnectDb } = await import('../lib/db.ts');
  await disconnectDb().catch(() => undefined);
  await cleanup();
}
