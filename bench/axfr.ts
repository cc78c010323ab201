// AXFR of a big zone: the Zonekeeper worker against BIND 9 (as primary, from
// a zone file) on the same 1,000,000-record zone. Times each transfer with a
// raw TCP reader (dig is itself the bottleneck at this size, see
// docs/architecture.md, "Measured costs"), alternating the two servers, and
// prints the medians and their ratio.
//
// Usage (through bench/axfr.sh): tsx bench/axfr.ts [--records N] [--rounds R]
//   [--cli-import] [--profile]
//   --cli-import  load the zone with `zonekeeper zone import` (slow at 1M) instead of
//                 creating the zone through the CLI and bulk-inserting its records
//   --profile     run the worker under node --cpu-prof and print where its time went
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { parseZoneFile } from '../lib/dns/zone-file.ts';
import { freePort, startBind, stopProcess, tail } from '../lib/testing/bind.ts';
import { ask } from '../lib/testing/dns-client.ts';
import { findProgram } from '../lib/testing/system-program.ts';
import { timeAxfr, type AxfrTiming } from './shared/axfr-timer.ts';
import { bigZoneText } from './shared/big-zone.ts';
import { flag, numberOption } from './shared/options.ts';
import { cpuMs, rss } from './shared/processes.ts';
import { WORKER_NODE_ARGS } from '../lib/worker/command.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const ZONE = 'axfr-bench.test';

const RECORDS = numberOption('records', 1_000_000);
const ROUNDS = numberOption('rounds', 3);
const CLI_IMPORT = flag('cli-import');
const PROFILE = flag('profile');

const now = () => performance.now();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Creates the zone through the CLI (SOA and NS only), then writes every other record straight into SQLite. */
async function bulkLoad(dbFile: string, text: string, env: NodeJS.ProcessEnv, work: string): Promise<void> {
  const t0 = now();
  const parsed = parseZoneFile(text, { origin: `${ZONE}.` });
  if (parsed.errors.length) throw new Error(`zone file: line ${parsed.errors[0]!.line}: ${parsed.errors[0]!.message}`);
  const t1 = now();
  const head = path.join(work, 'head.zone');
  fs.writeFileSync(head, text.split('\n').slice(0, 5).join('\n') + '\n');
  await run(process.execPath, [path.join(ROOT, 'bin/zonekeeper.mjs'), 'zone', 'import', ZONE, head], { env });
  const t2 = now();
  const conn = new Database(dbFile);
  conn.pragma('journal_mode = WAL');
  const zone = conn.prepare('select id from "Zone" where name = ?').get(`${ZONE}.`) as { id: number };
  const have = new Set((conn.prepare('select name, type, content from "Record" where zoneId = ?').all(zone.id) as { name: string; type: string; content: string }[]).map((r) => `${r.name} ${r.type} ${r.content}`));
  const insert = conn.prepare('insert into "Record" (zoneId, name, type, ttl, content) values (?, ?, ?, ?, ?)');
  conn.transaction(() => {
    for (const r of parsed.records) {
      if (r.type === 'SOA' || have.has(`${r.name} ${r.type} ${r.content}`)) continue;
      insert.run(zone.id, r.name, r.type, r.ttl, r.content);
    }
    // Tells a running worker the zone changed (it reloads zones whose version moved).
    conn.prepare('update "Zone" set version = version + 1 where id = ?').run(zone.id);
  })();
  conn.close();
  console.log(`worker load: parse ${((t1 - t0) / 1000).toFixed(1)} s, zone created by the CLI ${((t2 - t1) / 1000).toFixed(1)} s, bulk insert ${((now() - t2) / 1000).toFixed(1)} s`);
}

async function waitForSerial(port: number, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      const r = await ask(port, `${ZONE}.`, 'SOA', { timeoutMs: 500 });
      if (r.rcode === 0 && r.answers.length === 1) return;
    } catch {
      // not serving yet
    }
    if (Date.now() > deadline) throw new Error(`nothing served ${ZONE} on port ${port} within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Monotonic microseconds, the clock V8's CPU profiler stamps samples with (CLOCK_MONOTONIC on Linux). */
const monoUs = () => Number(process.hrtime.bigint() / 1000n);

/** Self time per function from a .cpuprofile, within [fromUs, toUs] (the timed transfers), the top `n`. */
function summarizeProfile(file: string, fromUs: number, toUs: number, n = 20): string {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
    startTime: number;
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(prof.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  let total = 0;
  let at = prof.startTime;
  prof.samples.forEach((id, i) => {
    const dt = prof.timeDeltas[i] ?? 0;
    at += dt;
    if (at < fromUs || at > toUs) return;
    total += dt;
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|lib)\//, '$1/')}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `  ${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`)
    .join('\n');
}

async function main(): Promise<void> {
  const named = findProgram('named');
  if (!named) throw new Error('named is missing: apt-get install bind9');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-bench-axfr-'));
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    fs.rmSync(work, { recursive: true, force: true });
  };
  process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    let t = now();
    const text = bigZoneText(ZONE, RECORDS);
    const zoneFile = path.join(work, 'zone.db');
    fs.writeFileSync(zoneFile, text);
    console.log(`zone ${ZONE}: ${RECORDS} records, ${mb(text.length)} zone file, generated in ${((now() - t) / 1000).toFixed(1)} s`);

    const workerPort = await freePort('127.0.0.1');
    const dbFile = path.join(work, 'zk.db');
    const env = {
      ...process.env,
      DATABASE_URL: `file:${dbFile}`,
      ZK_DATA_DIR: work,
      ZK_DNS_LISTEN: `127.0.0.1:${workerPort}`,
      ZK_CONTROL_PORT: String(await freePort('127.0.0.1')),
      ZK_LOG_LEVEL: 'warn',
      // One answering thread: transfers come from the main thread, and a thread more would only add its heap.
      ZK_DNS_THREADS: '1',
    };
    t = now();
    if (CLI_IMPORT) {
      await run(process.execPath, [path.join(ROOT, 'bin/zonekeeper.mjs'), 'zone', 'import', ZONE, zoneFile], { env, maxBuffer: 1 << 26 });
      console.log(`worker load: zonekeeper zone import took ${((now() - t) / 1000).toFixed(1)} s`);
    } else {
      await bulkLoad(dbFile, text, env, work);
    }

    // The worker as `npm run worker` runs it, in its own process.
    const profDir = path.join(work, 'prof');
    const args = [...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), ...WORKER_NODE_ARGS];
    const worker = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let workerOut = '';
    worker.stdout!.on('data', (d: Buffer) => (workerOut += d));
    worker.stderr!.on('data', (d: Buffer) => (workerOut += d));
    let workerExited = false;
    const workerExit = new Promise<void>((r) => worker.once('exit', () => ((workerExited = true), r())));
    cleanups.push(() => stopProcess(worker, workerExit, () => workerExited, 30_000));
    t = now();
    await waitForSerial(workerPort, 300_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${tail(workerOut)}`);
    });
    console.log(`worker: serving after ${((now() - t) / 1000).toFixed(1)} s (process start and zone load), RSS ${mb(rss(worker.pid!))}`);

    t = now();
    const bind = await startBind({
      program: named,
      files: { 'zone.db': text },
      config: () => `zone "${ZONE}" { type primary; file "zone.db"; notify no; allow-transfer { 127.0.0.0/8; }; };`,
      startTimeoutMs: 300_000,
    });
    cleanups.push(() => bind.stop());
    await waitForSerial(bind.port, 300_000);
    const bindPid = Number(fs.readFileSync(path.join(bind.dir, 'named.pid'), 'utf8'));
    console.log(`BIND: serving after ${((now() - t) / 1000).toFixed(1)} s, RSS ${mb(rss(bindPid))}`);

    const results: Record<'worker' | 'bind', AxfrTiming[]> = { worker: [], bind: [] };
    const servers = [
      ['worker', workerPort, worker.pid!],
      ['bind', bind.port, bindPid],
    ] as const;
    // One warm-up each, then alternate, starting with a different server each round.
    for (const [, port] of servers) await timeAxfr('127.0.0.1', port, ZONE);
    const roundsFrom = monoUs();
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, port, pid] of r % 2 ? [...servers].reverse() : servers) {
        const cpu0 = cpuMs(pid);
        const x = await timeAxfr('127.0.0.1', port, ZONE);
        x.cpuMs = cpuMs(pid) - cpu0;
        results[name].push(x);
        console.log(`round ${r + 1} ${name.padEnd(6)} ${x.ms.toFixed(0).padStart(6)} ms wall ${String(x.cpuMs).padStart(6)} ms CPU  ${x.records} records  ${x.messages} messages  ${mb(x.bytes)}`);
      }
    }
    const roundsTo = monoUs();
    const w = median(results.worker.map((x) => x.ms));
    const b = median(results.bind.map((x) => x.ms));
    const wc = median(results.worker.map((x) => x.cpuMs!));
    const bc = median(results.bind.map((x) => x.cpuMs!));
    console.log('');
    console.log(`AXFR of ${RECORDS} records, median of ${ROUNDS} (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores):`);
    console.log(`  Zonekeeper worker  ${w.toFixed(0).padStart(6)} ms wall ${wc.toFixed(0).padStart(6)} ms CPU  ${mb(results.worker[0]!.bytes)} in ${results.worker[0]!.messages} messages  RSS ${mb(rss(worker.pid!))}`);
    console.log(`  BIND 9.18          ${b.toFixed(0).padStart(6)} ms wall ${bc.toFixed(0).padStart(6)} ms CPU  ${mb(results.bind[0]!.bytes)} in ${results.bind[0]!.messages} messages  RSS ${mb(rss(bindPid))}`);
    console.log(`  ratio worker/BIND  ${(w / b).toFixed(2)} wall, ${(wc / bc).toFixed(2)} CPU  (target: at most 1.00)`);

    if (PROFILE) {
      await stopProcess(worker, workerExit, () => workerExited, 30_000);
      const prof = fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
      if (prof) console.log(`\nworker CPU profile, self time during the ${ROUNDS} timed rounds (idle = waiting, mostly while BIND sends):\n${summarizeProfile(path.join(profDir, prof), roundsFrom, roundsTo)}`);
      else console.log('no CPU profile was written');
    }
  } finally {
    await cleanup();
  }
}

main().catch((err: Error) => {
  console.error(`bench/axfr failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
