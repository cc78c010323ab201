// The change feed on a real database: every write that changes what a worker
// serves names its zone, a reader never skips a change that commits after a
// later one, and the table stays bounded.
import { describe, expect, it } from 'vitest';
import { db, writeTransaction } from '../db';
import { addAutoprimary, deleteAutoprimary } from './autoprimaries';
import { applyChangeset, importZone } from './changes';
import { recordRefreshState, replaceSecondaryContent } from './secondary-store';
import { createZone, deleteZone, setZoneOptions } from './zone-lifecycle';
import { createTsigKey, deleteTsigKey } from './tsig-keys';
import { ChangeCursor, KEEP_ROWS, markChanged, type ZoneChanges } from './zone-changes';
import { numbersSql } from '../testing/sql-numbers';

const actor = { name: 'test' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A cursor at the end of the feed, as a worker's after its first full comparison. */
async function cursorAtEnd(): Promise<ChangeCursor> {
  const cursor = new ChangeCursor();
  cursor.advance(await cursor.read());
  return cursor;
}

/** What the feed says changed since the cursor's position; moves the cursor past it. */
async function next(cursor: ChangeCursor): Promise<ZoneChanges> {
  const c = await cursor.read();
  cursor.advance(c);
  return c;
}

const zoneText = (z: string) => [`$ORIGIN ${z}`, '$TTL 300', '@ IN SOA ns1 hostmaster 1 3600 600 86400 60', '@ IN NS ns1', 'ns1 IN A 192.0.2.53', ''].join('\n');

describe('the change feed', () => {
  it('names the zone of every write that changes what is served, and marks shared data', async () => {
    const cursor = await cursorAtEnd();
    const named = async (write: () => Promise<unknown>) => {
      await write();
      const c = await next(cursor);
      expect(c.everything).toBe(false);
      return { zones: [...c.zones], shared: c.shared };
    };
    const z = 'feed.test.';
    expect(await named(() => createZone({ name: z }, actor))).toEqual({ zones: [z], shared: false });
    expect(await named(() => applyChangeset(z, { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, actor))).toEqual({ zones: [z], shared: false });
    expect(await named(() => setZoneOptions(z, { allowTransfer: ['192.0.2.0/24'] }, actor))).toEqual({ zones: [z], shared: false });
    expect(await named(() => importZone('imported.feed.test.', zoneText('imported.feed.test.'), actor))).toEqual({ zones: ['imported.feed.test.'], shared: false });
    expect(await named(() => createTsigKey('feed-key', 'hmac-sha256'))).toEqual({ zones: [], shared: true });
    expect(await named(() => setZoneOptions(z, { tsig: 'feed-key' }, actor))).toEqual({ zones: [z], shared: false });
    expect(await named(() => setZoneOptions(z, { tsig: 'none' }, actor))).toEqual({ zones: [z], shared: false });
    expect(await named(() => deleteTsigKey('feed-key'))).toEqual({ zones: [], shared: true });
    expect(await named(() => addAutoprimary('192.0.2.9', 'ns1.example.net'))).toEqual({ zones: [], shared: true });
    expect(await named(() => deleteAutoprimary('192.0.2.9', 'ns1.example.net'))).toEqual({ zones: [], shared: true });
    expect(await named(() => deleteZone(z, actor))).toEqual({ zones: [z], shared: false });
    // A commit that changes nothing writes nothing, and names nothing.
    expect(await named(() => applyChangeset('imported.feed.test.', {}, actor))).toEqual({ zones: [], shared: false });
  });

  it('names a secondary zone when a transfer lands and when its expiry is lifted, not when a refresh only moves it later', async () => {
    const z = 'secondary.feed.test.';
    await createZone({ name: z, kind: 'secondary', primaries: ['192.0.2.1'] }, actor);
    const { id } = await db().zone.findUniqueOrThrow({ where: { name: z } });
    const cursor = await cursorAtEnd();
    const at = (s: number) => new Date(Date.now() + s * 1000);
    const state = (expiresAt: Date) => ({ checkedAt: new Date(), refreshedAt: new Date(), nextRefreshAt: at(3600), expiresAt, failures: 0, error: null });
    const soa = { soa: { mname: `ns1.${z}`, rname: `hostmaster.${z}`, serial: 5, refresh: 3600, retry: 600, expire: 86400, minimum: 300 }, ttl: 300 };
    await replaceSecondaryContent(id, soa, [{ name: z, type: 'NS', ttl: 300, content: `ns1.${z}` }], { peer: 'test', state: state(at(-1)) });
    expect([...(await next(cursor)).zones]).toEqual([z]);
    // Expired (above), then confirmed current: the copy must answer again.
    await recordRefreshState(id, state(at(86_400)));
    expect([...(await next(cursor)).zones]).toEqual([z]);
    // Confirmed again, the expiry a little later: nothing a worker must act on now.
    await recordRefreshState(id, state(at(86_500)));
    expect([...(await next(cursor)).zones]).toEqual([]);
    // A failed refresh leaves the expiry where it was.
    await recordRefreshState(id, { checkedAt: new Date(), nextRefreshAt: at(60), failures: 1, error: 'timeout' });
    expect([...(await next(cursor)).zones]).toEqual([]);
    // Brought forward, it is news: the worker's watch would otherwise wait for the later time.
    await recordRefreshState(id, state(at(3600)));
    expect([...(await next(cursor)).zones]).toEqual([z]);
  });

  it('does not skip a change that commits after a later one was read', async () => {
    // PostgreSQL numbers rows as they are inserted, not as they commit: without taking turns, a reader
    // that saw the later row moved past the earlier one before it was committed, and never read it.
    const cursor = await cursorAtEnd();
    const slow = writeTransaction(async (tx) => {
      await markChanged(tx, 'slow.feed.test.');
      await sleep(600);
    });
    await sleep(150);
    const quick = writeTransaction((tx) => markChanged(tx, 'quick.feed.test.'));
    await sleep(150);
    const seen = new Set<string>();
    for (const z of (await next(cursor)).zones) seen.add(z);
    await Promise.all([slow, quick]);
    for (const z of (await next(cursor)).zones) seen.add(z);
    expect([...seen].sort()).toEqual(['quick.feed.test.', 'slow.feed.test.']);
  });

  it('keeps the newest rows, and tells a reader whose rows were pruned to compare everything', async () => {
    await writeTransaction((tx) => markChanged(tx, 'first.feed.test.'));
    const behind = await cursorAtEnd();
    // Fill the feed in bulk far enough on to prune every row so far.
    const last = (await db().zoneChange.findFirstOrThrow({ orderBy: { seq: 'desc' } })).seq;
    await db().$executeRawUnsafe(`INSERT INTO "ZoneChange" ("zone") SELECT 'bulk.feed.test.' FROM ${numbersSql(KEEP_ROWS).sql}`);
    // Then up to just below a pruning point, from where the sequence goes on (MySQL may skip numbers after a bulk insert).
    await writeTransaction((tx) => markChanged(tx, 'bulk.feed.test.'));
    const at = (await db().zoneChange.findFirstOrThrow({ orderBy: { seq: 'desc' } })).seq;
    const prunePoint = Math.ceil((at + 1) / 1000) * 1000;
    await db().zoneChange.createMany({ data: Array.from({ length: prunePoint - at - 1 }, () => ({ zone: 'bulk.feed.test.' })) });
    const kept = await db().zoneChange.count({ where: { seq: { gt: prunePoint - KEEP_ROWS } } });
    await writeTransaction((tx) => markChanged(tx, 'last.feed.test.'));
    // The newest rows stay, every older one is gone.
    expect(await db().zoneChange.count()).toBe(kept + 1);
    const oldest = (await db().zoneChange.findFirstOrThrow({ orderBy: { seq: 'asc' } })).seq;
    expect(oldest).toBeGreaterThan(last);
    // A reader that had read up to just before the oldest row kept has missed nothing.
    const current = new ChangeCursor();
    current.advance({ zones: new Set(), shared: false, everything: false, upTo: oldest - 1 });
    expect(await current.read()).toMatchObject({ everything: false, zones: new Set(['bulk.feed.test.', 'last.feed.test.']) });
    // One that had read no further than `last` has missed pruned rows: it compares everything.
    expect((await behind.read()).everything).toBe(true);
  });

  it('tells a reader whose position is past the newest row (a database restored under it) to compare everything, then goes on from there', async () => {
    await writeTransaction((tx) => markChanged(tx, 'before-restore.feed.test.'));
    const newest = (await db().zoneChange.findFirstOrThrow({ orderBy: { seq: 'desc' } })).seq;
    const atEnd = await cursorAtEnd();
    expect(await next(atEnd)).toMatchObject({ everything: false, shared: false, zones: new Set() });
    // A worker that had read rows the restored database never had.
    const ahead = new ChangeCursor();
    ahead.advance({ zones: new Set(), shared: false, everything: false, upTo: newest + 500 });
    expect(await next(ahead)).toMatchObject({ everything: true, upTo: newest });
    await writeTransaction((tx) => markChanged(tx, 'after-restore.feed.test.'));
    expect(await next(ahead)).toMatchObject({ everything: false, zones: new Set(['after-restore.feed.test.']) });
  });
});
