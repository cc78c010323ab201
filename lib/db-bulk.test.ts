// executeBulk sends a big statement past Prisma, straight on the connection
// of the writeTransaction it belongs to. It must commit and roll back with
// that transaction, never on its own: an import that fails after writing its
// records must leave nothing behind, on SQLite and on PostgreSQL alike.
import { afterEach, describe, expect, it } from 'vitest';
import { Prisma } from './generated/prisma/client';
import { db, dbProvider, executeBulk, jsonRows, sqlCast, writeTransaction } from './db';
import { importZone } from './zones/changes';
import { createZone } from './zones/zone-lifecycle';

const actor = { name: 'test' };

async function zoneId(name: string): Promise<number> {
  return (await db().zone.findUniqueOrThrow({ where: { name } })).id;
}

const recordCount = async (zone: string) => db().record.count({ where: { zone: { name: zone } } });

/** Rows for insertRow: name, type, ttl, content. */
function bulkInsert(id: number, rows: [string, string, number, string][]): Prisma.Sql {
  return Prisma.sql`INSERT INTO "Record" ("zoneId", "name", "type", "ttl", "content")
    SELECT ${sqlCast(id, 'integer')}, j."c0", j."c1", j."c2", j."c3" FROM ${jsonRows(JSON.stringify(rows), ['text', 'text', 'int', 'text'])}`;
}

/** A zone file of `hosts` A records (a few thousand: several bulk statements), the SOA serial given. */
function zoneFile(zone: string, hosts: number, serial: number, octet = 1): string {
  const lines = [`$ORIGIN ${zone}`, '$TTL 300', `@ IN SOA ns1 hostmaster ${serial} 3600 600 86400 300`, '@ IN NS ns1', 'ns1 IN A 192.0.2.53'];
  for (let i = 0; i < hosts; i++) lines.push(`h${i} IN A 10.${octet}.${(i >> 8) & 255}.${i & 255}`);
  return lines.join('\n') + '\n';
}

/** Makes every write of a Change row fail, as a full disk or a bug could at that moment, until the returned function runs. */
async function refuseChanges(): Promise<() => Promise<void>> {
  if (dbProvider() === 'postgresql') {
    await db().$executeRawUnsafe(`CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
    await db().$executeRawUnsafe(`CREATE TRIGGER refuse_change BEFORE INSERT ON "Change" FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    return async () => {
      await db().$executeRawUnsafe('DROP TRIGGER refuse_change ON "Change"');
      await db().$executeRawUnsafe('DROP FUNCTION refuse_change()');
    };
  }
  if (dbProvider() === 'mysql') {
    await db().$executeRawUnsafe(`CREATE TRIGGER refuse_change BEFORE INSERT ON "Change" FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'`);
    return async () => void (await db().$executeRawUnsafe('DROP TRIGGER refuse_change'));
  }
  await db().$executeRawUnsafe(`CREATE TRIGGER refuse_change BEFORE INSERT ON "Change" BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
  return async () => void (await db().$executeRawUnsafe('DROP TRIGGER refuse_change'));
}

/** The failure refuseChanges causes: PostgreSQL's or MySQL's message, or Prisma's words for SQLite's RAISE in a trigger. */
const REFUSED = /refused by the test|Invalid `tx\.change\.create\(\)` invocation/;

let allowChanges: (() => Promise<void>) | null = null;
afterEach(async () => {
  await allowChanges?.();
  allowChanges = null;
});

describe('executeBulk inside writeTransaction', () => {
  it('writes rows that its transaction sees and nobody outside it does, undone when the transaction fails', async () => {
    await createZone({ name: 'bulk-rollback.test', nameservers: ['ns1.example.net.'] }, actor);
    const id = await zoneId('bulk-rollback.test.');
    const before = await recordCount('bulk-rollback.test.');
    const seen: { inside?: number; outside?: number } = {};
    const failure = await writeTransaction(async (tx) => {
      await executeBulk(tx, bulkInsert(id, [['a.bulk-rollback.test.', 'A', 60, '192.0.2.1'], ['b.bulk-rollback.test.', 'A', 60, '192.0.2.2']]));
      seen.inside = await tx.record.count({ where: { zoneId: id } });
      seen.outside = await recordCount('bulk-rollback.test.');
      throw new Error('a failure after the insert');
    }).catch((e: unknown) => e);
    expect((failure as Error).message).toBe('a failure after the insert');
    expect(seen).toEqual({ inside: before + 2, outside: before });
    expect(await recordCount('bulk-rollback.test.')).toBe(before);
  });

  it('binds text, whole numbers, bigints and null as the database types them', async () => {
    await createZone({ name: 'bulk-types.test', nameservers: ['ns1.example.net.'] }, actor);
    const id = await zoneId('bulk-types.test.');
    await db().zone.update({ where: { id }, data: { lastError: 'was set' } });
    const changed = await writeTransaction((tx) =>
      executeBulk(tx, Prisma.sql`UPDATE "Zone" SET "serial" = ${4294967295n}, "lastError" = ${null}, "soaRname" = ${"it's.example."}, "soaTtl" = ${86400} WHERE "id" = ${id}`),
    );
    expect(changed).toBe(1);
    expect(await db().zone.findUniqueOrThrow({ where: { id }, select: { serial: true, lastError: true, soaRname: true, soaTtl: true } })).toEqual({
      serial: 4294967295n,
      lastError: null,
      soaRname: "it's.example.",
      soaTtl: 86400,
    });
    await expect(writeTransaction((tx) => executeBulk(tx, Prisma.sql`UPDATE "Zone" SET "soaTtl" = ${1.5} WHERE "id" = ${id}`))).rejects.toThrow(
      'executeBulk binds text, whole numbers, bigints and null, not 1.5',
    );
  });

  it.skipIf(dbProvider() === 'sqlite')('keeps the rows of two transactions running at once apart: one failing takes only its own', async () => {
    await createZone({ name: 'bulk-one.test', nameservers: ['ns1.example.net.'] }, actor);
    await createZone({ name: 'bulk-two.test', nameservers: ['ns1.example.net.'] }, actor);
    const [one, two] = [await zoneId('bulk-one.test.'), await zoneId('bulk-two.test.')];
    // Each waits, after its insert, for the other's: both are open with rows written when the first one fails.
    let oneWrote!: () => void;
    let twoWrote!: () => void;
    const oneWritten = new Promise<void>((r) => (oneWrote = r));
    const twoWritten = new Promise<void>((r) => (twoWrote = r));
    const failing = writeTransaction(async (tx) => {
      await executeBulk(tx, bulkInsert(one, [['x.bulk-one.test.', 'A', 60, '192.0.2.1']]));
      oneWrote();
      await twoWritten;
      throw new Error('the first one fails');
    });
    const committing = writeTransaction(async (tx) => {
      await oneWritten;
      await executeBulk(tx, bulkInsert(two, [['x.bulk-two.test.', 'A', 60, '192.0.2.2'], ['y.bulk-two.test.', 'A', 60, '192.0.2.3']]));
      twoWrote();
      await failing.catch(() => undefined);
    });
    await expect(failing).rejects.toThrow('the first one fails');
    await committing;
    expect(await db().record.findMany({ where: { name: { in: ['x.bulk-one.test.', 'x.bulk-two.test.', 'y.bulk-two.test.'] } }, select: { name: true }, orderBy: { name: 'asc' } })).toEqual([
      { name: 'x.bulk-two.test.' },
      { name: 'y.bulk-two.test.' },
    ]);
  });
});

describe('an import that fails after writing its records', () => {
  it('creates no zone and leaves no record when the new zone cannot be journaled', async () => {
    allowChanges = await refuseChanges();
    await expect(importZone('half.test', zoneFile('half.test.', 5000, 7), actor)).rejects.toThrow(REFUSED);
    expect(await db().zone.count({ where: { name: 'half.test.' } })).toBe(0);
    expect(await db().record.count({ where: { name: { endsWith: '.half.test.' } } })).toBe(0);

    await allowChanges();
    allowChanges = null;
    expect(await importZone('half.test', zoneFile('half.test.', 5000, 7), actor)).toMatchObject({ changed: true, newSerial: 7 });
    expect(await db().record.count({ where: { name: { endsWith: '.half.test.' } } })).toBe(5001);
  });

  it('leaves an existing zone exactly as it was: records, serial, journal', async () => {
    await importZone('whole.test', zoneFile('whole.test.', 5000, 7), actor);
    const snapshot = async () => ({
      zone: await db().zone.findUniqueOrThrow({ where: { name: 'whole.test.' }, select: { serial: true, version: true } }),
      records: await db().record.findMany({ where: { zone: { name: 'whole.test.' } }, select: { id: true, name: true, content: true }, orderBy: { id: 'asc' } }),
      changes: await db().change.count({ where: { zone: { name: 'whole.test.' } } }),
    });
    const before = await snapshot();
    expect(before.records).toHaveLength(5002);

    allowChanges = await refuseChanges();
    // Every address changes: thousands of rows deleted and inserted before the journal write fails.
    await expect(importZone('whole.test', zoneFile('whole.test.', 5000, 8, 2), actor)).rejects.toThrow(REFUSED);
    expect(await snapshot()).toEqual(before);

    await allowChanges();
    allowChanges = null;
    const done = await importZone('whole.test', zoneFile('whole.test.', 5000, 8, 2), actor);
    expect(done).toMatchObject({ changed: true, oldSerial: 7, newSerial: 8 });
    expect((await snapshot()).changes).toBe(before.changes + 1);
  });

  it('sends its rows past Prisma, so that a big import costs what the database does', async () => {
    // Counted through a client extension, which sees every statement that goes through Prisma.
    const holder = globalThis as unknown as { __zkPrisma?: ReturnType<typeof db> };
    const base = db();
    const viaPrisma: string[] = [];
    const text = (args: unknown) => JSON.stringify(args, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
    holder.__zkPrisma = base.$extends({
      query: {
        async $allOperations({ operation, args, query }) {
          if (operation === '$executeRaw' && text(args).includes('INSERT INTO \\"Record\\"')) viaPrisma.push(operation);
          return query(args);
        },
      },
    }) as unknown as ReturnType<typeof db>;
    try {
      await importZone('past.test', zoneFile('past.test.', 5000, 1), actor);
      await importZone('past.test', zoneFile('past.test.', 5000, 2, 2), actor);
      expect(viaPrisma).toEqual([]);
      // The count works: a transaction not opened by writeTransaction sends the statement through Prisma.
      const id = await zoneId('past.test.');
      await db().$transaction((tx) => executeBulk(tx, bulkInsert(id, [['extra.past.test.', 'A', 300, '192.0.2.9']])));
      expect(viaPrisma).toHaveLength(1);
    } finally {
      holder.__zkPrisma = base;
    }
    expect(await recordCount('past.test.')).toBe(5003);
  });
});
