// A real NSD (Debian's nsd 4.6) serving one zone file on 127.0.0.1, for tests
// that compare our answers with a reference server. Everything in a private
// temp folder, no privilege drop, no chroot, no database, RRL off (it would
// drop answers to a busy test client). Every wait is bounded; stop() ends the
// process it started by PID and removes the folder.
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ask } from './dns-client';

export interface RunningNsd {
  port: number;
  /** Stops NSD (SIGTERM, then SIGKILL after a bounded wait) and removes its folder. */
  stop(): Promise<void>;
}

export interface NsdOptions {
  /** Absolute zone name, e.g. `diff.test.`. */
  zone: string;
  /** The zone file to serve; ignored for a secondary. */
  zoneFile: string;
  /**
   * Makes NSD a secondary of the zone: it transfers it by AXFR from 127.0.0.1 on this port at
   * start and on each NOTIFY from 127.0.0.0/8, and writes its copy where `zoneFile` would be.
   */
  primaryPort?: number;
  /** Path of the nsd binary (from requireProgram). */
  program: string;
  /** How long to wait for NSD to answer the zone's SOA. */
  startTimeoutMs?: number;
}

/** Starts NSD on a free loopback port and resolves once it answers the zone's SOA. */
export async function startNsd(opts: NsdOptions): Promise<RunningNsd> {
  let lastError: Error | undefined;
  // A port found free can be taken by someone else before NSD binds it; try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(opts, await freePort());
    } catch (err) {
      lastError = err as Error;
    }
  }
  throw lastError!;
}

async function startOnce(opts: NsdOptions, port: number): Promise<RunningNsd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-nsd-'));
  const zoneName = opts.zone.replace(/\.$/, '');
  const zonePath = path.join(dir, 'zone.txt');
  if (opts.primaryPort === undefined) fs.writeFileSync(zonePath, opts.zoneFile);
  const conf = path.join(dir, 'nsd.conf');
  const q = (p: string) => JSON.stringify(p);
  fs.writeFileSync(
    conf,
    [
      'server:',
      `  ip-address: 127.0.0.1@${port}`,
      `  port: ${port}`,
      '  username: ""',
      '  chroot: ""',
      '  database: ""',
      `  zonesdir: ${q(dir)}`,
      `  zonelistfile: ${q(path.join(dir, 'zone.list'))}`,
      `  xfrdfile: ${q(path.join(dir, 'xfrd.state'))}`,
      `  xfrdir: ${q(dir)}`,
      `  pidfile: ${q(path.join(dir, 'nsd.pid'))}`,
      `  logfile: ${q(path.join(dir, 'nsd.log'))}`,
      '  server-count: 1',
      '  rrl-ratelimit: 0',
      '  verbosity: 1',
      'remote-control:',
      '  control-enable: no',
      'zone:',
      `  name: ${q(zoneName)}`,
      `  zonefile: ${q(zonePath)}`,
      ...(opts.primaryPort === undefined ? [] : [`  request-xfr: AXFR 127.0.0.1@${opts.primaryPort} NOKEY`, '  allow-notify: 127.0.0.0/8 NOKEY']),
      '',
    ].join('\n'),
  );

  // Its own process group, so the server and xfrd children it forks can be ended with it.
  const child = spawn(opts.program, ['-d', '-c', conf], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  child.once('error', (err) => (output += `\nspawn error: ${err.message}`));

  const stop = async () => {
    await stopProcess(child, exit, () => exited);
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 10_000);
  for (;;) {
    if (exited) {
      const log = readIfThere(path.join(dir, 'nsd.log'));
      await stop();
      throw new Error(`nsd exited before answering on port ${port}:\n${output}\n${log}`);
    }
    try {
      const r = await ask(port, opts.zone, 'SOA', { timeoutMs: 300 });
      if (r.rcode === 0 && r.answers.length === 1) return { port, stop };
    } catch {
      // not answering yet
    }
    if (Date.now() > deadline) {
      const log = readIfThere(path.join(dir, 'nsd.log'));
      await stop();
      throw new Error(`nsd did not answer ${opts.zone} SOA on port ${port} in time:\n${output}\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopProcess(child: ChildProcess, exit: Promise<void>, exited: () => boolean): Promise<void> {
  if (exited() || child.pid === undefined) return;
  const within = (ms: number) => Promise.race([exit.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
  try {
    child.kill('SIGTERM'); // NSD ends its children on SIGTERM
  } catch {
    // already gone
  }
  if (await within(5000)) return;
  try {
    process.kill(-child.pid, 'SIGKILL'); // the group this helper created, nothing else
  } catch {
    // already gone
  }
  await within(2000);
}

function readIfThere(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** A port free for both UDP and TCP on 127.0.0.1 right now. */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = dgram.createSocket('udp4');
    const port = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, '127.0.0.1', () => resolve(udp.address().port));
    });
    const tcpFree = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    await new Promise<void>((r) => udp.close(() => r()));
    if (tcpFree) return port;
  }
  throw new Error('no free loopback port for both UDP and TCP');
}
