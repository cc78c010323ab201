// The replication dashboard's data against real BIND 9 secondaries on
// loopback: one that takes our NOTIFYs and one that refuses them (a stale
// copy, as when a firewall drops NOTIFY). A change shows the first in sync
// with its measured propagation time and the second behind; stopping the
// first makes it unreachable; BIND restarted without the zone makes it missing.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startBind, type RunningBind } from '../testing/bind';
import { eventually } from '../testing/dns-client';
import { requireProgram } from '../testing/system-program';
import { applyChangeset, importZone } from '../zones/changes';
import { setZoneOptions } from '../zones/zone-lifecycle';
import { startWorker, type RunningWorker } from '../worker/worker';
import { db } from '../db';
import { getZoneReplication, propagationTimeline, type ZoneReplication } from './data';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../bin/zonekeeper.mjs');
const named = requireProgram('named', 'bind9');
const ZONE = 'dash.test';
const actor = { name: 'test' };

const ZONE_FILE = [
  `$ORIGIN ${ZONE}.`,
  '$TTL 300',
  // Refresh and retry of a day: only a NOTIFY moves a secondary.
  '@ IN SOA ns1 hostmaster 100 86400 86400 1209600 300',
  '@ IN NS ns1',
  'ns1 IN A 127.0.0.1',
  'www IN A 192.0.2.1',
  '',
].join('\n');

/**
 * BIND always takes a NOTIFY from the zone's primary address; the stale one
 * knows the worker as 127.0.0.2 and accepts NOTIFY from nobody else, so our
 * NOTIFYs (sent from 127.0.0.1) are refused, as if a firewall dropped them.
 */
function secondaryOf(workerPort: number, primary: string, allowNotify: string): Parameters<typeof startBind>[0] {
  return {
    program: named!,
    options: [`allow-notify { ${allowNotify}; };`, 'notify no;', 'min-refresh-time 86400;', 'min-retry-time 86400;'],
    config: (d) => `zone "${ZONE}" { type secondary; primaries { ${primary} port ${workerPort}; }; file "${d}/${ZONE}.db"; };`,
  };
}

describe.skipIf(!named)('replication data with real BIND secondaries', { timeout: 60_000 }, () => {
  let worker: RunningWorker;
  let follows: RunningBind; // takes NOTIFY
  let stale: RunningBind; // refuses NOTIFY
  let zoneId: number;
  const behindMs = 1000;
  const target = (b: RunningBind) => `127.0.0.1:${b.port}`;
  const replication = async () => (await getZoneReplication(zoneId, { behindMs }))!;
  const stateOf = (r: ZoneReplication, b: RunningBind) => r.secondaries.find((s) => s.target === target(b));

  beforeAll(async () => {
    await importZone(ZONE, ZONE_FILE, actor);
    zoneId = (await db().zone.findUniqueOrThrow({ where: { name: `${ZONE}.` } })).id;
    const port = await freePort('127.0.0.1');
    worker = await startWorker({
      listen: [
        { address: '127.0.0.1', port },
        { address: '127.0.0.2', port },
      ],
      controlPort: 0,
      pollIntervalMs: 200,
      notify: { firstBackoffMs: 60_000, timeoutsMs: [500] },
      probe: { intervalMs: 0, timeoutsMs: [300, 300], chaseDelaysMs: [0, 100, 200, 300, 500, 800, 1200, 2000] },
    });
    process.env.ZK_CONTROL_PORT = String(worker.controlPort);
    process.env.ZK_DNS_LISTEN = `127.0.0.1:${port},127.0.0.2:${port}`;
    follows = await startBind(secondaryOf(port, '127.0.0.1', '127.0.0.0/8'));
    stale = await startBind(secondaryOf(port, '127.0.0.2', 'none'));
    await follows.waitForLog(new RegExp(`zone ${ZONE}/IN: transferred serial 100`), 10_000);
    await stale.waitForLog(new RegExp(`zone ${ZONE}/IN: transferred serial 100`), 10_000);
    await setZoneOptions(ZONE, { alsoNotify: [target(follows), target(stale)] }, actor);
    await worker.prober.probeZone(`${ZONE}.`);
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await follows?.stop();
    await stale?.stop();
  });

  it('starts with both secondaries in sync', async () => {
    const r = await replication();
    expect(r.state).toBe('in sync');
    expect(r.secondaries.map((s) => [s.target, s.serial, s.state])).toEqual(
      [follows, stale].map((b) => [target(b), 100, 'in sync']).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
  });

  it('after a change: the BIND that takes NOTIFY is in sync with a measured time, the one that refuses it behind', async () => {
    const c = await applyChangeset(ZONE, { add: [{ name: 'new', type: 'A', content: '192.0.2.2' }], comment: 'dashboard test' }, actor);
    const synced = await eventually(replication, (r) => stateOf(r, follows)?.serial === c.newSerial, 8000);
    expect(stateOf(synced, follows)).toMatchObject({ state: 'in sync', lagSerials: 0 });

    const [latest] = await propagationTimeline(zoneId, 1);
    expect(latest!.serial).toBe(c.newSerial);
    const reached = latest!.targets.find((t) => t.target === target(follows))!;
    expect(reached.notify?.outcome).toBe('acknowledged');
    expect(reached.transfer?.kind).toBe('IXFR');
    expect(reached.elapsedMs).toBeGreaterThan(0);
    expect(reached.elapsedMs).toBeLessThan(5000);
    const refused = latest!.targets.find((t) => t.target === target(stale))!;
    expect(refused.notify?.outcome).toBe('refused');
    expect(refused.seenAt).toBeUndefined();
    expect(latest!.live).toBe(1);

    await new Promise((r) => setTimeout(r, behindMs + 100));
    await worker.prober.probeZone(`${ZONE}.`);
    const later = await replication();
    expect(stateOf(later, stale)).toMatchObject({ state: 'behind', serial: 100, lagSerials: 1 });
    expect(later.state).toBe('behind');

    // The terminal view says the same (with the same 1 s threshold).
    const env = { ...process.env, ZK_BEHIND_AFTER: String(behindMs / 1000) };
    const out = (await run(process.execPath, [BIN, 'replication', ZONE], { env, timeout: 30_000 })).stdout;
    expect(out).toMatch(new RegExp(`${target(follows).replace(/\./g, '\\.')}\\s+${c.newSerial}\\s+in sync`));
    expect(out).toMatch(new RegExp(`${target(stale).replace(/\./g, '\\.')}\\s+100\\s+behind`));
    expect(out).toMatch(/live on 1 of 2 secondaries/);
  });

  it('a stopped BIND is unreachable, keeping the serial it last served', async () => {
    const served = stateOf(await replication(), follows)!.serial;
    await follows.stop();
    await worker.prober.probeZone(`${ZONE}.`);
    const r = await replication();
    expect(stateOf(r, follows)).toMatchObject({ state: 'unreachable', serial: served });
    expect(r.state).toBe('unreachable');
  });

  it('a BIND without the zone makes it missing there', async () => {
    const port = stale.port;
    await stale.stop();
    stale = await startBind({ program: named!, port, config: () => '' });
    await worker.prober.probeZone(`${ZONE}.`);
    const r = await replication();
    expect(stateOf(r, stale)).toMatchObject({ state: 'missing' });
    expect(stateOf(r, stale)!.error).toMatch(/REFUSED|does not serve/);
    expect(r.state).toBe('missing');
  });
});
