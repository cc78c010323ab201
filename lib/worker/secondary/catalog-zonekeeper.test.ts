// Zonekeeper consuming another Zonekeeper's catalog (RFC 9432, issue 20):
// instance 1 is this process and this file's database (the producer), instance
// 2 a worker process with its own SQLite file that consumes instance 1's
// catalog (`zone create CAT --secondary --primary … --catalog-consumer`).
// Five zones created and two deleted in a row on instance 1 end as the three
// left (and the seed) served by instance 2, with their records; a member
// listed under a new label is reset and transferred anew; catalogs that
// are broken (written by hand as ordinary zones on instance 1) create nothing
// there and say why in their events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RCODE } from '../../dns/wire';
import { getSetting } from '../../settings/data';
import { setSetting } from '../../settings/mutations';
import { freePort } from '../../testing/bind';
import { ask, eventually } from '../../testing/dns-client';
import { workerProcess, type WorkerProcess } from '../../testing/worker-process';
import { applyChangeset, importZone } from '../../zones/changes';
import { createZone, deleteZone, setZoneOptions } from '../../zones/zone-lifecycle';
import { startWorker, type RunningWorker } from '../worker';

const CAT = 'catalog.zk.test.';
const actor = { name: 'test' };
let one: RunningWorker;
let two: WorkerProcess;
let ports: { one: number; two: number };

/** A member zone on instance 1, in the catalog, with a record of its own to see served. */
async function member(name: string, address: string) {
  await createZone({ name, catalog: CAT }, actor);
  await applyChangeset(name, { add: [{ name: 'www', type: 'A', content: address }] }, actor);
}

const served = async (zone: string) => {
  const r = await ask(ports.two, `www.${zone}`, 'A', { timeoutMs: 1000 });
  return r.rcode === RCODE.NOERROR && r.aa ? r.answers.map((a) => String(a.data)) : `rcode ${r.rcode}`;
};

const broken: Record<string, string[]> = {
  'bad-version.zk.test.': ['version IN TXT "1"', 'a.zones IN PTR wrong1.zk.test.'],
  'two-ptrs.zk.test.': ['version IN TXT "2"', 'a.zones IN PTR wrong2.zk.test.', 'a.zones IN PTR wrong3.zk.test.'],
  'inside.zk.test.': ['version IN TXT "2"', 'a.zones IN PTR wrong4.zk.test.', 'b.zones IN PTR evil.zones.inside.zk.test.'],
};
/** A sound catalog written by hand, whose member labels the test changes. */
const HAND = 'hand.zk.test.';

beforeAll(async () => {
  ports = { one: await freePort('127.0.0.1'), two: await freePort('127.0.0.1') };
  // Every new zone notifies instance 2, as its NS hosts would be told in production.
  await setSetting('zoneDefaults', { ...(await getSetting('zoneDefaults')), alsoNotify: [`127.0.0.1:${ports.two}`] });
  await member('seed.zk.test.', '192.0.2.1');
  const catalogFile = (name: string, lines: string[]) => [`$ORIGIN ${name}`, '$TTL 0', '@ IN SOA invalid. invalid. 1 3600 600 86400 0', '@ IN NS invalid.', ...lines, ''].join('\n');
  for (const [name, lines] of Object.entries(broken)) await importZone(name, catalogFile(name, lines), actor);
  await createZone({ name: 'r1.zk.test.' }, actor);
  await applyChangeset('r1.zk.test.', { add: [{ name: 'www', type: 'A', content: '192.0.2.99' }] }, actor);
  await importZone(HAND, catalogFile(HAND, ['version IN TXT "2"', 'first.zones IN PTR r1.zk.test.']), actor);
  await setZoneOptions(HAND, { alsoNotify: [`127.0.0.1:${ports.two}`] }, actor);
  one = await startWorker({ listen: [{ address: '127.0.0.1', port: ports.one }], controlPort: 0, notify: { firstBackoffMs: 200, timeoutsMs: [500, 500] } });
  two = workerProcess('catalog-consumer', { dnsPort: ports.two, controlPort: await freePort('127.0.0.1'), env: { ZK_REFRESH_MIN: '1' } });
  for (const name of [CAT, HAND, ...Object.keys(broken)]) {
    const r = await two.cli(['zone', 'create', name, '--secondary', '--primary', `127.0.0.1:${ports.one}`, '--catalog-consumer']);
    expect(r.stderr).toBe('');
  }
  await two.start();
}, 90_000);

afterAll(async () => {
  await one?.stop();
  await two?.remove();
});

describe('Zonekeeper → Zonekeeper catalog', () => {
  it('the consumer creates, transfers and serves the catalog’s member', async () => {
    expect(await eventually(() => served('seed.zk.test.'), (v) => Array.isArray(v), 15_000, 100)).toEqual(['192.0.2.1']);
  });

  it('follows five creations and two deletions in a row', { timeout: 60_000 }, async () => {
    const names = [1, 2, 3, 4, 5].map((i) => `m${i}.zk.test.`);
    for (const [i, name] of names.entries()) await member(name, `192.0.2.${10 + i}`);
    await deleteZone(names[1]!, actor);
    await deleteZone(names[3]!, actor);
    const kept = [names[0]!, names[2]!, names[4]!];
    for (const name of kept) expect(await eventually(() => served(name), (v) => Array.isArray(v), 15_000, 100)).toEqual([`192.0.2.${10 + names.indexOf(name)}`]);
    for (const name of [names[1]!, names[3]!]) expect(await eventually(() => served(name), (v) => v === `rcode ${RCODE.REFUSED}`, 15_000, 100)).toBe(`rcode ${RCODE.REFUSED}`);
    // What the consumer's zone list (the web app's zones page reads the same) and the catalog's events say.
    const list = await two.cli(['zone', 'list']);
    const zones = list.stdout.split('\n').map((l) => l.split(/\s+/)[0]).filter((z) => /^(m\d|seed)\./.test(z ?? ''));
    expect(zones.sort()).toEqual(['m1.zk.test.', 'm3.zk.test.', 'm5.zk.test.', 'seed.zk.test.']);
    const status = await two.cli(['zone', 'status', CAT, '--events', '50']);
    const said = (outcome: string, name: string, what: string) => new RegExp(`catalog\\s+127\\.0\\.0\\.1:${ports.one}\\s+\\d+\\s+${outcome}\\s.*${name.replace(/\./g, '\\.')} ${what}`).test(status.stdout);
    for (const name of kept) expect(said('added', name, 'created')).toBe(true);
    // A zone created and deleted between two transfers of the catalog (IXFR sums them up) may never appear here at all.
    for (const name of [names[1]!, names[3]!]) expect(said('removed', name, 'deleted')).toBe(said('added', name, 'created'));
    // The catalog's page and status on instance 2 list its members with their state (lib/zones/catalog-data.ts).
    expect(status.stdout).toMatch(/^catalog: +followed \(consumer\): 4 member zones created from it/m);
    for (const name of [...kept, 'seed.zk.test.']) expect(status.stdout).toMatch(new RegExp(`^  ${name.replace(/\./g, '\\.')} +- +serial \\d+$`, 'm'));
    expect(status.stdout).not.toMatch(/^ {2}m[24]\.zk\.test\./m);
    // Its replication dashboard (the /replication page reads the same) lists them among its secondary zones, with the catalog.
    const dashboard = await two.cli(['replication']);
    for (const name of [...kept, 'seed.zk.test.']) expect(dashboard.stdout).toMatch(new RegExp(`^${name.replace(/\./g, '\\.')} +\\d+ +current +127\\.0\\.0\\.1:${ports.one} +catalog\\.zk\\.test\\. `, 'm'));
    expect(dashboard.stdout).not.toMatch(/^m[24]\.zk\.test\./m);
    const memberStatus = await two.cli(['zone', 'status', names[0]!]);
    expect(memberStatus.stdout).toMatch(/catalog\s.*added\s.*catalog catalog\.zk\.test\.: m1\.zk\.test\. created/);
  });

  it('resets a member listed under a new label and transfers it anew (RFC 9432 §5.4)', { timeout: 30_000 }, async () => {
    expect(await eventually(() => served('r1.zk.test.'), (v) => Array.isArray(v), 15_000, 100)).toEqual(['192.0.2.99']);
    await applyChangeset(HAND, { remove: [{ name: 'first.zones', type: 'PTR' }], add: [{ name: 'second.zones', type: 'PTR', content: 'r1.zk.test.' }] }, actor);
    const status = await eventually(() => two.cli(['zone', 'status', HAND]), (r) => /\breset\b/.test(r.stdout), 15_000, 250);
    expect(status.stdout).toMatch(/catalog\s.*reset\s.*r1\.zk\.test\. listed under a new label \(first → second\)/);
    // Its data was dropped with the reset: it is served again only because it was transferred again.
    const member = await eventually(() => two.cli(['zone', 'status', 'r1.zk.test.']), (r) => (r.stdout.match(/axfr-in\s.*\sok\s/g) ?? []).length >= 2, 15_000, 250);
    expect((member.stdout.match(/axfr-in\s.*\sok\s/g) ?? []).length).toBe(2);
    expect(await eventually(() => served('r1.zk.test.'), (v) => Array.isArray(v), 15_000, 100)).toEqual(['192.0.2.99']);
  });

  it.each([
    ['bad-version.zk.test.', /refused\s.*version "1" at version\.bad-version\.zk\.test\./],
    ['two-ptrs.zk.test.', /refused\s.*a\.zones\.two-ptrs\.zk\.test\. has 2 PTR records/],
    ['inside.zk.test.', /refused\s.*lists evil\.zones\.inside\.zk\.test\., which is the catalog itself or a name inside it/],
  ])('a broken catalog (%s) creates nothing and records why', { timeout: 30_000 }, async (name, reason) => {
    const status = await eventually(() => two.cli(['zone', 'status', name]), (r) => reason.test(r.stdout), 15_000, 250);
    expect(status.stdout).toMatch(reason);
    // The catalog itself is transferred and kept like any zone; it just is not acted on.
    expect(status.stdout).toMatch(/^serial:\s+1$/m);
    const list = await two.cli(['zone', 'list']);
    expect(list.stdout).not.toMatch(/wrong\d\.zk\.test\.|evil\./);
  });
});
