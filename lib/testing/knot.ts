// A real Knot DNS 3.2 (Debian's knot) as the secondary of zones on a primary
// on loopback, for interop tests: its own config, database and zone files in
// a private temp folder, foreground, log on stderr (kept in memory and in
// `knotd.log`). It transfers each zone at start and on each NOTIFY from
// 127.0.0.0/8, and serves what it was sent (no signing of its own). Every wait
// is bounded; stop() ends the process this helper started, by PID, and
// removes the folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, spawnPeer, tail } from './bind';
import { ask } from './dns-client';

export interface KnotSecondaryOptions {
  /** Path of knotd (from requireProgram). */
  program: string;
  /** Zones (absolute) to take from the primary. */
  zones: string[];
  /** The primary: 127.0.0.1 on this port. */
  primaryPort: number;
  /** How long to wait for the first zone's first transfer. */
  startTimeoutMs?: number;
}

export interface RunningKnot {
  port: number;
  log(): string;
  waitForLog(re: RegExp, withinMs: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

/** Starts knotd on 127.0.0.1 and resolves once it serves the first zone's SOA. */
export async function startKnotSecondary(opts: KnotSecondaryOptions): Promise<RunningKnot> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-knot-'));
  const port = await freePort('127.0.0.1');
  const q = JSON.stringify;
  const conf = path.join(dir, 'knot.conf');
  fs.writeFileSync(
    conf,
    [
      'server:',
      `  rundir: ${q(dir)}`,
      `  listen: 127.0.0.1@${port}`,
      'log:',
      '  - target: stderr',
      '    any: info',
      'database:',
      `  storage: ${q(dir)}`,
      'remote:',
      '  - id: primary',
      `    address: 127.0.0.1@${opts.primaryPort}`,
      'acl:',
      '  - id: notify-from-loopback',
      '    address: 127.0.0.0/8',
      '    action: notify',
      'template:',
      '  - id: default',
      `    storage: ${q(dir)}`,
      '    file: "%s.zone"',
      'zone:',
      ...opts.zones.flatMap((z) => [`  - domain: ${q(z)}`, '    master: primary', '    acl: notify-from-loopback']),
      '',
    ].join('\n'),
  );
  const peer = spawnPeer('knotd', opts.program, ['-c', conf], dir, path.join(dir, 'knotd.log'));
  const deadline = Date.now() + (opts.startTimeoutMs ?? 15_000);
  for (;;) {
    if (peer.exited()) {
      await peer.stop();
      throw new Error(`knotd exited before serving ${opts.zones[0]} on port ${port}:\n${tail(peer.output())}`);
    }
    try {
      const r = await ask(port, opts.zones[0]!, 'SOA', { timeoutMs: 300 });
      if (r.rcode === 0 && r.answers.length === 1) return { port, log: peer.output, waitForLog: peer.waitForLog, stop: peer.stop };
    } catch {
      // not answering yet
    }
    if (Date.now() > deadline) {
      await peer.stop();
      throw new Error(`knotd did not serve ${opts.zones[0]} on port ${port} in time:\n${tail(peer.output())}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
