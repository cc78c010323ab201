// How long a `zonekeeper` command takes, start to exit, for the small
// operations people type: `--help`, `zone list`, `zone status`, `record add`
// and `record delete` on a zone of a dozen records, each run as its own
// process the way a shell runs it, on a fresh SQLite database with no worker
// running; and `node -e 0` beside them, the floor that Node's own start sets
// on this machine. Prints the minimum, median and 95th percentile wall time
// of each against the 300 ms target, and the median CPU time (user + system,
// all threads) where Linux reports it. A benchmark, not a test: it never
// fails on time. On a busy machine the minimum and the CPU time say more than
// the median.
//
// Usage (through bench/cli.sh): tsx bench/cli.ts [--runs N]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { numberOption } from './shared/options.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin/zonekeeper.mjs');
const RUNS = numberOption('runs', 15);
const TARGET_MS = 300;
const ZONE = 'bench.test';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-bench-cli-'));
const env = { ...process.env, DATABASE_URL: `file:${path.join(dir, 'zk.db')}`, ZK_DATA_DIR: dir, ZK_CONTROL_PORT: '1' };

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

/** Runs `zonekeeper ARGS`, or with `bare` Node with ARGS alone. */
function zk(args: string[], bare = false): { ms: number; cpuMs: number | null } {
  const cpu0 = childrenCpuMs();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, bare ? args : [BIN, ...args], { env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  const cpu1 = childrenCpuMs();
  if (r.status !== 0) throw new Error(`zonekeeper ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, cpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
}

zk(['zone', 'create', ZONE, '--ns', `ns1.${ZONE}.`, '--ns', `ns2.${ZONE}.`]);
for (let i = 0; i < 10; i++) zk(['record', 'add', ZONE, `host${i}`, 'A', '300', `192.0.2.${i + 1}`]);

const commands: { label: string; args: (i: number) => string[]; bare?: boolean }[] = [
  { label: 'node -e 0', args: () => ['-e', '0'], bare: true },
  { label: '--help', args: () => ['--help'] },
  { label: 'zone list', args: () => ['zone', 'list'] },
  { label: 'zone status', args: () => ['zone', 'status', ZONE] },
  { label: 'record add', args: (i) => ['record', 'add', ZONE, `bench${i}`, 'A', '300', `198.51.100.${(i % 250) + 1}`] },
  // The record just added, so that the zone keeps its size.
  { label: 'record del', args: (i) => ['record', 'delete', ZONE, `bench${i}`, 'A'] },
];
const results = commands.map(() => ({ ms: [] as number[], cpu: [] as number[] }));
// Interleaved, so that a burst of load elsewhere on the machine hits every command alike.
for (let i = 0; i < RUNS; i++) {
  commands.forEach((c, j) => {
    const r = zk(c.args(i), c.bare);
    results[j]!.ms.push(r.ms);
    if (r.cpuMs !== null) results[j]!.cpu.push(r.cpuMs);
  });
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
console.log(`zonekeeper CLI, ${RUNS} runs each (target ${TARGET_MS} ms), node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}`);
commands.forEach((c, j) => {
  const { ms, cpu } = results[j]!;
  const cpuText = cpu.length ? `  cpu median ${pct(cpu, 0.5).toFixed(0).padStart(5)} ms` : '';
  const verdict = c.bare ? '' : pct(ms, 0.5) <= TARGET_MS ? '  ok' : '  over';
  console.log(
    `${c.label.padEnd(11)} min ${pct(ms, 0).toFixed(0).padStart(5)}  median ${pct(ms, 0.5).toFixed(0).padStart(5)}  p95 ${pct(ms, 0.95).toFixed(0).padStart(5)} ms${cpuText}${verdict}`,
  );
});
fs.rmSync(dir, { recursive: true, force: true });
