// Found on a secondary whose disk filled up: a COMMIT that failed with
// SQLITE_FULL left Prisma's SQLite adapter holding its transaction lock, so
// every later transaction of the process waited forever, even after space
// came back.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { db, disconnectDb, writeTransaction } from './db';
import { DatabaseError } from './db-errors';
import { mountSmallDisk } from './testing/small-disk';

const disk = mountSmallDisk(4);

/** `p`, or a failure after `ms`: a transaction that never ends must fail the test, not hang it. */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms).unref())]);
}

describe.skipIf(!disk)('a commit on a full disk', () => {
  const file = path.join(disk?.dir ?? '', 'zonekeeper.db');
  const previousUrl = process.env.DATABASE_URL;

  beforeAll(async () => {
    fs.copyFileSync(inject('baseDb'), file);
    await disconnectDb();
    process.env.DATABASE_URL = `file:${file}`;
    await db().setting.create({ data: { key: 'big', value: '0' } });
  });

  afterAll(async () => {
    await disconnectDb();
    process.env.DATABASE_URL = previousUrl;
    disk?.remove();
  });

  it('is refused with one line saying the disk is full, and nothing is stored', async () => {
    disk!.fill();
    const failure = await within(
      10_000,
      writeTransaction((tx) => tx.setting.update({ where: { key: 'big' }, data: { value: 'x'.repeat(400_000) } })),
    ).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DatabaseError);
    expect((failure as DatabaseError).kind).toBe('disk-full');
    expect((failure as DatabaseError).message).toBe(`The database disk is full (${file}): nothing was changed. Free space on that disk and try again.`);
    expect((await db().setting.findUniqueOrThrow({ where: { key: 'big' } })).value).toBe('0');
  });

  it('leaves nothing held: once space is back the next transaction commits', async () => {
    disk!.free();
    await within(5000, writeTransaction((tx) => tx.setting.update({ where: { key: 'big' }, data: { value: 'x'.repeat(400_000) } })));
    expect((await db().setting.findUniqueOrThrow({ where: { key: 'big' } })).value).toHaveLength(400_000);
  });
});
