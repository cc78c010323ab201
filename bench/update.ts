// DNS UPDATE (issue 18): how many signed UPDATEs per second one zone takes,
// and how long from an UPDATE until a secondary serves the new serial, for
// Zonekeeper and BIND 9.18 as primaries of the same zone, side by side in one
// run.
//
// Zonekeeper runs its DNS worker as `npm run worker` does (the bundle,
// lib/worker/command.ts) on a fresh SQLite database seeded with one zone of
// RECORDS records (the SOA counted), a TSIG key made with `zonekeeper tsig
// add` and the update policy `grant KEY zonesub ANY`. BIND gets the same zone
// as a zone file, the same key and `update-policy { grant KEY zonesub ANY; }`.
// Each primary has a BIND 9.18 secondary of its own, told only by NOTIFY
// (also-notify; its refresh timers a day long).
//
// Throughput: CLIENTS clients, one TCP connection each and one UPDATE in
// flight each, send UPDATES signed UPDATEs between them, each adding an A
// record at a name of its own; first to one primary, then to the other, each
// after a warm-up of one UPDATE per client. Prints UPDATEs per second (from
// the first send to the last answer), the answers other than NOERROR, how
// long the secondary took to serve the last serial after the last answer,
// and whether an AXFR of each primary and its secondary holds every record
// added.
//
// Propagation: CHANGES single UPDATEs, one at a time, the two primaries
// taking turns change by change (who goes first alternating too), so that
// load elsewhere on the machine meets both alike, and a second apart for one
// primary (SAME_PRIMARY_GAP_MS says why). From the moment each
// UPDATE is sent, the primary's secondary is asked for the zone's SOA over
// UDP every few ms until it serves a newer serial. One change to each comes
// first as a warm-up and is not counted. Prints median, p95, min and max of
// both and the ratio (Zonekeeper / BIND).
//
// A benchmark, not a test: it never fails on time, it prints.
//
// Usage (through bench/update.sh):
//   tsx bench/update.ts [--records N] [--clients N] [--updates N] [--changes N]
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { canonicalKeyName, secretFromBase64, signMessage, verifyMessage, type TsigKey } from '../lib/dns/tsig.ts';
import { rcodeName } from '../lib/dns/wire.ts';
import { freePort, startBind, type RunningBind } from '../lib/testing/bind.ts';
import { sendRaw } from '../lib/testing/dns-client.ts';
import { findProgram } from '../lib/testing/system-program.ts';
import { buildUpdate } from '../lib/testing/update-builder.ts';
import { transfer } from '../lib/testing/xfr-client.ts';
import { WORKER_NODE_ARGS } from '../lib/worker/command.ts';
import { serialOf } from './shared/dns-watch.ts';
import { cleanupOnExit } from './shared/cleanup.ts';
import { ratio, stats } from './shared/latency.ts';
import { numberOption } from './shared/options.ts';
import { cpuBetween, machineLoad, processTree, seconds, startLogged, treeCpu } from './shared/processes.ts';
import { SEED_SOA, seedDatabase, zoneFileText, type SeedRecord } from './shared/seed.ts';
import { UpdateConnection } from './shared/update-connection.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const RECORDS = Math.round(numberOption('records', 10_000));
const CLIENTS = Math.round(numberOption('clients', 10));
const UPDATES = Math.round(numberOption('updates', 1_000));
const CHANGES = Math.round(numberOption('changes', 30));
const HOST = '127.0.0.1';
const ZONE = 'update-bench.test.';
const KEY = 'bench-update';
const POLICY = `grant ${KEY} zonesub ANY`;
/** Between two UDP questions to a secondary while waiting for the new serial. */
const POLL_MS = 3;
/** An UPDATE not answered within this long counts as unanswered. */
const ANSWER_WITHIN_MS = 10_000;
/** A change not served by the secondary within this long counts as missed. */
const SERVE_WITHIN_MS = 30_000;
/** How long a secondary may take to catch up after the throughput run before the run says so. */
const CATCH_UP_WITHIN_MS = 120_000;
/** A pause after each change of the propagation run; not part of any figure. */
const PAUSE_MS = 200;
/**
 * The least time between the end of one change to a primary and the next
 * change to it. A BIND 9.18 secondary NOTIFYed again some 0.2 s after a
 * transfer served the new serial only about 0.5 s after that transfer, for
 * either primary (measured here 2026-12-06): with the two primaries taking
 * turns 0.2 s apart, every other change of each measured that wait of the
 * secondary rather than the primary.
 */
const SAME_PRIMARY_GAP_MS = 1_000;
const START_TIMEOUT_MS = 5 * 60_000;

const t0 = performance.now();
const log = (line: string) => console.log(`[${seconds(performance.now() - t0).padStart(6)}] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-bench-update-'));
const cleanups = cleanupOnExit(work);

// ---------------------------------------------------------------- the zone

/**
 * The zone's records apart from its SOA, `n - 1` of them, in the canonical
 * form the change service stores: one NS, the SOA's primary (so that neither
 * primary has a secondary to NOTIFY but the one it is told of), then hosts
 * with an A, every 4th an AAAA, every 10th a TXT.
 */
function zoneRecords(n: number): SeedRecord[] {
  const out: SeedRecord[] = [{ name: ZONE, type: 'NS', ttl: 3600, content: SEED_SOA.mname }].slice(0, Math.max(0, n - 1));
  for (let i = 0; out.length < n - 1; i++) {
    const host = `host${i}.${ZONE}`;
    out.push({ name: host, type: 'A', ttl: 3600, content: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });
    if (out.length < n - 1 && i % 4 === 0) out.push({ name: host, type: 'AAAA', ttl: 3600, content: `2001:db8::${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}` });
    if (out.length < n - 1 && i % 10 === 0) out.push({ name: host, type: 'TXT', ttl: 3600, content: `"host ${i} of the UPDATE benchmark"` });
  }
  return out;
}

/** An address of 198.18.0.0/15 (RFC 2544's benchmarking range) for the `i`th record added. */
const address = (i: number) => `198.${18 + ((i >> 16) & 1)}.${(i >> 8) & 255}.${i & 255}`;

/** RFC 1982: whether serial `a` is newer than `b`. */
const newer = (a: number, b: number) => {
  const d = (a - b) >>> 0;
  return d !== 0 && d < 2 ** 31;
};

// ---------------------------------------------------------------- the servers

interface Primary {
  label: string;
  port: number;
  secondary: RunningBind;
  /** Exits with the reason when the primary's process has died. */
  alive(): void;
  /** The primary's process (named, or the worker with its children). */
  pid: number;
  /** Milliseconds from sending each counted change to its answer, and to the secondary serving it. */
  answered: number[];
  served: number[];
  missed: number;
  /** Answers other than NOERROR, or none at all, during the propagation run, by rcode name. */
  failed: Map<string, number>;
  /** When its last change ended (performance.now()), for SAME_PRIMARY_GAP_MS. */
  lastChange: number;
}

/** A BIND 9.18 secondary of the zone from the primary on `primaryPort`, on `port`; its first transfer done. */
async function startSecondary(named: string, label: string, port: number, primaryPort: number): Promise<RunningBind> {
  const secondary = await startBind({
    program: named,
    port,
    // Refresh timers of a day: only NOTIFY moves it.
    options: ['allow-notify { 127.0.0.0/8; };', 'allow-transfer { 127.0.0.0/8; };', 'notify no;', 'min-refresh-time 86400;', 'min-retry-time 86400;'],
    config: (dir) => `zone "${ZONE}" { type secondary; primaries { ${HOST} port ${primaryPort}; }; file "${path.join(dir, 'secondary.db')}"; };`,
  });
  cleanups.add(() => secondary.stop());
  if (!(await until(() => serialOf(HOST, port, ZONE), (s) => s === 1, 60_000))) {
    throw new Error(`the secondary of ${label} did not transfer the zone:\n${secondary.log().slice(-4000)}`);
  }
  log(`${label}: its BIND secondary on port ${port} serves serial 1`);
  return secondary;
}

async function startZonekeeper(named: string, records: SeedRecord[]): Promise<{ primary: Primary; key: TsigKey }> {
  const port = await freePort(HOST);
  const secondaryPort = await freePort(HOST);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ZK_DATA_DIR: path.join(work, 'zk-data'),
    DATABASE_URL: `file:${path.join(work, 'zk.db')}`,
    ZK_DNS_LISTEN: `${HOST}:${port}`,
    ZK_CONTROL_PORT: String(await freePort(HOST)),
    ZK_LOG_LEVEL: 'warn',
    // The bench asks the same name from one address every few ms; BIND has no RRL in its way either.
    ZK_RRL_RESPONSES_PER_SECOND: '0',
  };
  delete env.ZK_NOTIFY_SOURCE;
  delete env.ZK_READ_ONLY;
  fs.mkdirSync(env.ZK_DATA_DIR!, { recursive: true });
  const zk = async (...args: string[]) => (await run(process.execPath, [path.join(ROOT, 'bin/zonekeeper.mjs'), ...args], { env, cwd: ROOT })).stdout;

  // The first command creates and migrates the database; no worker runs yet, so each command runs in its own process.
  await zk('zone', 'list');
  const seeded = await seedDatabase(env.DATABASE_URL!, [{ name: ZONE, serial: 1, records }]);
  log(`Zonekeeper: seeded ${seeded.records + 1} records (the SOA counted) into ${env.DATABASE_URL}`);
  const added = await zk('tsig', 'add', KEY, 'hmac-sha256');
  const secret = /^secret: (\S+)$/m.exec(added)?.[1];
  if (!secret) throw new Error(`zonekeeper tsig add printed no secret:\n${added}`);
  await zk('zone', 'set', ZONE, '--update-policy', POLICY, '--also-notify', `${HOST}:${secondaryPort}`);

  log('Zonekeeper: starting the DNS worker as `npm run worker` does');
  const proc = startLogged(process.execPath, [...WORKER_NODE_ARGS], { cwd: ROOT, env });
  cleanups.add(() => proc.stop());
  await proc.waitForOutput(/answering on/, START_TIMEOUT_MS);
  if (!(await until(() => serialOf(HOST, port, ZONE), (s) => s === 1, 60_000))) throw new Error(`the worker does not serve ${ZONE}:\n${proc.output().slice(-4000)}`);
  log(`Zonekeeper: the worker serves ${ZONE} on port ${port}`);
  const secondary = await startSecondary(named, 'Zonekeeper', secondaryPort, port);
  const alive = () => {
    if (proc.exited()) throw new Error(`the Zonekeeper worker exited:\n${proc.output().slice(-4000)}`);
  };
  return {
    primary: { label: 'Zonekeeper', port, secondary, alive, pid: proc.pid, answered: [], served: [], missed: 0, failed: new Map(), lastChange: 0 },
    key: { name: canonicalKeyName(KEY), algorithm: 'hmac-sha256', secret: secretFromBase64(secret) },
  };
}

async function startBindPrimary(named: string, label: string, records: SeedRecord[], key: TsigKey): Promise<Primary> {
  const secondaryPort = await freePort(HOST);
  const primary = await startBind({
    program: named,
    files: { 'primary.db': zoneFileText({ name: ZONE, serial: 1, records }) },
    config: (dir) =>
      [
        `key "${KEY}" { algorithm hmac-sha256; secret "${key.secret.toString('base64')}"; };`,
        // notify-delay 0: BIND's default of 5 s holds each NOTIFY back until 5 s after the one before,
        // which would measure that setting rather than BIND; Zonekeeper has no such wait.
        `zone "${ZONE}" { type primary; file "${path.join(dir, 'primary.db')}"; update-policy { ${POLICY}; };`,
        `  notify explicit; also-notify { ${HOST} port ${secondaryPort}; }; notify-delay 0; allow-transfer { 127.0.0.0/8; }; };`,
      ].join('\n'),
  });
  cleanups.add(() => primary.stop());
  if (!(await until(() => serialOf(HOST, primary.port, ZONE), (s) => s === 1, 60_000))) throw new Error(`BIND does not serve ${ZONE}:\n${primary.log().slice(-4000)}`);
  log(`${label}: serves ${ZONE} on port ${primary.port}`);
  // startBind does not say named's PID: it is the named below us whose command line names the primary's folder.
  const pid = processTree(process.pid).find((p) => {
    try {
      return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(path.join(primary.dir, 'named.conf'));
    } catch {
      return false;
    }
  });
  if (pid === undefined) throw new Error(`cannot find the PID of ${label}'s named`);
  const secondary = await startSecondary(named, label, secondaryPort, primary.port);
  return { label, port: primary.port, secondary, alive: () => undefined, pid, answered: [], served: [], missed: 0, failed: new Map(), lastChange: 0 };
}

/** Calls `read` every few ms until `ok` holds of its value; the value then, or null after `withinMs`. */
async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, withinMs: number, stepMs = 20): Promise<T | null> {
  const deadline = performance.now() + withinMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (performance.now() > deadline) return null;
    await sleep(stepMs);
  }
}

// ---------------------------------------------------------------- UPDATEs

/** The signed UPDATE that adds `name` A `content`, and its MAC (to verify the answer's TSIG). */
function addRecord(key: TsigKey, name: string, content: string): { message: Buffer; mac: Buffer } {
  return signMessage(buildUpdate(ZONE, [], [{ name, type: 'A', ttl: 300, content }]), key);
}

/** What became of one UPDATE: its answer's rcode name ('NOERROR', …), 'no answer', or 'bad TSIG' on the answer. */
function outcome(answer: Buffer | null, key: TsigKey, mac: Buffer): string {
  if (!answer) return 'no answer';
  const verified = verifyMessage(answer, (n) => (n === key.name ? key : undefined), { requestMac: mac });
  if (verified.status !== 'ok') return `answer's TSIG ${verified.status === 'error' ? verified.tsigError : 'missing'}`;
  return rcodeName(answer[3]! & 0x0f);
}

interface Throughput {
  ms: number;
  /** CPU time the primary's processes used meanwhile. */
  cpuMs: number;
  /** Outcomes other than NOERROR, by name. */
  failed: Map<string, number>;
  noerror: number;
}

/** Sends one UPDATE per name from CLIENTS connections, one in flight on each; times the whole. */
async function throughput(p: Primary, key: TsigKey, names: string[], firstAddress: number): Promise<Throughput> {
  const failed = new Map<string, number>();
  let noerror = 0;
  let next = 0;
  const connections = Array.from({ length: Math.min(CLIENTS, names.length) }, () => new UpdateConnection(HOST, p.port));
  const cpuBefore = treeCpu(p.pid);
  const started = performance.now();
  await Promise.all(
    connections.map(async (c) => {
      while (next < names.length) {
        const i = next++;
        const { message, mac } = addRecord(key, names[i]!, address(firstAddress + i));
        const o = outcome(await c.exchange(message, ANSWER_WITHIN_MS), key, mac);
        if (o === 'NOERROR') noerror++;
        else failed.set(o, (failed.get(o) ?? 0) + 1);
      }
    }),
  );
  const ms = performance.now() - started;
  const cpuMs = cpuBetween(cpuBefore, treeCpu(p.pid));
  for (const c of connections) c.close();
  p.alive();
  return { ms, cpuMs, failed, noerror };
}

/** Until the secondary serves `want` or newer; ms from the call, or null with what it serves after CATCH_UP_WITHIN_MS. */
async function catchUp(p: Primary, want: number): Promise<{ ms: number | null; serial: number | null }> {
  const started = performance.now();
  const serial = await until(() => serialOf(HOST, p.secondary.port, ZONE), (s) => s !== null && !newer(want, s), CATCH_UP_WITHIN_MS, POLL_MS);
  return serial === null ? { ms: null, serial: await serialOf(HOST, p.secondary.port, ZONE) } : { ms: performance.now() - started, serial };
}

/** How many of `names` an AXFR from `port` holds as A records. */
async function countByAxfr(port: number, names: Set<string>): Promise<number> {
  const t = await transfer(port, ZONE, 'AXFR', { timeoutMs: 60_000 });
  return t.records.filter((r) => r.type === 'A' && names.has(r.name.toLowerCase().replace(/\.?$/, '.'))).length;
}

/** Sends one UPDATE and asks the secondary meanwhile; both times from the send. */
async function change(p: Primary, key: TsigKey, name: string, content: string): Promise<{ result: string; answeredMs: number | null; servedMs: number | null }> {
  await sleep(p.lastChange + SAME_PRIMARY_GAP_MS - performance.now());
  const before = await serialOf(HOST, p.secondary.port, ZONE);
  if (before === null) throw new Error(`the secondary of ${p.label} does not answer`);
  const { message, mac } = addRecord(key, name, content);
  const sent = performance.now();
  // Filled in when the answer comes, while the secondary is being asked.
  const got: { result?: string; ms?: number } = {};
  const answer = sendRaw(p.port, message, 'tcp', ANSWER_WITHIN_MS, HOST).then((a) => {
    got.ms = performance.now() - sent;
    got.result = outcome(a, key, mac);
  });
  let servedMs: number | null = null;
  while ((got.result ?? 'NOERROR') === 'NOERROR' && performance.now() - sent < SERVE_WITHIN_MS) {
    const serial = await serialOf(HOST, p.secondary.port, ZONE);
    if (serial !== null && newer(serial, before)) {
      servedMs = performance.now() - sent;
      break;
    }
    await sleep(POLL_MS);
  }
  await answer;
  p.lastChange = performance.now();
  p.alive();
  const result = got.result!;
  return { result, answeredMs: result === 'no answer' ? null : got.ms!, servedMs };
}

// ---------------------------------------------------------------- figures

const tally = (m: Map<string, number>) => [...m].map(([what, n]) => `${n} ${what}`).join(', ');

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const named = findProgram('named');
  if (!named) throw new Error('named is missing: apt-get install bind9');
  const version = /BIND (\d+\.\d+\.\d+)/.exec((await run(named, ['-v'])).stdout)?.[1] ?? '?';
  const bindLabel = `BIND ${version}`;
  const started = new Date();
  const title = `bench/update.sh ${started.toISOString().slice(0, 16)}Z  node ${process.version}`;
  const sizes = `zone ${ZONE} of ${RECORDS} records, ${CLIENTS} clients, ${UPDATES} updates, ${CHANGES} changes`;
  console.log(`${title}  ${machineLoad()}  ${sizes}`);

  const records = zoneRecords(RECORDS);
  const { primary: zk, key } = await startZonekeeper(named, records);
  const bind = await startBindPrimary(named, bindLabel, records, key);
  const primaries = [zk, bind];
  const width = Math.max(...primaries.map((p) => p.label.length));
  const tag = Date.now().toString(36);

  // ------------------------------------------------ throughput
  const loadNames = Array.from({ length: UPDATES }, (_, i) => `load-${i}.${ZONE}`);
  const lines: string[] = [];
  const rates = new Map<Primary, number>();
  for (const p of primaries) {
    const first = await serialOf(HOST, p.port, ZONE);
    if (first === null) throw new Error(`${p.label} does not answer`);
    const warm = await throughput(p, key, Array.from({ length: CLIENTS }, (_, i) => `warm-${tag}-${i}.${ZONE}`), 60_000);
    log(`${p.label}: warm-up of ${CLIENTS} UPDATEs (not counted)${warm.failed.size ? `: ${tally(warm.failed)}` : ''}; load before the run: ${machineLoad()}`);
    const r = await throughput(p, key, loadNames, 0);
    const rate = (UPDATES / r.ms) * 1000;
    rates.set(p, rate);
    log(`${p.label}: ${UPDATES} UPDATEs in ${(r.ms / 1000).toFixed(2)} s, ${rate.toFixed(0)}/s; ${machineLoad()}`);
    // Each UPDATE answered NOERROR adds a record that was not there, so it moves the serial by one.
    const want = (first + warm.noerror + r.noerror) >>> 0;
    const caught = await catchUp(p, want);
    const wanted = new Set(loadNames);
    const [onPrimary, onSecondary] = [await countByAxfr(p.port, wanted), await countByAxfr(p.secondary.port, wanted)];
    const missing =
      onPrimary === UPDATES && onSecondary === UPDATES
        ? `all ${UPDATES} records there (AXFR of the primary and of its secondary)`
        : `MISSING records: the primary's AXFR holds ${onPrimary} of ${UPDATES}, the secondary's ${onSecondary}`;
    lines.push(
      `  ${p.label.padEnd(width)}  ${rate.toFixed(0).padStart(5)} UPDATEs/s (${UPDATES} in ${(r.ms / 1000).toFixed(2)} s, the primary's CPU ${(r.cpuMs / UPDATES).toFixed(1)} ms per UPDATE)   ${r.failed.size ? `not NOERROR: ${tally(r.failed)}` : 'every answer NOERROR'}`,
      `  ${''.padEnd(width)}  ${missing}; its secondary served the last serial ${caught.ms === null ? `NOT within ${CATCH_UP_WITHIN_MS / 1000} s (serves ${caught.serial}, the primary's is ${want})` : `${caught.ms.toFixed(0)} ms after the last answer`}`,
    );
  }

  // ------------------------------------------------ propagation
  log(`propagation: ${CHANGES} changes to each, taking turns; load before: ${machineLoad()}`);
  for (const p of primaries) {
    const w = await change(p, key, `warm-change-${tag}.${ZONE}`, '192.0.2.1');
    log(`warm-up (not counted), ${p.label}: ${w.result} after ${w.answeredMs?.toFixed(0) ?? '-'} ms, served after ${w.servedMs === null ? 'MISSED' : `${w.servedMs.toFixed(0)} ms`}`);
    await sleep(PAUSE_MS);
  }
  for (let i = 1; i <= CHANGES; i++) {
    const line = new Map<Primary, string>();
    for (const p of i % 2 ? primaries : [...primaries].reverse()) {
      const r = await change(p, key, `change-${tag}-${i}.${ZONE}`, `192.0.2.${i % 250}`);
      if (r.result !== 'NOERROR') p.failed.set(r.result, (p.failed.get(r.result) ?? 0) + 1);
      else if (r.answeredMs !== null) p.answered.push(r.answeredMs);
      if (r.result === 'NOERROR' && r.servedMs === null) p.missed++;
      else if (r.servedMs !== null) p.served.push(r.servedMs);
      const answered = r.result === 'NOERROR' ? `NOERROR ${r.answeredMs!.toFixed(0).padStart(4)} ms` : r.result;
      line.set(p, `${p.label} ${answered}, served ${r.servedMs === null ? (r.result === 'NOERROR' ? 'MISSED' : '-') : `${r.servedMs.toFixed(0).padStart(5)} ms`}`);
      await sleep(PAUSE_MS);
    }
    console.log(`  ${String(i).padStart(3)}: ${primaries.map((p) => line.get(p)).join('   ')}`);
  }

  // ------------------------------------------------ figures
  console.log('');
  console.log(`${title}  ${machineLoad()}`);
  console.log(`${sizes}; UPDATEs signed with TSIG (hmac-sha256), policy "${POLICY}", over TCP on loopback`);
  console.log(`throughput: ${CLIENTS} clients, one connection and one UPDATE in flight each, ${UPDATES} UPDATEs adding one A record each:`);
  for (const l of lines) console.log(l);
  const [ours, theirs] = [rates.get(zk)!, rates.get(bind)!];
  console.log(`  ratio (Zonekeeper / ${bindLabel}): ${(ours / theirs).toFixed(2)}x the UPDATEs per second`);
  console.log(`propagation: time from sending one UPDATE until the primary's BIND secondary answers the new serial (SOA over UDP every ${POLL_MS} ms), ${CHANGES} changes each, taking turns, ${PAUSE_MS} ms apart and ${SAME_PRIMARY_GAP_MS} ms between two to one primary:`);
  for (const p of primaries) {
    const extra = [p.missed ? `${p.missed} not served within ${SERVE_WITHIN_MS / 1000} s` : '', p.failed.size ? `not NOERROR: ${tally(p.failed)}` : ''].filter(Boolean).join('; ');
    console.log(`  ${p.label.padEnd(width)}  ${stats(p.served)}${extra ? `   ${extra}` : ''}`);
  }
  console.log(`  ratio (Zonekeeper / ${bindLabel}): median ${ratio(zk.served, bind.served, 0.5)}, p95 ${ratio(zk.served, bind.served, 0.95)}`);
  console.log('time from sending one UPDATE until its answer:');
  for (const p of primaries) console.log(`  ${p.label.padEnd(width)}  ${stats(p.answered)}`);
  console.log(`  ratio (Zonekeeper / ${bindLabel}): median ${ratio(zk.answered, bind.answered, 0.5)}, p95 ${ratio(zk.answered, bind.answered, 0.95)}`);
  console.log(
    `Zonekeeper: the bundled DNS worker on SQLite, RRL off (ZK_RRL_RESPONSES_PER_SECOND=0); ${bindLabel} primary: zone file, update-policy, notify-delay 0 (its default 5 s would hold NOTIFYs back); secondaries: ${bindLabel}, refresh a day, NOTIFY only; both primaries' data in ${os.tmpdir()}`,
  );
}

main()
  .catch((err: Error) => {
    console.error(`bench/update failed: ${err.stack ?? err.message}`);
    process.exitCode = 1;
  })
  .finally(() => cleanups.run());
