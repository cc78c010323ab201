// The third database end to end, on a private mariadbd started for this file:
// the MySQL migrations make an empty database current (and a second start
// applies nothing), then the product's own code creates a zone, commits a
// change and reads both back through the MariaDB adapter. Zone names that
// differ only in case stay apart (binary collations, prisma/mysql/translate.mjs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, disconnectDb, lockInTransaction, TX_LOCK, writeTransaction } from '../db';
import { createDatabase, requireMariadb, startMariadb, type MariadbServer } from '../testing/mariadb';
import { applyChangeset, importZone } from '../zones/changes';
import { TimeSlice } from '../time-slice';
import { getZone, getZoneRecordsPage } from '../zones/data';
import { countChangeRecords } from '../zones/journal';
import { rangeRecordPages, zoneLoadRows, zoneStatesNamed } from '../zones/load-reads';
import { markChangedMany } from '../zones/zone-changes';
import { createZone } from '../zones/zone-lifecycle';
import { listMigrations } from './migrate';
import { migrateMysql, migrationStatements, MYSQL_MIGRATIONS_DIR, pendingMysql } from './migrate-mysql';
import { migrateDatabase } from './database';

const programs = requireMariadb();
const actor = { name: 'tester' };
let server: MariadbServer | null = null;
let url = '';
let sqliteUrl: string | undefined;

beforeAll(async () => {
  if (!programs) return;
  server = await startMariadb(programs);
  url = server.url(await createDatabase(server));
  // Every later db() call of this file goes to MariaDB.
  await disconnectDb();
  sqliteUrl = process.env.DATABASE_URL;
  process.env.DATABASE_URL = url;
}, 120_000);

afterAll(async () => {
  await disconnectDb();
  if (sqliteUrl !== undefined) process.env.DATABASE_URL = sqliteUrl;
  await server?.stop();
});

describe.skipIf(!programs)('MariaDB', () => {
  it('migrates an empty database once; a second start applies nothing', async () => {
    const all = listMigrations(MYSQL_MIGRATIONS_DIR);
    expect(all.length).toBeGreaterThan(0);
    expect(await pendingMysql(url)).toEqual(all);
    expect((await migrateDatabase()).applied).toEqual(all);
    expect((await migrateMysql(url)).applied).toEqual([]);
    expect(await pendingMysql(url)).toEqual([]);
  });

  it('resumes a migration that failed part-way at the failed statement, once its cause is fixed', async () => {
    const other = server!.url(await createDatabase(server!, 'zk_resume'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-my-migrations-'));
    const write = (second: string) => {
      fs.mkdirSync(path.join(dir, '20990101000000_two'), { recursive: true });
      // Without IF NOT EXISTS: running the first statement again would fail.
      fs.writeFileSync(path.join(dir, '20990101000000_two', 'migration.sql'), `CREATE TABLE \`a\` (\`x\` INT);\n${second};\nINSERT INTO \`a\` VALUES (1);\n`);
    };
    try {
      write('CREATE INDEX `i` ON `missing` (`x`)');
      await expect(migrateMysql(other, dir)).rejects.toThrow(/20990101000000_two failed at statement 2 of 3; statements 1 to 1 are applied/);
      expect(await pendingMysql(other, dir)).toEqual(['20990101000000_two']);
      write('CREATE INDEX `i` ON `a` (`x`)');
      expect((await migrateMysql(other, dir)).applied).toEqual(['20990101000000_two']);
      expect((await migrateMysql(other, dir)).applied).toEqual([]);
      const conn = await server!.connect();
      try {
        const db = new URL(other).pathname.slice(1);
        expect(await conn.query(`SELECT \`x\` FROM \`${db}\`.\`a\``)).toEqual([{ x: 1 }]);
      } finally {
        await conn.end();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates a zone, commits a change and reads both back through the product code', async () => {
    const { serial } = await createZone({ name: 'my.example', nameservers: ['ns1.my.example.'] }, actor);
    const r = await applyChangeset(
      'my.example',
      { add: [{ name: 'www', type: 'A', ttl: 300, content: '192.0.2.1' }, { name: 'www', type: 'A', ttl: 300, content: '192.0.2.2' }], comment: 'web', expectedSerial: serial },
      actor,
    );
    expect(r.newSerial).toBe(serial + 1);
    const zone = await getZone('my.example');
    expect(zone?.serial).toBe(serial + 1);
    expect(zone?.records.filter((x) => x.type === 'A').map((x) => x.content).sort()).toEqual(['192.0.2.1', '192.0.2.2']);
    const change = await db().change.findFirstOrThrow({ where: { zoneId: zone!.id }, orderBy: { id: 'desc' } });
    expect(change.comment).toBe('web');
    expect((JSON.parse(change.added) as { name: string; type: string }[]).filter((x) => x.type === 'A')).toHaveLength(2);
    // The changelog's counts, read by the database's JSON functions (the SOA not counted).
    expect((await countChangeRecords([change.id])).get(change.id)).toEqual({ removed: 0, added: 2 });

    await applyChangeset('my.example', { remove: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
    expect((await getZone('my.example'))?.records.filter((x) => x.type === 'A').map((x) => x.content)).toEqual(['192.0.2.2']);

    // The DNS worker's bulk reads (lib/db.ts selectRows, on the driver's own connection).
    const [state] = await zoneStatesNamed(['my.example.']);
    expect(state).toMatchObject({ id: zone!.id, name: 'my.example.', serial: BigInt(serial + 2), kind: 'primary', expiresAt: null });
    const [row] = await zoneLoadRows(zone!.id, zone!.id);
    expect(row).toMatchObject({ name: 'my.example.', serial: BigInt(serial + 2), version: state!.version });
    const pages = [];
    for await (const page of rangeRecordPages(zone!.id, zone!.id, new TimeSlice())) pages.push(...page);
    expect(pages.filter((r) => r[3] === 'A').map((r) => [r[2], r[5]])).toEqual([['www.my.example.', '192.0.2.2']]);
  });

  it('imports a zone file whose records go in as bulk JSON rows', async () => {
    const hosts = Array.from({ length: 300 }, (_, i) => `h${i} IN A 10.0.${i >> 8}.${i & 255}`);
    const text = ['$ORIGIN bulk.example.', '$TTL 300', '@ IN SOA ns1 hostmaster 7 3600 600 86400 300', '@ IN NS ns1', 'ns1 IN A 192.0.2.53', 'txt IN TXT "' + 'x'.repeat(200) + '"', ...hosts].join('\n') + '\n';
    await createZone({ name: 'bulk.example' }, actor);
    await importZone('bulk.example', text, actor);
    const zone = await getZone('bulk.example');
    expect(zone?.records.filter((x) => x.type === 'A')).toHaveLength(301);
    expect(zone?.records.find((x) => x.type === 'TXT')?.content).toBe('"' + 'x'.repeat(200) + '"');
    // The editor's filter: a LIKE whose wildcards in the text are taken literally.
    expect((await getZoneRecordsPage('bulk.example', { q: 'h29' }))?.rrsetCount).toBe(11);
    expect((await getZoneRecordsPage('bulk.example', { q: 'h2_' }))?.rrsetCount).toBe(0);
  });

  it('makes transactions that lock one key take turns, and leaves other keys free', async () => {
    const events: string[] = [];
    let held!: () => void;
    const first = new Promise<void>((resolve) => (held = resolve));
    const holder = writeTransaction(async (tx) => {
      await lockInTransaction(tx, TX_LOCK.zoneNames, 'turns.example.');
      held();
      await new Promise((r) => setTimeout(r, 400));
      events.push('first commits');
    });
    await first;
    // Another name under the same key is not held up.
    await writeTransaction(async (tx) => {
      await lockInTransaction(tx, TX_LOCK.zoneNames, 'other.example.');
      events.push('other name locked');
    });
    await writeTransaction(async (tx) => {
      await lockInTransaction(tx, TX_LOCK.zoneNames, 'turns.example.');
      events.push('second locked');
    });
    await holder;
    expect(events).toEqual(['other name locked', 'first commits', 'second locked']);
  });

  it('appends many zones to the change feed at once', async () => {
    const before = Number((await db().zoneChange.aggregate({ _max: { seq: true } }))._max.seq ?? 0);
    await writeTransaction((tx) => markChangedMany(tx, ['m1.example.', 'm2.example.', 'm3.example.']));
    const rows = await db().zoneChange.findMany({ where: { seq: { gt: before } }, orderBy: { seq: 'asc' } });
    expect(rows.map((r) => r.zone)).toEqual(['m1.example.', 'm2.example.', 'm3.example.']);
  });

  it('keeps zone names apart that differ only in case', async () => {
    await createZone({ name: 'case.example' }, actor);
    // A name the product never writes (it stores names in lower case), as a replicated or hand-made row might hold it.
    const upper = await db().zone.findFirstOrThrow({ where: { name: 'case.example.' } });
    expect(await db().zone.count({ where: { name: 'CASE.EXAMPLE.' } })).toBe(0);
    await db().zone.create({ data: { ...upper, id: undefined, name: 'CASE.EXAMPLE.' } });
    const names = await db().$queryRaw<{ name: string }[]>`SELECT "name" FROM "Zone" WHERE "name" = ${'case.example.'}`;
    expect(names).toEqual([{ name: 'case.example.' }]);
    expect((await getZone('case.example'))?.name).toBe('case.example.');
  });
});

describe('migrationStatements', () => {
  it('splits at semicolons ending a line and drops comment lines', () => {
    expect(migrationStatements('-- a table\nCREATE TABLE `a` (\n  `x` TEXT DEFAULT (\';\')\n);\n\nCREATE INDEX `i` ON `a`(`x`);\n')).toEqual([
      "CREATE TABLE `a` (\n  `x` TEXT DEFAULT (';')\n)",
      'CREATE INDEX `i` ON `a`(`x`)',
    ]);
  });
});
