// Secondaries serve the zones we sign validly: a zone signed by the change
// service (NSEC3, the default) is taken from the worker by BIND 9.18 (IXFR
// after a change), NSD 4.6 (AXFR on NOTIFY), PowerDNS 4.7 (a configured
// secondary zone, which it keeps as presigned) and Knot 3.2, each moved by our
// NOTIFY; delv, with the zone's KSK as its only trust anchor, then validates
// the changed name, a name that does not exist and a type that does not, as
// each secondary answers them. Nothing is re-signed on the way: a secondary
// serves our signatures and our NSEC3 chain as sent (RFC 4035 §3.1 makes no
// difference between a primary and a secondary).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../db';
import { freePort } from '../testing/bind';
import { followWithBind, type BindFollower } from '../testing/bind-follower';
import { delv, FULLY_VALIDATED, NEGATIVE_VALIDATED, verdictOf, writeTrustAnchor } from '../testing/delv';
import { ask } from '../testing/dns-client';
import { startKnotSecondary, type RunningKnot } from '../testing/knot';
import { startNsd, type RunningNsd } from '../testing/nsd';
import { startPdns, type RunningPdns } from '../testing/pdns';
import { requirePrograms } from '../testing/system-program';
import { applyChangeset } from '../zones/changes';
import { createZone, setZoneOptions } from '../zones/zone-lifecycle';
import { getSigningStatus } from '../zones/dnssec-keys';
import { enableSigning } from '../zones/zone-signing';
import { startWorker, type RunningWorker } from './worker';

const programs = requirePrograms({ delv: 'bind9-dnsutils', named: 'bind9', nsd: 'nsd', pdns_server: 'pdns-server', knotd: 'knot' });
const actor = { name: 'test' };
const ZONE = 'farm.test';
const Z = `${ZONE}.`;

/** The serial `port` serves for the zone, or null when it does not answer it. */
async function servedSerial(port: number, host = '127.0.0.1'): Promise<number | null> {
  try {
    const r = await ask(port, Z, 'SOA', { timeoutMs: 500 }, host);
    const soa = r.answers.find((a) => a.type === 'SOA');
    return r.rcode === 0 && soa ? Number((soa.data as { serial: number }).serial) : null;
  } catch {
    return null;
  }
}

/** Resolves once `port` serves `serial`; rejects after `withinMs`. */
async function serves(label: string, port: number, serial: number, withinMs = 15_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const now = await servedSerial(port);
    if (now === serial) return;
    if (Date.now() > deadline) throw new Error(`${label} serves serial ${now}, not ${serial}, after ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!programs)('secondaries serve a zone we sign, and it validates through them', { timeout: 60_000 }, () => {
  let worker: RunningWorker;
  let bind: BindFollower;
  let nsd: RunningNsd;
  let pdns: RunningPdns;
  let knot: RunningKnot;
  let dir: string;
  let anchors: string;
  let serial = 0;
  const secondaries = () => [
    { label: 'BIND', port: bind.port },
    { label: 'NSD', port: nsd.port },
    { label: 'PowerDNS', port: pdns.port },
    { label: 'Knot', port: knot.port },
  ];

  beforeAll(async () => {
    await createZone({ name: ZONE, nameservers: [`ns1.${Z}`] }, actor);
    await applyChangeset(
      ZONE,
      {
        add: [
          { name: 'ns1', type: 'A', content: '127.0.0.1' },
          { name: 'www', type: 'A', content: '192.0.2.80' },
          { name: 'alias', type: 'CNAME', content: `www.${Z}` },
          { name: '*.wild', type: 'TXT', content: '"any"' },
          { name: 'sub', type: 'NS', content: `ns.sub.${Z}` },
          { name: 'ns.sub', type: 'A', content: '127.0.0.1' },
        ],
      },
      actor,
    );
    await enableSigning(ZONE, {}, actor);
    const zone = await db().zone.findUniqueOrThrow({ where: { name: Z } });
    serial = Number(zone.serial);
    const ksk = (await getSigningStatus(zone.id)).keys.find((k) => k.role === 'ksk')!;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-secondaries-'));
    anchors = writeTrustAnchor(dir, Z, ksk.dnskey);

    const port = await freePort('127.0.0.1');
    worker = await startWorker({ listen: [{ address: '127.0.0.1', port }], controlPort: 0, pollIntervalMs: 200, notify: { firstBackoffMs: 500, timeoutsMs: [500] }, probe: { intervalMs: 0 } });
    // Each takes the zone once at start, then only what our NOTIFYs bring.
    [bind, nsd, pdns, knot] = await Promise.all([
      followWithBind(programs!.named, [ZONE], port),
      startNsd({ program: programs!.nsd, zone: Z, zoneFile: '', primaryPort: port }),
      startPdns({
        program: programs!.pdns_server,
        address: '127.0.0.1',
        port: await freePort('127.0.0.1'),
        secondaryZones: [{ zone: ZONE, primary: `127.0.0.1:${port}` }],
        // DNSSEC data kept in its database; serial checks only when told (NOTIFY), not by polling.
        settings: ['gsqlite3-dnssec=yes', 'xfr-cycle-interval=3600'],
      }),
      startKnotSecondary({ program: programs!.knotd, zones: [Z], primaryPort: port }),
    ]);
    await setZoneOptions(ZONE, { alsoNotify: secondaries().map((s) => `127.0.0.1:${s.port}`) }, actor);
  });

  afterAll(async () => {
    await Promise.all([bind?.stop(), nsd?.stop(), pdns?.stop(), knot?.stop()]);
    await worker?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('each secondary takes a change by NOTIFY and validates the changed name, NXDOMAIN and NODATA', async () => {
    // PowerDNS checks a configured zone on its own timer (an hour here): the change's NOTIFY is what moves it.
    for (const s of secondaries()) if (s.label !== 'PowerDNS') await serves(s.label, s.port, serial);
    const r = await applyChangeset(ZONE, { add: [{ name: 'fresh', type: 'A', content: '192.0.2.44' }], remove: [{ name: 'www', type: 'A' }] }, actor);
    serial = r.newSerial;
    await bind.caughtUp(ZONE, serial);
    expect(bind.ixfrsOf(ZONE)).toBeGreaterThan(0);
    await Promise.all(secondaries().map((s) => serves(s.label, s.port, serial)));
    for (const s of secondaries()) {
      const target = { program: programs!.delv, anchors, zone: Z, port: s.port };
      for (const [name, type, verdict] of [
        [`fresh.${Z}`, 'A', FULLY_VALIDATED],
        [`www.${Z}`, 'A', NEGATIVE_VALIDATED],
        [`nope.${Z}`, 'A', NEGATIVE_VALIDATED],
        [`fresh.${Z}`, 'MX', NEGATIVE_VALIDATED],
        [`x.wild.${Z}`, 'TXT', FULLY_VALIDATED],
        [`alias.${Z}`, 'CNAME', FULLY_VALIDATED],
        [`sub.${Z}`, 'DS', NEGATIVE_VALIDATED],
      ] as const) {
        const out = await delv(target, name, type);
        expect(verdictOf(out), `${s.label}: ${name} ${type}\n${out}`).toBe(verdict);
      }
    }
  });
});
