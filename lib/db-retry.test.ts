// Found in CI: `zonekeeper record add` failed with "database is locked" while
// the worker recorded a probe between the commit's read and its write; and
// eight loops of 25 `record add` on one zone lost 2 of 200 commits to
// "Operation has timed out" (SQLite's busy lock as Prisma's P1008, which the
// retry did not recognise).
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sqliteFile } from './config/database-url';
import { db, retryWhenLocked, writeTransaction } from './db';
import { sqliteAdapter } from './db-adapters';
import { DatabaseError, databaseFailure } from './db-errors';
import { PrismaClient } from './generated/prisma/client';

describe('retryWhenLocked', () => {
  it('runs a transaction again when SQLite says the database is locked', async () => {
    let calls = 0;
    const result = await retryWhenLocked(async () => {
      if (++calls < 3) throw new Error('Invalid `tx.zone.updateMany()` invocation: database is locked');
      return 'committed';
    });
    expect(result).toBe('committed');
    expect(calls).toBe(3);
  });

  it('recognises the lock under Prisma’s names: P1008 "Operation has timed out", P2034 write conflict', async () => {
    for (const failure of [
      Object.assign(new Error('Invalid `tx.zone.updateMany()` invocation: Operation has timed out'), { code: 'P1008' }),
      Object.assign(new Error('Transaction failed due to a write conflict or a deadlock. Please retry your transaction'), { code: 'P2034' }),
    ]) {
      let calls = 0;
      const result = await retryWhenLocked(async () => {
        if (++calls < 2) throw failure;
        return 'committed';
      });
      expect(result).toBe('committed');
      expect(calls).toBe(2);
    }
  });

  it('passes any other failure through at once, and gives up on a lock that stays', async () => {
    let calls = 0;
    await expect(retryWhenLocked(async () => (calls++, Promise.reject(new Error('UNIQUE constraint failed'))))).rejects.toThrow(/UNIQUE/);
    expect(calls).toBe(1);
    calls = 0;
    await expect(retryWhenLocked(async () => (calls++, Promise.reject(new Error('database is locked'))), 3)).rejects.toThrow(/locked/);
    expect(calls).toBe(3);
  });
});

describe('writeTransaction on SQLite', () => {
  it('waits for another process that holds the write lock, then commits on top of its write', async () => {
    await db().setting.upsert({ where: { key: 'probe-count' }, create: { key: 'probe-count', value: '0' }, update: { value: '0' } });
    // Another process on the same file, as the worker is to the web app, in the middle of a write.
    const other = new Database(sqliteFile());
    try {
      other.exec('BEGIN IMMEDIATE');
      other.prepare("UPDATE Setting SET value = '41' WHERE key = 'probe-count'").run();
      setTimeout(() => other.exec('COMMIT'), 300);
      const started = Date.now();
      const value = await writeTransaction(async (tx) => {
        const current = await tx.setting.findUniqueOrThrow({ where: { key: 'probe-count' } });
        const next = String(Number(current.value) + 1);
        await tx.setting.update({ where: { key: 'probe-count' }, data: { value: next } });
        return next;
      });
      // It waited for the other commit and read its 41: nothing lost, nothing failed.
      expect(value).toBe('42');
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect((await db().setting.findUniqueOrThrow({ where: { key: 'probe-count' } })).value).toBe('42');
    } finally {
      other.close();
    }
  });

  it('shows queries outside the transaction only what is committed', async () => {
    await db().setting.upsert({ where: { key: 'isolation' }, create: { key: 'isolation', value: 'before' }, update: { value: 'before' } });
    let seenOutside = '';
    await writeTransaction(async (tx) => {
      await tx.setting.update({ where: { key: 'isolation' }, data: { value: 'inside' } });
      // What the worker's zone loader does while a transfer is being stored: it must not load half of it.
      seenOutside = (await db().setting.findUniqueOrThrow({ where: { key: 'isolation' } })).value;
    });
    expect(seenOutside).toBe('before');
    expect((await db().setting.findUniqueOrThrow({ where: { key: 'isolation' } })).value).toBe('inside');
  });

  it('gives up on a lock held past the wait, with one line saying the database is busy', async () => {
    const file = sqliteFile();
    const other = new Database(file);
    const client = new PrismaClient({ adapter: sqliteAdapter(file, { lockWaitMs: 300 }) });
    const busy = `The database is busy (${file}): another write held it for 300 ms, so nothing was changed. Try again.`;
    try {
      other.exec('BEGIN IMMEDIATE');
      const started = Date.now();
      const inTransaction = await client.$transaction((tx) => tx.setting.findMany(), { maxWait: 10_000 }).catch((e: unknown) => e);
      expect(inTransaction).toBeInstanceOf(DatabaseError);
      expect((inTransaction as DatabaseError).message).toBe(busy);
      expect(Date.now() - started).toBeLessThan(3000);
      // A single write outside a transaction waits the same way and says the same.
      const single = await client.setting.create({ data: { key: 'never', value: 'x' } }).catch((e: unknown) => e);
      expect(databaseFailure(single)?.message).toBe(busy);
      other.exec('ROLLBACK');
      // Nothing stays held: the next transaction runs at once.
      expect(await client.$transaction((tx) => tx.setting.count())).toBeGreaterThan(0);
    } finally {
      other.close();
      await client.$disconnect();
    }
  });
});
