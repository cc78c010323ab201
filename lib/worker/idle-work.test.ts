// What an idle worker costs the database, counted in rows read (the adapter
// counts every query of the process, lib/db-adapters.ts queryCounts): the
// same with 1,000 zones as with 100, and a change, a deletion or an expiry is
// picked up by reading that zone, not every zone. The worker polls every
// 100 ms here, ten times the default, so that any work per poll shows.
import { afterEach, describe, expect, it } from 'vitest';
import { db, queryCounts } from '../db';
import { RCODE } from '../dns/wire';
import { Prisma } from '../generated/prisma/client';
import { ask, eventually } from '../testing/dns-client';
import { applyChangeset } from '../zones/changes';
import { replaceSecondaryContent } from '../zones/secondary-store';
import { createZone, deleteZone } from '../zones/zone-lifecycle';
import { startWorker, type RunningWorker } from './worker';

const actor = { name: 'test' };
const zoneName = (i: number) => `z${String(i).padStart(5, '0')}.idle.test.`;
let seeded = 0;
let worker: RunningWorker | undefined;

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});

/** Adds zones up to `n` in all, 20 records each, in bulk (as a restored database holds them). */
async function seedZones(n: number): Promise<void> {
  const rows = [];
  for (let i = seeded; i < n; i++) {
    const z = zoneName(i);
    rows.push({ name: z, kind: 'primary', serial: 1n, soaMname: `ns1.${z}`, soaRname: `hostmaster.${z}`, soaRefresh: 3600, soaRetry: 600, soaExpire: 86400, soaMinimum: 300, soaTtl: 300, defaultTtl: 300 });
  }
  await db().zone.createMany({ data: rows });
  const zones = await db().zone.findMany({ where: { name: { in: rows.map((r) => r.name) } }, select: { id: true, name: true } });
  for (let i = 0; i < zones.length; i += 25) {
    const values = zones.slice(i, i + 25).flatMap(({ id, name }) => [
      Prisma.sql`(${id}, ${name}, 'NS', 300, ${`ns1.${name}`})`,
      Prisma.sql`(${id}, ${`ns1.${name}`}, 'A', 300, '192.0.2.53')`,
      ...Array.from({ length: 18 }, (_, h) => Prisma.sql`(${id}, ${`host${h}.${name}`}, 'A', 300, ${`10.0.${h}.1`})`),
    ]);
    await db().$executeRaw`INSERT INTO "Record" ("zoneId", "name", "type", "ttl", "content") VALUES ${Prisma.join(values)}`;
  }
  seeded = n;
}

async function idleWorker(pollIntervalMs = 100): Promise<RunningWorker> {
  worker = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs, probe: { intervalMs: 0 } });
  process.env.ZK_CONTROL_PORT = String(worker.controlPort);
  return worker;
}

/** Rows and queries the process reads while `run` runs. */
async function cost(run: () => Promise<unknown>): Promise<{ rows: number; queries: number }> {
  const before = { ...queryCounts };
  await run();
  return { rows: queryCounts.rows - before.rows, queries: queryCounts.queries - before.queries };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Rows and queries per second of a worker left alone for two seconds, once start-up has settled. */
async function idleCost(w: RunningWorker): Promise<{ rows: number; queries: number }> {
  expect(w.store.size).toBe(seeded);
  await sleep(500);
  const c = await cost(() => sleep(2000));
  return { rows: c.rows / 2, queries: c.queries / 2 };
}

describe('an idle worker', () => {
  it('reads no more with 1,000 zones than with 100: no zone at all', async () => {
    // Bug: every poll read every zone's version, and the secondary engine every zone again: 50,000 zones kept a core busy.
    await seedZones(100);
    const small = await idleCost(await idleWorker());
    await worker!.stop();
    await seedZones(1000);
    const big = await idleCost(await idleWorker());
    expect(big.rows).toBeLessThanOrEqual(small.rows + 1);
    // Queries per poll are the same; how many polls fit in two seconds varies a little.
    expect(big.queries).toBeLessThanOrEqual(small.queries * 1.5);
    // Ten polls a second, each one query that finds nothing: the zone loader reads the change
    // feed, and the secondary engine and the NOTIFY queue learn from it that they need not ask.
    // On MySQL/MariaDB the change feed adds five looks a second at the newest seq, each reading no row.
    expect(big.rows).toBeLessThan(5);
    expect(big.queries).toBeLessThan(20);
  }, 120_000);

  it('serves a commit, and drops a deleted zone, by the time the change service returns, having read that zone only', async () => {
    await seedZones(1000);
    // Polling once a minute: only the change service's nudge can have told the worker.
    const w = await idleWorker(60_000);
    const port = w.dns[0]!.port;
    const zone = zoneName(123);
    const commit = await cost(() => applyChangeset(zone, { add: [{ name: 'fresh', type: 'A', content: '192.0.2.99' }] }, actor));
    expect((await ask(port, `fresh.${zone}`, 'A')).answers).toHaveLength(1);
    // The change service reads the zone's 20 records and the worker reads them again: tens of rows, not 1,000.
    expect(commit.rows).toBeLessThan(200);
    const deletion = await cost(() => deleteZone(zone, actor));
    expect((await ask(port, zone, 'SOA')).rcode).toBe(RCODE.REFUSED);
    expect(deletion.rows).toBeLessThan(100);
    expect(w.store.size).toBe(999);
  }, 120_000);

  it('answers SERVFAIL for a secondary zone once its expiry passes, with no write to say so and no scan', async () => {
    await seedZones(1000);
    const w = await idleWorker();
    const port = w.dns[0]!.port;
    const zone = 'expiring.idle.test.';
    // Its primary is nowhere (nothing listens on port 1): every refresh fails, the expiry stays.
    await createZone({ name: zone, kind: 'secondary', primaries: ['127.0.0.1:1'] }, actor);
    const { id } = await db().zone.findUniqueOrThrow({ where: { name: zone } });
    const now = Date.now();
    const soa = { mname: `ns1.${zone}`, rname: `hostmaster.${zone}`, serial: 5, refresh: 3600, retry: 600, expire: 86400, minimum: 300 };
    const expiresAt = new Date(now + 2000);
    await replaceSecondaryContent(id, { soa, ttl: 300 }, [{ name: zone, type: 'NS', ttl: 300, content: `ns1.${zone}` }], {
      peer: 'test',
      state: { checkedAt: new Date(now), refreshedAt: new Date(now), nextRefreshAt: new Date(now + 3_600_000), expiresAt, failures: 0, error: null },
    });
    await eventually(() => ask(port, zone, 'SOA'), (m) => m.rcode === RCODE.NOERROR, 2000, 20);
    await sleep(expiresAt.getTime() - Date.now() - 300);
    const expiry = await cost(() => eventually(() => ask(port, zone, 'SOA'), (m) => m.rcode === RCODE.SERVFAIL, 3000, 20));
    expect(expiry.rows).toBeLessThan(100);
    // Other zones answer as before.
    expect((await ask(port, zoneName(7), 'SOA')).rcode).toBe(RCODE.NOERROR);
  }, 120_000);
});
