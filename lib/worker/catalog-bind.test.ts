// BIND 9.18 as a consumer of our catalog (RFC 9432): named is configured
// once, with the catalog as a secondary zone and in `catalog-zones`, and
// never touched again; creating zones in Zonekeeper makes it serve them with
// their records, deleting one makes it stop, and every catalog change after
// the first full transfer reaches it by IXFR. BIND 9.18 maps no catalog
// group to options (its ARM knows only `ext` custom properties and `coo`;
// it logs a group property as an invalid record and ignores it): a member in
// a group is served like any other, and groups are tested against Knot
// (catalog-knot.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteZone } from '../zones/zone-lifecycle';
import { freePort, startBind, type RunningBind } from '../testing/bind';
import { createMember, produceCatalogFor, waitForWww } from '../testing/catalog-producer';
import { requireProgram } from '../testing/system-program';
import type { RunningWorker } from './worker';

const named = requireProgram('named', 'bind9');
const CAT = 'catalog.example.';
const MEMBERS = [
  { zone: 'one.cat-bind.test.', address: '192.0.2.1' },
  { zone: 'two.cat-bind.test.', address: '192.0.2.2', group: 'gold' },
  { zone: 'three.cat-bind.test.', address: '192.0.2.3' },
];

describe.skipIf(!named)('BIND 9.18 consuming our catalog', { timeout: 60_000 }, () => {
  let worker: RunningWorker;
  let bind: RunningBind;
  let workerPort: number;

  beforeAll(async () => {
    const bindPort = await freePort('127.0.0.1');
    worker = await produceCatalogFor(CAT, bindPort);
    workerPort = worker.dns[0]!.port;
    bind = await startBind({
      program: named!,
      port: bindPort,
      // -d 3 logs whether each transfer in was incremental.
      debugLevel: 3,
      options: [
        // A catalog update is applied at most this often (default 5 s); members are created as secondaries of our worker.
        // (A catalog-zones statement turns allow-new-zones on by itself in BIND 9.18.)
        `catalog-zones { zone "${CAT}" default-primaries { 127.0.0.1 port ${workerPort}; } min-update-interval 1; };`,
        'notify no;',
      ],
      config: (d) => `zone "${CAT}" { type secondary; primaries { 127.0.0.1 port ${workerPort}; }; file "${d}/catalog.db"; };`,
    });
    await bind.waitForLog(/zone catalog\.example\/IN: transferred serial/, 15_000);
  });

  afterAll(async () => {
    await bind?.stop();
    await worker?.stop();
  });

  it('serves three zones created in Zonekeeper, with their records, within seconds', async () => {
    for (const m of MEMBERS) await createMember(m.zone, m.address, m.group);
    for (const m of MEMBERS) {
      expect(await waitForWww(bind.port, m.zone, [m.address], 20_000), `BIND does not serve www.${m.zone}\n${bind.log().slice(-3000)}`).toEqual([m.address]);
    }
    // The member in group gold is served like the others: BIND 9.18 takes the group property for a record it does not know, and ignores it.
    expect(bind.log()).toMatch(/catz: adding zone 'two\.cat-bind\.test' from catalog 'catalog\.example'/);
    expect(bind.log()).toMatch(/catz: invalid record in catalog zone - group\.[a-z2-7]+\.zones\.catalog\.example IN TXT \(failure\) - ignoring/);
  });

  it('stops serving a zone deleted in Zonekeeper and keeps the others', async () => {
    const [gone, ...kept] = MEMBERS;
    await deleteZone(gone!.zone, { name: 'test' });
    expect(await waitForWww(bind.port, gone!.zone, 'REFUSED', 20_000)).toBe('REFUSED');
    expect(bind.log()).toMatch(/catz: deleting zone 'one\.cat-bind\.test' from catalog 'catalog\.example'/);
    for (const m of kept) expect(await waitForWww(bind.port, m.zone, [m.address], 1000)).toEqual([m.address]);
  });

  it('serves a deleted zone again, with its new records, once it is created again', async () => {
    // A new member label each time (RFC 9432 §5.5): the consumer starts the zone afresh rather than keep the old one.
    await createMember('one.cat-bind.test.', '192.0.2.21');
    expect(await waitForWww(bind.port, 'one.cat-bind.test.', ['192.0.2.21'], 20_000)).toEqual(['192.0.2.21']);
  });

  it('took the catalog by one full transfer, then only incremental ones', () => {
    const log = bind.log();
    const from = `transfer of 'catalog\\.example/IN' from 127\\.0\\.0\\.1#${workerPort}`;
    const full = [...log.matchAll(new RegExp(`${from}: got nonincremental response`, 'g'))];
    const incremental = [...log.matchAll(new RegExp(`${from}: got incremental response`, 'g'))];
    expect(full.length).toBe(1);
    // Members added, deleted and added again: a version each, possibly fewer transfers when NOTIFYs coalesce.
    expect(incremental.length).toBeGreaterThanOrEqual(2);
    expect(Math.min(...incremental.map((m) => m.index!))).toBeGreaterThan(full[0]!.index!);
  });
});
