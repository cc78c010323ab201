// The loader against a real database: what a sync swaps in, and when, when it
// hands each change to a publisher first (answer-threads.ts publishes to the
// worker's answer threads).
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { queryCounts } from '../db-adapters';
import { applyChangeset, importZone } from '../zones/changes';
import { applySecondaryDiffs, replaceSecondaryContent } from '../zones/secondary-store';
import { createZone, deleteZone } from '../zones/zone-lifecycle';
import { createTsigKey } from '../zones/tsig-keys';
import { log } from './logger';
import { ZoneLoader, type Publisher, type StoreChange } from './zone-loader';
import { ZoneStore } from './zone-store';

const actor = { name: 'test' };
const zoneText = (z: string) => [`$ORIGIN ${z}`, '$TTL 300', '@ IN SOA ns1 hostmaster 1 3600 600 86400 60', '@ IN NS ns1', 'ns1 IN A 192.0.2.53', ''].join('\n');

/** A publisher that records what it was given and returns when the test says so. */
function heldPublisher() {
  const seen: StoreChange[] = [];
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const publish: Publisher = async (change) => {
    seen.push(change);
    await released;
  };
  const names = () => seen.map((c) => [...c.loaded.map((z) => z.name), ...c.removed]);
  return { publish, seen, names, release };
}

describe('ZoneLoader', () => {
  it('loads every changed zone before it swaps any in, and publishes them first', async () => {
    await importZone('a.loader.test.', zoneText('a.loader.test.'), actor);
    await importZone('b.loader.test.', zoneText('b.loader.test.'), actor);
    const store = new ZoneStore();
    const loader = new ZoneLoader(store, log);
    await loader.sync();
    expect(store.get('a.loader.test.')?.serial).toBe(1);

    await applyChangeset('a.loader.test.', { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
    await deleteZone('b.loader.test.', actor);
    const held = heldPublisher();
    loader.publishTo(held.publish);
    const syncing = loader.sync();
    await expect.poll(() => held.seen.length).toBe(1);
    expect(held.names()).toEqual([['a.loader.test.', 'b.loader.test.']]);
    expect(held.seen[0]!.loaded[0]!.serial).toBe(2);
    // Loaded and published, not yet served here: the old copies answer until the publisher returns.
    expect(store.get('a.loader.test.')?.serial).toBe(1);
    expect(store.get('b.loader.test.')).toBeDefined();

    held.release();
    expect(await syncing).toEqual({ loaded: ['a.loader.test.'], removed: ['b.loader.test.'] });
    expect(store.get('a.loader.test.')?.serial).toBe(2);
    expect(store.get('b.loader.test.')).toBeUndefined();
  });

  it('with nothing served yet, serves and publishes each batch as it is read; later, a sync as one change', async () => {
    const names = ['a', 'b', 'c', 'd', 'e'].map((l) => `${l}.batch.loader.test.`);
    for (const name of names) await importZone(name, zoneText(name), actor);
    const store = new ZoneStore();
    const loader = new ZoneLoader(store, log, { batchSize: 2 });
    const held = heldPublisher();
    held.release();
    // What the store served each time the publisher was handed a batch.
    const servedAtEach: number[] = [];
    loader.publishTo(async (change) => {
      servedAtEach.push(names.filter((n) => store.get(n)).length);
      await held.publish(change);
    });
    await loader.sync();
    const ours = held.names().map((batch) => batch.filter((n) => names.includes(n))).filter((batch) => batch.length > 0);
    expect(ours.flat()).toEqual(names);
    expect(ours.length).toBeGreaterThanOrEqual(3);
    // Each batch went in before the next was read.
    expect(servedAtEach.filter((n, i) => i > 0 && n > servedAtEach[i - 1]!).length).toBeGreaterThanOrEqual(2);

    for (const name of names) await applyChangeset(name, { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
    const before = held.seen.length;
    await loader.sync();
    expect(held.seen.length - before).toBe(1);
    expect(held.names().at(-1)).toEqual(names);
  });

  it('publishes nothing when nothing changed, and the keys when only the TSIG keys did', async () => {
    await importZone('c.loader.test.', zoneText('c.loader.test.'), actor);
    const store = new ZoneStore();
    const loader = new ZoneLoader(store, log);
    await loader.sync();
    const held = heldPublisher();
    held.release();
    loader.publishTo(held.publish);
    expect(await loader.sync()).toEqual({ loaded: [], removed: [] });
    expect(held.seen).toHaveLength(0);

    await createTsigKey('xfr-key', 'hmac-sha256');
    await loader.sync();
    expect(held.names()).toEqual([[]]);
    expect([...held.seen[0]!.keys.keys()]).toEqual(['xfr-key.']);
    expect([...store.tsigKeys.keys()]).toEqual(['xfr-key.']);
  });

  it('serves the change even when the publisher throws', async () => {
    await importZone('d.loader.test.', zoneText('d.loader.test.'), actor);
    const store = new ZoneStore();
    const loader = new ZoneLoader(store, log);
    await loader.sync();
    loader.publishTo(async () => {
      throw new Error('the answer threads are gone');
    });
    await applyChangeset('d.loader.test.', { add: [{ name: 'ftp', type: 'A', content: '192.0.2.2' }] }, actor);
    await expect(loader.sync()).rejects.toThrow(/gone/);
    expect(store.get('d.loader.test.')?.serial).toBe(2);
  });

  it('shares one more sync among the callers that arrive during one', async () => {
    await importZone('e.loader.test.', zoneText('e.loader.test.'), actor);
    const store = new ZoneStore();
    const loader = new ZoneLoader(store, log);
    const held = heldPublisher();
    loader.publishTo(held.publish);
    const first = loader.sync();
    await expect.poll(() => held.seen.length).toBe(1);
    // A commit while the first sync is held; both callers arrive meanwhile and share one more sync.
    await applyChangeset('e.loader.test.', { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
    const second = loader.sync();
    const third = loader.sync();
    expect(second).toBe(third);
    held.release();
    await first;
    expect(await second).toEqual({ loaded: ['e.loader.test.'], removed: [] });
    expect(held.seen).toHaveLength(2);
    expect(store.get('e.loader.test.')?.serial).toBe(2);
  });

  it('reads the records of many new zones together, each zone getting its own, and fails a zone with a bad record alone', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `z${String(i).padStart(2, '0')}.range.loader.test.`);
    for (const [i, name] of names.entries()) {
      await createZone({ name, nameservers: [`ns1.${name}`] }, actor);
      await applyChangeset(name, { add: [{ name: 'www', type: 'A', content: `192.0.2.${i + 1}` }, { name: 'mail', type: 'MX', content: `10 mx${i}.example.` }] }, actor);
    }
    // A record no write path would store: its zone cannot be built.
    const bad = await db().zone.findUniqueOrThrow({ where: { name: names[7]! } });
    await db().record.create({ data: { zoneId: bad.id, name: 'broken', type: 'A', ttl: 300, content: 'not an address' } });

    const store = new ZoneStore();
    const queries = queryCounts.queries;
    await new ZoneLoader(store, log).sync();
    // Far fewer queries than one per zone.
    expect(queryCounts.queries - queries).toBeLessThan(names.length / 2);
    for (const [i, name] of names.entries()) {
      if (i === 7) {
        expect(store.get(name)).toBeUndefined();
        continue;
      }
      const z = store.get(name)!;
      expect(z.recordsAt(`www.${name}`, 'A').map((r) => r.content)).toEqual([`192.0.2.${i + 1}`]);
      expect(z.recordsAt(`mail.${name}`, 'MX').map((r) => r.content)).toEqual([`10 mx${i}.example.`]);
    }
    // The zone that cannot be built would be tried again at every later sync of this file's tests.
    await deleteZone(names[7]!, actor);
  });

  it('at a start, shares the batches with a load thread and serves what it built as if read here; a thread that cannot read hands its batches back', async () => {
    // Only this test's zones: the thread takes the first batches, which must be some of them.
    for (const z of await db().zone.findMany({ select: { name: true } })) await deleteZone(z.name, actor);
    const names = Array.from({ length: 12 }, (_, i) => `t${String(i).padStart(2, '0')}.threads.loader.test.`);
    for (const [i, name] of names.entries()) {
      await createZone({ name, nameservers: [`ns1.${name}`] }, actor);
      await applyChangeset(name, { add: [{ name: 'www', type: 'A', content: `192.0.2.${i + 1}` }, { name: 'a.b.deep', type: 'TXT', content: `"zone ${i}"` }] }, actor);
    }
    const alone = new ZoneStore();
    await new ZoneLoader(alone, log, { batchSize: 2 }).sync();
    const inSharedMemory = (store: ZoneStore) => names.filter((n) => store.get(n)!.data.buffer instanceof SharedArrayBuffer);
    const sameAsAlone = (store: ZoneStore) => {
      for (const name of names) {
        const { arena, data, slots, ...layout } = store.get(name)!.layout;
        const { arena: arenaAlone, data: dataAlone, slots: slotsAlone, ...layoutAlone } = alone.get(name)!.layout;
        expect(layout).toEqual(layoutAlone);
        expect(arena).toEqual(arenaAlone);
        expect(Buffer.compare(data, dataAlone)).toBe(0);
        expect(slots.map((b) => b.toString('hex'))).toEqual(slotsAlone.map((b) => b.toString('hex')));
        expect(store.get(name)!.recordsAt(`a.b.deep.${name}`, 'TXT').map((r) => r.content)).toEqual([`"zone ${names.indexOf(name)}"`]);
      }
    };
    expect(inSharedMemory(alone)).toEqual([]);

    const helped = new ZoneStore();
    const helpedLoader = new ZoneLoader(helped, log, { batchSize: 2, loadThreads: 1 });
    await helpedLoader.sync();
    // The thread lays its zones out in shared memory (this one does not): it built some, this thread the others.
    expect(inSharedMemory(helped).length).toBeGreaterThan(0);
    expect(inSharedMemory(helped).length).toBeLessThan(names.length);
    sameAsAlone(helped);
    // A thread gets the database named when it starts; this one cannot open it. This thread's connections are open already.
    const url = process.env.DATABASE_URL!;
    process.env.DATABASE_URL = url.startsWith('file:') ? 'file:/nonexistent/zonekeeper.db' : url.replace(/@[^/]+\//, '@127.0.0.1:1/');
    const backHere = new ZoneStore();
    try {
      await new ZoneLoader(backHere, log, { batchSize: 2, loadThreads: 1 }).sync();
    } finally {
      process.env.DATABASE_URL = url;
    }
    expect(inSharedMemory(backHere)).toEqual([]);
    sameAsAlone(backHere);

    // A zone the thread built is patched here like any other.
    const theirs = inSharedMemory(helped)[0]!;
    await applyChangeset(theirs, { add: [{ name: 'new', type: 'A', content: '198.51.100.7' }] }, actor);
    await helpedLoader.sync();
    expect(helped.get(theirs)!.recordsAt(`new.${theirs}`, 'A').map((r) => r.content)).toEqual(['198.51.100.7']);
    expect(helped.get(theirs)!.recordsAt(`www.${theirs}`, 'A')).toHaveLength(1);
  });

  it('compares every zone once changes it had not read have been pruned from the feed', async () => {
    // A worker that stalls through more changes than the feed keeps must not miss the ones it never read.
    await importZone('f.loader.test.', zoneText('f.loader.test.'), actor);
    await importZone('g.loader.test.', zoneText('g.loader.test.'), actor);
    const store = new ZoneStore();
    const loader = new ZoneLoader(store, log);
    await loader.sync();
    await applyChangeset('f.loader.test.', { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
    // Pruned before this loader read it, as KEEP_ROWS later changes would have it.
    const { seq } = await db().zoneChange.findFirstOrThrow({ orderBy: { seq: 'desc' } });
    await db().zoneChange.deleteMany({ where: { seq: { lte: seq } } });
    await applyChangeset('g.loader.test.', { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
    const result = await loader.sync();
    expect(result.loaded.sort()).toEqual(['f.loader.test.', 'g.loader.test.']);
    expect(store.get('f.loader.test.')?.serial).toBe(2);
  });

  it('serves a secondary zone as expired once its expiry passes, with nothing written to say so', async () => {
    const zone = 'h.loader.test.';
    await createZone({ name: zone, kind: 'secondary', primaries: ['192.0.2.1'] }, actor);
    const { id } = await db().zone.findUniqueOrThrow({ where: { name: zone } });
    const now = Date.now();
    const expiresAt = new Date(now + 1000);
    const soa = { mname: `ns1.${zone}`, rname: `hostmaster.${zone}`, serial: 5, refresh: 3600, retry: 600, expire: 86400, minimum: 300 };
    await replaceSecondaryContent(id, { soa, ttl: 300 }, [{ name: zone, type: 'NS', ttl: 300, content: `ns1.${zone}` }], {
      peer: 'test',
      state: { checkedAt: new Date(now), refreshedAt: new Date(now), nextRefreshAt: new Date(now + 3_600_000), expiresAt, failures: 0, error: null },
    });
    const store = new ZoneStore();
    const loader = new ZoneLoader(store, log);
    await loader.sync();
    expect(store.get(zone)?.expired).toBe(false);
    const feed = await db().zoneChange.count();
    await new Promise((r) => setTimeout(r, expiresAt.getTime() - Date.now() + 50));
    expect(await loader.sync()).toEqual({ loaded: [zone], removed: [] });
    expect(store.get(zone)?.expired).toBe(true);
    expect(await db().zoneChange.count()).toBe(feed);
    // Once seen expired, the zone costs nothing more until something is written about it.
    expect(await loader.sync()).toEqual({ loaded: [], removed: [] });
  });

  it('at a start, serves a secondary whose copy expired while it was down as expired, and a current one as current, whatever the time zone', async () => {
    const now = Date.now();
    const secondary = async (zone: string, expiresAt: Date) => {
      await createZone({ name: zone, kind: 'secondary', primaries: ['192.0.2.1'] }, actor);
      const { id } = await db().zone.findUniqueOrThrow({ where: { name: zone } });
      const soa = { mname: `ns1.${zone}`, rname: `hostmaster.${zone}`, serial: 5, refresh: 3600, retry: 600, expire: 86400, minimum: 300 };
      await replaceSecondaryContent(id, { soa, ttl: 300 }, [{ name: zone, type: 'NS', ttl: 300, content: `ns1.${zone}` }], {
        peer: 'test',
        state: { checkedAt: new Date(now), refreshedAt: new Date(now), nextRefreshAt: new Date(now + 3_600_000), expiresAt, failures: 0, error: null },
      });
    };
    await secondary('past.loader.test.', new Date(now - 60_000));
    await secondary('future.loader.test.', new Date(now + 3_600_000));
    // The stored times are UTC; a reader taking them for local time would move them by 14 hours here.
    const zoneBefore = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati';
    try {
      const store = new ZoneStore();
      await new ZoneLoader(store, log).sync();
      expect([store.get('past.loader.test.')?.expired, store.get('future.loader.test.')?.expired]).toEqual([true, false]);
    } finally {
      if (zoneBefore === undefined) delete process.env.TZ;
      else process.env.TZ = zoneBefore;
    }
  });

  it('applies a commit to the copy it serves from the journal, without reading the zone again', async () => {
    const zone = 'i.loader.test.';
    const hosts = Array.from({ length: 3000 }, (_, i) => `h${i} IN A 192.0.2.${i % 250}`);
    await importZone(zone, [zoneText(zone), ...hosts, ''].join('\n'), actor);
    const store = new ZoneStore();
    const loader = new ZoneLoader(store, log);
    await loader.sync();
    const ask = (name: string) => store.get(zone)!.recordsAt(`${name}.${zone}`, 'A').map((r) => r.content);
    expect(ask('h2999')).toEqual(['192.0.2.249']);

    await applyChangeset(zone, { add: [{ name: 'new', type: 'A', content: '192.0.2.77' }], remove: [{ name: 'h5', type: 'A', content: '192.0.2.5' }] }, actor);
    const rows = queryCounts.rows;
    expect(await loader.sync()).toEqual({ loaded: [zone], removed: [] });
    // The journal entry and a few rows about the zone, not its 3,000 records.
    expect(queryCounts.rows - rows).toBeLessThan(20);
    expect([ask('new'), ask('h5'), ask('h6')]).toEqual([['192.0.2.77'], [], ['192.0.2.6']]);
    expect(store.get(zone)!.findNode(`h5.${zone}`)).toBe(-1);
    expect(store.get(zone)!.serial).toBe(2);
  });

  it('reads a secondary zone in full after a retrieve changed its records at the same serial', async () => {
    const zone = 'j.loader.test.';
    await createZone({ name: zone, kind: 'secondary', primaries: ['192.0.2.1'] }, actor);
    const { id } = await db().zone.findUniqueOrThrow({ where: { name: zone } });
    const soa = { mname: `ns1.${zone}`, rname: `hostmaster.${zone}`, serial: 5, refresh: 3600, retry: 600, expire: 86400, minimum: 300 };
    const transfer = (address: string, force = false) =>
      replaceSecondaryContent(
        id,
        { soa, ttl: 300 },
        [
          { name: zone, type: 'NS', ttl: 300, content: `ns1.${zone}` },
          { name: `www.${zone}`, type: 'A', ttl: 300, content: address },
        ],
        { peer: 'test', force },
      );
    await transfer('192.0.2.1');
    const store = new ZoneStore();
    const loader = new ZoneLoader(store, log);
    await loader.sync();
    // The primary changed its records without a new serial; an operator forced a retrieve.
    await transfer('192.0.2.2', true);
    const rows = queryCounts.rows;
    await loader.sync();
    expect(queryCounts.rows - rows).toBeGreaterThan(0);
    expect(store.get(zone)!.recordsAt(`www.${zone}`, 'A').map((r) => r.content)).toEqual(['192.0.2.2']);
  });

  it('applies a small IXFR to a big secondary zone reading only the names it touches, and serves it patched', async () => {
    const zone = 'k.loader.test.';
    await createZone({ name: zone, kind: 'secondary', primaries: ['192.0.2.1'] }, actor);
    const { id } = await db().zone.findUniqueOrThrow({ where: { name: zone } });
    const soa = (serial: number) => ({ soa: { mname: `ns1.${zone}`, rname: `hostmaster.${zone}`, serial, refresh: 3600, retry: 600, expire: 86400, minimum: 300 }, ttl: 300 });
    const host = (i: number, address = `10.0.${i >> 8}.${i & 255}`) => ({ name: `h${i}.${zone}`, type: 'A', ttl: 300, content: address });
    const hosts = Array.from({ length: 3000 }, (_, i) => host(i));
    await replaceSecondaryContent(id, soa(1), [{ name: zone, type: 'NS', ttl: 300, content: `ns1.${zone}` }, ...hosts], { peer: 'test' });
    const store = new ZoneStore();
    const loader = new ZoneLoader(store, log);
    await loader.sync();

    let rows = queryCounts.rows;
    const applied = await applySecondaryDiffs(id, [{ from: soa(1), to: soa(2), removed: [host(7)], added: [host(7, '192.0.2.7'), host(5000)] }], { peer: 'test' });
    expect(queryCounts.rows - rows).toBeLessThan(20);
    expect(applied).toMatchObject({ changed: true, newSerial: 2, added: 2, removed: 1, records: 3002 });
    rows = queryCounts.rows;
    await loader.sync();
    expect(queryCounts.rows - rows).toBeLessThan(20);
    const served = store.get(zone)!;
    expect([served.serial, served.recordCount]).toEqual([2, 3003]);
    expect(served.recordsAt(`h7.${zone}`, 'A').map((r) => r.content)).toEqual(['192.0.2.7']);
    expect(served.recordsAt(`h5000.${zone}`, 'A')).toHaveLength(1);
  });
});
