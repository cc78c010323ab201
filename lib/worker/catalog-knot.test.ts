// Knot 3.2 as a consumer of our catalog (RFC 9432, `catalog-role:
// interpret`): configured once, with the catalog as a secondary zone and two
// member templates, it serves the zones created in Zonekeeper with their
// records, stops serving a deleted one, and configures a member by the
// template its group names (RFC 9432 §4.4.2): members of group `gold` keep
// their zone files under gold/, the others under members/, and a member put
// in gold later takes gold's template. Every catalog change after the first
// full transfer reaches it by IXFR.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteZone, setZoneOptions } from '../zones/zone-lifecycle';
import { applyChangeset } from '../zones/changes';
import { freePort } from '../testing/bind';
import { createMember, produceCatalogFor, waitForWww } from '../testing/catalog-producer';
import { startKnotSecondary, type RunningKnot } from '../testing/knot';
import { requireProgram } from '../testing/system-program';
import type { RunningWorker } from './worker';

const knotd = requireProgram('knotd', 'knot');
const CAT = 'catalog.example.';
const actor = { name: 'test' };
const MEMBERS = [
  { zone: 'one.cat-knot.test.', address: '192.0.2.11' },
  { zone: 'two.cat-knot.test.', address: '192.0.2.12', group: 'gold' },
  { zone: 'three.cat-knot.test.', address: '192.0.2.13' },
];
/** Where Knot keeps a member's zone file: the template of its group, else the first. */
const zoneFile = (dir: string, m: { zone: string; group?: string }) => path.join(dir, m.group === 'gold' ? 'gold' : 'members', `${m.zone.slice(0, -1)}.zone`);

/** Whether `file` exists within 10 s (Knot writes a zone file just after the transfer it holds). */
async function appears(file: string): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (!fs.existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return fs.existsSync(file);
}

describe.skipIf(!knotd)('Knot 3.2 interpreting our catalog', { timeout: 60_000 }, () => {
  let worker: RunningWorker;
  let knot: RunningKnot;
  let workerPort: number;

  beforeAll(async () => {
    const knotPort = await freePort('127.0.0.1');
    worker = await produceCatalogFor(CAT, knotPort);
    workerPort = worker.dns[0]!.port;
    knot = await startKnotSecondary({
      program: knotd!,
      port: knotPort,
      zones: [CAT],
      primaryPort: workerPort,
      catalog: {
        zone: CAT,
        memberTemplates: [
          { id: 'member', file: 'members/%s.zone' },
          { id: 'gold', file: 'gold/%s.zone' },
        ],
      },
    });
  });

  afterAll(async () => {
    await knot?.stop();
    await worker?.stop();
  });

  it('serves three zones created in Zonekeeper, with their records, within seconds', async () => {
    for (const m of MEMBERS) await createMember(m.zone, m.address, m.group);
    for (const m of MEMBERS) {
      expect(await waitForWww(knot.port, m.zone, [m.address], 20_000), `Knot does not serve www.${m.zone}\n${knot.log().slice(-3000)}`).toEqual([m.address]);
    }
  });

  it('configures a member by the template its group names', async () => {
    for (const m of MEMBERS) {
      const file = zoneFile(knot.dir, m);
      expect(await appears(file), `${m.zone} has no zone file at ${file}\n${knot.log().slice(-2000)}`).toBe(true);
      expect(fs.readFileSync(file, 'utf8')).toMatch(new RegExp(`www\\S*\\s+\\d+\\s+A\\s+${m.address.replace(/\./g, '\\.')}`));
    }
    expect(fs.readdirSync(path.join(knot.dir, 'gold'))).toEqual(['two.cat-knot.test.zone']);
  });

  it('gives a member put in group gold the gold template from then on', async () => {
    const three = MEMBERS[2]!;
    await setZoneOptions(three.zone, { catalogGroup: 'gold' }, actor);
    // Knot 3.2 takes the new template as soon as the catalog says so: it looks for the zone file at gold's path (not
    // there yet, which it logs as an error), keeps serving what it holds, and writes the zone's next version there.
    await knot.waitForLog(/\[three\.cat-knot\.test\.\] .*\/gold\/three\.cat-knot\.test\.zone/, 10_000);
    expect(await waitForWww(knot.port, three.zone, [three.address], 1000)).toEqual([three.address]);
    await applyChangeset(three.zone, { add: [{ name: 'more', type: 'A', content: '192.0.2.99' }] }, actor);
    const file = zoneFile(knot.dir, { ...three, group: 'gold' });
    expect(await appears(file), knot.log().slice(-2000)).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/more\S*\s+\d+\s+A\s+192\.0\.2\.99/);
  });

  it('stops serving a zone deleted in Zonekeeper and keeps the others', async () => {
    const [gone, ...kept] = MEMBERS;
    await deleteZone(gone!.zone, actor);
    expect(await waitForWww(knot.port, gone!.zone, 'REFUSED', 20_000)).toBe('REFUSED');
    // Knot purges a member the catalog no longer lists, its zone file with it.
    expect(knot.log()).toMatch(/\[one\.cat-knot\.test\.\] zone purged/);
    expect(fs.existsSync(zoneFile(knot.dir, gone!))).toBe(false);
    for (const m of kept) expect(await waitForWww(knot.port, m.zone, [m.address], 1000)).toEqual([m.address]);
  });

  it('serves a deleted zone again, with its new records, once it is created again', async () => {
    // A new member label each time (RFC 9432 §5.5): the consumer starts the zone afresh rather than keep the old one.
    await createMember('one.cat-knot.test.', '192.0.2.21');
    expect(await waitForWww(knot.port, 'one.cat-knot.test.', ['192.0.2.21'], 20_000)).toEqual(['192.0.2.21']);
  });

  it('took the catalog by one full transfer, then only incremental ones', () => {
    const lines = knot.log().split('\n').filter((l) => l.includes('[catalog.example.]'));
    const full = lines.findIndex((l) => /AXFR, incoming, remote 127\.0\.0\.1@\d+, finished/.test(l));
    const incremental = lines.flatMap((l, i) => (/IXFR, incoming, remote 127\.0\.0\.1@\d+, finished/.test(l) ? [i] : []));
    expect(lines.filter((l) => /AXFR, incoming, .*finished/.test(l))).toHaveLength(1);
    // An IXFR answered with the whole zone shows as "AXFR-style IXFR".
    expect(lines.filter((l) => /AXFR-style|fallback to AXFR/.test(l))).toEqual([]);
    // Members added, deleted and added again: a version each, possibly fewer transfers when NOTIFYs coalesce.
    expect(incremental.length).toBeGreaterThanOrEqual(2);
    expect(Math.min(...incremental)).toBeGreaterThan(full);
  });
});
