// The third database end to end, on a private mariadbd started for this file:
// the MySQL migrations make an empty database current (and a second start
// applies nothing), then the product's own code creates a zone, commits a
// change and reads both back through the MariaDB adapter. Zone names that
// differ only in case stay apart (binary collations, prisma/mysql/translate.mjs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, disconnectDb } from '../db';
import { createDatabase, requireMariadb, startMariadb, type MariadbServer } from '../testing/mariadb';
import { applyChangeset } from '../zones/changes';
import { getZone } from '../zones/data';
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
