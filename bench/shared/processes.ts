// What the benchmarks read about the servers they start: memory and CPU time
// of a process and its descendants from /proc (a Zonekeeper worker is one process,
// its answer threads included; named is one process), the machine's load
// while they ran, and a child process started, logged and stopped by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { stopProcess, tail } from '../../lib/testing/bind.ts';

/** Clock ticks per second of /proc/PID/stat's CPU fields (USER_HZ, 100 on Linux). */
const TICK_MS = 10;

function statFields(pid: number): string[] | null {
  try {
    // The command name (field 2) may hold spaces: the fields after it start past the last ')'.
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** When a process started (field 22), to tell it from a later process with the same PID. */
function startTime(pid: number): string | null {
  return statFields(pid)?.[19] ?? null;
}

/** `pid` and every process below it, read from /proc (children of children included). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = Number(statFields(Number(entry))?.[1]);
    if (ppid) children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const tree: number[] = [];
  const walk = (p: number) => {
    tree.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  if (statFields(pid)) walk(pid);
  return tree;
}

/** Descendants of this process whose command name is `comm` (named, started by a helper that does not say its PID). */
export function descendantsNamed(name: string): number[] {
  return processTree(process.pid).filter((p) => comm(p) === name);
}

/** Resident memory of one process in bytes (VmRSS), 0 once it is gone. */
export function rss(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** User + system CPU time of one process so far, in ms (fields 14 and 15 of /proc/PID/stat). */
export function cpuMs(pid: number): number {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) * TICK_MS : 0;
}

function comm(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

/** Resident memory of a process and its descendants together, and of each, labelled with its command name. */
export function treeRss(pid: number): { total: number; each: number[]; names: string[] } {
  const tree = processTree(pid);
  const each = tree.map(rss);
  return { total: each.reduce((a, b) => a + b, 0), each, names: tree.map(comm) };
}

/** `1.2 GB (node 120 MB + esbuild 18 MB + …)`. */
export function treeRssText(r: { total: number; each: number[]; names: string[] }): string {
  return `${mb(r.total)} (${r.each.map((b, i) => `${r.names[i]} ${mb(b)}`).join(' + ')})`;
}

/** CPU time of a process and its descendants, per PID (a process that ends between two readings drops out of both). */
export function treeCpu(pid: number): Map<number, number> {
  return new Map(processTree(pid).map((p) => [p, cpuMs(p)]));
}

/** CPU time spent by the tree between two treeCpu readings, counting only processes present in both. */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [p, t] of after) ms += t - (before.get(p) ?? t);
  return ms;
}

/** CPU used by the tree of `pid` over `ms` of wall time, in ms. */
export async function idleCpuMs(pid: number, ms: number): Promise<number> {
  const before = treeCpu(pid);
  await new Promise((r) => setTimeout(r, ms));
  return cpuBetween(before, treeCpu(pid));
}

/** The 1-minute load average and core count, for the report: the figures are only as quiet as the machine was. */
export function machineLoad(): string {
  const [one, five] = os.loadavg();
  return `load average ${one!.toFixed(2)} (5 min ${five!.toFixed(2)}) on ${os.cpus().length} cores`;
}

export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export interface LoggedProcess {
  child: ChildProcess;
  pid: number;
  output(): string;
  exited(): boolean;
  /** Resolves with the first match of `re` in the output, or rejects when it exits or after `withinMs`. */
  waitForOutput(re: RegExp, withinMs: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL after `graceMs`; then SIGKILL to any descendant still alive (a supervisor's children). */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `program` with its output kept in memory (the last few MB). */
export function startLogged(program: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): LoggedProcess {
  const child = spawn(program, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 4_000_000) out = out.slice(-2_000_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
  child.once('error', (err) => (out += `\nspawn error: ${err.message}`));
  if (child.pid === undefined) throw new Error(`${program} did not start`);
  const pid = child.pid;
  return {
    child,
    pid,
    output: () => out,
    exited: () => exited,
    async waitForOutput(re, withinMs) {
      const deadline = Date.now() + withinMs;
      for (;;) {
        const m = out.match(re);
        if (m) return m;
        if (exited) throw new Error(`${program} exited while waiting for ${re}:\n${tail(out)}`);
        if (Date.now() > deadline) throw new Error(`${program} did not print ${re} within ${withinMs} ms:\n${tail(out)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(graceMs = 10_000) {
      const tree = processTree(pid).slice(1).map((p) => [p, startTime(p)] as const);
      await stopProcess(child, exit, () => exited, graceMs);
      // A descendant the supervisor failed to stop is killed by its PID, if that PID is still the same process.
      for (const [p, started] of tree) {
        if (started === null || startTime(p) !== started) continue;
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };
}
