// DNSSEC (issue 19): what signing costs Zonekeeper against BIND 9.18 and
// PowerDNS 4.7 on the same zone, side by side in one run.
//
// The zone: RECORDS records (the SOA counted) as the AXFR and scale benches
// build it (bench/shared/big-zone.ts), seeded straight into a fresh SQLite
// database for Zonekeeper (bench/shared/seed.ts) and written as a zone file
// for BIND. Zonekeeper runs its DNS worker as `npm run worker` does, with one
// answering thread (so that per-core figures compare), RRL out of reach.
//
// 1. Signing, ECDSAP256SHA256 KSK + ZSK, NSEC3 with no salt and no extra
//    iterations (RFC 9276): `zonekeeper zone sign` (a new process, as an
//    operator runs it, the worker running) against `dnssec-signzone -S -3 -
//    -H 0` on keys from dnssec-keygen, both under GNU time (wall, CPU, peak
//    RSS); then Zonekeeper's time from the command's end until the worker
//    serves the signed SOA. BIND's inline signing (dnssec-policy, NSEC3
//    iterations 0, no salt) of the unsigned file, timed from named's start
//    until it serves the zone fully signed (NSEC3PARAM, the last host's A
//    signed, an NXDOMAIN proven with NSEC3), if within INLINE_WITHIN_S.
//    Then each server is started afresh on the signed zone: time until it
//    serves it, and its memory (RSS) then.
// 2. One change in the signed zone, CHANGES times each after WARM_UPS not
//    counted, the two taking turns: Zonekeeper's `applyChangeset` of one new
//    A record (called in this process, as the CLI and the editor call it; it
//    commits the record, its
//    RRSIG, the NSEC3 records around the new name, the SOA and their
//    signatures, then nudges the worker) against an RFC 2136 UPDATE of the
//    same record to BIND serving the dnssec-signzone output with auto-dnssec
//    maintain (the message nsupdate sends, sent from here so that nsupdate's
//    own start is not counted). From the call (the send), the server is
//    asked for the new name's A with DO every few ms until the answer holds
//    it with its RRSIG.
// 3. Queries per second with DO set: the worker against PowerDNS (gsqlite3,
//    default caches) holding the same signed zone as a presigned secondary
//    (PRESIGNED set in domainmetadata, the zone transferred from the worker
//    by AXFR), each pinned to one core and dnsperf -D to the other, as
//    bench/qps.sh's per-core run; a query file of positive, NXDOMAIN and
//    NODATA questions. Before timing, both must answer a DO NXDOMAIN question
//    with NSEC3 records and their RRSIGs. Server CPU per query from /proc.
//
// A benchmark, not a test: it never fails on time, it prints.
//
// Usage (through bench/dnssec.sh):
//   tsx bench/dnssec.ts [--records N] [--changes N] [--seconds S] [--rounds N] [--inline-within S] [--questions N]
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { rcodeName, type Message } from '../lib/dns/wire.ts';
import { parseZoneFile } from '../lib/dns/zone-file.ts';
import { freePort, startBind, type RunningBind } from '../lib/testing/bind.ts';
import { ask, eventually, sendRaw } from '../lib/testing/dns-client.ts';
import { startPdns, type RunningPdns } from '../lib/testing/pdns.ts';
import { findProgram } from '../lib/testing/system-program.ts';
import { buildUpdate } from '../lib/testing/update-builder.ts';
import { WORKER_NODE_ARGS } from '../lib/worker/command.ts';
import { bigZoneText } from './shared/big-zone.ts';
import { cleanupOnExit } from './shared/cleanup.ts';
import { serialOf } from './shared/dns-watch.ts';
import { rank, ratio, stats } from './shared/latency.ts';
import { numberOption } from './shared/options.ts';
import { cpuBetween, descendantsNamed, machineLoad, mb, processTree, rss, seconds, startLogged, treeCpu, treeRss, type LoggedProcess } from './shared/processes.ts';
import { seedDatabase, zoneFileText, type SeedRecord } from './shared/seed.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const RECORDS = Math.round(numberOption('records', 100_000));
const CHANGES = Math.round(numberOption('changes', 11));
const SECONDS = Math.round(numberOption('seconds', 10));
const ROUNDS = Math.round(numberOption('rounds', 3));
/** How many distinct questions dnsperf asks in turn (all by default; fewer shows the servers' answer caches at work). */
const QUESTIONS = Math.round(numberOption('questions', Infinity));
const INLINE_WITHIN_MS = numberOption('inline-within', 120) * 1000;
const HOST = '127.0.0.1';
const ZONE = 'dnssec-bench.test.';
const ORIGIN = ZONE.slice(0, -1);
/** Between two DO questions while waiting for a change to be served signed. */
const POLL_MS = 3;
const SERVE_WITHIN_MS = 30_000;
/** A pause after each change; not part of any figure. */
const PAUSE_MS = 300;
/** Changes to each server before the counted ones. */
const WARM_UPS = 5;
const START_TIMEOUT_MS = 10 * 60_000;
/** The CPUs of bench/qps.sh's per-core run: the servers on one, dnsperf on the other. */
const SERVER_CPU = '0';
const CLIENT_CPU = os.cpus().length > 1 ? '1' : '0';

const t0 = performance.now();
const log = (line: string) => console.log(`[${seconds(performance.now() - t0).padStart(6)}] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x >= 10_000 ? seconds(x) : `${x.toFixed(0)} ms`);
const times = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-bench-dnssec-'));
const cleanups = cleanupOnExit(work);

// Read once at start: the code measured is the code of this moment.
const COMMIT = (() => {
  const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT }).toString().trim();
  return dirty ? `${head} with uncommitted changes` : head;
})();

// ---------------------------------------------------------------- programs and their cost

function program(name: string): string {
  const p = findProgram(name);
  if (!p) throw new Error(`${name} is missing (see bench/dnssec.sh for the packages)`);
  return p;
}

interface Timed {
  wallMs: number;
  cpuMs: number;
  peakRss: number;
}

/**
 * Runs a program to its end under GNU time, which reports what the process
 * and its children used (dnssec-signzone signs on one thread per core, so
 * wall time alone would hide its CPU).
 */
async function timed(file: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Timed> {
  const report = path.join(work, `time-${process.hrtime.bigint()}.txt`);
  const started = performance.now();
  try {
    await run('/usr/bin/time', ['-o', report, '-f', '%U %S %M', file, ...args], { ...opts, maxBuffer: 64 << 20 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${path.basename(file)} ${args.join(' ')} failed: ${e.message}\n${(e.stdout ?? '').slice(-2000)}\n${(e.stderr ?? '').slice(-2000)}`);
  }
  const wallMs = performance.now() - started;
  const [user, sys, maxKb] = fs.readFileSync(report, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { wallMs, cpuMs: (user! + sys!) * 1000, peakRss: maxKb! * 1024 };
}

const costText = (t: Timed) => `${ms(t.wallMs)} (CPU ${ms(t.cpuMs)}, peak RSS ${mb(t.peakRss)})`;

/** The PID of our descendant `comm` whose command line names `dir` (startBind and startPdns do not say it). */
function pidIn(comm: string, dir: string): number {
  const pid = descendantsNamed(comm).find((p) => {
    try {
      return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir);
    } catch {
      return false;
    }
  });
  if (pid === undefined) throw new Error(`cannot find the PID of the ${comm} in ${dir}`);
  return pid;
}

// ---------------------------------------------------------------- what a server answers with DO

const doAsk = (port: number, name: string, type: string) => ask(port, name, type, { dnssecOk: true, timeoutMs: 1000, edns: 4096 }, HOST).catch(() => null);

/** Whether `records` hold `type` at `name` (with `content` when given) and an RRSIG covering it. */
function signedIn(records: Message['answers'], name: string, type: string, content?: string): boolean {
  const at = records.filter((r) => r.name.toLowerCase() === name);
  const data = at.some((r) => r.type === type && (content === undefined || r.data === content));
  return data && at.some((r) => r.type === 'RRSIG' && (r.data as { typeCovered?: string }).typeCovered === type);
}

/** How an NXDOMAIN asked with DO is proven: the NSEC3 records in the authority section and whether each is signed. */
async function nxdomainProof(port: number): Promise<{ rcode: string; nsec3: number; signed: number } | null> {
  const m = await doAsk(port, `no-such-name.${ZONE}`, 'A');
  if (!m) return null;
  const nsec3 = m.authorities.filter((r) => r.type === 'NSEC3');
  const signed = nsec3.filter((n) => m.authorities.some((r) => r.type === 'RRSIG' && r.name === n.name && (r.data as { typeCovered?: string }).typeCovered === 'NSEC3'));
  return { rcode: rcodeName(m.rcode), nsec3: nsec3.length, signed: signed.length };
}

/** The SOA serial `port` serves, when it is signed (an RRSIG covers it in a DO answer); null otherwise. */
async function signedSerial(port: number): Promise<number | null> {
  const m = await doAsk(port, ZONE, 'SOA');
  if (!m || m.rcode !== 0 || !signedIn(m.answers, ZONE, 'SOA')) return null;
  return (m.answers.find((r) => r.type === 'SOA')!.data as { serial: number }).serial;
}

/** Milliseconds from `from` (performance.now()) until `ok` holds, asked every `stepMs`; null after `withinMs`. */
async function timeUntil(from: number, ok: () => Promise<boolean>, withinMs: number, stepMs: number): Promise<number | null> {
  const last = await eventually(ok, (v) => v, withinMs - (performance.now() - from), stepMs);
  return last ? performance.now() - from : null;
}

// ---------------------------------------------------------------- Zonekeeper

interface Worker {
  proc: LoggedProcess;
  port: number;
  /** performance.now() just before it was spawned. */
  startedAt: number;
}

function zonekeeperEnv(port: number, controlPort: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ZK_DATA_DIR: path.join(work, 'zk-data'),
    DATABASE_URL: `file:${path.join(work, 'zk.db')}`,
    ZK_DNS_LISTEN: `${HOST}:${port}`,
    ZK_CONTROL_PORT: String(controlPort),
    ZK_LOG_LEVEL: 'warn',
    ZK_DNS_THREADS: '1',
    ZK_PROBE_INTERVAL: '0',
    // dnsperf asks from one address: RRL stays on at a rate no run reaches, as in bench/qps.sh.
    ZK_RRL_RESPONSES_PER_SECOND: '1000000000',
  };
  delete env.ZK_NOTIFY_SOURCE;
  delete env.ZK_READ_ONLY;
  fs.mkdirSync(env.ZK_DATA_DIR!, { recursive: true });
  return env;
}

function startWorker(env: NodeJS.ProcessEnv, port: number): Worker {
  const startedAt = performance.now();
  const proc = startLogged(process.execPath, [...WORKER_NODE_ARGS], { cwd: ROOT, env });
  cleanups.add(() => proc.stop());
  return { proc, port, startedAt };
}

function alive(w: Worker): void {
  if (w.proc.exited()) throw new Error(`the Zonekeeper worker exited:\n${w.proc.output().slice(-4000)}`);
}

// ---------------------------------------------------------------- BIND

interface BindKeys {
  dir: string;
}

/** A KSK and a ZSK, ECDSAP256SHA256, in a folder of their own, as dnssec-keygen makes them. */
async function bindKeys(name: string): Promise<BindKeys> {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  await run(program('dnssec-keygen'), ['-q', '-K', dir, '-a', 'ECDSAP256SHA256', '-f', 'KSK', ORIGIN], { cwd: dir });
  await run(program('dnssec-keygen'), ['-q', '-K', dir, '-a', 'ECDSAP256SHA256', ORIGIN], { cwd: dir });
  return { dir };
}

/**
 * BIND's inline signing of the unsigned zone (dnssec-policy), timed from
 * named's start until it serves the zone fully signed: NSEC3PARAM published,
 * an NXDOMAIN proven with signed NSEC3 records and every one of SAMPLE hosts
 * spread over the zone answered with its RRSIG. BIND signs a new zone a few
 * nodes at a time between other work (sig-signing-nodes, -signatures), so a
 * big zone can take longer than the bench may wait: then it says how many of
 * the sample were signed when it stopped waiting.
 */
async function bindInlineSigning(named: string, zoneText: string, hosts: readonly string[]): Promise<{ ms: number | null; rss: number; progress: string }> {
  const SAMPLE = 50;
  const sample = Array.from({ length: SAMPLE }, (_, i) => hosts[Math.floor(((i + 1) * hosts.length) / SAMPLE) - 1]!);
  const keys = path.join(work, 'inline-keys');
  fs.mkdirSync(keys);
  const port = await freePort(HOST);
  const startedAt = performance.now();
  const bind = await startBind({
    program: named,
    port,
    options: ['notify no;'],
    files: { 'unsigned.db': zoneText },
    config: (dir) =>
      [
        'dnssec-policy "bench" {',
        '  keys { ksk lifetime unlimited algorithm ecdsap256sha256; zsk lifetime unlimited algorithm ecdsap256sha256; };',
        '  nsec3param iterations 0 optout no salt-length 0;',
        '};',
        `zone "${ZONE}" { type primary; file "${path.join(dir, 'unsigned.db')}"; dnssec-policy "bench"; inline-signing yes; key-directory "${keys}"; };`,
      ].join('\n'),
    startTimeoutMs: START_TIMEOUT_MS,
  });
  cleanups.add(() => bind.stop());
  const signedHosts = async () => {
    let n = 0;
    for (const h of sample) if (signedIn((await doAsk(port, h, 'A'))?.answers ?? [], h, 'A')) n++;
    return n;
  };
  const done = async () => {
    const param = await doAsk(port, ZONE, 'NSEC3PARAM');
    if (!param || !param.answers.some((r) => r.type === 'NSEC3PARAM')) return false;
    const nx = await nxdomainProof(port);
    return nx !== null && nx.nsec3 > 0 && nx.signed === nx.nsec3 && (await signedHosts()) === SAMPLE;
  };
  const took = await timeUntil(startedAt, done, INLINE_WITHIN_MS, 250);
  const memory = rss(pidIn('named', bind.dir));
  let progress = '';
  if (took === null) {
    const n = await signedHosts();
    progress = `not fully signed ${seconds(performance.now() - startedAt)} after named's start: ${n} of ${SAMPLE} hosts spread over the zone answered signed`;
  }
  await bind.stop();
  return { ms: took, rss: memory, progress };
}

// ---------------------------------------------------------------- one change

interface ChangeFigures {
  label: string;
  /** From the call (send) until it returned (the UPDATE's answer). */
  returned: number[];
  /** From the call (send) until the server answered the new A with its RRSIG (DO). */
  served: number[];
  missed: number;
  failed: string[];
}

async function zonekeeperChange(w: Worker, f: ChangeFigures, owner: string, address: string): Promise<string> {
  const { applyChangeset } = await import('../lib/zones/changes.ts');
  const started = performance.now();
  const served = timeUntil(started, async () => signedIn((await doAsk(w.port, owner, 'A'))?.answers ?? [], owner, 'A', address), SERVE_WITHIN_MS, POLL_MS);
  const r = await applyChangeset(ZONE, { add: [{ name: owner, type: 'A', ttl: 300, content: address }], comment: 'bench/dnssec.ts' }, { name: 'bench' });
  const returned = performance.now() - started;
  const s = await served;
  alive(w);
  f.returned.push(returned);
  if (s === null) f.missed++;
  else f.served.push(s);
  return `serial ${r.newSerial}, ${r.added.length} records added and ${r.removed.length} removed, returned ${ms(returned)}, served signed ${ms(s)}`;
}

async function bindChange(port: number, f: ChangeFigures, owner: string, address: string): Promise<string> {
  const message = buildUpdate(ZONE, [], [{ name: owner, type: 'A', ttl: 300, content: address }]);
  const started = performance.now();
  const served = timeUntil(started, async () => signedIn((await doAsk(port, owner, 'A'))?.answers ?? [], owner, 'A', address), SERVE_WITHIN_MS, POLL_MS);
  const answer = await sendRaw(port, message, 'tcp', SERVE_WITHIN_MS, HOST);
  const returned = performance.now() - started;
  const rcode = answer ? rcodeName(answer[3]! & 0x0f) : 'no answer';
  const s = await served;
  if (rcode !== 'NOERROR') f.failed.push(rcode);
  f.returned.push(returned);
  if (s === null) f.missed++;
  else f.served.push(s);
  return `${rcode}, answered ${ms(returned)}, served signed ${ms(s)}`;
}

// ---------------------------------------------------------------- queries per second

/**
 * dnsperf's questions: every name of the zone asked for what it holds
 * (positive), one in ten asked for MX, which no host has (NODATA), and as
 * many names that do not exist (NXDOMAIN); in a fixed shuffled order, the
 * first QUESTIONS of them.
 */
function queryFile(records: readonly SeedRecord[]): string {
  const positive = records.map((r) => `${r.name} ${r.type}`);
  const hosts = [...new Set(records.filter((r) => r.name.startsWith('host')).map((r) => r.name))];
  const nodata = hosts.filter((_, i) => i % 10 === 3).map((h) => `${h} MX`);
  const nxdomain = nodata.map((_, i) => `nx${i}.${ZONE} A`);
  const lines = [...positive, ...nodata, ...nxdomain];
  let seed = 19;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  return lines.slice(0, QUESTIONS).join('\n') + '\n';
}

interface Qps {
  qps: number;
  cpuUsPerQuery: number;
  codes: string;
}

/** One dnsperf run with DO set against `port`, on CLIENT_CPU; the server's CPU meanwhile. */
async function dnsperf(port: number, pid: number, file: string, secs: number): Promise<Qps> {
  const before = treeCpu(pid);
  const { stdout } = await run('taskset', ['-c', CLIENT_CPU, program('dnsperf'), '-s', HOST, '-p', String(port), '-d', file, '-l', String(secs), '-c', '10', '-T', '1', '-q', '500', '-D']);
  const cpu = cpuBetween(before, treeCpu(pid));
  const qps = Number(/Queries per second:\s+([\d.]+)/.exec(stdout)?.[1]);
  const completed = Number(/Queries completed:\s+(\d+)/.exec(stdout)?.[1]);
  if (!Number.isFinite(qps) || !completed) throw new Error(`dnsperf printed no rate:\n${stdout}`);
  const codes = /Response codes:\s+(.*)/.exec(stdout)?.[1] ?? '';
  return { qps, cpuUsPerQuery: (cpu * 1000) / completed, codes };
}

/** Pins every thread of `pid` (and its children) to `cpus`. */
async function pin(pid: number, cpus: string): Promise<void> {
  for (const p of processTree(pid)) await run('taskset', ['-a', '-p', '-c', cpus, String(p)]);
}

/** PowerDNS as a presigned secondary of the worker's zone: PRESIGNED set, the zone transferred by AXFR from the worker. */
async function startPowerDns(workerPort: number, serial: number): Promise<{ pdns: RunningPdns; pid: number; loadMs: number }> {
  const port = await freePort(HOST);
  const pdns = await startPdns({
    program: program('pdns_server'),
    address: HOST,
    port,
    // Its default caches, as in bench/qps.sh (lib/testing/pdns.ts turns them off for tests; the later line wins).
    // gsqlite3-dnssec: without it the backend reads no domainmetadata, so no PRESIGNED and no DNSSEC at all.
    // zone-cache-refresh-interval: PowerDNS learns of a zone added to its database when it refreshes its
    // zone list, every 300 s by default; 5 s costs one small query every 5 s and spares the wait.
    settings: ['gsqlite3-dnssec=yes', 'secondary=yes', 'cache-ttl=20', 'query-cache-ttl=20', 'negquery-cache-ttl=60', 'loglevel=4', 'xfr-cycle-interval=3600', 'zone-cache-refresh-interval=5'],
    startTimeoutMs: 60_000,
  });
  cleanups.add(() => pdns.stop());
  const db = new Database(path.join(pdns.dir, 'pdns.sqlite3'));
  const id = Number(db.prepare("insert into domains (name, master, type) values (?, ?, 'SLAVE')").run(ORIGIN, `${HOST}:${workerPort}`).lastInsertRowid);
  db.prepare("insert into domainmetadata (domain_id, kind, content) values (?, 'PRESIGNED', '1')").run(id);
  db.close();
  const started = performance.now();
  await run(program('pdns_control'), [`--socket-dir=${pdns.dir}`, 'retrieve', ORIGIN]);
  const got = await eventually(() => serialOf(HOST, port, ZONE), (s) => s === serial, START_TIMEOUT_MS, 200);
  if (performance.now() - started > 60_000) log(`PowerDNS took long to transfer; its log:\n${pdns.log().slice(-3000)}`);
  if (got !== serial) throw new Error(`PowerDNS did not transfer ${ZONE} serial ${serial} (serves ${got}):\n${pdns.log().slice(-4000)}`);
  const pid = pidIn('pdns_server', pdns.dir);
  return { pdns, pid, loadMs: performance.now() - started };
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const named = program('named');
  const bindVersion = /BIND (\d+\.\d+\.\d+)/.exec((await run(named, ['-v'])).stdout)?.[1] ?? '?';
  const pdnsVersion = /PowerDNS Authoritative Server (\S+)/.exec(((await run(program('pdns_server'), ['--version']).catch((e: { stderr?: string; stdout?: string }) => e)) as { stderr?: string; stdout?: string }).stderr ?? '')?.[1] ?? '4.7';
  const bindLabel = `BIND ${bindVersion}`;
  const title = `bench/dnssec.sh ${new Date().toISOString().slice(0, 16)}Z, commit ${COMMIT}, node ${process.version}`;
  console.log(`${title}  ${machineLoad()}`);
  console.log(`zone ${ZONE} of ${RECORDS.toLocaleString('en')} records (the SOA counted), ECDSAP256SHA256 KSK + ZSK, NSEC3 (iterations 0, no salt); ${CHANGES} changes; dnsperf ${SECONDS} s x ${ROUNDS} rounds`);

  // ------------------------------------------------ the zone, both ways
  const parsed = parseZoneFile(bigZoneText(ZONE, RECORDS), { origin: ZONE });
  if (parsed.errors.length) throw new Error(`the bench zone does not parse: ${parsed.errors[0]!.message}`);
  const records: SeedRecord[] = parsed.records.filter((r) => r.type !== 'SOA').map((r) => ({ name: r.name, type: r.type, ttl: r.ttl, content: r.content }));
  const zoneText = zoneFileText({ name: ZONE, serial: 1, records });
  const hosts = [...new Set(records.filter((r) => r.name.startsWith('host')).map((r) => r.name))];

  // ------------------------------------------------ Zonekeeper: seed, serve, sign
  const port = await freePort(HOST);
  const controlPort = await freePort(HOST);
  const env = zonekeeperEnv(port, controlPort);
  const zk = (...args: string[]) => run(process.execPath, [path.join(ROOT, 'bin/zonekeeper.mjs'), ...args], { env, cwd: ROOT, maxBuffer: 64 << 20 });
  // The first command creates and migrates the database (and builds the CLI's bundle when it is stale).
  await zk('zone', 'list');
  await seedDatabase(env.DATABASE_URL!, [{ name: ZONE, serial: 1, records }]);
  log(`Zonekeeper: seeded ${records.length + 1} records into ${env.DATABASE_URL}`);
  let worker = startWorker(env, port);
  await worker.proc.waitForOutput(/answering on/, START_TIMEOUT_MS);
  if ((await eventually(() => serialOf(HOST, port, ZONE), (s) => s === 1, 60_000)) !== 1) throw new Error(`the worker does not serve ${ZONE}:\n${worker.proc.output().slice(-4000)}`);
  const unsignedRss = rss(worker.proc.pid);
  log(`Zonekeeper: the worker serves ${ZONE} unsigned, RSS ${mb(unsignedRss)}; ${machineLoad()}`);

  const zkSign = await timed(process.execPath, [path.join(ROOT, 'bin/zonekeeper.mjs'), 'zone', 'sign', ZONE], { cwd: ROOT, env });
  const signedAt = performance.now();
  const zkServed = await timeUntil(signedAt, async () => (await signedSerial(port)) !== null, START_TIMEOUT_MS, 20);
  alive(worker);
  const zkSignedSerial = await signedSerial(port);
  const patchedRss = rss(worker.proc.pid);
  const { db } = await loadLib(env);
  const zoneRow = await db().zone.findUniqueOrThrow({ where: { name: ZONE }, select: { id: true } });
  const signedCount = await db().record.count({ where: { zoneId: zoneRow.id } });
  log(`Zonekeeper: zone sign ${costText(zkSign)}; the worker served the signed SOA ${ms(zkServed)} after; ${signedCount + 1} records now; RSS ${mb(patchedRss)}`);

  // Afresh on the signed zone: its load time and memory.
  await worker.proc.stop();
  worker = startWorker(env, port);
  const zkLoadMs = await timeUntil(worker.startedAt, async () => (await signedSerial(port)) === zkSignedSerial, START_TIMEOUT_MS, 20);
  await worker.proc.waitForOutput(/answering on/, START_TIMEOUT_MS);
  const zkRss = treeRss(worker.proc.pid).total;
  log(`Zonekeeper: a new worker served the signed zone ${ms(zkLoadMs)} after its start, RSS ${mb(zkRss)}`);

  // ------------------------------------------------ BIND: dnssec-signzone, then inline signing
  const keys = await bindKeys('signzone-keys');
  fs.writeFileSync(path.join(work, 'unsigned.db'), zoneText);
  const bindSign = await timed(program('dnssec-signzone'), ['-K', keys.dir, '-S', '-3', '-', '-H', '0', '-O', 'full', '-o', ORIGIN, '-f', path.join(work, 'signed.db'), path.join(work, 'unsigned.db')], { cwd: work });
  const bindSignedText = fs.readFileSync(path.join(work, 'signed.db'), 'utf8');
  // -O full: one record a line.
  const bindSignedCount = bindSignedText.split('\n').filter((l) => l && !l.startsWith(';') && !l.startsWith('$')).length;
  log(`${bindLabel}: dnssec-signzone ${costText(bindSign)}; ${machineLoad()}`);

  const inline = await bindInlineSigning(named, zoneText, hosts);
  log(`${bindLabel}: inline signing (dnssec-policy) ${inline.ms === null ? inline.progress : `fully signed and served ${ms(inline.ms)} after named's start`}, RSS ${mb(inline.rss)}`);

  // BIND serving the dnssec-signzone output, dynamic (auto-dnssec maintain signs each UPDATE).
  const bindPort = await freePort(HOST);
  const bindStartedAt = performance.now();
  const bind: RunningBind = await startBind({
    program: named,
    port: bindPort,
    options: ['notify no;'],
    files: { 'signed.db': bindSignedText },
    config: (dir) =>
      `zone "${ZONE}" { type primary; file "${path.join(dir, 'signed.db')}"; key-directory "${keys.dir}"; auto-dnssec maintain; allow-update { 127.0.0.1; }; allow-transfer { 127.0.0.0/8; }; };`,
    startTimeoutMs: START_TIMEOUT_MS,
  });
  cleanups.add(() => bind.stop());
  const bindLoadMs = await timeUntil(bindStartedAt, async () => (await signedSerial(bindPort)) !== null, START_TIMEOUT_MS, 20);
  const bindPid = pidIn('named', bind.dir);
  const bindRss = rss(bindPid);
  log(`${bindLabel}: served the signed zone ${ms(bindLoadMs)} after named's start, RSS ${mb(bindRss)}`);

  // ------------------------------------------------ one change each, taking turns
  const zkChanges: ChangeFigures = { label: 'Zonekeeper', returned: [], served: [], missed: 0, failed: [] };
  const bindChanges: ChangeFigures = { label: bindLabel, returned: [], served: [], missed: 0, failed: [] };
  // Warm-ups, not counted: the change service runs in this process, whose first calls pay for
  // loading modules, Prisma's query compiler and V8's compiling; an editor's server is long warm.
  const warm = (): ChangeFigures => ({ label: 'warm-up', returned: [], served: [], missed: 0, failed: [] });
  for (let i = 1; i <= WARM_UPS; i++) {
    log(`changes: warm-up ${i} (not counted): Zonekeeper ${await zonekeeperChange(worker, warm(), `warm-${i}.${ZONE}`, `192.0.2.${200 + i}`)}`);
    log(`changes: warm-up ${i} (not counted): ${bindLabel} ${await bindChange(bindPort, warm(), `warm-${i}.${ZONE}`, `192.0.2.${200 + i}`)}`);
    await sleep(PAUSE_MS);
  }
  for (let i = 1; i <= CHANGES; i++) {
    const owner = `change-${i}.${ZONE}`;
    const address = `192.0.2.${i}`;
    const order = i % 2 ? ['zk', 'bind'] : ['bind', 'zk'];
    const line: Record<string, string> = {};
    for (const who of order) {
      await sleep(PAUSE_MS);
      line[who] = who === 'zk' ? await zonekeeperChange(worker, zkChanges, owner, address) : await bindChange(bindPort, bindChanges, owner, address);
    }
    console.log(`  ${String(i).padStart(2)}: Zonekeeper ${line.zk}\n      ${bindLabel} ${line.bind}`);
  }
  await bind.stop();

  // ------------------------------------------------ queries per second with DO
  const zkSerialNow = (await serialOf(HOST, port, ZONE))!;
  const { pdns, pid: pdnsPid, loadMs: pdnsLoadMs } = await startPowerDns(port, zkSerialNow);
  log(`PowerDNS ${pdnsVersion}: transferred the signed zone (serial ${zkSerialNow}) from the worker and serves it ${ms(pdnsLoadMs)} after the retrieve, RSS ${mb(rss(pdnsPid))}`);
  const fair: string[] = [];
  for (const [label, p] of [['Zonekeeper', port], [`PowerDNS ${pdnsVersion}`, pdns.port]] as const) {
    const proof = await nxdomainProof(p);
    if (!proof || proof.rcode !== 'NXDOMAIN' || proof.nsec3 === 0 || proof.signed !== proof.nsec3) {
      throw new Error(`${label} does not prove an NXDOMAIN with signed NSEC3 records: ${JSON.stringify(proof)}`);
    }
    fair.push(`${label} ${proof.nsec3} NSEC3 (each signed)`);
  }
  log(`a DO NXDOMAIN question is proven by ${fair.join(', ')}`);
  const queries = path.join(work, 'queries.txt');
  const questions = queryFile(records);
  fs.writeFileSync(queries, questions);
  const distinct = questions.split('\n').length - 1;
  await pin(worker.proc.pid, SERVER_CPU);
  await pin(pdnsPid, SERVER_CPU);
  // Warm both (their caches), then alternate, since the machine's speed drifts.
  await dnsperf(port, worker.proc.pid, queries, 3);
  await dnsperf(pdns.port, pdnsPid, queries, 3);
  const qps: Record<'zk' | 'pdns', Qps[]> = { zk: [], pdns: [] };
  for (let r = 1; r <= ROUNDS; r++) {
    const a = await dnsperf(port, worker.proc.pid, queries, SECONDS);
    alive(worker);
    const b = await dnsperf(pdns.port, pdnsPid, queries, SECONDS);
    qps.zk.push(a);
    qps.pdns.push(b);
    log(`round ${r}: Zonekeeper ${a.qps.toFixed(0)} qps, ${a.cpuUsPerQuery.toFixed(1)} µs CPU/query; PowerDNS ${b.qps.toFixed(0)} qps, ${b.cpuUsPerQuery.toFixed(1)} µs; ${machineLoad()}`);
  }

  // ------------------------------------------------ figures
  const median = (xs: number[]) => rank(xs, 0.5);
  const zkQps = median(qps.zk.map((q) => q.qps));
  const pdnsQps = median(qps.pdns.map((q) => q.qps));
  const zkCpu = median(qps.zk.map((q) => q.cpuUsPerQuery));
  const pdnsCpu = median(qps.pdns.map((q) => q.cpuUsPerQuery));
  console.log('');
  console.log(`${title}  ${machineLoad()}`);
  console.log(`zone ${ZONE}: ${RECORDS.toLocaleString('en')} records unsigned; signed: Zonekeeper ${(signedCount + 1).toLocaleString('en')} records, dnssec-signzone ${bindSignedCount.toLocaleString('en')}`);
  console.log('signing (ECDSAP256SHA256 KSK + ZSK, NSEC3 iterations 0, no salt):');
  console.log(`  Zonekeeper  zonekeeper zone sign: ${costText(zkSign)}; the worker served the signed SOA ${ms(zkServed)} after the command ended`);
  console.log(`  ${bindLabel} dnssec-signzone -S -3 - -H 0: ${costText(bindSign)}`);
  console.log(`  ratio (Zonekeeper / dnssec-signzone): ${times(zkSign.wallMs, bindSign.wallMs)} the wall time, ${times(zkSign.cpuMs, bindSign.cpuMs)} the CPU`);
  console.log(`  ${bindLabel} inline signing (dnssec-policy, from named's start): ${inline.ms === null ? inline.progress : ms(inline.ms)}${inline.ms !== null ? `; ratio (zone sign + served / inline): ${times(zkSign.wallMs + (zkServed ?? 0), inline.ms)}` : ''}`);
  console.log('serving the signed zone (a process started afresh, until it answers the signed SOA):');
  console.log(`  Zonekeeper  ${ms(zkLoadMs)}, RSS ${mb(zkRss)} (the same worker held ${mb(unsignedRss)} unsigned, ${mb(patchedRss)} after taking the signing as a change)`);
  console.log(`  ${bindLabel} ${ms(bindLoadMs)}, RSS ${mb(bindRss)}`);
  console.log(`  ratio (Zonekeeper / BIND): ${zkLoadMs && bindLoadMs ? times(zkLoadMs, bindLoadMs) : '–'} the load time, ${times(zkRss, bindRss)} the memory`);
  console.log(`one new A record in the signed zone, ${CHANGES} each, taking turns: until the server answers it with its RRSIG (DO, every ${POLL_MS} ms):`);
  for (const f of [zkChanges, bindChanges]) {
    const extra = [f.missed ? `${f.missed} not served within ${seconds(SERVE_WITHIN_MS)}` : '', f.failed.length ? `not NOERROR: ${f.failed.join(', ')}` : ''].filter(Boolean).join('; ');
    console.log(`  ${f.label.padEnd(11)} ${stats(f.served)}   (returned: median ${ms(rank(f.returned, 0.5))})${extra ? `   ${extra}` : ''}`);
  }
  console.log(`  ratio (Zonekeeper applyChangeset / BIND UPDATE, auto-dnssec): median ${ratio(zkChanges.served, bindChanges.served, 0.5)}`);
  console.log(`queries with DO (dnsperf -D, ${SECONDS} s, 10 clients; ${distinct.toLocaleString('en')} distinct positive, NODATA and NXDOMAIN questions in turn), each server pinned to CPU ${SERVER_CPU}, dnsperf to CPU ${CLIENT_CPU}, median of ${ROUNDS}:`);
  console.log(`  Zonekeeper  ${zkQps.toFixed(0)} qps, ${zkCpu.toFixed(1)} µs CPU per query   (${qps.zk.at(-1)!.codes})`);
  console.log(`  PowerDNS ${pdnsVersion} (presigned, gsqlite3, default caches) ${pdnsQps.toFixed(0)} qps, ${pdnsCpu.toFixed(1)} µs CPU per query   (${qps.pdns.at(-1)!.codes})`);
  console.log(`  ratio (Zonekeeper / PowerDNS): ${times(zkQps, pdnsQps)} the queries per second, ${times(pdnsCpu, zkCpu)} the CPU efficiency`);
  console.log(`Zonekeeper: the bundled DNS worker on SQLite, one answering thread (ZK_DNS_THREADS=1), RRL out of reach; total run ${seconds(performance.now() - t0)}`);
}

/** This process's own use of lib/ (the change service), pointed at the worker's database and control channel. */
async function loadLib(env: NodeJS.ProcessEnv): Promise<typeof import('../lib/db.ts')> {
  for (const k of ['DATABASE_URL', 'ZK_DATA_DIR', 'ZK_CONTROL_PORT'] as const) process.env[k] = env[k];
  return import('../lib/db.ts');
}

main()
  .catch((err: Error) => {
    console.error(`bench/dnssec failed: ${err.stack ?? err.message}`);
    process.exitCode = 1;
  })
  .finally(() => cleanups.run());
