// The change feed where the database has no LISTEN/NOTIFY (MySQL/MariaDB,
// lib/db.ts listenForChanges): a change committed on another connection wakes
// the listener well within a second, a rolled-back one does not, and while
// nothing changes the looks read no row at all; a feed it cannot read is
// reported once and, once back, wakes the listener for what may have changed
// meanwhile.
import { afterEach, describe, expect, it } from 'vitest';
import { db, listenForChanges, queryCounts, selectRows, writeTransaction, type ChangeFeed } from './db';
import { eventually } from './testing/dns-client';
import { markChanged } from './zones/zone-changes';

let feed: ChangeFeed | undefined;
afterEach(async () => {
  await feed?.close();
  feed = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the change feed on MySQL/MariaDB', () => {
  it('wakes the listener within a second of a commit, not for a rollback, and reads nothing while idle', async () => {
    let calls = 0;
    feed = await listenForChanges(() => calls++);
    expect(feed.listening).toBe(true);
    // The first look counts as a change: the worker compares what it loaded with what committed meanwhile.
    expect(calls).toBe(1);

    const before = { ...queryCounts };
    await sleep(1000);
    expect(calls).toBe(1);
    // It looked (about five times), and read no row.
    expect(queryCounts.queries - before.queries).toBeGreaterThanOrEqual(3);
    expect(queryCounts.rows).toBe(before.rows);

    await writeTransaction(async (tx) => {
      await markChanged(tx, 'rolled-back.feed.test.');
      throw new Error('roll it back');
    }).catch(() => undefined);
    await sleep(600);
    expect(calls).toBe(1);

    const committed = Date.now();
    await writeTransaction((tx) => markChanged(tx, 'committed.feed.test.'));
    await eventually(async () => calls, (n) => n === 2, 1000, 20);
    expect(Date.now() - committed).toBeLessThan(1000);
    await sleep(600);
    expect(calls).toBe(2);
  });

  it('survives the loss of its connection, and says once while it cannot look, waking the listener afterwards', async () => {
    let calls = 0;
    const errors: string[] = [];
    feed = await listenForChanges(() => calls++, (message) => errors.push(message));
    expect(calls).toBe(1);
    // The feed looks on selectRows' one connection: end it from another session, as a server restart would.
    const [[id]] = (await selectRows('SELECT CONNECTION_ID()', [])) as [[number | bigint]];
    await db().$executeRawUnsafe(`KILL CONNECTION ${Number(id)}`);
    await writeTransaction((tx) => markChanged(tx, 'after-kill.feed.test.'));
    await eventually(async () => calls, (n) => n >= 2, 1000, 20);
    expect(calls).toBe(2);

    // A feed that cannot be read for a while (its table away) is reported once, not at every look.
    await db().$executeRawUnsafe('RENAME TABLE "ZoneChange" TO "ZoneChangeAway"');
    await sleep(1000);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^change sequence check failed: /);
    await db().$executeRawUnsafe('RENAME TABLE "ZoneChangeAway" TO "ZoneChange"');
    // Back: whatever was committed meanwhile is for the listener to find.
    await eventually(async () => calls, (n) => n >= 3, 1000, 20);
    expect(calls).toBe(3);
    expect(errors).toHaveLength(1);
  });
});
