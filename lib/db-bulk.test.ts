// executeBulk sends a big statement past Prisma, straight on the connection
// of the writeTransaction it belongs to. It must commit and roll back with
// that transaction, never on its own: an import that fails after writing its
// records must leave nothing behind, on every database. And a statement
// stays within the bytes MySQL accepts in one (max_allowed_packet), however
// long the records: lib/db-bulk.ts decides where each batch ends.
import { afterEach, describe, expect, it } from 'vitest';
import { Prisma } from './generated/prisma/client';
import { db, dbProvider, executeBulk, jsonRows, sqlCast, writeTransaction } from './db';
import { BULK_BYTES, BULK_ROWS, evenBatchLength, jsonBytes, jsonRowBatches } from './db-bulk';
import { applyChangeset, importZone } from './zones/changes';
import { getChange } from './zones/data';
import { countChangeRecords } from './zones/journal';
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

describe('where a bulk statement ends', () => {
  it('bounds each JSON value from above, and measures long strings exactly', () => {
    for (const v of [['a.example.', 'A', 300, '192.0.2.1', null], { name: 'x', type: 'TXT', ttl: 1, content: '"é\\" \u0001' }, 'x'.repeat(5000), ['ü'.repeat(400)]]) {
      const exact = Buffer.byteLength(JSON.stringify(v));
      expect(jsonBytes(v)).toBeGreaterThanOrEqual(exact);
    }
    expect(jsonBytes('"'.repeat(1000))).toBe(2002);
  });

  it('ends a batch at BULK_ROWS rows or BULK_BYTES bytes, whichever comes first, and keeps every row once, in order', () => {
    const small = Array.from({ length: 4500 }, (_, i) => i);
    expect([...jsonRowBatches(small, (i) => [i])].map((j) => (JSON.parse(j) as unknown[]).length)).toEqual([BULK_ROWS, BULK_ROWS, 500]);
    const long = Array.from({ length: 300 }, (_, i) => `${i} ${'t'.repeat(60_000)}`);
    const batches = [...jsonRowBatches(long, (t) => [t])];
    expect(batches.length).toBeGreaterThan(4);
    for (const b of batches) expect(Buffer.byteLength(b)).toBeLessThanOrEqual(BULK_BYTES);
    expect(batches.flatMap((b) => (JSON.parse(b) as string[][]).map((r) => r[0]))).toEqual(long);
  });

  it('finds the longest equal batch length whose every batch fits', () => {
    expect(evenBatchLength(Array(5000).fill(100))).toBe(BULK_ROWS);
    expect(evenBatchLength(Array(10).fill(100))).toBe(10);
    const sizes = [...Array(1000).fill(100), ...Array(50).fill(200_000), ...Array(1000).fill(100)];
    const n = evenBatchLength(sizes);
    for (let i = 0; i < sizes.length; i += n) expect(sizes.slice(i, i + n).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(BULK_BYTES);
    expect(n).toBeGreaterThan(BULK_BYTES / 200_000 / 2);
    expect(evenBatchLength([BULK_BYTES * 2])).toBe(1);
  });
});

/** A TXT record's content of about `bytes` (strings of 255 characters, as long as TXT allows in one). */
function longTxt(i: number, bytes: number): string {
  const strings = Array.from({ length: Math.ceil(bytes / 258) }, (_, k) => `"${String(i).padStart(6, '0')}-${k}-`.padEnd(256, 'x') + '"');
  return strings.join(' ');
}

describe('records that together outgrow a MySQL packet (16 MiB on MariaDB 10.11)', () => {
  const zone = 'long-txt.test.';
  const RECORDS = 400;
  const txt = (i: number, gen: string) => ({ name: `t${i}.${zone}`, type: 'TXT', ttl: 300, content: longTxt(i, 60_000).replace(/x/g, gen) });

  it('imports them in one change and reads them back; a changeset replacing them all commits in one change too', async () => {
    const head = [`$ORIGIN ${zone}`, '$TTL 300', '@ IN SOA ns1 hostmaster 1 3600 600 86400 300', '@ IN NS ns1', 'ns1 IN A 192.0.2.53'];
    const first = Array.from({ length: RECORDS }, (_, i) => txt(i, 'a'));
    const total = first.reduce((n, r) => n + r.content.length, 0);
    expect(total).toBeGreaterThan(1.4 * 16 * 1024 * 1024);

    const imported = await importZone(zone, [...head, ...first.map((r) => `${r.name} ${r.ttl} IN TXT ${r.content}`)].join('\n'), actor);
    expect(imported).toMatchObject({ changed: true, newSerial: 1 });
    const stored = async () =>
      (await db().record.findMany({ where: { zone: { name: zone }, type: 'TXT' }, select: { name: true, content: true }, orderBy: { id: 'asc' } })).map((r) => ({
        name: r.name,
        content: r.content,
      }));
    expect(await stored()).toEqual(first.map(({ name, content }) => ({ name, content })));
    const id = await zoneId(zone);
    const created = (await getChange(id, imported.changeId!))!;
    expect(created.added.filter((r) => r.type === 'TXT').map((r) => r.content)).toEqual(first.map((r) => r.content));

    const second = Array.from({ length: RECORDS }, (_, i) => txt(i, 'b'));
    const replaced = await applyChangeset(zone, { remove: first.map(({ name, type }) => ({ name, type })), add: second, comment: 'every TXT anew' }, actor);
    expect(replaced).toMatchObject({ changed: true, oldSerial: 1, newSerial: 2 });
    expect(await stored()).toEqual(second.map(({ name, content }) => ({ name, content })));
    expect(await db().change.count({ where: { zoneId: id } })).toBe(2);
    const change = (await getChange(id, replaced.changeId!))!;
    expect(change.removed.filter((r) => r.type === 'TXT').map((r) => r.content)).toEqual(first.map((r) => r.content));
    expect(change.added.filter((r) => r.type === 'TXT').map((r) => r.content)).toEqual(second.map((r) => r.content));
    // Counted from the row and the last part alone, as the activity pages do: the pieces are shorter than 2,000 records here.
    expect((await countChangeRecords([replaced.changeId!])).get(replaced.changeId!)).toEqual({ removed: RECORDS, added: RECORDS });
  }, 300_000); // most of it in the zone-file parser and the record checks, reading 48 MB of TXT, on every database
});
