// The MySQL errors an operator meets, as MariaDB really raises them through
// our client (the shapes alone are pinned in db-errors.test.ts): a deadlock is
// run again and both writers get through; a row lock held too long is "busy";
// a statement over max_allowed_packet names that setting. The read-only ones
// need a replica: lib/worker/replica.my.test.ts.
import type { Connection } from 'mariadb';
import { afterEach, describe, expect, it } from 'vitest';
import { mysqlConnection } from './config/database-url';
import { db, disconnectDb, writeTransaction } from './db';
import { databaseFailure, DatabaseError, driverErrorCode } from './db-errors';

async function connect(): Promise<Connection> {
  const { default: driver } = await import('mariadb');
  return driver.createConnection({ ...mysqlConnection(), connectTimeout: 5000 });
}

const setting = (key: string) => db().setting.upsert({ where: { key }, create: { key, value: '0' }, update: {} });

/** Resolves once `flag()` holds; bounded, so a broken test fails instead of hanging. */
async function until(flag: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!flag()) {
    if (Date.now() > deadline) throw new Error('the other transaction never got there');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('MySQL errors from MariaDB', () => {
  afterEach(() => disconnectDb());

  it('runs a transaction that lost a deadlock (1213) again, so both writers succeed', async () => {
    await setting('left');
    await setting('right');
    const locked = { left: false, right: false };
    let attempts = 0;
    // Each takes one row, waits for the other to take the other row, then wants it: InnoDB picks a victim.
    const cross = (first: 'left' | 'right', second: 'left' | 'right') =>
      writeTransaction(async (tx) => {
        attempts++;
        await tx.setting.update({ where: { key: first }, data: { value: `${first} first` } });
        locked[first] = true;
        await until(() => locked[second]);
        await tx.setting.update({ where: { key: second }, data: { value: `${first} first` } });
      });
    await Promise.all([cross('left', 'right'), cross('right', 'left')]);
    expect(attempts).toBe(3);
    const values = (await db().setting.findMany({ where: { key: { in: ['left', 'right'] } } })).map((s) => s.value);
    expect(new Set(values).size).toBe(1);
  });

  it('calls a row lock held past innodb_lock_wait_timeout (1205) busy, and does not wait again', async () => {
    await setting('held');
    const other = await connect();
    try {
      await other.beginTransaction();
      await other.query("UPDATE `Setting` SET `value` = 'other' WHERE `key` = 'held'");
      let attempts = 0;
      const err: unknown = await writeTransaction(async (tx) => {
        attempts++;
        // Our sessions wait 30 s (lib/db-adapters.ts); this test has not got that long.
        await tx.$executeRaw`SET SESSION innodb_lock_wait_timeout = 1`;
        await tx.setting.update({ where: { key: 'held' }, data: { value: 'ours' } });
      }).then(() => null, (e: unknown) => e);
      expect(attempts).toBe(1);
      expect(err).toBeInstanceOf(DatabaseError);
      expect(driverErrorCode(err)).toBe('1205');
      expect((err as DatabaseError).message).toMatch(/^The database is busy \(mariadb:\/\/.+\): another write held it, so nothing was changed\. Try again\.$/);
    } finally {
      await other.rollback();
      await other.end();
    }
  });

  it('names max_allowed_packet for a statement over it (1153), and the next query works at once', async () => {
    const [{ max }] = await db().$queryRaw<[{ max: bigint | number }]>`SELECT @@GLOBAL.max_allowed_packet AS max`;
    const big = 'x'.repeat(Number(max) + 1024);
    // MariaDB closes the connection after such a statement, and the pool could hand it out again before
    // noticing: the next query failed with "write ECONNRESET" about every other time. Hence a few rounds.
    for (let round = 0; round < 4; round++) {
      const err: unknown = await db()
        .$executeRaw`INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES ('big', ${big}, NOW(3))`.then(() => null, (e: unknown) => e);
      const failure = databaseFailure(err);
      expect(failure?.kind).toBe('too-big');
      expect(failure?.message).toMatch(/^The change is too big for the database server \(.+\): one statement went over its max_allowed_packet, so nothing was changed\. Raise max_allowed_packet/);
      expect(await db().setting.count({ where: { key: 'big' } })).toBe(0);
    }
  });
});
