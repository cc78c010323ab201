// Migrations against real SQLite files: applied once, in order, and never
// losing data when SQLite rebuilds a table that other tables refer to.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { storedTarget } from '../zones/validate';
import { listMigrations, migrateSqlite, MIGRATIONS_DIR } from './migrate';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'zk-migrate-'));
}

describe('migrateSqlite', () => {
  it('applies every migration once; a second run applies nothing', () => {
    const file = path.join(tempDir(), 'a.db');
    expect(migrateSqlite(file).applied).toEqual(listMigrations());
    expect(migrateSqlite(file).applied).toEqual([]);
  });

  // Regression: the rebuild of "Zone" (create new, copy, drop old) cascaded into Record
  // and Change while foreign keys were enforced inside the migration's transaction.
  it('keeps records and changes when a later migration rebuilds the Zone table', () => {
    const dir = tempDir();
    const only = path.join(dir, 'migrations');
    const all = listMigrations();
    fs.mkdirSync(path.join(only, all[0]!), { recursive: true });
    fs.copyFileSync(path.join(MIGRATIONS_DIR, all[0]!, 'migration.sql'), path.join(only, all[0]!, 'migration.sql'));
    const file = path.join(dir, 'b.db');
    migrateSqlite(file, only);
    const conn = new Database(file);
    conn.exec(`INSERT INTO "Zone" (name, kind, serial, soaMname, soaRname, soaRefresh, soaRetry, soaExpire, soaMinimum, soaTtl, defaultTtl, updatedAt)
               VALUES ('keep.test.', 'primary', 5, 'ns1.keep.test.', 'h.keep.test.', 1, 1, 1, 1, 1, 1, '2026-01-01')`);
    conn.exec(`INSERT INTO "Record" (zoneId, name, type, ttl, content) VALUES (1, 'www.keep.test.', 'A', 60, '192.0.2.1')`);
    conn.exec(`INSERT INTO "Change" (zoneId, actor, oldSerial, newSerial, removed, added) VALUES (1, 'x', 4, 5, '[]', '[]')`);
    conn.close();
    expect(migrateSqlite(file).applied).toEqual(all.slice(1));
    const after = new Database(file);
    expect(after.prepare('SELECT count(*) AS n FROM "Record"').get()).toEqual({ n: 1 });
    expect(after.prepare('SELECT count(*) AS n FROM "Change"').get()).toEqual({ n: 1 });
    expect(after.pragma('foreign_keys', { simple: true })).toBe(1);
    after.close();
  });

  // Records stored before Record.target existed must get it, or a CNAME could be put where one of them points;
  // and what CNAME, PTR, SRV, A and AAAA records point at, or the global search (lib/search) misses them.
  it('gives the records stored before it their targets', () => {
    const dir = tempDir();
    const before = path.join(dir, 'migrations');
    for (const name of listMigrations().filter((m) => m < '20261207000000')) {
      fs.mkdirSync(path.join(before, name), { recursive: true });
      fs.copyFileSync(path.join(MIGRATIONS_DIR, name, 'migration.sql'), path.join(before, name, 'migration.sql'));
    }
    const file = path.join(dir, 'd.db');
    migrateSqlite(file, before);
    const conn = new Database(file);
    conn.exec(`INSERT INTO "Zone" (name, kind, serial, soaMname, soaRname, soaRefresh, soaRetry, soaExpire, soaMinimum, soaTtl, defaultTtl, updatedAt)
               VALUES ('old.test.', 'primary', 5, 'ns1.old.test.', 'h.old.test.', 1, 1, 1, 1, 1, 1, '2026-01-01')`);
    const rows = [
      ['old.test.', 'NS', 'ns1.old.test.'],
      ['old.test.', 'MX', '10 mail.old.test.'],
      ['old.test.', 'MX', '0 .'],
      ['www.old.test.', 'A', '192.0.2.1'],
      ['old.test.', 'TXT', '"v=spf1 mx -all"'],
      ['web.old.test.', 'CNAME', 'www.old.test.'],
      ['1.old.test.', 'PTR', 'www.old.test.'],
      ['_sip._tcp.old.test.', 'SRV', '10 5 5060 sip.old.test.'],
      ['www.old.test.', 'AAAA', '2001:db8::1'],
    ];
    for (const [name, type, content] of rows) conn.prepare(`INSERT INTO "Record" (zoneId, name, type, ttl, content) VALUES (1, ?, ?, 60, ?)`).run(name, type, content);
    conn.close();
    migrateSqlite(file);
    const after = new Database(file);
    const stored = after.prepare('SELECT type, content, target FROM "Record" ORDER BY id').all() as { type: string; content: string; target: string | null }[];
    after.close();
    expect(stored.map((r) => r.target)).toEqual(stored.map((r) => storedTarget(r) ?? null));
    expect(stored.map((r) => r.target)).toEqual([
      'ns1.old.test.', 'mail.old.test.', '.', '192.0.2.1', null, 'www.old.test.', 'www.old.test.', 'sip.old.test.', '2001:db8::1',
    ]);
  });

  it('rolls a failing migration back and says which one failed', () => {
    const dir = tempDir();
    const migrations = path.join(dir, 'migrations');
    fs.mkdirSync(path.join(migrations, '001_ok'), { recursive: true });
    fs.writeFileSync(path.join(migrations, '001_ok', 'migration.sql'), 'CREATE TABLE a (x INTEGER);');
    fs.mkdirSync(path.join(migrations, '002_bad'), { recursive: true });
    fs.writeFileSync(path.join(migrations, '002_bad', 'migration.sql'), 'CREATE TABLE b (x INTEGER); INSERT INTO nope VALUES (1);');
    const file = path.join(dir, 'c.db');
    expect(() => migrateSqlite(file, migrations)).toThrow(/Migration 002_bad failed and was rolled back/);
    const conn = new Database(file);
    const tables = (conn.prepare(`SELECT name FROM sqlite_master WHERE type='table'`).all() as { name: string }[]).map((t) => t.name);
    expect(tables).toContain('a');
    expect(tables).not.toContain('b');
    conn.close();
  });
});
