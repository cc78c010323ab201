// PostgreSQL migrations against the run's real cluster: applied once, in
// order, each in its own transaction; a failing one leaves the database as it
// was; two processes starting together apply each migration once; and the
// migrated tables have the same columns as the migrated SQLite database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { clusterAt, pgQuery } from '../testing/postgres';
import { listMigrations, migrateSqlite } from './migrate';
import { storedTarget } from '../zones/validate';
import { migratePostgres, pendingPostgres, PG_MIGRATIONS_DIR } from './migrate-pg';

const cluster = clusterAt(inject('pg').admin);
let n = 0;
const tempDirs: string[] = [];

afterAll(() => {
  for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
});

async function emptyDatabase(): Promise<string> {
  const name = `zk_migrate_${process.pid}_${++n}`;
  await pgQuery(cluster.url(), `CREATE DATABASE "${name}"`);
  return cluster.url(name);
}

function migrationsDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-pg-migrations-'));
  tempDirs.push(dir);
  for (const [name, sql] of Object.entries(files)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

describe('migratePostgres', () => {
  it('applies every migration once; a second run applies nothing', async () => {
    const url = await emptyDatabase();
    expect(await pendingPostgres(url)).toEqual(listMigrations(PG_MIGRATIONS_DIR));
    expect((await migratePostgres(url)).applied).toEqual(listMigrations(PG_MIGRATIONS_DIR));
    expect((await migratePostgres(url)).applied).toEqual([]);
    expect(await pendingPostgres(url)).toEqual([]);
    const recorded = await pgQuery<{ name: string }>(url, 'SELECT "name" FROM "zk_migrations" ORDER BY "name"');
    expect(recorded.map((r) => r.name)).toEqual(listMigrations(PG_MIGRATIONS_DIR));
  });

  // Records stored before Record.target existed must get it, or a CNAME could be put where one of them points;
  // and what CNAME, PTR, SRV, A and AAAA records point at, or the global search (lib/search) misses them.
  it('gives the records stored before it their targets', async () => {
    const url = await emptyDatabase();
    const before = listMigrations(PG_MIGRATIONS_DIR).filter((m) => m < '20261207000000');
    await migratePostgres(url, migrationsDir(Object.fromEntries(before.map((m) => [m, fs.readFileSync(path.join(PG_MIGRATIONS_DIR, m, 'migration.sql'), 'utf8')]))));
    await pgQuery(url, `INSERT INTO "Zone" (name, kind, serial, "soaMname", "soaRname", "soaRefresh", "soaRetry", "soaExpire", "soaMinimum", "soaTtl", "defaultTtl", "updatedAt")
                        VALUES ('old.test.', 'primary', 5, 'ns1.old.test.', 'h.old.test.', 1, 1, 1, 1, 1, 1, now())`);
    await pgQuery(url, `INSERT INTO "Record" ("zoneId", name, type, ttl, content) VALUES
      (1, 'old.test.', 'NS', 60, 'ns1.old.test.'), (1, 'old.test.', 'MX', 60, '10 mail.old.test.'), (1, 'old.test.', 'MX', 60, '0 .'),
      (1, 'www.old.test.', 'A', 60, '192.0.2.1'), (1, 'old.test.', 'TXT', 60, '"v=spf1 mx -all"'),
      (1, 'web.old.test.', 'CNAME', 60, 'www.old.test.'), (1, '1.old.test.', 'PTR', 60, 'www.old.test.'),
      (1, '_sip._tcp.old.test.', 'SRV', 60, '10 5 5060 sip.old.test.'), (1, 'www.old.test.', 'AAAA', 60, '2001:db8::1')`);
    await migratePostgres(url);
    const stored = await pgQuery<{ type: string; content: string; target: string | null }>(url, 'SELECT type, content, target FROM "Record" ORDER BY id');
    expect(stored.map((r) => r.target)).toEqual(stored.map((r) => storedTarget(r) ?? null));
    expect(stored.map((r) => r.target)).toEqual([
      'ns1.old.test.', 'mail.old.test.', '.', '192.0.2.1', null, 'www.old.test.', 'www.old.test.', 'sip.old.test.', '2001:db8::1',
    ]);
  });

  it('rolls a failing migration back, says which one failed, and keeps the ones before it', async () => {
    const url = await emptyDatabase();
    const dir = migrationsDir({
      '001_ok': 'CREATE TABLE a (x INTEGER);',
      '002_bad': 'CREATE TABLE b (x INTEGER); INSERT INTO a VALUES (1); INSERT INTO nope VALUES (1);',
      '003_later': 'CREATE TABLE c (x INTEGER);',
    });
    await expect(migratePostgres(url, dir)).rejects.toThrow(/Migration 002_bad failed and was rolled back; the database is as it was before it\. Cause: .*"nope"/);
    const tables = await pgQuery<{ tablename: string }>(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
    expect(tables.map((t) => t.tablename)).toEqual(['a', 'zk_migrations']);
    expect(await pgQuery(url, 'SELECT count(*)::int AS n FROM a')).toEqual([{ n: 0 }]);
    expect(await pendingPostgres(url, dir)).toEqual(['002_bad', '003_later']);
  });

  it('applies each migration once when two processes start at the same moment', async () => {
    const url = await emptyDatabase();
    const [a, b] = await Promise.all([migratePostgres(url), migratePostgres(url)]);
    expect([...a.applied, ...b.applied].sort()).toEqual(listMigrations(PG_MIGRATIONS_DIR));
  });

  it('gives the tables the same columns as the SQLite migrations do', async () => {
    const url = await emptyDatabase();
    await migratePostgres(url);
    const cmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-cmp-'));
    tempDirs.push(cmpDir);
    const file = path.join(cmpDir, 'cmp.db');
    migrateSqlite(file);
    const conn = new Database(file, { readonly: true });
    const sqlite: Record<string, string[]> = {};
    for (const { name } of conn.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as { name: string }[]) {
      sqlite[name] = (conn.prepare(`SELECT name FROM pragma_table_info(?)`).all(name) as { name: string }[]).map((c) => c.name).sort();
    }
    conn.close();
    const pg: Record<string, string[]> = {};
    for (const r of await pgQuery<{ table_name: string; column_name: string }>(
      url,
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`,
    )) {
      (pg[r.table_name] ??= []).push(r.column_name);
    }
    for (const cols of Object.values(pg)) cols.sort();
    expect(pg).toEqual(sqlite);
  });
});
