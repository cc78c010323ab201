// A real validating resolver for DNSSEC tests: Debian's unbound in the
// foreground with a config of its own in a private temp folder, on a loopback
// port. Each zone under test is a stub zone pointing at the server under test,
// and its trust anchor is given directly (no root hints, no root key, nothing
// asked outside loopback). A client then sees AD on answers unbound proved
// (RFC 4035 §3.2.3) and SERVFAIL on bogus ones (RFC 4035 §5.5). Every wait is
// bounded; stop() ends the process this helper started, by PID, and removes
// the folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, spawnPeer, tail } from './bind';
import { ask } from './dns-client';

export interface UnboundZone {
  /** Absolute zone name. */
  zone: string;
  /** Its trust anchor in presentation form after the owner: "DS 123 13 2 ABC…" or "DNSKEY 257 3 13 …". */
  anchor: string;
  /** The authoritative server to ask, on 127.0.0.1. */
  port: number;
}

export interface RunningUnbound {
  port: number;
  /** Everything unbound has logged so far (validation failures at val-log-level 2). */
  log(): string;
  stop(): Promise<void>;
}

/** Starts unbound on 127.0.0.1 and resolves once it answers a query about the first zone. */
export async function startUnbound(program: string, zones: UnboundZone[], startTimeoutMs = 15_000): Promise<RunningUnbound> {
  let lastError: Error | undefined;
  // A port found free can be taken by someone else before unbound binds it; try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(program, zones, await freePort('127.0.0.1'), startTimeoutMs);
    } catch (err) {
      lastError = err as Error;
    }
  }
  throw lastError!;
}

async function startOnce(program: string, zones: UnboundZone[], port: number, startTimeoutMs: number): Promise<RunningUnbound> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-unbound-'));
  const q = JSON.stringify;
  fs.writeFileSync(
    path.join(dir, 'unbound.conf'),
    [
      'server:',
      '  interface: 127.0.0.1',
      `  port: ${port}`,
      '  do-ip6: no',
      '  do-daemonize: no',
      '  username: ""',
      '  chroot: ""',
      `  directory: ${q(dir)}`,
      `  pidfile: ${q(path.join(dir, 'unbound.pid'))}`,
      '  use-syslog: no',
      '  logfile: ""',
      '  verbosity: 1',
      '  val-log-level: 2',
      '  access-control: 127.0.0.0/8 allow',
      // The servers under test are on loopback, which unbound refuses to ask by default.
      '  do-not-query-localhost: no',
      '  qname-minimisation: no',
      '  num-threads: 1',
      // A test changes zones under unbound: a cached NSEC must not deny a name added since (RFC 8198).
      '  aggressive-nsec: no',
      // No RFC 8145 key-tag queries to the servers under test.
      '  trust-anchor-signaling: no',
      // Nothing outside loopback: no root priming is needed for stub zones with their own anchors.
      '  module-config: "validator iterator"',
      // unbound answers names under special-use TLDs (test., invalid., RFC 6761) itself unless told not to.
      ...[...new Set(zones.map((z) => z.zone.replace(/\.$/, '').split('.').at(-1)!))].map((tld) => `  local-zone: ${q(`${tld}.`)} nodefault`),
      ...zones.map((z) => `  trust-anchor: ${q(`${z.zone} ${z.anchor}`)}`),
      'remote-control:',
      '  control-enable: no',
      ...zones.flatMap((z) => ['stub-zone:', `  name: ${q(z.zone)}`, `  stub-addr: 127.0.0.1@${z.port}`]),
      '',
    ].join('\n'),
  );
  const peer = spawnPeer('unbound', program, ['-d', '-c', path.join(dir, 'unbound.conf')], dir, path.join(dir, 'unbound.log'));
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (peer.exited()) {
      await peer.stop();
      throw new Error(`unbound exited before answering on port ${port}:\n${tail(peer.output())}`);
    }
    try {
      await ask(port, zones[0]!.zone, 'SOA', { rd: true, timeoutMs: 1000 });
      return { port, log: peer.output, stop: peer.stop };
    } catch {
      // not answering yet
    }
    if (Date.now() > deadline) {
      await peer.stop();
      throw new Error(`unbound did not answer on port ${port} in time:\n${tail(peer.output())}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
