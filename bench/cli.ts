// How long a `zonekeeper` command takes, start to exit, for the small
// operations people type: `--help`, `zone list`, `zone status`, `record add`
// and `record delete` on a zone of a dozen records, each run as its own
// process the way a shell runs it, on a fresh SQLite database; and `node -e 0`
// beside them, the floor that Node's own start sets on this machine. Each of
// the four commands runs twice per round: with no worker to take it (the
// command runs in its own process, opening the database itself), and with
// the DNS worker running on the same database, which runs it for the CLI
// (lib/cli/via-worker.ts). The worker runs throughout (polling the database
// once a second, nearly idle), so that both kinds meet the same machine.
// Prints the minimum, median and 95th percentile wall time of each against
// the 300 ms target, the median CPU time of the command's process (user +
// system, all threads) where Linux reports it, and for the worker's rows the
// median CPU time the worker spent on each command besides. A benchmark, not
// a test: it never fails on time. On a busy machine the minimum and the CPU
// time say more than the median.
//
// Usage (through bench/cli.sh): tsx bench/cli.ts [--runs N] [--no-worker]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../lib/testing/bind.ts';
import { WORKER_NODE_ARGS } from '../lib/worker/command.ts';
import { flag, numberOption } from './shared/options.ts';
import { cpuBetween, machineLoad, startLogged, treeCpu, type LoggedProcess } from './shared/processes.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin/zonekeeper.mjs');
const RUNS = numberOption('runs', 15);
const TARGET_MS = 300;
const ZONE = 'bench.test';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-bench-cli-'));
// Nothing listens on port 1: a command finds no worker and runs in its own process.
const env = { ...process.env, DATABASE_URL: `file:${path.join(dir, 'zk.db')}`, ZK_DATA_DIR: dir, ZK_CONTROL_PORT: '1', ZK_LOG_LEVEL: 'warn' };

/** CPU time of this process's waited-for children so far, in ms (Linux: /proc/self/stat cutime + cstime), or null. */
function childrenCpuMs(): number | null {
  try {
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    const ticks = Number(fields[13]) + Number(fields[14]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** Runs `zonekeeper ARGS`, or with `bare` Node with ARGS alone; with `worker`, against it, and its CPU time for the command. */
function zk(args: string[], bare = false, worker?: Worker): { ms: number; cpuMs: number | null; workerCpuMs?: number } {
  const cpu0 = childrenCpuMs();
  const w0 = worker && treeCpu(worker.proc.pid);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, bare ? args : [BIN, ...args], { env: worker?.env ?? env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  const cpu1 = childrenCpuMs();
  const w1 = worker && treeCpu(worker.proc.pid);
  if (r.status !== 0) throw new Error(`zonekeeper ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, cpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0, workerCpuMs: w0 && w1 ? cpuBetween(w0, w1) : undefined };
}

interface Worker {
  proc: LoggedProcess;
  env: NodeJS.ProcessEnv;
}

/** The DNS worker on the bench's database, started as `npm run worker` starts it. */
async function startWorker(): Promise<Worker> {
  const workerEnv = { ...env, ZK_CONTROL_PORT: String(await freePort('127.0.0.1')), ZK_DNS_LISTEN: `127.0.0.1:${await freePort('127.0.0.1')}` };
  const proc = startLogged(process.execPath, [...WORKER_NODE_ARGS], { cwd: ROOT, env: workerEnv });
  await proc.waitForOutput(/answering on/, 60_000);
  return { proc, env: workerEnv };
}

zk(['zone', 'create', ZONE, '--ns', `ns1.${ZONE}.`, '--ns', `ns2.${ZONE}.`]);
for (let i = 0; i < 10; i++) zk(['record', 'add', ZONE, `host${i}`, 'A', '300', `192.0.2.${i + 1}`]);
const worker = flag('no-worker') ? undefined : await startWorker();

const small: { label: string; args: (i: number, tag: string) => string[] }[] = [
  { label: 'zone list', args: () => ['zone', 'list'] },
  { label: 'zone status', args: () => ['zone', 'status', ZONE] },
  { label: 'record add', args: (i, tag) => ['record', 'add', ZONE, `bench${tag}${i}`, 'A', '300', `198.51.100.${(i % 250) + 1}`] },
  // The record just added, so that the zone keeps its size.
  { label: 'record del', args: (i, tag) => ['record', 'delete', ZONE, `bench${tag}${i}`, 'A'] },
];
const commands: { label: string; args: (i: number) => string[]; bare?: boolean; worker?: Worker }[] = [
  { label: 'node -e 0', args: () => ['-e', '0'], bare: true },
  { label: '--help', args: () => ['--help'] },
  ...small.map((c) => ({ label: c.label, args: (i: number) => c.args(i, '') })),
  ...(worker ? small.map((c) => ({ label: `${c.label} (worker)`, args: (i: number) => c.args(i, 'w'), worker })) : []),
];
const results = commands.map(() => ({ ms: [] as number[], cpu: [] as number[], workerCpu: [] as number[] }));
// Interleaved, so that a burst of load elsewhere on the machine hits every command alike.
for (let i = 0; i < RUNS; i++) {
  commands.forEach((c, j) => {
    const r = zk(c.args(i), c.bare, c.worker);
    results[j]!.ms.push(r.ms);
    if (r.cpuMs !== null) results[j]!.cpu.push(r.cpuMs);
    if (r.workerCpuMs !== undefined) results[j]!.workerCpu.push(r.workerCpuMs);
  });
}
await worker?.proc.stop();

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
console.log(`zonekeeper CLI, ${RUNS} runs each (target ${TARGET_MS} ms), node ${process.version}, ${machineLoad()}`);
commands.forEach((c, j) => {
  const { ms, cpu, workerCpu } = results[j]!;
  const cpuText = cpu.length ? `  cpu median ${pct(cpu, 0.5).toFixed(0).padStart(5)} ms` : '';
  const workerText = workerCpu.length ? `  worker cpu median ${pct(workerCpu, 0.5).toFixed(0).padStart(4)} ms` : '';
  const verdict = c.bare ? '' : pct(ms, 0.5) <= TARGET_MS ? '  ok' : '  over';
  console.log(
    `${c.label.padEnd(20)} min ${pct(ms, 0).toFixed(0).padStart(5)}  median ${pct(ms, 0.5).toFixed(0).padStart(5)}  p95 ${pct(ms, 0.95).toFixed(0).padStart(5)} ms${cpuText}${verdict}${workerText}`,
  );
});
fs.rmSync(dir, { recursive: true, force: true });
