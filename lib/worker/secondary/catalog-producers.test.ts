// Zonekeeper consuming catalogs (RFC 9432) that other servers produce (issue
// 20): a Knot 3.2 catalog (`catalog-role: generate`, members assigned with
// `catalog-zone`) and a PowerDNS 4.7 producer catalog (`pdnsutil set-kind CAT
// producer`, `set-catalog`). The worker (this process, this file's database)
// creates each listed zone, transfers it from the producer and serves it;
// a member the producer drops is deleted here. Both producers NOTIFY the
// worker, so every step is a matter of seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RCODE } from '../../dns/wire';
import { db } from '../../db';
import { freePort } from '../../testing/bind';
import { ask, eventually } from '../../testing/dns-client';
import { startKnotCatalogPrimary, type RunningKnotCatalogPrimary } from '../../testing/knot';
import { startPdns, type RunningPdns } from '../../testing/pdns';
import { requirePrograms } from '../../testing/system-program';
import { createZone } from '../../zones/zone-lifecycle';
import { startWorker, type RunningWorker } from '../worker';

const programs = requirePrograms({ knotd: 'knot', knotc: 'knot', pdns_server: 'pdns-server', pdnsutil: 'pdns-server' });
const actor = { name: 'test' };
let worker: RunningWorker;
let port: number;

const zoneFile = (zone: string, address: string) =>
  [`$ORIGIN ${zone}`, '$TTL 60', `@ IN SOA ns1.${zone} hostmaster.${zone} 1 3600 600 86400 60`, `@ IN NS ns1.${zone}`, `ns1 IN A 127.0.0.1`, `www IN A ${address}`, ''].join('\n');

/** What the worker answers for www.ZONE: its addresses, or the rcode. */
const served = async (zone: string) => {
  const r = await ask(port, `www.${zone}`, 'A', { timeoutMs: 1000 });
  return r.rcode === RCODE.NOERROR && r.aa ? r.answers.map((a) => String(a.data)) : `rcode ${r.rcode}`;
};
const servedWithin = (zone: string, want: string[] | string) =>
  eventually(() => served(zone), (v) => JSON.stringify(v) === JSON.stringify(want), 15_000, 100);

const catalogEvents = async (catalog: string) =>
  (await db().zoneEvent.findMany({ where: { zoneName: catalog, kind: 'catalog' }, orderBy: { id: 'asc' } })).map((e) => `${e.outcome} ${e.detail?.split(' ')[0]}`);

beforeAll(async () => {
  if (!programs) return;
  port = await freePort('127.0.0.1');
  worker = await startWorker({ listen: [{ address: '127.0.0.1', port }], controlPort: 0, pollIntervalMs: 200 });
});

afterAll(async () => {
  await worker?.stop();
});

describe.skipIf(!programs)('Zonekeeper consumes a catalog Knot generates', { timeout: 60_000 }, () => {
  const CAT = 'catalog.knot.test.';
  let knot: RunningKnotCatalogPrimary;
  const members = { 'k1.knot.test.': zoneFile('k1.knot.test.', '192.0.2.1'), 'k2.knot.test.': zoneFile('k2.knot.test.', '192.0.2.2') };

  beforeAll(async () => {
    knot = await startKnotCatalogPrimary({ programs: programs!, catalog: CAT, members, notifyPort: port });
    await createZone({ name: CAT, kind: 'secondary', primaries: [`127.0.0.1:${knot.port}`], catalogConsumer: true }, actor);
  }, 30_000);
  afterAll(async () => {
    await knot?.stop();
  });

  it('creates, transfers and serves every member', async () => {
    expect(await servedWithin('k1.knot.test.', ['192.0.2.1'])).toEqual(['192.0.2.1']);
    expect(await servedWithin('k2.knot.test.', ['192.0.2.2'])).toEqual(['192.0.2.2']);
    const rows = await db().zone.findMany({ where: { name: { in: Object.keys(members) } }, select: { kind: true, primaries: true, catalog: { select: { name: true } } } });
    expect(rows).toEqual(Object.keys(members).map(() => ({ kind: 'secondary', primaries: `["127.0.0.1:${knot.port}"]`, catalog: { name: CAT } })));
  });

  it('deletes the member Knot drops from its catalog (config edit + knotc reload)', async () => {
    await knot.setMembers({ 'k1.knot.test.': members['k1.knot.test.'] });
    expect(await servedWithin('k2.knot.test.', `rcode ${RCODE.REFUSED}`)).toBe(`rcode ${RCODE.REFUSED}`);
    expect(await served('k1.knot.test.')).toEqual(['192.0.2.1']);
    expect(await db().zone.findUnique({ where: { name: 'k2.knot.test.' } })).toBeNull();
    expect(await catalogEvents(CAT)).toEqual(['added k1.knot.test.', 'added k2.knot.test.', 'removed k2.knot.test.']);
  });
});

describe.skipIf(!programs)('Zonekeeper consumes a PowerDNS producer catalog', { timeout: 60_000 }, () => {
  const CAT = 'catalog.pdns.test.';
  let pdns: RunningPdns;

  beforeAll(async () => {
    pdns = await startPdns({
      program: programs!.pdns_server,
      pdnsutil: programs!.pdnsutil,
      address: '127.0.0.1',
      port: await freePort('127.0.0.1'),
      // NOTIFY for every zone to the worker; the catalog's serial is looked at every second; zones
      // created by pdnsutil while it runs are answered at once (no zone cache).
      settings: ['primary=yes', `also-notify=127.0.0.1:${port}`, 'xfr-cycle-interval=1', 'zone-cache-refresh-interval=0'],
    });
    await pdns.util(['create-zone', CAT]);
    await pdns.util(['set-kind', CAT, 'producer']);
    for (const [zone, address] of [['p1.pdns.test.', '192.0.2.11'], ['p2.pdns.test.', '192.0.2.12']] as const) {
      await pdns.util(['create-zone', zone, `ns1.${zone}`]);
      await pdns.util(['set-kind', zone, 'primary']);
      await pdns.util(['add-record', zone, 'www', 'A', '60', address]);
      // pdnsutil starts a zone at serial 0, which a secondary takes for "nothing transferred yet".
      await pdns.util(['increase-serial', zone]);
      await pdns.util(['set-catalog', zone, CAT]);
    }
    await createZone({ name: CAT, kind: 'secondary', primaries: [`127.0.0.1:${pdns.port}`], catalogConsumer: true }, actor);
  }, 30_000);
  afterAll(async () => {
    await pdns?.stop();
  });

  it('creates, transfers and serves every member', async () => {
    expect(await servedWithin('p1.pdns.test.', ['192.0.2.11'])).toEqual(['192.0.2.11']);
    expect(await servedWithin('p2.pdns.test.', ['192.0.2.12'])).toEqual(['192.0.2.12']);
  });

  it('deletes the member PowerDNS takes out of its catalog', async () => {
    await pdns.util(['set-catalog', 'p2.pdns.test.', '']);
    expect(await servedWithin('p2.pdns.test.', `rcode ${RCODE.REFUSED}`)).toBe(`rcode ${RCODE.REFUSED}`);
    expect(await served('p1.pdns.test.')).toEqual(['192.0.2.11']);
    expect(await catalogEvents(CAT)).toEqual(['added p1.pdns.test.', 'added p2.pdns.test.', 'removed p2.pdns.test.']);
  });
});
