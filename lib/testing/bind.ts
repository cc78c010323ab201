// A real BIND 9.18 (Debian's bind9) on 127.0.0.1 and a port of its own, for
// interop tests and benchmarks. BIND listens only on addresses configured
// on an interface (127.0.0.2 is silently not listened on), so 127.0.0.1; no
// rndc (`controls { };`); everything in a private temp folder. named runs in
// the foreground (-g) and its log (stderr, with -d N debug lines) is kept in
// memory and in `named.log` in that folder. Every wait is bounded; stop()
// ends the process this helper started, by PID, and removes the folder.
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ask } from './dns-client';

export interface BindOptions {
  /** Path of the named binary (from requireProgram). */
  program: string;
  /**
   * The configuration after `options { … }`: key, server and zone statements.
   * Receives the folder BIND runs in, for zone and journal files.
   */
  config: (dir: string) => string;
  /** Extra lines inside `options { … }`, e.g. `min-refresh-time 86400;`. */
  options?: string[];
  /** Files to write into the folder before start (name → content), e.g. primary zone files. */
  files?: Record<string, string>;
  /** named's debug level (-d); 3 logs "got incremental response" for each transfer in. */
  debugLevel?: number;
  /** A fixed port instead of a free one (benchmarks). */
  port?: number;
  startTimeoutMs?: number;
}

export interface RunningBind {
  port: number;
  dir: string;
  /** Everything named has logged so far. */
  log(): string;
  /** Resolves with the first match of `re` in the log, or rejects after `withinMs`. */
  waitForLog(re: RegExp, withinMs: number): Promise<RegExpMatchArray>;
  /** Stops named (SIGTERM, then SIGKILL after a bounded wait) and removes its folder. */
  stop(): Promise<void>;
}

/** A zone of BIND's own, answered as soon as named is up: the readiness probe. */
const READY_ZONE = 'zk-ready.invalid.';

/** Starts named on 127.0.0.1 and resolves once it answers; retries a few ports. */
export async function startBind(opts: BindOptions): Promise<RunningBind> {
  let lastError: Error | undefined;
  // A port found free can be taken by someone else before named binds it; try a few.
  for (let attempt = 0; attempt < (opts.port ? 1 : 3); attempt++) {
    try {
      return await startOnce(opts, opts.port ?? (await freePort('127.0.0.1')));
    } catch (err) {
      lastError = err as Error;
    }
  }
  throw lastError!;
}

async function startOnce(opts: BindOptions, port: number): Promise<RunningBind> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-bind-'));
  const q = JSON.stringify;
  for (const [name, text] of Object.entries(opts.files ?? {})) fs.writeFileSync(path.join(dir, name), text);
  fs.writeFileSync(path.join(dir, 'ready.zone'), `$TTL 60\n@ IN SOA ns hostmaster 1 3600 600 86400 60\n@ IN NS ns\nns IN A 127.0.0.1\n`);
  const conf = path.join(dir, 'named.conf');
  fs.writeFileSync(
    conf,
    [
      'options {',
      `  directory ${q(dir)};`,
      `  pid-file ${q(path.join(dir, 'named.pid'))};`,
      `  session-keyfile ${q(path.join(dir, 'session.key'))};`,
      `  managed-keys-directory ${q(dir)};`,
      `  listen-on port ${port} { 127.0.0.1; };`,
      '  listen-on-v6 { none; };',
      '  recursion no;',
      '  dnssec-validation no;',
      ...(opts.options ?? []).map((l) => `  ${l}`),
      '};',
      'controls { };',
      `zone ${q(READY_ZONE)} { type primary; file ${q(path.join(dir, 'ready.zone'))}; notify no; };`,
      opts.config(dir),
      '',
    ].join('\n'),
  );

  const logFile = path.join(dir, 'named.log');
  // -u keeps root as root (named otherwise drops to the "bind" user, who cannot write our folder); named refuses -u when not root.
  const args = ['-g', ...(process.getuid?.() === 0 ? ['-u', 'root'] : []), '-c', conf];
  if (opts.debugLevel) args.push('-d', String(opts.debugLevel));
  const peer = spawnPeer('named', opts.program, args, dir, logFile);
  const { waitForLog, stop } = peer;

  const deadline = Date.now() + (opts.startTimeoutMs ?? 15_000);
  for (;;) {
    if (peer.exited()) {
      await stop();
      throw new Error(`named exited before answering on port ${port}:\n${tail(peer.output())}`);
    }
    try {
      const r = await ask(port, READY_ZONE, 'SOA', { timeoutMs: 300 });
      if (r.rcode === 0 && r.answers.length === 1) return { port, dir, log: peer.output, waitForLog, stop };
    } catch {
      // not answering yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`named did not answer on port ${port} in time:\n${tail(peer.output())}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Ends a child this module started: SIGTERM, then SIGKILL after a bounded wait. */
/** A test peer's process: output kept in memory and in `logFile`, a bounded log wait, a stop that cleans its folder. */
export interface PeerProcess {
  output(): string;
  exited(): boolean;
  waitForLog(re: RegExp, withinMs: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

export function spawnPeer(label: string, program: string, args: string[], dir: string, logFile: string, env?: Record<string, string>): PeerProcess {
  const child = spawn(program, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: env ? { ...process.env, ...env } : process.env });
  let output = '';
  const append = (d: Buffer) => {
    const s = d.toString();
    output += s;
    fs.appendFileSync(logFile, s);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  let exited = false;
  // 'close', not 'exit': the output still in the pipes when the process ends is appended before stop() removes its folder.
  const exit = new Promise<void>((resolve) => child.once('close', () => ((exited = true), resolve())));
  child.once('error', (err) => (output += `\nspawn error: ${err.message}`));
  return {
    output: () => output,
    exited: () => exited,
    stop: async () => {
      await stopProcess(child, exit, () => exited);
      if (!process.env.ZK_KEEP_PEERS) fs.rmSync(dir, { recursive: true, force: true });
    },
    waitForLog: async (re: RegExp, withinMs: number) => {
      const deadline = Date.now() + withinMs;
      for (;;) {
        const m = output.match(re);
        if (m) return m;
        if (exited) throw new Error(`${label} exited while waiting for ${re} in its log:\n${tail(output)}`);
        if (Date.now() > deadline) throw new Error(`${label} did not log ${re} within ${withinMs} ms:\n${tail(output)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

export async function stopProcess(child: ChildProcess, exit: Promise<void>, exited: () => boolean, graceMs = 5000): Promise<void> {
  if (exited() || child.pid === undefined) return;
  // Unref'd: a pending grace timer must not keep the process alive once the child is gone.
  const within = (ms: number) => Promise.race([exit.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
  try {
    child.kill('SIGTERM');
  } catch {
    // already gone
  }
  if (await within(graceMs)) return;
  try {
    child.kill('SIGKILL');
  } catch {
    // already gone
  }
  await within(2000);
}

/** The last lines of a log, for error messages. */
export function tail(text: string, lines = 40): string {
  return text.split('\n').slice(-lines).join('\n');
}

/** A port free for both UDP and TCP on `host` right now. */
export async function freePort(host: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = dgram.createSocket('udp4');
    const port = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, host, () => resolve(udp.address().port));
    });
    const tcpFree = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, host, () => srv.close(() => resolve(true)));
    });
    await new Promise<void>((r) => udp.close(() => r()));
    if (tcpFree) return port;
  }
  throw new Error(`no free port on ${host} for both UDP and TCP`);
}
