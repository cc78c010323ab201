// A real Knot DNS 3.2 (Debian's knot) as the secondary of zones on a primary
// on loopback, for interop tests: its own config, database and zone files in
// a private temp folder, foreground, log on stderr (kept in memory and in
// `knotd.log`). It transfers each zone at start and on each NOTIFY from
// 127.0.0.0/8, and serves what it was sent (no signing of its own). A zone
// named as `catalog` it interprets (RFC 9432), creating and purging the
// member zones by itself. Every wait is bounded; stop() ends the process this helper
// started, by PID, and removes the folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, spawnPeer, tail, type PeerProcess } from './bind';
import { ask } from './dns-client';
import { runProgram } from './run-program';

export interface KnotSecondaryOptions {
  /** Path of knotd (from requireProgram). */
  program: string;
  /** Zones (absolute) to take from the primary. */
  zones: string[];
  /** The primary: 127.0.0.1 on this port. */
  primaryPort: number;
  /** How long to wait for the first zone's first transfer. */
  startTimeoutMs?: number;
  /** A fixed port instead of a free one (for a primary that must know where to NOTIFY before Knot starts). */
  port?: number;
  /**
   * A zone of `zones` to interpret as a catalog (RFC 9432, `catalog-role:
   * interpret`): Knot makes each member a secondary of the same primary,
   * configured by the member template whose id is the member's group, else
   * by the first. Each template here names where its members' zone files go
   * (relative to Knot's folder, `%s` the zone's name).
   */
  catalog?: { zone: string; memberTemplates: { id: string; file: string }[] };
}

export interface RunningKnot {
  port: number;
  /** The folder Knot runs in: its config, databases and zone files. */
  dir: string;
  log(): string;
  waitForLog(re: RegExp, withinMs: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

/** Starts knotd on 127.0.0.1 and resolves once it serves the first zone's SOA. */
export async function startKnotSecondary(opts: KnotSecondaryOptions): Promise<RunningKnot> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-knot-'));
  const port = opts.port ?? (await freePort('127.0.0.1'));
  const q = JSON.stringify;
  const secondary = ['    master: primary', '    acl: notify-from-loopback'];
  const catalog = opts.catalog;
  const conf = path.join(dir, 'knot.conf');
  fs.writeFileSync(
    conf,
    [
      ...configHead(dir, port),
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
      ...(catalog?.memberTemplates ?? []).flatMap((t) => [`  - id: ${q(t.id)}`, `    storage: ${q(dir)}`, `    file: ${q(t.file)}`, ...secondary]),
      'zone:',
      ...opts.zones.flatMap((z) => [
        `  - domain: ${q(z)}`,
        ...secondary,
        ...(z === catalog?.zone ? ['    catalog-role: interpret', `    catalog-template: [ ${catalog.memberTemplates.map((t) => q(t.id)).join(', ')} ]`] : []),
      ]),
      '',
    ].join('\n'),
  );
  const first = opts.zones[0]!;
  // Knot answers no query for a catalog it interprets (REFUSED): it is ready once it has read the catalog's first version.
  const loaded = new RegExp(`\\[${first.replace(/\./g, '\\.')}\\] catalog reloaded`);
  const ready = async (peer: PeerProcess) => {
    if (first === catalog?.zone) return loaded.test(peer.output());
    const r = await ask(port, first, 'SOA', { timeoutMs: 300 });
    return r.rcode === 0 && r.answers.length === 1;
  };
  const peer = await startServing(opts.program, dir, conf, port, first, ready, opts.startTimeoutMs);
  return { port, dir, log: peer.output, waitForLog: peer.waitForLog, stop: peer.stop };
}

/** The `server`, `log` and `database` sections: 127.0.0.1 on `port`, everything in `dir`, the log on stderr. */
function configHead(dir: string, port: number): string[] {
  const q = JSON.stringify;
  return ['server:', `  rundir: ${q(dir)}`, `  listen: 127.0.0.1@${port}`, 'log:', '  - target: stderr', '    any: info', 'database:', `  storage: ${q(dir)}`];
}

/** Spawns knotd with `conf` and resolves once `ready` says it serves `zone`; stops it and throws otherwise. */
async function startServing(program: string, dir: string, conf: string, port: number, zone: string, ready: (peer: PeerProcess) => Promise<boolean>, timeoutMs = 15_000): Promise<PeerProcess> {
  const peer = spawnPeer('knotd', program, ['-c', conf], dir, path.join(dir, 'knotd.log'));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (peer.exited()) {
      await peer.stop();
      throw new Error(`knotd exited before serving ${zone} on port ${port}:\n${tail(peer.output())}`);
    }
    try {
      if (await ready(peer)) return peer;
    } catch {
      // not answering yet
    }
    if (Date.now() > deadline) {
      await peer.stop();
      throw new Error(`knotd did not serve ${zone} on port ${port} in time:\n${tail(peer.output())}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface KnotCatalogPrimaryOptions {
  /** Paths of knotd and knotc. */
  programs: { knotd: string; knotc: string };
  /** The generated catalog zone (absolute). */
  catalog: string;
  /** Member zones (absolute) and their zone file text. */
  members: Record<string, string>;
  /** Where NOTIFY goes for the catalog and its members: 127.0.0.1 on this port. */
  notifyPort: number;
  startTimeoutMs?: number;
}

export interface RunningKnotCatalogPrimary extends RunningKnot {
  /** Rewrites the configuration with these members (added ones need their zone file text) and has knotd reload it. */
  setMembers(members: Record<string, string>): Promise<void>;
}

/**
 * Starts knotd on 127.0.0.1 as the primary of `members`, listed in a catalog
 * it generates (`catalog-role: generate`, each member `catalog-role: member`
 * with `catalog-zone`), transfers allowed to and NOTIFY sent to loopback.
 * Resolves once it serves the catalog's SOA.
 */
export async function startKnotCatalogPrimary(opts: KnotCatalogPrimaryOptions): Promise<RunningKnotCatalogPrimary> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-knot-cat-'));
  const port = await freePort('127.0.0.1');
  const q = JSON.stringify;
  const conf = path.join(dir, 'knot.conf');
  const socket = path.join(dir, 'knot.sock');
  const write = (members: Record<string, string>) => {
    for (const [zone, text] of Object.entries(members)) fs.writeFileSync(path.join(dir, `${zone}zone`), text);
    fs.writeFileSync(
      conf,
      [
        ...configHead(dir, port),
        'control:',
        `  listen: ${q(socket)}`,
        'remote:',
        '  - id: consumer',
        `    address: 127.0.0.1@${opts.notifyPort}`,
        'acl:',
        '  - id: transfer-to-loopback',
        '    address: 127.0.0.0/8',
        '    action: transfer',
        'template:',
        '  - id: default',
        `    storage: ${q(dir)}`,
        '    file: "%s.zone"',
        '    notify: consumer',
        '    acl: transfer-to-loopback',
        'zone:',
        `  - domain: ${q(opts.catalog)}`,
        '    catalog-role: generate',
        ...Object.keys(members).flatMap((z) => [`  - domain: ${q(z)}`, '    catalog-role: member', `    catalog-zone: ${q(opts.catalog)}`]),
        '',
      ].join('\n'),
    );
  };
  write(opts.members);
  // Knot answers questions about a catalog only over TCP.
  const servesCatalog = async () => {
    const r = await ask(port, opts.catalog, 'SOA', { timeoutMs: 300, transport: 'tcp' });
    return r.rcode === 0 && r.answers.length === 1;
  };
  const peer = await startServing(opts.programs.knotd, dir, conf, port, opts.catalog, servesCatalog, opts.startTimeoutMs);
  return {
    port,
    dir,
    log: peer.output,
    waitForLog: peer.waitForLog,
    stop: peer.stop,
    setMembers: async (members) => {
      write(members);
      const r = await runProgram(opts.programs.knotc, ['-c', conf, '-s', socket, 'reload'], { timeoutMs: 10_000 });
      if (r.status !== 0) throw new Error(`knotc reload failed (${r.status}): ${r.stdout}${r.stderr}`);
    },
  };
}
