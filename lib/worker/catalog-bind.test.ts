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
import { db, writeTransaction } from '../db';
import { getSetting } from '../settings/data';
import { setSetting } from '../settings/mutations';
import { producerCatalog } from '../zones/catalog';
import { deleteZone, setZoneOptions } from '../zones/zone-lifecycle';
import { COMMIT_TX } from '../zones/zone-version';
import { freePort, startBind, type RunningBind } from '../testing/bind';
import { createMember, produceCatalogFor, waitForWww, wwwAt } from '../testing/catalog-producer';
import { requireProgram } from '../testing/system-program';
import type { RunningWorker } from './worker';

const named = requireProgram('named', 'bind9');
const CAT = 'catalog.example.';
/** Where a member moves to: BIND consumes it too. */
const CAT2 = 'catalog2.example.';
/** The catalogs' SOA refresh: a move's steps are this far apart. */
const REFRESH = 2;
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
    // The second catalog exists (and NOTIFYs BIND) before the worker starts: one the worker had not loaded
    // yet when BIND first asked was refused, and BIND then waited minutes before asking again.
    await setSetting('zoneDefaults', { ...(await getSetting('zoneDefaults')), refresh: REFRESH, alsoNotify: [`127.0.0.1:${bindPort}`] });
    await writeTransaction((tx) => producerCatalog(tx, CAT2, { name: 'test' }), COMMIT_TX);
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
        `catalog-zones { ${[CAT, CAT2].map((c) => `zone "${c}" default-primaries { 127.0.0.1 port ${workerPort}; } min-update-interval 1;`).join(' ')} };`,
        'notify no;',
      ],
      config: (d) => [CAT, CAT2].map((c) => `zone "${c}" { type secondary; primaries { 127.0.0.1 port ${workerPort}; }; file "${d}/${c}db"; };`).join('\n'),
    });
    await bind.waitForLog(/zone catalog\.example\/IN: transferred serial/, 15_000);
    await bind.waitForLog(/zone catalog2\.example\/IN: transferred serial/, 15_000);
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

  it('keeps serving a zone moved to another catalog (a change of ownership, RFC 9432 §5.6)', async () => {
    // Bug: the old entry went in the version that added the new one; BIND, reading the new catalog
    // first, ignored the zone there (the old catalog still owned it) and then deleted it for good.
    const zone = 'three.cat-bind.test.';
    await setZoneOptions(zone, { catalog: CAT2 }, { name: 'test' });
    const deadline = Date.now() + 30_000;
    // The worker's clock takes the move's two steps, REFRESH seconds apart.
    while (Date.now() < deadline && (await db().catalogMove.count({ where: { zone } })) > 0) await new Promise((r) => setTimeout(r, 100));
    expect(await db().catalogMove.count({ where: { zone } }), 'the move did not end').toBe(0);
    // BIND 9.18 takes the zone over by deleting and adding it again (then transferring it anew):
    // it is served again within seconds, and the old catalog's last version leaves it in place.
    expect(await waitForWww(bind.port, zone, ['192.0.2.3'], 10_000)).toEqual(['192.0.2.3']);
    await bind.waitForLog(/catz_delzone_taskaction: zone 'three\.cat-bind\.test' exists in multiple catalog zones/, 10_000);
    expect(bind.log()).toMatch(/catz: zone 'three\.cat-bind\.test' change of ownership from 'catalog\.example' to 'catalog2\.example'/);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await wwwAt(bind.port, zone)).toEqual(['192.0.2.3']);
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
